import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { closeRedis, createRedisConnection, waitUntilReady } from '@app/storage';
import type { Redis } from 'ioredis';
import { PrivateRedis } from './support/private-redis.js';

/** Opening and closing the shared connection against a real Redis that comes, goes and freezes. */
describe('Redis connection', () => {
  let server: PrivateRedis;
  const clients: Redis[] = [];
  const connect = (role: 'worker' | 'producer') => {
    const client = createRedisConnection(server.url, role);
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await PrivateRedis.create();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => closeRedis(client)));
    server.signal('SIGCONT');
    await server.stop();
  });

  afterAll(() => server.stop());

  it('waitUntilReady resolves once Redis answers, and names the status when it does not', async () => {
    const client = connect('worker');
    await expect(waitUntilReady(client, 300)).rejects.toThrow(/^not ready within 300 ms \(status (connecting|reconnecting)\)$/);
    await server.start();
    await waitUntilReady(client, 5_000);
    expect(client.status).toBe('ready');
    expect(client.listenerCount('ready')).toBe(0);
  });

  it.each(['worker', 'producer'] as const)('closeRedis sends QUIT to a %s connection that is up', async (role) => {
    await server.start();
    const client = connect(role);
    await waitUntilReady(client, 5_000);
    await closeRedis(client);
    expect(client.status).toBe('end');
  });

  it('closeRedis ends a worker connection at once while Redis is down (QUIT would wait for it)', async () => {
    await server.start();
    const client = connect('worker');
    await waitUntilReady(client, 5_000);
    await server.stop();
    while (client.status === 'ready') await new Promise((resolve) => setTimeout(resolve, 20));

    const started = Date.now();
    await closeRedis(client);
    expect(Date.now() - started).toBeLessThan(500);
    expect(client.status).toBe('end');
  });

  it('closeRedis gives up on QUIT after its timeout when Redis is frozen', async () => {
    await server.start();
    const client = connect('worker');
    await waitUntilReady(client, 5_000);
    server.signal('SIGSTOP');

    const started = Date.now();
    await closeRedis(client, 300);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_500);
    expect(client.status).toBe('end');
  });
});
