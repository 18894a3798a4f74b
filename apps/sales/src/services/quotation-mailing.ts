import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { badInput, notFound, serviceUnavailable } from '@crm/graphql';
import { envString, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { nextQuotationState } from '../domain/quotation-state';
import { checkVersion } from './common';
import { findContacts } from './directory';
import { attachmentName, buildQuotationDocument } from './documents/quotation-document';
import { renderQuotationEmail } from './documents/quotation-email';
import { renderQuotationPdf } from './documents/quotation-pdf';
import { MailDeliveryError, type Mailer } from './mailer';
import type { QuotationRow } from './quotation-rows';
import type { QuotationService } from './quotation-service';

export interface SendQuotationInput {
  id: string;
  expectedVersion?: number | null;
  /** Recipients; default: the customer's e-mail address. */
  to?: string[] | null;
  cc?: string[] | null;
  /** A personal message above the standard text. */
  message?: string | null;
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

function emails(values: readonly string[] | null | undefined, field: string): string[] {
  return [...new Set((values ?? []).map((v) => v.trim().toLowerCase()))].map((v) => {
    if (!EMAIL.test(v)) throw badInput(field, `"${v}" is not an e-mail address`);
    return v;
  });
}

/**
 * "Send by Email": renders the quotation (PDF + HTML), sends it over SMTP, then records the
 * sending (draft → sent, `sent` event with the mail for the chatter). When the SMTP server
 * cannot be reached nothing changes and the error says why; a retry sends again.
 */
export class QuotationMailing {
  private readonly company = envString('COMPANY_NAME', 'PT Jura Tempest');

  constructor(
    private readonly dataSource: DataSource,
    private readonly quotations: QuotationService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  /** The PDF as sent, without sending it (for download). */
  async pdf(id: string, ctx: BaseContext): Promise<{ filename: string; content: Buffer } | null> {
    const user = requireUser(ctx);
    const [quotation] = await this.quotations.findVisibleByIds([id], user);
    if (!quotation) return null;
    const doc = await this.document(quotation, user.tz);
    return { filename: attachmentName(doc), content: await renderQuotationPdf(doc, this.clock.now()) };
  }

  async send(input: SendQuotationInput, ctx: BaseContext): Promise<QuotationRow> {
    const user = requireUser(ctx);
    const cc = emails(input.cc, 'cc');
    let to = emails(input.to, 'to');
    const message = input.message?.trim() || null;
    const [quotation] = await this.quotations.findVisibleByIds([input.id], user);
    if (!quotation) throw notFound('Quotation', input.id);
    checkVersion('Quotation', quotation, input.expectedVersion);
    nextQuotationState(quotation.state, 'send');
    if (to.length === 0) {
      const customer = (await findContacts(this.dataSource.manager, [quotation.customerId])).get(quotation.customerId);
      if (!customer?.email) throw badInput('to', 'the customer has no e-mail address; name the recipients');
      to = [customer.email.toLowerCase()];
    }
    const doc = await this.document(quotation, user.tz);
    const email = renderQuotationEmail(doc, message);
    const filename = attachmentName(doc);
    const pdf = await renderQuotationPdf(doc, this.clock.now());
    let messageId: string | null;
    try {
      ({ messageId } = await this.mailer.send({
        to,
        cc,
        subject: email.subject,
        html: email.html,
        text: email.text,
        attachments: [{ filename, content: pdf, contentType: 'application/pdf' }],
      }));
    } catch (error) {
      if (!(error instanceof MailDeliveryError)) throw error;
      if (error.recipientRejected) throw badInput('to', `the mail server refused a recipient: ${error.message}`);
      throw serviceUnavailable('smtp', `${quotation.number} was not sent: the mail server ${this.mailer.server} failed (${error.message}); the quotation is unchanged, try again`, {
        reason: error.code,
      });
    }
    return this.quotations.recordSent(
      quotation.id,
      {
        messageId,
        from: this.mailer.from,
        to,
        cc,
        subject: email.subject,
        bodyText: email.text,
        attachments: [filename],
        sentAt: this.clock.now().toISOString(),
        sentBy: user.id,
      },
      ctx,
    );
  }

  private async document(quotation: QuotationRow, timeZone: string) {
    const [lines] = await this.quotations.linesByQuotationIds([quotation.id]);
    const ids = [quotation.customerId, quotation.invoiceAddressId, quotation.deliveryAddressId].filter((id): id is string => !!id);
    const contacts = await findContacts(this.dataSource.manager, ids);
    return buildQuotationDocument(quotation, lines ?? [], contacts, { company: this.company, timeZone });
  }
}
