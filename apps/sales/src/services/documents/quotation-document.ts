import { Decimal, formatDecimal, minorUnits } from '@crm/money';
import { localDate } from '../../domain/zoned-time';
import type { ContactCopy } from '../directory';
import type { QuotationLineRow, QuotationRow } from '../quotation-rows';

/** What a printed quotation / order shows, already formatted: the PDF and the e-mail render it. */
export interface QuotationDocument {
  company: string;
  /** "Quotation" or "Order" (Odoo's report titles). */
  kind: 'Quotation' | 'Order';
  number: string;
  currency: string;
  customer: AddressBlock;
  invoiceAddress: AddressBlock | null;
  deliveryAddress: AddressBlock | null;
  facts: { label: string; value: string }[];
  lines: { description: string; quantity: string; unitPrice: string; discount: string; taxes: string; subtotal: string }[];
  hasDiscount: boolean;
  amountUntaxed: string;
  taxTotals: { name: string; amount: string }[];
  amountTotal: string;
  note: string | null;
}

export interface AddressBlock {
  name: string;
  lines: string[];
}

function addressBlock(contact: ContactCopy | undefined, fallbackId: string): AddressBlock {
  if (!contact) return { name: `Contact ${fallbackId.slice(0, 8)}`, lines: [] };
  const cityLine = [contact.zip, contact.city].filter(Boolean).join(' ');
  return {
    name: contact.name,
    lines: [contact.street, contact.street2, cityLine, contact.state, contact.countryCode, contact.phone, contact.email].filter(
      (v): v is string => !!v,
    ),
  };
}

function displayDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

export function buildQuotationDocument(
  q: QuotationRow,
  lines: QuotationLineRow[],
  contacts: ReadonlyMap<string, ContactCopy>,
  options: { company: string; timeZone: string },
): QuotationDocument {
  const digits = minorUnits(q.currency);
  const money = (value: string) => formatDecimal(value, digits);
  const kind = q.state === 'sale' ? 'Order' : 'Quotation';
  const facts: { label: string; value: string }[] = [];
  if (kind === 'Order' && q.orderDate) facts.push({ label: 'Order Date', value: displayDate(localDate(q.orderDate, options.timeZone)) });
  else facts.push({ label: 'Quotation Date', value: displayDate(q.quotationDate) });
  if (kind === 'Quotation' && q.validityDate) facts.push({ label: 'Expiration', value: displayDate(q.validityDate) });
  if (q.clientOrderRef) facts.push({ label: 'Your Reference', value: q.clientOrderRef });
  if (q.origin) facts.push({ label: 'Source', value: q.origin });
  const taxTotals = new Map<string, Decimal>();
  for (const line of lines) {
    for (const tax of line.taxes) taxTotals.set(tax.name, (taxTotals.get(tax.name) ?? Decimal.ZERO).plus(tax.amount));
  }
  const customer = addressBlock(contacts.get(q.customerId), q.customerId);
  const other = (id: string | null) => (id && id !== q.customerId ? addressBlock(contacts.get(id), id) : null);
  return {
    company: options.company,
    kind,
    number: q.number,
    currency: q.currency,
    customer,
    invoiceAddress: other(q.invoiceAddressId),
    deliveryAddress: other(q.deliveryAddressId),
    facts,
    lines: lines.map((l) => ({
      description: l.description,
      quantity: formatDecimal(l.quantity, Decimal.of(l.quantity).decimalPlaces()),
      unitPrice: formatDecimal(l.unitPrice, Math.max(digits, Decimal.of(l.unitPrice).decimalPlaces())),
      discount: Decimal.of(l.discount).isZero() ? '' : `${Decimal.of(l.discount).toString()}%`,
      taxes: l.taxes.map((t) => t.name).join(', '),
      subtotal: money(l.subtotal),
    })),
    hasDiscount: lines.some((l) => !Decimal.of(l.discount).isZero()),
    amountUntaxed: money(q.amountUntaxed),
    taxTotals: [...taxTotals].map(([name, amount]) => ({ name, amount: money(amount.toString()) })),
    amountTotal: money(q.amountTotal),
    note: q.note,
  };
}

export function attachmentName(doc: QuotationDocument): string {
  return `${doc.kind} - ${doc.number}.pdf`;
}
