import { Injectable, Logger } from '@nestjs/common';

/** What BullMQ queues and workers, and ioredis clients, are: emitters of `error` events. */
export interface ErrorSource {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** How long the same error message stays quiet after it was logged. */
export const ERROR_REPEAT_INTERVAL_MS = 30_000;

/**
 * The one listener for `error` events of queues, workers and the shared Redis client. Without a
 * listener BullMQ and ioredis print a raw stack trace to stderr for every reconnect attempt:
 * hundreds of lines a minute during an outage, outside the JSON log. Here each distinct message
 * is logged once per `ERROR_REPEAT_INTERVAL_MS` with how often it recurred meanwhile, and the
 * end of an outage is logged once.
 */
@Injectable()
export class RedisErrorLog {
  private readonly logger = new Logger('Redis');
  private readonly recent = new Map<string, { loggedAt: number; repeats: number }>();
  private failingSince: number | undefined;

  /** Routes `source`'s `error` events here; `name` says where they come from in the log. */
  watch(name: string, source: ErrorSource): void {
    source.on('error', (error: Error) => this.report(name, error));
  }

  report(name: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const now = Date.now();
    this.failingSince ??= now;
    const seen = this.recent.get(message);
    if (seen && now - seen.loggedAt < ERROR_REPEAT_INTERVAL_MS) {
      seen.repeats += 1;
      return;
    }
    this.recent.set(message, { loggedAt: now, repeats: 0 });
    const repeats = seen?.repeats ? ` (${seen.repeats} more since it was last logged)` : '';
    this.logger.error(`${name}: ${message}${repeats}`);
  }

  /** The shared connection is ready: if errors came before, say that it recovered, once. */
  ready(): void {
    if (this.failingSince === undefined) return;
    const seconds = ((Date.now() - this.failingSince) / 1000).toFixed(1);
    this.failingSince = undefined;
    this.recent.clear();
    this.logger.log(`connection ready again, ${seconds} s after the first error`);
  }
}
