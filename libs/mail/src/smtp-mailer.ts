import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MailDeliveryError, Mailer, type MailMessage } from '@app/domain';
import nodemailer, { type Transporter } from 'nodemailer';

/** Sends e-mail over SMTP (`SMTP_URL`) with nodemailer, pooling connections. */
@Injectable()
export class SmtpMailer extends Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
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
    try {
      const info = await this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
      return { messageId: info.messageId };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

/**
 * SMTP 5xx replies are permanent (RFC 5321 §4.2.1); 4xx replies and network failures
 * (refused, reset, timed out) may succeed later.
 */
export function toDeliveryError(error: unknown): MailDeliveryError {
  const { responseCode, code, message } = (error ?? {}) as { responseCode?: number; code?: string; message?: string };
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  const reason = responseCode ? `SMTP ${responseCode}` : (code ?? 'error');
  return new MailDeliveryError(`${reason}: ${message ?? String(error)}`, permanent, { cause: error });
}
