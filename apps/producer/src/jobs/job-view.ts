import type { Job } from 'bullmq';

/** The states a job is reported in. */
export const JOB_STATES = ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * Where a job stands right after `POST /jobs/:name`: one of the job states, or `removed` for an
 * `Idempotency-Key` repeat whose job has since been deleted or cleaned up by retention.
 */
export const ENQUEUED_STATES = [...JOB_STATES, 'removed'] as const;
export type EnqueuedState = (typeof ENQUEUED_STATES)[number];

/** A job as the API shows it. */
export interface JobView {
  id: string;
  name: string;
  state: JobState;
  data: unknown;
  attemptsMade: number;
  maxAttempts: number;
  progress: unknown;
  result: unknown;
  failedReason: string | null;
  createdAt: string;
  processedAt: string | null;
  finishedAt: string | null;
}

const iso = (ms: number | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

/** BullMQ's `waiting-children` and `paused` are reported as waiting: the job has not started. */
export function toJobState(state: string): JobState {
  return (JOB_STATES as readonly string[]).includes(state) ? (state as JobState) : 'waiting';
}

export function toJobView(job: Job, state: JobState): JobView {
  return {
    id: job.id!,
    name: job.queueName,
    state,
    data: job.data,
    // BullMQ counts a success in attemptsMade but an unrecoverable failure only in attemptsStarted.
    attemptsMade: Math.max(job.attemptsMade, job.attemptsStarted ?? 0),
    maxAttempts: job.opts.attempts ?? 1,
    progress: job.progress,
    result: job.returnvalue ?? null,
    failedReason: job.failedReason || null,
    createdAt: new Date(job.timestamp).toISOString(),
    processedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
  };
}
