import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { pingRedis, RedisHealthIndicator } from './redis.health-indicator.js';

type FakeRedis = Pick<Redis, 'status' | 'ping'> & { pings: number };

function fakeRedis(status: Redis['status'], ping: () => Promise<string>): FakeRedis {
  const fake = { status, pings: 0, ping: () => (fake.pings++, ping()) };
  return fake as unknown as FakeRedis;
}

const never = () => new Promise<string>(() => undefined);

describe('pingRedis', () => {
  it('resolves when Redis answers PONG', async () => {
    await expect(pingRedis(fakeRedis('ready', async () => 'PONG'))).resolves.toBeUndefined();
  });

  it('fails at once, sending nothing, while the client is not connected', async () => {
    // The worker's client would queue the PING until Redis is back.
    const redis = fakeRedis('reconnecting', never);
    const started = Date.now();
    await expect(pingRedis(redis)).rejects.toThrow('Redis connection is reconnecting');
    expect(Date.now() - started).toBeLessThan(100);
    expect(redis.pings).toBe(0);
  });

  it('fails after the timeout when a connected Redis does not answer', async () => {
    const started = Date.now();
    await expect(pingRedis(fakeRedis('ready', never), 150)).rejects.toThrow('Redis PING did not answer within 150 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('passes on the client error', async () => {
    await expect(pingRedis(fakeRedis('ready', async () => Promise.reject(new Error('ECONNRESET'))))).rejects.toThrow('ECONNRESET');
  });
});

describe('RedisHealthIndicator', () => {
  const indicator = (redis: FakeRedis) => new RedisHealthIndicator(new HealthIndicatorService(), redis as unknown as Redis);

  it('is up when Redis answers', async () => {
    const result = await indicator(fakeRedis('ready', async () => 'PONG')).isHealthy('redis');
    expect(result).toEqual({ redis: { status: 'up', responseTimeMs: expect.any(Number) } });
  });

  it('is down, with the reason, when it does not', async () => {
    const result = await indicator(fakeRedis('connecting', never)).isHealthy('redis');
    expect(result).toEqual({ redis: { status: 'down', message: 'Redis connection is connecting' } });
  });
});
