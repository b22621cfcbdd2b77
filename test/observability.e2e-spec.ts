import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from './support/free-port.js';
import { PrivateRedis } from './support/private-redis.js';
import { TestSystem } from './support/test-system.js';
import { waitFor } from './support/wait-for.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the sample with exactly these labels, if there is one. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === wanted)?.value;
}

async function get(base: string, path: string) {
  const started = Date.now();
  const response = await fetch(`${base}${path}`);
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, ms: Date.now() - started };
}

async function metricsOf(base: string): Promise<Sample[]> {
  const response = await get(base, '/metrics');
  expect(response.status).toBe(200);
  return parseMetrics(response.text);
}

const lowAlert = (eventId: string) => ({
  data: { eventId, deviceUuid: 'DEV-OBS', alertType: 'other', severity: 'low', message: 'metrics test' },
});

describe('health and metrics of the producer and the worker', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({
      worker: true,
      env: {
        // Nothing listens there: every e-mail attempt fails with a temporary (retried) error.
        SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
        JOB_EMAIL_ATTEMPTS: '2',
      },
    });
  });

  afterAll(async () => {
    await system?.close();
  });

  it.each(['producer', 'worker'] as const)('%s: /health/live and /health/ready answer 200', async (app) => {
    const base = app === 'producer' ? system.baseUrl : system.workerUrl;
    const live = await get(base, '/health/live');
    expect(live.status).toBe(200);
    expect(live.json).toMatchObject({ status: 'ok' });
    const ready = await get(base, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'ok', info: { redis: { status: 'up' } } });
    expect(ready.headers.get('cache-control')).toContain('no-store');
  });

  it.each(['producer', 'worker'] as const)('%s: /metrics is Prometheus text with process metrics', async (app) => {
    const base = app === 'producer' ? system.baseUrl : system.workerUrl;
    const response = await get(base, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseMetrics(response.text);
    expect(valueOf(samples, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
    expect(response.text).toContain('# TYPE queue_jobs gauge');
  });

  it('counts enqueued, completed and failed jobs, times them, and reports queue sizes', async () => {
    const producerBefore = await metricsOf(system.baseUrl);
    const workerBefore = await metricsOf(system.workerUrl);
    const before = {
      enqueuedAlert: valueOf(producerBefore, 'jobs_enqueued_total', { queue: 'alert' }) ?? 0,
      enqueuedEmail: valueOf(producerBefore, 'jobs_enqueued_total', { queue: 'email' }) ?? 0,
      completedAlert: valueOf(workerBefore, 'jobs_completed_total', { queue: 'alert' }) ?? 0,
      failedEmail: valueOf(workerBefore, 'jobs_failed_total', { queue: 'email' }) ?? 0,
      durationAlert: valueOf(workerBefore, 'job_duration_seconds_count', { queue: 'alert' }) ?? 0,
      durationEmail: valueOf(workerBefore, 'job_duration_seconds_count', { queue: 'email' }) ?? 0,
    };

    const ids: string[] = [];
    const single = await system.http('POST', '/jobs/alert', lowAlert('EVT-OBS-1'));
    const keyed = await system.http('POST', '/jobs/alert', lowAlert('EVT-OBS-2'), { 'idempotency-key': 'obs-key-1' });
    const repeat = await system.http('POST', '/jobs/alert', lowAlert('EVT-OBS-2'), { 'idempotency-key': 'obs-key-1' });
    const batch = await system.http('POST', '/jobs/alert/batch', { jobs: [lowAlert('EVT-OBS-3'), lowAlert('EVT-OBS-4')] });
    const email = await system.http('POST', '/jobs/email', { data: { to: 'nobody@example.com', subject: 's', body: 'b' } });
    expect([single.status, keyed.status, repeat.status, batch.status, email.status]).toEqual([202, 202, 200, 202, 202]);
    ids.push(single.body.id, keyed.body.id, ...batch.body.ids, email.body.id);

    for (const id of ids.slice(0, 4)) await system.jobIn('alert', id, ['completed']);
    // The first failed attempt is retried: not a failed job yet.
    await waitFor(async () => (await system.http('GET', `/jobs/email/${email.body.id}`)).body.attemptsMade >= 1, {
      what: 'first e-mail attempt',
    });
    expect(valueOf(await metricsOf(system.workerUrl), 'jobs_failed_total', { queue: 'email' })).toBe(before.failedEmail);
    const failed = await system.jobIn('email', email.body.id, ['failed'], 10_000);
    expect(failed.attemptsMade).toBe(2);

    const producer = await metricsOf(system.baseUrl);
    // The idempotent repeat added nothing and is not counted.
    expect(valueOf(producer, 'jobs_enqueued_total', { queue: 'alert' })).toBe(before.enqueuedAlert + 4);
    expect(valueOf(producer, 'jobs_enqueued_total', { queue: 'email' })).toBe(before.enqueuedEmail + 1);

    // BullMQ emits its events just after it moved the job in Redis: poll briefly.
    const worker = await waitFor(
      async () => {
        const samples = await metricsOf(system.workerUrl);
        return valueOf(samples, 'jobs_failed_total', { queue: 'email' }) === before.failedEmail + 1 &&
          valueOf(samples, 'jobs_completed_total', { queue: 'alert' }) === before.completedAlert + 4
          ? samples
          : undefined;
      },
      { timeoutMs: 5_000, what: 'worker metrics to count the jobs' },
    );
    expect(valueOf(worker, 'jobs_completed_total', { queue: 'email' })).toBe(0);
    expect(valueOf(worker, 'job_duration_seconds_count', { queue: 'alert' })).toBe(before.durationAlert + 4);
    expect(valueOf(worker, 'job_duration_seconds_count', { queue: 'email' })).toBe(before.durationEmail + 1);
    expect(valueOf(worker, 'job_duration_seconds_bucket', { queue: 'alert', le: '+Inf' })).toBe(before.durationAlert + 4);

    // Both apps read the queue sizes from Redis at scrape time (this test's prefix is fresh).
    for (const samples of [producer, worker]) {
      expect(valueOf(samples, 'queue_jobs', { queue: 'alert', state: 'completed' })).toBe(4);
      expect(valueOf(samples, 'queue_jobs', { queue: 'email', state: 'failed' })).toBe(1);
      expect(valueOf(samples, 'queue_jobs', { queue: 'ota-timeout', state: 'waiting' })).toBe(0);
    }

    // Job ids never become labels (BullMQ's own ids are small integers: leave out histogram bounds).
    const labelValues = new Set(
      [...producer, ...worker].flatMap((s) => Object.entries(s.labels).filter(([key]) => key !== 'le').map(([, value]) => value)),
    );
    for (const id of ids) expect(labelValues.has(id)).toBe(false);
    const texts = [(await get(system.baseUrl, '/metrics')).text, (await get(system.workerUrl, '/metrics')).text];
    for (const text of texts) expect(text).not.toContain(keyed.body.id);
  });
});

/**
 * Whether a Redis on `port` answers PING. A bare socket: an ioredis client whose connection was
 * refused leaves a 2 s disconnect timer behind, which keeps Jest from exiting.
 */
describe('readiness through a Redis outage', () => {
  let redis: PrivateRedis;
  let system: TestSystem | undefined;
  const apps = () => [
    ['producer', system!.baseUrl],
    ['worker', system!.workerUrl],
  ];

  async function expectReady(status: 200 | 503, timeoutMs: number) {
    for (const [app, base] of apps()) {
      await waitFor(async () => (await get(base, '/health/ready')).status === status, {
        timeoutMs,
        intervalMs: 100,
        what: `${app} /health/ready to answer ${status}`,
      });
    }
  }

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    system = await TestSystem.start({ worker: true, env: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    try {
      // Closing deletes the test's keys: Redis must answer for that.
      if (redis.running) redis.signal('SIGCONT');
      else await redis.start();
      await system?.close();
    } finally {
      await redis.stop();
    }
  });

  it('is ready while Redis answers', async () => {
    for (const [, base] of apps()) expect((await get(base, '/health/ready')).status).toBe(200);
  });

  it('answers 503 within 2 s while Redis is connected but does not answer, and 200 once it does', async () => {
    redis.signal('SIGSTOP');
    try {
      for (const [app, base] of apps()) {
        const ready = await get(base, '/health/ready');
        expect({ app, status: ready.status }).toEqual({ app, status: 503 });
        expect(ready.ms).toBeLessThan(2_000);
        // The live probe and the scrape do not wait on Redis.
        expect((await get(base, '/health/live')).status).toBe(200);
        const metrics = await get(base, '/metrics');
        expect(metrics.status).toBe(200);
        expect(metrics.ms).toBeLessThan(2_000);
      }
      const worker = await get(system!.workerUrl, '/health/ready');
      expect(worker.json).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    } finally {
      redis.signal('SIGCONT');
    }
    await expectReady(200, 10_000);
  });

  it('answers 503 within 2 s once Redis is gone, and 200 again after it restarts, without an app restart', async () => {
    await redis.stop();
    for (const [app, base] of apps()) {
      const ready = await get(base, '/health/ready');
      expect({ app, status: ready.status }).toEqual({ app, status: 503 });
      expect(ready.ms).toBeLessThan(2_000);
      expect((await get(base, '/health/live')).status).toBe(200);
    }

    await redis.start();
    await expectReady(200, 10_000);
  }, 30_000);
});
