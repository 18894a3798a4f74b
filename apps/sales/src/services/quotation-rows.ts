import { stateEvent, type CloudEvent } from '@crm/events';
import { moneyString } from '@crm/money';
import type { TaxAmount } from '../domain/line-amounts';
import type { QuotationState } from '../domain/quotation-state';
import { decimalText, iso } from './common';

export interface QuotationRow {
  id: string;
  number: string;
  state: QuotationState;
  customerId: string;
  invoiceAddressId: string | null;
  deliveryAddressId: string | null;
  opportunityId: string | null;
  salespersonId: string | null;
  teamId: string | null;
  branchId: string | null;
  origin: string | null;
  clientOrderRef: string | null;
  campaign: string | null;
  medium: string | null;
  source: string | null;
  tagIds: string[];
  note: string | null;
  quotationDate: string;
  validityDate: string | null;
  orderDate: Date | null;
  currency: string;
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
  lastSentAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface QuotationLineRow {
  id: string;
  quotationId: string;
  sequence: number;
  productId: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxIds: string[];
  taxes: TaxAmount[];
  subtotal: string;
  tax: string;
  total: string;
}

export const QUOTATION_COLUMNS = `q.id, q.number, q.state, q.customer_id AS "customerId", q.invoice_address_id AS "invoiceAddressId",
  q.delivery_address_id AS "deliveryAddressId", q.opportunity_id AS "opportunityId", q.salesperson_id AS "salespersonId",
  q.team_id AS "teamId", q.branch_id AS "branchId", q.origin, q.client_order_ref AS "clientOrderRef", q.campaign, q.medium,
  q.source, q.tag_ids AS "tagIds", q.note, q.quotation_date::text AS "quotationDate", q.validity_date::text AS "validityDate",
  q.order_date AS "orderDate", q.currency, q.amount_untaxed AS "amountUntaxed", q.amount_tax AS "amountTax",
  q.amount_total AS "amountTotal", q.last_sent_at AS "lastSentAt", q.version, q.created_at AS "createdAt",
  q.updated_at AS "updatedAt", q.created_by AS "createdBy", q.updated_by AS "updatedBy"`;

export const LINE_COLUMNS = `l.id, l.quotation_id AS "quotationId", l.sequence, l.product_id AS "productId", l.description,
  l.quantity, l.unit_price AS "unitPrice", l.discount, l.tax_ids AS "taxIds", l.taxes, l.subtotal, l.tax, l.total, q.currency`;

/** Amounts with exactly the currency's minor units ("100000000.00"), never floats. */
export function mapQuotation(raw: Record<string, unknown>): QuotationRow {
  const row = raw as unknown as QuotationRow;
  return {
    ...row,
    amountUntaxed: moneyString(String(raw['amountUntaxed']), row.currency),
    amountTax: moneyString(String(raw['amountTax']), row.currency),
    amountTotal: moneyString(String(raw['amountTotal']), row.currency),
  };
}

export function mapLine(raw: Record<string, unknown>): QuotationLineRow {
  const currency = raw['currency'] as string;
  const { currency: _currency, ...row } = raw as unknown as QuotationLineRow & { currency: string };
  return {
    ...row,
    quantity: decimalText(row.quantity),
    unitPrice: decimalText(row.unitPrice),
    discount: decimalText(row.discount),
    subtotal: moneyString(String(row.subtotal), currency),
    tax: moneyString(String(row.tax), currency),
    total: moneyString(String(row.total), currency),
  };
}

/** The aggregate's full state as events carry it (crm.sales.quotation). */
export function quotationState(q: QuotationRow, lines: QuotationLineRow[]): { id: string } & Record<string, unknown> {
  return {
    id: q.id,
    number: q.number,
    state: q.state,
    customerId: q.customerId,
    invoiceAddressId: q.invoiceAddressId,
    deliveryAddressId: q.deliveryAddressId,
    opportunityId: q.opportunityId,
    salespersonId: q.salespersonId,
    teamId: q.teamId,
    branchId: q.branchId,
    origin: q.origin,
    clientOrderRef: q.clientOrderRef,
    campaign: q.campaign,
    medium: q.medium,
    source: q.source,
    tagIds: q.tagIds,
    note: q.note,
    quotationDate: q.quotationDate,
    validityDate: q.validityDate,
    orderDate: iso(q.orderDate),
    currency: q.currency,
    lines: lines.map((l) => ({
      id: l.id,
      sequence: l.sequence,
      productId: l.productId,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discount: l.discount,
      taxIds: l.taxIds,
      subtotal: l.subtotal,
      tax: l.tax,
      total: l.total,
    })),
    amountUntaxed: q.amountUntaxed,
    amountTax: q.amountTax,
    amountTotal: q.amountTotal,
    version: q.version,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
    createdBy: q.createdBy,
    updatedBy: q.updatedBy,
  };
}

export type QuotationEventName = 'created' | 'updated' | 'sent' | 'confirmed' | 'cancelled';

export function quotationEvent(
  event: QuotationEventName,
  q: QuotationRow,
  lines: QuotationLineRow[],
  options: { time: Date; traceparent?: string; changes?: Record<string, { from: unknown; to: unknown }>; extra?: Record<string, unknown> },
): CloudEvent {
  return stateEvent({ subgraph: 'sales', aggregate: 'quotation', event, state: quotationState(q, lines), ...options });
}
