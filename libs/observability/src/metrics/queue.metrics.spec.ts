import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { JobQueues } from '@app/storage';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { QUEUE_COUNTS_TIMEOUT_MS, QueueMetrics } from './queue.metrics.js';

function queueOf(name: string, counts: () => Promise<Record<string, number>>) {
  return { name, getJobCounts: counts };
}

function scrape(queues: ReturnType<typeof queueOf>[], status: Redis['status'] = 'ready') {
  const registry = new Registry();
  new QueueMetrics(registry, { all: () => queues } as unknown as JobQueues, { status } as Redis);
  return registry;
}

describe('QueueMetrics', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('reports every queue in every state at scrape time', async () => {
    let waiting = 3;
    const registry = scrape([
      queueOf('email', async () => ({ waiting, active: 1, delayed: 0, prioritized: 0, completed: 7, failed: 2 })),
      queueOf('alert', async () => ({})),
    ]);
    let text = await registry.metrics();
    expect(text).toContain('queue_jobs{queue="email",state="waiting"} 3');
    expect(text).toContain('queue_jobs{queue="email",state="failed"} 2');
    expect(text).toContain('queue_jobs{queue="alert",state="prioritized"} 0');
    waiting = 0;
    text = await registry.metrics();
    expect(text).toContain('queue_jobs{queue="email",state="waiting"} 0');
  });

  it('leaves the series out, and the scrape succeeds, while Redis is not connected', async () => {
    const registry = scrape([queueOf('email', async () => ({ waiting: 1 }))], 'reconnecting');
    const text = await registry.metrics();
    expect(text).toContain('# TYPE queue_jobs gauge');
    expect(text).not.toMatch(/^queue_jobs\{/m);
  });

  it('answers within the timeout when Redis does not answer', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const registry = scrape([queueOf('email', () => new Promise(() => undefined))]);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(QUEUE_COUNTS_TIMEOUT_MS + 500);
    expect(text).not.toMatch(/^queue_jobs\{/m);
    expect(warn).toHaveBeenCalledWith(
      `queue_jobs left out of this scrape: queue counts did not answer within ${QUEUE_COUNTS_TIMEOUT_MS} ms`,
    );
  });
});
