import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  JOB_DEFINITIONS,
  JobEnqueuer,
  type EnqueuedJob,
  type EnqueueOptions,
  type JobName,
  type JobPayload,
} from '@app/domain';
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION } from '../redis/redis-connection.js';
import { ENQUEUE_LISTENER, type EnqueueListener } from './enqueue-listener.js';
import { jobIdForKey } from './idempotency.js';
import { baseJobOptions } from './job-options.js';
import { JobQueues } from './job-queues.js';

/**
 * Puts jobs on their queues with their type's retry policy. The payload type follows from the
 * job name, and callers choose only delay, priority and an idempotency key.
 */
@Injectable()
export class JobProducer extends JobEnqueuer {
  private readonly baseOptions: ReadonlyMap<JobName, JobsOptions>;

  constructor(
    private readonly queues: JobQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Optional() @Inject(ENQUEUE_LISTENER) private readonly listener?: EnqueueListener,
  ) {
    super();
    this.baseOptions = new Map(JOB_DEFINITIONS.map((d) => [d.name, baseJobOptions(d, config)]));
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}): Promise<EnqueuedJob> {
    const queue = this.queues.get(name);
    if (options.idempotencyKey === undefined) {
      const jobId = options.jobKey === undefined ? undefined : jobIdForKey(options.jobKey);
      const job = await queue.add(name, payload, { ...this.jobOptions(name, options), jobId });
      this.listener?.enqueued(name, 1);
      return { id: job.id!, name, created: true };
    }
    const recordKey = this.idempotencyRecordKey(name, options.idempotencyKey);
    const known = await this.redis.get(recordKey);
    if (known !== null) return { id: known, name, created: false };
    // Adding first and recording after is crash-safe: a repeat of this call finds the job by its
    // derived id (BullMQ adds nothing for an id that exists) and then records it.
    const jobId = jobIdForKey(`${name}\u0000${options.idempotencyKey}`);
    await queue.add(name, payload, { ...this.jobOptions(name, options), jobId });
    const recorded = await this.redis.set(recordKey, jobId, 'EX', this.config.idempotencyTtlSeconds, 'NX');
    // Counted once per key: a repeat that lost the race to record it added nothing new.
    if (recorded === 'OK') this.listener?.enqueued(name, 1);
    return { id: jobId, name, created: recorded === 'OK' };
  }

  async cancel(name: JobName, jobKey: string): Promise<boolean> {
    // 0 when the job is gone already or holds a lock (running): then it runs to the end.
    return (await this.queues.get(name).remove(jobIdForKey(jobKey))) === 1;
  }

  /** Adds all jobs in one Redis transaction: all are enqueued or none. */
  async enqueueBatch<N extends JobName>(
    name: N,
    items: ReadonlyArray<{ payload: JobPayload<N>; options?: Omit<EnqueueOptions, 'idempotencyKey'> }>,
  ): Promise<string[]> {
    const jobs = await this.queues
      .get(name)
      .addBulk(items.map((item) => ({ name, data: item.payload, opts: this.jobOptions(name, item.options ?? {}) })));
    this.listener?.enqueued(name, jobs.length);
    return jobs.map((job) => job.id!);
  }

  private jobOptions(name: JobName, options: EnqueueOptions): JobsOptions {
    return {
      ...this.baseOptions.get(name),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    };
  }

  private idempotencyRecordKey(name: JobName, key: string): string {
    // "_" cannot start a job name, so these keys never collide with a queue's own.
    return `${this.config.queuePrefix}:_idempotency:${name}:${key}`;
  }
}
