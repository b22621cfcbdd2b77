import { Redis, type RedisOptions } from 'ioredis';

/** Injection token of the app's shared ioredis client. */
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');

/**
 * `worker`: commands wait through a Redis outage (BullMQ workers require
 * `maxRetriesPerRequest: null`). `producer`: commands fail at once while Redis is away, so an
 * HTTP caller gets a fast 503 instead of a hanging request.
 */
export type ConnectionRole = 'worker' | 'producer';

export function createRedisConnection(url: string, role: ConnectionRole): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, commandTimeout: 2_000 };
  return new Redis(url, { ...options, lazyConnect: false, connectionName: `iot-jobs-${role}` });
}

/** Resolves once `redis` can take commands; rejects after `timeoutMs`. */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`not ready within ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
