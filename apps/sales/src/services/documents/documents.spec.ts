import type { QuotationLineRow, QuotationRow } from '../quotation-rows';
import type { ContactCopy } from '../directory';
import { attachmentName, buildQuotationDocument } from './quotation-document';
import { escapeHtml, renderQuotationEmail } from './quotation-email';
import { renderQuotationPdf } from './quotation-pdf';

const at = new Date('2026-11-23T02:00:00Z');
const quotation: QuotationRow = {
  id: 'q1',
  number: 'S00001',
  state: 'draft',
  customerId: 'c1',
  invoiceAddressId: 'c2',
  deliveryAddressId: 'c1',
  opportunityId: 'o1',
  salespersonId: null,
  teamId: null,
  branchId: null,
  origin: '200 Office Chairs',
  clientOrderRef: null,
  campaign: null,
  medium: null,
  source: null,
  tagIds: [],
  note: 'Delivery within 14 days <b>guaranteed</b>',
  quotationDate: '2026-11-23',
  validityDate: '2026-12-23',
  orderDate: null,
  currency: 'IDR',
  amountUntaxed: '97500000.00',
  amountTax: '10725000.00',
  amountTotal: '108225000.00',
  lastSentAt: null,
  version: 1,
  createdAt: at,
  updatedAt: at,
  createdBy: null,
  updatedBy: null,
};
const line: QuotationLineRow = {
  id: 'l1',
  quotationId: 'q1',
  sequence: 10,
  productId: 'p1',
  description: '[FURN-0001] Office Chair',
  quantity: '200',
  unitPrice: '500000',
  discount: '2.5',
  taxIds: ['t1'],
  taxes: [{ taxId: 't1', name: 'PPN 11%', percent: '11', priceIncluded: false, base: '97500000.00', amount: '10725000.00' }],
  subtotal: '97500000.00',
  tax: '10725000.00',
  total: '108225000.00',
};
const contact = (id: string, name: string, extra: Partial<ContactCopy> = {}): ContactCopy => ({
  id,
  name,
  kind: 'company',
  parentId: null,
  addressType: null,
  street: null,
  street2: null,
  city: null,
  state: null,
  zip: null,
  countryCode: null,
  email: null,
  phone: null,
  mobile: null,
  active: true,
  ...extra,
});
const contacts = new Map([
  ['c1', contact('c1', 'PT Avengers Initiative', { street: 'Jl. Sudirman 1', zip: '10220', city: 'Jakarta', countryCode: 'ID' })],
  ['c2', contact('c2', 'Avengers Finance', { parentId: 'c1', addressType: 'invoice' })],
]);

describe('quotation documents', () => {
  const doc = buildQuotationDocument(quotation, [line], contacts, { company: 'PT Jura Tempest', timeZone: 'Asia/Jakarta' });

  it('formats what the PDF and the e-mail show', () => {
    expect(doc).toMatchObject({
      kind: 'Quotation',
      customer: { name: 'PT Avengers Initiative', lines: ['Jl. Sudirman 1', '10220 Jakarta', 'ID'] },
      invoiceAddress: { name: 'Avengers Finance' },
      deliveryAddress: null,
      facts: [
        { label: 'Quotation Date', value: '23/11/2026' },
        { label: 'Expiration', value: '23/12/2026' },
        { label: 'Source', value: '200 Office Chairs' },
      ],
      lines: [{ quantity: '200', unitPrice: '500,000.00', discount: '2.5%', taxes: 'PPN 11%', subtotal: '97,500,000.00' }],
      hasDiscount: true,
      amountUntaxed: '97,500,000.00',
      taxTotals: [{ name: 'PPN 11%', amount: '10,725,000.00' }],
      amountTotal: '108,225,000.00',
    });
    expect(attachmentName(doc)).toBe('Quotation - S00001.pdf');
    const order = buildQuotationDocument({ ...quotation, state: 'sale', orderDate: new Date('2026-11-30T20:00:00Z') }, [line], contacts, {
      company: 'PT Jura Tempest',
      timeZone: 'Asia/Jakarta',
    });
    expect(order.kind).toBe('Order');
    expect(order.facts[0]).toEqual({ label: 'Order Date', value: '01/12/2026' });
  });

  it('writes the e-mail with everything escaped', () => {
    const mail = renderQuotationEmail(doc, 'Dear <Pepper>,\nas discussed.');
    expect(mail.subject).toBe('PT Jura Tempest Quotation (Ref S00001)');
    expect(mail.text).toContain('Your quotation S00001 amounting in IDR 108,225,000.00 is ready for review.');
    expect(mail.html).toContain('Dear &lt;Pepper&gt;,<br/>as discussed.');
    expect(mail.html).toContain('<strong>S00001</strong>');
    expect(mail.html).not.toContain('<Pepper>');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders a PDF, several pages when the lines need them', async () => {
    const pdf = await renderQuotationPdf(doc, at);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const many = Array.from({ length: 80 }, (_, i) => ({ ...line, id: `l${i}`, description: `Line ${i}\nwith a second row` }));
    const long = await renderQuotationPdf(buildQuotationDocument(quotation, many, contacts, { company: 'X', timeZone: 'UTC' }), at);
    const pages = (long.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThan(1);
  });
});
