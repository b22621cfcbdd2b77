import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { METRICS_REGISTRY } from './metrics-registry.js';

/** Injection token of an optional `WorkerObserver`; the worker app's `JobWorkers` calls it. */
export const WORKER_OBSERVER = Symbol('WORKER_OBSERVER');

/** Shown each BullMQ worker before it starts taking jobs, so it can listen to its events. */
export interface WorkerObserver {
  observe(worker: Worker): void;
}

/** Upper bounds of `job_duration_seconds`: from a quick Redis write to a slow SMTP exchange. */
export const JOB_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Whether a BullMQ `failed` event ends the job. BullMQ emits `failed` for every failed attempt,
 * also one it will retry, and has already counted the attempt (`attemptsMade`) when it does. A job
 * is failed for good when no attempt remains or the error is unrecoverable (an `UnrecoverableError`:
 * a permanent SMTP refusal, an invalid payload), the same test BullMQ's `shouldRetryJob` makes.
 */
export function isFinalFailure(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error | undefined): boolean {
  const unrecoverable = error instanceof UnrecoverableError || error?.name === 'UnrecoverableError';
  return unrecoverable || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * `jobs_completed_total{job}`, `jobs_failed_total{job}` (failed for good, not retried attempts) and
 * `job_duration_seconds{job}` (how long the last attempt of a finished job ran, `finishedOn -
 * processedOn`), from the events of the workers this process runs. The label is the queue's name,
 * a declared job type: never a job id. Bound to `WORKER_OBSERVER`.
 */
@Injectable()
export class JobWorkerMetrics implements WorkerObserver {
  private readonly completedTotal: Counter<'queue'>;
  private readonly failedTotal: Counter<'queue'>;
  private readonly duration: Histogram<'queue'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.completedTotal = new Counter({
      name: 'jobs_completed_total',
      help: 'Jobs this worker completed.',
      labelNames: ['queue'] as const,
      registers: [registry],
    });
    this.failedTotal = new Counter({
      name: 'jobs_failed_total',
      help: 'Jobs that failed for good in this worker (no attempt left, or an unrecoverable error); retried attempts are not counted.',
      labelNames: ['queue'] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'job_duration_seconds',
      help: 'How long the last attempt of a completed or finally failed job ran (finishedOn - processedOn).',
      labelNames: ['queue'] as const,
      buckets: JOB_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  observe(worker: Worker): void {
    const labels = { queue: worker.name };
    // Every hosted job type from 0, so rate() and increase() see the first job too.
    this.completedTotal.inc(labels, 0);
    this.failedTotal.inc(labels, 0);
    this.duration.zero(labels);
    worker.on('completed', (job: Job) => {
      this.completedTotal.inc(labels);
      this.observeDuration(labels, job);
    });
    worker.on('failed', (job: Job | undefined, error: Error) => {
      // BullMQ's signature allows a missing job; without one the attempt cannot be judged.
      if (job === undefined || !isFinalFailure(job, error)) return;
      this.failedTotal.inc(labels);
      this.observeDuration(labels, job);
    });
  }

  private observeDuration(labels: { queue: string }, job: Job): void {
    const { processedOn, finishedOn } = job;
    if (typeof processedOn !== 'number' || typeof finishedOn !== 'number' || finishedOn < processedOn) return;
    this.duration.observe(labels, (finishedOn - processedOn) / 1000);
  }
}
