export * from './alerts/redis-alert.repository.js';
export * from './ota/redis-ota-update.repository.js';
export * from './queues/idempotency.js';
export * from './queues/job-options.js';
export * from './queues/job-producer.js';
export * from './queues/job-queues.js';
export * from './redis/redis-connection.js';
export * from './storage.module.js';
