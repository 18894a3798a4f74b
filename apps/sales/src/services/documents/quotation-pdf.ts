import PDFDocument from 'pdfkit';
import type { QuotationDocument } from './quotation-document';

const MARGIN = 50;

/** Renders the quotation / order as an A4 PDF (pdfkit, built-in Helvetica): the document attached to the e-mail. */
export function renderQuotationPdf(doc: QuotationDocument, createdAt: Date): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `${doc.kind} ${doc.number}`, Author: doc.company, Subject: `${doc.kind} ${doc.number} for ${doc.customer.name}`, CreationDate: createdAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = pdf.page.width - 2 * MARGIN;
  const bottom = () => pdf.page.height - MARGIN;

  pdf.font('Helvetica-Bold').fontSize(14).text(doc.company, MARGIN, MARGIN);
  pdf.moveDown(1.5);

  // Addresses: the customer on the right, invoice/delivery addresses on the left (as Odoo prints them).
  const top = pdf.y;
  let leftY = top;
  const block = (title: string | null, address: { name: string; lines: string[] }, x: number, y: number, w: number) => {
    pdf.x = x;
    pdf.y = y;
    pdf.fontSize(9);
    if (title) pdf.font('Helvetica-Bold').text(title, { width: w });
    pdf.font(title ? 'Helvetica' : 'Helvetica-Bold').fontSize(title ? 9 : 10).text(address.name, { width: w });
    pdf.font('Helvetica').fontSize(9);
    for (const line of address.lines) pdf.text(line, { width: w });
    return pdf.y;
  };
  if (doc.invoiceAddress) leftY = block('Invoicing address:', doc.invoiceAddress, MARGIN, leftY, width / 2 - 10) + 6;
  if (doc.deliveryAddress) leftY = block('Shipping address:', doc.deliveryAddress, MARGIN, leftY, width / 2 - 10);
  const rightY = block(null, doc.customer, MARGIN + width / 2, top, width / 2);
  pdf.y = Math.max(leftY, rightY) + 20;

  pdf.font('Helvetica-Bold').fontSize(18).text(`${doc.kind} # ${doc.number}`, MARGIN, pdf.y);
  pdf.moveDown(0.5);
  const factsY = pdf.y;
  const factWidth = width / Math.max(doc.facts.length, 1);
  doc.facts.forEach((fact, i) => {
    pdf.font('Helvetica-Bold').fontSize(9).text(fact.label, MARGIN + i * factWidth, factsY, { width: factWidth - 8 });
    pdf.font('Helvetica').text(fact.value, { width: factWidth - 8 });
  });
  pdf.y += 16;

  const columns = [
    { key: 'description', label: 'Description', width: doc.hasDiscount ? 0.36 : 0.44, align: 'left' as const },
    { key: 'quantity', label: 'Quantity', width: 0.11, align: 'right' as const },
    { key: 'unitPrice', label: 'Unit Price', width: 0.16, align: 'right' as const },
    ...(doc.hasDiscount ? [{ key: 'discount', label: 'Disc.%', width: 0.08, align: 'right' as const }] : []),
    { key: 'taxes', label: 'Taxes', width: 0.12, align: 'right' as const },
    { key: 'subtotal', label: `Amount`, width: 0.17, align: 'right' as const },
  ];
  const row = (cells: Record<string, string>, bold: boolean) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    const heights = columns.map((c) => pdf.heightOfString(cells[c.key] ?? '', { width: c.width * width - 6 }));
    const height = Math.max(...heights) + 6;
    if (pdf.y + height > bottom()) pdf.addPage();
    const y = pdf.y;
    let x = MARGIN;
    for (const c of columns) {
      pdf.text(cells[c.key] ?? '', x + 3, y + 3, { width: c.width * width - 6, align: c.align });
      x += c.width * width;
    }
    pdf.y = y + height;
    pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + width, pdf.y).lineWidth(0.5).strokeColor('#cccccc').stroke();
  };
  row(Object.fromEntries(columns.map((c) => [c.key, c.key === 'subtotal' ? `Amount (${doc.currency})` : c.label])), true);
  for (const line of doc.lines) row(line, false);

  pdf.y += 10;
  const totals: [string, string, boolean][] = [
    ['Untaxed Amount', doc.amountUntaxed, false],
    ...doc.taxTotals.map((t): [string, string, boolean] => [t.name, t.amount, false]),
    [`Total (${doc.currency})`, doc.amountTotal, true],
  ];
  for (const [label, amount, bold] of totals) {
    if (pdf.y + 16 > bottom()) pdf.addPage();
    const y = pdf.y;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 11 : 9);
    pdf.text(label, MARGIN + width * 0.5, y, { width: width * 0.3 });
    pdf.text(amount, MARGIN + width * 0.8, y, { width: width * 0.2, align: 'right' });
    pdf.y = y + (bold ? 18 : 14);
  }
  if (doc.note) {
    pdf.moveDown(1);
    pdf.font('Helvetica').fontSize(9).text(doc.note, MARGIN, pdf.y, { width });
  }
  pdf.end();
  return done;
}
