import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MailDeliveryError, Mailer, type MailMessage } from '@app/domain';
import nodemailer, { type Transporter } from 'nodemailer';

/** How long one message may take in all; nodemailer's timeouts restart with every byte. */
export const SEND_TIMEOUT_MS = 120_000;

/** Sends e-mail over SMTP (`SMTP_URL`) with nodemailer, pooling connections. */
@Injectable()
export class SmtpMailer extends Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly idDomain: string;
  /** A server that trickles its reply a byte at a time would otherwise hold the job for ever. */
  sendTimeoutMs = SEND_TIMEOUT_MS;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.idDomain = config.emailFrom.split('@')[1] ?? 'localhost';
    this.transport = nodemailer.createTransport(
      {
        url: config.smtpUrl,
        pool: true,
        maxConnections: 5,
        // nodemailer waits minutes by default; a job should fail and retry sooner.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      },
      { from: config.emailFrom },
    );
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`no answer within ${this.sendTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
        this.sendTimeoutMs,
      );
    });
    try {
      const info = await Promise.race([
        this.transport.sendMail({
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.dedupeKey ? `<${message.dedupeKey}@${this.idDomain}>` : undefined,
        }),
        timedOut,
      ]);
      return { messageId: info.messageId };
    } catch (error) {
      throw toDeliveryError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

/** An e-mail address inside a server's reply (`<jane@corp.example>`, `jane@corp.example`). */
const ADDRESS = /<?[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+>?/g;

/**
 * SMTP 5xx replies are permanent (RFC 5321 §4.2.1); 4xx replies and network failures
 * (refused, reset, timed out) may succeed later. Addresses in the server's reply are masked:
 * the message ends up in logs and in the job's `failedReason`.
 */
export function toDeliveryError(error: unknown): MailDeliveryError {
  const { responseCode, code, message } = (error ?? {}) as { responseCode?: number; code?: string; message?: string };
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  const reason = responseCode ? `SMTP ${responseCode}` : (code ?? 'error');
  const text = (message ?? String(error)).replace(ADDRESS, '<address>');
  return new MailDeliveryError(`${reason}: ${text}`, permanent, { cause: error });
}
