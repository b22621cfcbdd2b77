import type { JobName, JobPayload } from '../jobs/job-catalog.js';

export interface EnqueueOptions {
  /** Run no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
  /** 1 (highest) .. 2097151; jobs without a priority run before prioritized ones. */
  readonly priority?: number;
  /**
   * Enqueue at most once per key and job type, for the configured idempotency TTL, even after
   * the first job finished and was cleaned up. The job id is derived from the key.
   */
  readonly idempotencyKey?: string;
  /**
   * A stable name for this one job (`ota-update:<eventId>`): the job id derives from it, so the
   * job can be cancelled by it, and a second enqueue adds nothing while the first job exists.
   */
  readonly jobKey?: string;
}

export interface EnqueuedJob {
  readonly id: string;
  readonly name: JobName;
  /** False when the idempotency key had been seen: nothing new was enqueued. */
  readonly created: boolean;
}

/** Puts jobs on their queues; what a handler uses to start a follow-up job. */
export abstract class JobEnqueuer {
  abstract enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<EnqueuedJob>;

  /** Removes the job enqueued with `jobKey` unless it is running; false when nothing was removed. */
  abstract cancel(name: JobName, jobKey: string): Promise<boolean>;
}
