import type { QuotationDocument } from './quotation-document';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Odoo's "Sales: Send Quotation" template: subject "<company> Quotation (Ref S00001)", a short body, the PDF attached. */
export function renderQuotationEmail(doc: QuotationDocument, message: string | null): RenderedEmail {
  const subject = `${doc.company} ${doc.kind} (Ref ${doc.number})`;
  const amount = `${doc.currency} ${doc.amountTotal}`;
  const intro =
    doc.kind === 'Order'
      ? `Your order ${doc.number} amounting in ${amount} has been confirmed. Thank you for your trust!`
      : `Your quotation ${doc.number} amounting in ${amount} is ready for review.`;
  const closing = 'Do not hesitate to contact us if you have any questions.';
  const lines = doc.lines.map((l) => `- ${l.description.split('\n')[0]}: ${l.quantity} × ${l.unitPrice} = ${l.subtotal}`);
  const text = [
    'Hello,',
    '',
    ...(message ? [message, ''] : []),
    intro,
    '',
    ...lines,
    `Total: ${amount}`,
    '',
    closing,
    '',
    `-- ${doc.company}`,
  ].join('\n');
  const row = (cells: string[], tag: 'td' | 'th') =>
    `<tr>${cells.map((c, i) => `<${tag} style="padding:4px 8px;text-align:${i === 0 ? 'left' : 'right'}">${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  const html = `<!DOCTYPE html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:13px;color:#222">
<p>Hello,</p>
${message ? `<p>${escapeHtml(message).replace(/\n/g, '<br/>')}</p>` : ''}
<p>${escapeHtml(intro).replace(doc.number, `<strong>${escapeHtml(doc.number)}</strong>`).replace(escapeHtml(amount), `<strong>${escapeHtml(amount)}</strong>`)}</p>
<table style="border-collapse:collapse;border:1px solid #ddd">
${row(['Description', 'Quantity', 'Unit Price', `Amount (${doc.currency})`], 'th')}
${doc.lines.map((l) => row([l.description.split('\n')[0]!, l.quantity, l.unitPrice, l.subtotal], 'td')).join('\n')}
${row(['Untaxed Amount', '', '', doc.amountUntaxed], 'td')}
${doc.taxTotals.map((t) => row([t.name, '', '', t.amount], 'td')).join('\n')}
${row([`Total (${doc.currency})`, '', '', doc.amountTotal], 'th')}
</table>
<p>${escapeHtml(closing)}</p>
<p>-- <br/>${escapeHtml(doc.company)}</p>
</body></html>`;
  return { subject, html, text };
}
