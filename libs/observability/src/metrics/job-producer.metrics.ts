import { Inject, Injectable } from '@nestjs/common';
import { JOB_DEFINITIONS, type JobName } from '@app/domain';
import type { EnqueueListener } from '@app/storage';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry.js';

/**
 * `jobs_enqueued_total{job}`: jobs this process's `JobProducer` put on a queue; an idempotent
 * repeat that added nothing is not counted. Bound to `ENQUEUE_LISTENER`.
 */
@Injectable()
export class JobProducerMetrics implements EnqueueListener {
  private readonly enqueuedTotal: Counter<'queue'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.enqueuedTotal = new Counter({
      name: 'jobs_enqueued_total',
      help: 'Jobs added to a queue by this process.',
      labelNames: ['queue'] as const,
      registers: [registry],
    });
    // Every job type from 0, so rate() and increase() see the first job too.
    for (const { name } of JOB_DEFINITIONS) this.enqueuedTotal.inc({ queue: name }, 0);
  }

  enqueued(name: JobName, count: number): void {
    this.enqueuedTotal.inc({ queue: name }, count);
  }
}
