import { TOPICS, type StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { s, upsertVersioned } from './upsert';
import type { Projector } from './target';

const uuidOrNull = (v: unknown) => (isUuid(v) ? v : null);

const applyQuotation: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<Record<string, unknown>>).state;
  await upsertVersioned(manager, `"${target.schema}".quotation_rm`, {
    id: [st['id'], 'uuid'],
    version: [st['version'], 'int'],
    number: [st['number']],
    customer_id: [uuidOrNull(st['customerId']), 'uuid'],
    opportunity_id: [uuidOrNull(st['opportunityId']), 'uuid'],
    salesperson_id: [uuidOrNull(st['salespersonId']), 'uuid'],
    team_id: [uuidOrNull(st['teamId']), 'uuid'],
    branch_id: [s(st['branchId'])],
    quotation_date: [s(st['quotationDate']), 'date'],
    order_date: [s(st['orderDate']), 'timestamptz'],
    currency: [st['currency']],
    amount_untaxed: [st['amountUntaxed'], 'numeric'],
    amount_tax: [st['amountTax'], 'numeric'],
    amount_total: [st['amountTotal'], 'numeric'],
    state: [st['state']],
    created_at: [s(st['createdAt']), 'timestamptz'],
    updated_at: [s(st['updatedAt']), 'timestamptz'],
  });
};

const applyBooking: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<Record<string, unknown>>).state;
  await upsertVersioned(manager, `"${target.schema}".booking_rm`, {
    id: [st['id'], 'uuid'],
    version: [st['version'], 'int'],
    number: [st['number']],
    booking_date: [st['bookingDate'], 'date'],
    branch_id: [st['branchId']],
    opportunity_id: [uuidOrNull(st['opportunityId']), 'uuid'],
    customer_id: [uuidOrNull(st['customerId']), 'uuid'],
    service_type: [st['serviceType']],
    visit_reason: [s(st['visitReason'])],
    state: [st['state']],
    work_order_number: [s(st['workOrderNumber'])],
    created_at: [s(st['createdAt']), 'timestamptz'],
    updated_at: [s(st['updatedAt']), 'timestamptz'],
  });
};

export const salesHandlers: Record<string, Projector> = {
  ...Object.fromEntries(['created', 'updated', 'sent', 'confirmed', 'cancelled'].map((e) => [`crm.sales.quotation.${e}.v1`, applyQuotation])),
  ...Object.fromEntries(['created', 'updated', 'posted', 'cancelled', 'work_order_created'].map((e) => [`crm.sales.booking.${e}.v1`, applyBooking])),
};

export const SALES_TOPICS = [TOPICS.salesQuotation, TOPICS.salesBooking];
