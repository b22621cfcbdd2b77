import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BuiltApps } from './support/built-app.js';
import { PrivateRedis } from './support/private-redis.js';
import { SmtpPeer } from './support/smtp-peer.js';
import { deleteKeys, REDIS_URL } from './support/redis-keys.js';
import { waitFor } from './support/wait-for.js';

/** The worker as it runs in production: a real process, stopped with a real SIGTERM. */
describe('worker process: graceful shutdown', () => {
  const smtp = new SmtpPeer({ dataDelayMs: 1_500 });
  const redis = new Redis(REDIS_URL);
  let apps: BuiltApps;
  const prefixes: string[] = [];

  beforeAll(async () => {
    apps = BuiltApps.build();
    await smtp.start();
  });

  afterAll(async () => {
    apps.remove();
    await smtp.stop();
    for (const prefix of prefixes) await deleteKeys(redis, `${prefix}:*`);
    redis.disconnect();
  });

  async function runWorkerWithActiveJob(env: Record<string, string>) {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    prefixes.push(prefix);
    const worker = apps.start('worker', {
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      SMTP_URL: smtp.url,
      WORKER_HTTP_PORT: '0',
      WORKER_QUEUES: 'email',
      ...env,
    });
    await worker.waitForOutput(/registered email -> EmailProcessor/);
    const queue = new Queue('email', { connection: { url: REDIS_URL } as never, prefix });
    const to = `${prefix}@example.com`;
    const job = await queue.add('email', { to, subject: 'slow', body: 'slow' }, { attempts: 1 });
    await waitFor(() => smtp.attempts.some((a) => a.address === to), { what: 'the e-mail job to be active' });
    return { worker, queue, job, to };
  }

  it('lets an active job finish on SIGTERM, then exits 0', async () => {
    const { worker, queue, job, to } = await runWorkerWithActiveJob({ SHUTDOWN_TIMEOUT_MS: '10000' });
    try {
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;

      expect(exit).toMatchObject({ code: 0, signal: null });
      const delivered = smtp.received.find((m) => m.envelopeTo.includes(to));
      expect(delivered).toBeDefined();
      expect(exit.at).toBeGreaterThanOrEqual(delivered!.receivedAt);
      expect(await (await queue.getJob(job.id!))!.getState()).toBe('completed');
      const line = worker.logs.find((l) => l.message?.msg === 'job completed' && l.message.jobId === job.id);
      expect(line?.message).toMatchObject({ job: 'email', attempt: 1, maxAttempts: 1, durationMs: expect.any(Number) });
      // Payloads stay out of the logs: they hold addresses and message bodies.
      expect(worker.output).not.toContain(to);
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('exits 0 after SHUTDOWN_TIMEOUT_MS when a job runs longer, leaving it for another worker', async () => {
    smtp.setBehaviour({ dataDelayMs: 6_000 });
    const { worker, queue, job } = await runWorkerWithActiveJob({ SHUTDOWN_TIMEOUT_MS: '500' });
    try {
      const signalledAt = Date.now();
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;
      expect(exit.code).toBe(0);
      expect(exit.at - signalledAt).toBeLessThan(4_000);
      expect(await (await queue.getJob(job.id!))!.getState()).not.toBe('completed');
    } finally {
      smtp.setBehaviour({ dataDelayMs: 1_500 });
      await queue.close();
    }
  }, 30_000);

  it('logs each Redis outage once as JSON, and exits 0 on SIGTERM while Redis is down', async () => {
    const privateRedis = await PrivateRedis.create();
    await privateRedis.start();
    const worker = apps.start('worker', {
      REDIS_URL: privateRedis.url,
      QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
      WORKER_HTTP_PORT: '0',
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    const refused = () => worker.output.split('\n').filter((line) => line.includes('ECONNREFUSED'));
    try {
      await worker.waitForOutput(/listening on port/);
      await privateRedis.stop();
      await waitFor(() => refused().length === 1, { what: 'the outage to be logged' });
      await privateRedis.start();
      await worker.waitForOutput(/connection ready again, [\d.]+ s after the first error/);

      // Down again, long enough for ioredis to retry many times over, then stopped.
      await privateRedis.stop();
      await waitFor(() => refused().length === 2, { what: 'the second outage to be logged' });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const signalledAt = Date.now();
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;

      expect(exit.code).toBe(0);
      expect(exit.at - signalledAt).toBeLessThan(2_000 + 3_000);
      // One line per outage, every line JSON: no stack trace per reconnect attempt on stderr.
      expect(refused()).toHaveLength(2);
      expect(JSON.parse(refused()[0])).toMatchObject({ level: 'error', context: 'Redis' });
      const lines = worker.output.split('\n').filter((line) => line.trim() !== '');
      expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await privateRedis.stop();
    }
  }, 40_000);

  it('refuses to start with a bad configuration value: exit 1, naming the variable', async () => {
    const worker = apps.start('worker', { REDIS_URL, WORKER_QUEUES: 'email,nope' });
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(worker.output).toContain('WORKER_QUEUES');
    expect(worker.output).toContain('nope');
  });
});
