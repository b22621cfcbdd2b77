import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REQUEST_RECEIVE_TIMEOUT_MS } from '../apps/producer/src/producer.app.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestSystem } from './support/test-system.js';

const KEY = 'k_test_0123456789';
const OTHER = 'k_other_9876543210';
const EMAIL = { data: { to: 'a@example.com', subject: 's', body: 'b' } };

describe('API keys', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ worker: true, env: { API_KEYS: `${KEY}, ${OTHER}` } });
  });
  afterAll(() => system.close());

  // Rows always have three cells: Jest would take a missing third for a `done` callback.
  const routes: Array<[string, string, unknown]> = [
    ['GET', '/jobs', undefined],
    ['POST', '/jobs/email', EMAIL],
    ['GET', '/jobs/email?state=waiting', undefined],
    ['GET', '/alerts', undefined],
    ['GET', '/metrics', undefined],
    ['GET', '/docs', undefined],
    ['GET', '/docs-json', undefined],
    ['GET', '/admin/queues', undefined],
    ['GET', '/admin/queues/api/queues', undefined],
    ['POST', '/ota-updates', { deviceUuid: 'DEV-1', firmwareVersion: '1', timeoutSeconds: 60 }],
  ];

  it.each(routes)('%s %s: 401 without a key', async (method, path, body) => {
    const response = await system.http(method, path, body);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('API key') });
  });

  it.each(routes)('%s %s: 401 with a wrong key', async (method, path, body) => {
    expect((await system.http(method, path, body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await system.http(method, path, body, { 'x-api-key': `${KEY}x` })).status).toBe(401);
  });

  it.each(routes)('%s %s: served with a key, as Bearer or X-Api-Key', async (method, path, body) => {
    const bearer = await system.http(method, path, body, { authorization: `Bearer ${KEY}` });
    const header = await system.http(method, path, body, { 'x-api-key': OTHER });
    for (const response of [bearer, header]) expect([200, 201, 202]).toContain(response.status);
  });

  it('leaves /health/* open on both apps', async () => {
    expect((await system.http('GET', '/health/live')).status).toBe(200);
    expect((await system.http('GET', '/health/ready')).status).toBe(200);
    expect((await fetch(`${system.workerUrl}/health/ready`)).status).toBe(200);
  });

  it("protects the worker's /metrics with the same keys", async () => {
    expect((await fetch(`${system.workerUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${system.workerUrl}/metrics`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
    expect((await fetch(`${system.workerUrl}/metrics`, { headers: { authorization: `Bearer ${OTHER}` } })).status).toBe(200);
  });

  it('checks the key before anything else: an unknown route without a key is 401, not 404', async () => {
    expect((await system.http('GET', '/nothing')).status).toBe(401);
  });

  it('sends security headers', async () => {
    const response = await system.http('GET', '/jobs', undefined, { 'x-api-key': KEY });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('what REST callers may choose', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(() => system.close());

  it.each([
    ['attempts', 50],
    ['backoff', { type: 'fixed', delay: 1 }],
    ['jobId', 'mine'],
    ['removeOnComplete', false],
    ['removeOnFail', false],
    ['opts', { attempts: 50 }],
  ])('refuses %s (only delayMs, priority and Idempotency-Key are theirs)', async (field, value) => {
    const response = await system.http('POST', '/jobs/email', { ...EMAIL, [field]: value });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(`property ${field} should not exist`);
    const batch = await system.http('POST', '/jobs/email/batch', { jobs: [{ ...EMAIL, [field]: value }] });
    expect(batch.status).toBe(400);
    expect(batch.body.message).toContain(`property jobs.0.${field} should not exist`);
  });

  it('keeps the job type\'s own retry policy on every job', async () => {
    const posted = await system.http('POST', '/jobs/email', { ...EMAIL, delayMs: 60_000, priority: 3 });
    const job = await system.http('GET', `/jobs/email/${posted.body.id}`);
    expect(job.body.maxAttempts).toBe(5);
  });
});

describe('slow clients', () => {
  it('get 30 s to send a whole request, not forever', async () => {
    const system = await TestSystem.start();
    try {
      // Node enforces it (408, connection closed); Fastify's default would be no limit at all.
      expect(system.producer!.getHttpServer().requestTimeout).toBe(REQUEST_RECEIVE_TIMEOUT_MS);
      expect(REQUEST_RECEIVE_TIMEOUT_MS).toBe(30_000);
    } finally {
      await system.close();
    }
  });
});

describe('rate limit', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ env: { API_KEYS: `${KEY},${OTHER}`, RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => system.close());

  it('answers 429 with Retry-After once a key has used its requests, per key', async () => {
    const as = (key: string) => system.http('GET', '/jobs', undefined, { 'x-api-key': key });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await as(KEY)).status);
    expect(statuses).toEqual([200, 200, 200]);

    const limited = await as(KEY);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(limited.body.message).toContain('3 requests per minute');

    expect((await as(OTHER)).status).toBe(200);
  });
});

describe('Redis outage', () => {
  let privateRedis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    privateRedis = await PrivateRedis.create();
    await privateRedis.start();
    system = await TestSystem.start({ env: { REDIS_URL: privateRedis.url } });
  });
  afterAll(async () => {
    await privateRedis.start().catch(() => undefined);
    await system.close();
    await privateRedis.stop();
  });

  it('answers 503 with Retry-After within 2 s while Redis is down, and serves again when it is back', async () => {
    expect((await system.http('POST', '/jobs/email', EMAIL)).status).toBe(202);
    await privateRedis.stop();

    for (const [method, path, body] of [
      ['POST', '/jobs/email', EMAIL],
      ['GET', '/jobs', undefined],
      ['GET', '/jobs/email/1', undefined],
      ['POST', '/jobs/email', EMAIL],
      ['GET', '/admin/queues/api/queues', undefined],
    ] as const) {
      const started = Date.now();
      const response = await system.http(method, path, body, body ? { 'idempotency-key': 'outage-1' } : {});
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    }

    await privateRedis.start();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 202) {
      status = (await system.http('POST', '/jobs/email', EMAIL)).status;
      if (status !== 202) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(202);
  }, 30_000);
});

describe('Redis down at start-up', () => {
  it('starts anyway and answers 503 within 2 s instead of hanging', async () => {
    const privateRedis = await PrivateRedis.create(); // never started: nothing listens there
    const system = await TestSystem.start({ env: { REDIS_URL: privateRedis.url } });
    try {
      for (const [method, path, body] of [
        ['POST', '/jobs/email', EMAIL],
        ['GET', '/admin/queues/api/queues', undefined],
        ['GET', '/admin/queues/api/redis/stats', undefined],
      ] as const) {
        const started = Date.now();
        const response = await system.http(method, path, body);
        expect({ path, status: response.status }).toEqual({ path, status: 503 });
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(response.headers.get('retry-after')).not.toBeNull();
      }
    } finally {
      await system.producer?.close();
      system.redis.disconnect();
    }
  }, 20_000);
});
