import { createHash } from 'node:crypto';

/**
 * The job id an idempotency key stands for. Hashed because BullMQ job ids may not be integers
 * nor hold arbitrary ":" (and derived keys such as `ota-timeout:<eventId>` may), and so ids stay
 * short enough for a URL path segment.
 */
export function jobIdForKey(key: string): string {
  return `idem-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
