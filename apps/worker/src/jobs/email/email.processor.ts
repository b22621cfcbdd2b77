import { EmailJob, type EmailPayload } from '@app/domain';
import { EmailHandler, type EmailResult } from '@app/workflow';
import { JobProcessor } from '../../processing/job-processor.decorator.js';
import { JobProcessorHost } from '../../processing/job-processor.host.js';

@JobProcessor(EmailJob)
export class EmailProcessor extends JobProcessorHost<EmailPayload, EmailResult> {
  constructor(handler: EmailHandler) {
    super(EmailJob, handler);
  }
}
