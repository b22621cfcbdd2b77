import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobQueues, REDIS_CONNECTION, within } from '@app/storage';
import { Gauge, type Registry } from 'prom-client';
import type { Redis } from 'ioredis';
import { METRICS_REGISTRY } from './metrics-registry.js';

/** The states `queue_jobs` reports, as `GET /jobs` counts them. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** How long a scrape waits for the queue counts before it answers without them. */
export const QUEUE_COUNTS_TIMEOUT_MS = 1_000;

/**
 * `queue_jobs{job,state}`: how many jobs each job type's queue holds in each state, read from
 * Redis at scrape time (so every app reports every queue, whatever it hosts).
 */
@Injectable()
export class QueueMetrics {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly queues: JobQueues,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
  ) {
    const read = () => this.counts();
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each job type queue by state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        // No stale numbers: while Redis does not answer, the series are absent and the rest of
        // the scrape still succeeds (`/health/ready` says why).
        this.reset();
        for (const { queue, counts } of await read()) {
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
  }

  private async counts(): Promise<Array<{ queue: string; counts: Record<string, number> }>> {
    // A disconnected worker client would queue these commands until Redis is back.
    if (this.redis.status !== 'ready') return [];
    try {
      return await within(
        Promise.all(this.queues.all().map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...QUEUE_STATES) }))),
        QUEUE_COUNTS_TIMEOUT_MS,
        'queue counts',
      );
    } catch (error) {
      this.logger.warn(`queue_jobs left out of this scrape: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
