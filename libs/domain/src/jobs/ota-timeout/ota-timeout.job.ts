import { defineJob } from '../job-definition.js';
import { OtaTimeoutPayload } from './ota-timeout.payload.js';

export const OtaTimeoutJob = defineJob({
  name: 'ota-timeout',
  payload: OtaTimeoutPayload,
  description: 'An OTA update reached its deadline: mark it timed out and raise an alert.',
  retry: { attempts: 4, backoff: { delayMs: 2_000, maxDelayMs: 10_000, jitter: 0.5 } },
});
