import nodemailer from 'nodemailer';
import { envInt, envString } from '@crm/runtime';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMail {
  to: string[];
  cc: string[];
  subject: string;
  html: string;
  text: string;
  attachments: MailAttachment[];
}

/** The SMTP server refused or could not be reached; `code` is nodemailer's (ESOCKET, ECONNECTION, ETIMEDOUT, EENVELOPE …). */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(
    message: string,
    readonly code: string,
    readonly recipientRejected: boolean,
  ) {
    super(message);
  }
}

/** Sends mail over SMTP (nodemailer), one connection per message, to the server named by a URL. */
export class Mailer {
  constructor(
    private readonly url: string,
    readonly from: string,
    private readonly timeoutMs: number,
  ) {}

  /** host:port of the server, without credentials: safe to show in an error. */
  get server(): string {
    try {
      const u = new URL(this.url);
      return `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '25')}`;
    } catch {
      return 'the configured SMTP server';
    }
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string | null }> {
    const transport = nodemailer.createTransport({
      url: this.url,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs * 3,
    });
    try {
      const info = await transport.sendMail({
        from: this.from,
        to: mail.to,
        cc: mail.cc.length ? mail.cc : undefined,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        attachments: mail.attachments,
      });
      return { messageId: info.messageId ?? null };
    } catch (error) {
      const e = error as { code?: string; message?: string; response?: string; command?: string };
      const code = e.code ?? 'EUNKNOWN';
      const rejected = code === 'EENVELOPE' || (e.command === 'RCPT TO' && /^5/.test(e.response ?? ''));
      const detail = rejected ? (e.response ?? e.message ?? code) : `${e.message ?? code}`;
      throw new MailDeliveryError(detail.replace(/\/\/[^@/]*@/g, '//'), code, rejected);
    } finally {
      transport.close();
    }
  }
}

/** SMTP_URL (default smtp://127.0.0.1:1025), SALES_MAIL_FROM, SMTP_TIMEOUT_MS. */
export function mailerFromEnv(): Mailer {
  return new Mailer(
    envString('SMTP_URL', 'smtp://127.0.0.1:1025'),
    envString('SALES_MAIL_FROM', 'Sales <sales@crm.local>'),
    envInt('SMTP_TIMEOUT_MS', 10_000),
  );
}
