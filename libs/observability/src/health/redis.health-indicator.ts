import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { REDIS_CONNECTION, within } from '@app/storage';
import type { Redis } from 'ioredis';

/** How long Redis has to answer PING for the app to be ready. */
export const REDIS_PING_TIMEOUT_MS = 1_000;

/**
 * Resolves when `redis` answers PING within `timeoutMs`. A client that is not connected fails at
 * once: the worker's client (`maxRetriesPerRequest: null`) would otherwise queue a PING per probe
 * until Redis is back, and the producer's (`enableOfflineQueue: false`) refuses it anyway.
 */
export async function pingRedis(redis: Pick<Redis, 'status' | 'ping'>, timeoutMs = REDIS_PING_TIMEOUT_MS): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
  const reply = await within(Promise.resolve(redis.ping()), timeoutMs, 'Redis PING');
  if (reply !== 'PONG') throw new Error(`Redis answered PING with ${String(reply)}`);
}

/** Readiness of the app's shared Redis connection, the one its queues and repositories use. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
  ) {}

  async isHealthy<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    const started = performance.now();
    try {
      await pingRedis(this.redis);
      return indicator.up({ responseTimeMs: Math.round(performance.now() - started) });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
