import { Redis, type RedisOptions } from 'ioredis';
import { within } from './within.js';

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
  // disconnectTimeout: a closing socket whose peer does not answer (a frozen server) is destroyed
  // after 500 ms instead of ioredis' 2 s, so shutdown stays quick.
  return new Redis(url, { ...options, lazyConnect: false, disconnectTimeout: 500, connectionName: `iot-jobs-${role}` });
}

/** Resolves once `redis` can take commands; rejects after `timeoutMs`. */
export async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => redis.once('ready', (onReady = resolve)));
  try {
    await within(ready, timeoutMs, 'Redis');
  } catch {
    throw new Error(`not ready within ${timeoutMs} ms (status ${redis.status})`);
  } finally {
    redis.off('ready', onReady);
  }
}

/**
 * Closes `redis` without ever hanging, and resolves once it has ended (or a second later): QUIT when it is connected
 * (pending replies arrive first), a plain disconnect when it is not or QUIT does not answer in
 * `timeoutMs`. A worker connection queues commands while Redis is away, so a bare `quit()`
 * during an outage would wait forever.
 */
export async function closeRedis(redis: Redis, timeoutMs = 1_000): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', resolve));
  if (redis.status === 'ready') {
    await within(redis.quit(), timeoutMs, 'Redis QUIT').catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
  // Now closing; the socket is gone within `disconnectTimeout` at the latest.
  await within(ended, 1_000, 'Redis close').catch(() => undefined);
}
