import { Injectable } from '@nestjs/common';
import { MailDeliveryError, Mailer, PermanentJobError, type EmailPayload } from '@app/domain';
import type { AttemptContext, JobHandler } from '../job-handler.js';

export interface EmailResult {
  readonly messageId: string;
}

/** Sends the e-mail; a permanent SMTP refusal fails the job without using up its retries. */
@Injectable()
export class EmailHandler implements JobHandler<EmailPayload, EmailResult> {
  constructor(private readonly mailer: Mailer) {}

  async handle(payload: EmailPayload, context: AttemptContext): Promise<EmailResult> {
    try {
      return await this.mailer.send({
        to: payload.to,
        subject: payload.subject,
        text: payload.body,
        // A job can run twice (a worker lost its lock after sending): the copies share an id.
        dedupeKey: `${context.jobName}.${context.jobId}`.replace(/[^A-Za-z0-9._-]/g, (c) => `=${c.charCodeAt(0).toString(16)}`),
      });
    } catch (error) {
      if (error instanceof MailDeliveryError && error.permanent) {
        throw new PermanentJobError(error.message, { cause: error });
      }
      throw error;
    }
  }
}
