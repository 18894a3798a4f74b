import { auditFields, decimal, nullableDateTime, nullableString, nullableUuid, objectSchema, type JsonSchema } from './common';

const date: JsonSchema = { type: 'string', format: 'date' };
const nullableDate: JsonSchema = { anyOf: [date, { type: 'null' }] };

/** crm.sales.quotation — a quotation, and the sales order it becomes once confirmed. */
export const quotationState: JsonSchema = objectSchema(
  {
    ...auditFields,
    number: { type: 'string', minLength: 1 },
    customerId: { type: 'string', format: 'uuid' },
    invoiceAddressId: nullableUuid,
    deliveryAddressId: nullableUuid,
    opportunityId: nullableUuid,
    salespersonId: nullableUuid,
    teamId: nullableUuid,
    branchId: nullableString,
    quotationDate: date,
    validityDate: nullableDate,
    orderDate: nullableDateTime,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          productId: nullableUuid,
          description: { type: 'string' },
          quantity: decimal,
          unitPrice: decimal,
          discount: decimal,
          taxIds: { type: 'array', items: { type: 'string' } },
          subtotal: decimal,
        },
        required: ['description', 'quantity', 'unitPrice', 'subtotal'],
      },
    },
    amountUntaxed: decimal,
    amountTax: decimal,
    amountTotal: decimal,
    state: { enum: ['draft', 'sent', 'sale', 'cancelled'] },
  },
  ['id', 'number', 'customerId', 'currency', 'amountUntaxed', 'amountTax', 'amountTotal', 'state', 'version'],
);

/** crm.sales.booking — the dealer workshop's booking service (seed 002). */
export const bookingState: JsonSchema = objectSchema(
  {
    ...auditFields,
    number: { type: 'string', minLength: 1 },
    bookingDate: date,
    serviceHour: { type: 'integer', minimum: 0, maximum: 23 },
    serviceMinute: { type: 'integer', minimum: 0, maximum: 59 },
    branchId: { type: 'string' },
    opportunityId: nullableUuid,
    customerId: { type: 'string', format: 'uuid' },
    mobile: nullableString,
    engineNumber: nullableString,
    /** KPB1…KPB4 (free service visits) or REGULAR. */
    serviceType: { enum: ['KPB1', 'KPB2', 'KPB3', 'KPB4', 'REGULAR'] },
    visitReason: nullableString,
    complaint: nullableString,
    carrierRelation: nullableString,
    pit: nullableString,
    mechanic: nullableString,
    serviceAdvisor: nullableString,
    state: { enum: ['draft', 'posted', 'cancelled', 'work_order_created'] },
    workOrderNumber: nullableString,
  },
  ['id', 'number', 'bookingDate', 'branchId', 'customerId', 'serviceType', 'state', 'version'],
);
