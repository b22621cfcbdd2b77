export * from './health/health.controller.js';
export * from './health/redis.health-indicator.js';
export * from './metrics/job-producer.metrics.js';
export * from './metrics/job-worker.metrics.js';
export * from './metrics/metrics-registry.js';
export * from './metrics/metrics.controller.js';
export * from './metrics/queue.metrics.js';
export * from './observability.module.js';
