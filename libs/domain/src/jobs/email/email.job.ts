import { defineJob } from '../job-definition.js';
import { EmailPayload } from './email.payload.js';

export const EmailJob = defineJob({
  name: 'email',
  payload: EmailPayload,
  description: 'Send a plain-text e-mail over SMTP.',
  retry: { attempts: 5, backoff: { delayMs: 2_000, maxDelayMs: 60_000, jitter: 0.5 } },
});
