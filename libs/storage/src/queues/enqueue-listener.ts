import type { JobName } from '@app/domain';

/** Injection token of an optional `EnqueueListener` (the app's metrics, say). */
export const ENQUEUE_LISTENER = Symbol('ENQUEUE_LISTENER');

/**
 * Told about every job `JobProducer` put on a queue. Called after Redis accepted the jobs, on the
 * request's path: keep it synchronous and cheap, and never throw.
 */
export interface EnqueueListener {
  enqueued(name: JobName, count: number): void;
}
