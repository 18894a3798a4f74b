import { auditFields, dateTime, decimal, nullableDateTime, nullableString, nullableUuid, objectSchema, type JsonSchema } from './common';

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
          /** Taxes of the line and subtotal + taxes, in the quotation's currency. */
          tax: decimal,
          total: decimal,
          sequence: { type: 'integer' },
        },
        required: ['description', 'quantity', 'unitPrice', 'subtotal'],
      },
    },
    amountUntaxed: decimal,
    amountTax: decimal,
    amountTotal: decimal,
    state: { enum: ['draft', 'sent', 'sale', 'cancelled'] },
    /** Source document (the opportunity's name when made from one). */
    origin: nullableString,
    clientOrderRef: nullableString,
    /** Marketing attribution copied from the opportunity. */
    campaign: nullableString,
    medium: nullableString,
    source: nullableString,
    tagIds: { type: 'array', items: { type: 'string' } },
    note: nullableString,
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
    /** The booked instant (bookingDate + service time in the branch's time zone). */
    scheduledAt: nullableDateTime,
    timeZone: nullableString,
    /** The lead/opportunity number, e.g. LDS/MAN01/2007/01219. */
    leadNumber: nullableString,
    salespersonId: nullableUuid,
    teamId: nullableUuid,
  },
  ['id', 'number', 'bookingDate', 'branchId', 'customerId', 'serviceType', 'state', 'version'],
);

/** `sent`: the e-mail that went out, so the chatter (activities) can log it. */
export const quotationSentExtra: Record<string, JsonSchema> = {
  mail: {
    type: 'object',
    properties: {
      messageId: nullableString,
      from: { type: 'string' },
      to: { type: 'array', items: { type: 'string' } },
      cc: { type: 'array', items: { type: 'string' } },
      subject: { type: 'string' },
      bodyText: { type: 'string' },
      attachments: { type: 'array', items: { type: 'string' } },
      sentAt: dateTime,
      sentBy: nullableUuid,
    },
    required: ['from', 'to', 'subject', 'sentAt'],
  },
};

/** `confirmed`: whether the order's sales team wants its opportunity marked won (the pipeline acts on it). */
export const quotationConfirmedExtra: Record<string, JsonSchema> = {
  marksOpportunityWon: { type: 'boolean' },
};
