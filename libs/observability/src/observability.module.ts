import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ENQUEUE_LISTENER } from '@app/storage';
import { HealthController } from './health/health.controller.js';
import { RedisHealthIndicator } from './health/redis.health-indicator.js';
import { JobProducerMetrics } from './metrics/job-producer.metrics.js';
import { JobWorkerMetrics, WORKER_OBSERVER } from './metrics/job-worker.metrics.js';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics/metrics-registry.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { QueueMetrics } from './metrics/queue.metrics.js';

export interface ObservabilityOptions {
  /** Which app this is: the worker also reports what its BullMQ workers do. */
  app: 'producer' | 'worker';
}

/**
 * `GET /health/live`, `GET /health/ready` (Redis answers PING within 1 s) and `GET /metrics`
 * (Prometheus text, from a registry of the app's own). Needs `StorageModule`. Global so that
 * `JobProducer` (storage) and `JobWorkers` (worker app) find their optional listeners.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
      RedisHealthIndicator,
      QueueMetrics,
      // Both apps enqueue: the producer for its callers, the worker the jobs its handlers chain.
      JobProducerMetrics,
      { provide: ENQUEUE_LISTENER, useExisting: JobProducerMetrics },
    ];
    const exports: symbol[] = [METRICS_REGISTRY, ENQUEUE_LISTENER];
    if (options.app === 'worker') {
      providers.push(JobWorkerMetrics, { provide: WORKER_OBSERVER, useExisting: JobWorkerMetrics });
      exports.push(WORKER_OBSERVER);
    }
    return {
      module: ObservabilityModule,
      global: true,
      imports: [TerminusModule.forRoot()],
      controllers: [HealthController, MetricsController],
      providers,
      exports,
    };
  }
}
