import { defineJob } from '../job-definition.js';
import { AlertPayload } from './alert.payload.js';

export const AlertJob = defineJob({
  name: 'alert',
  payload: AlertPayload,
  description: 'Record an alert; e-mail high and critical ones to ALERT_EMAIL_TO.',
  retry: { attempts: 4, backoff: { delayMs: 2_000, maxDelayMs: 10_000, jitter: 0.5 } },
});
