import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@app/config';
import type { JobName } from '@app/domain';
import type { Redis } from 'ioredis';
import type { EnqueueListener } from './enqueue-listener.js';
import { JobProducer } from './job-producer.js';
import type { JobQueues } from './job-queues.js';

/** Queues that accept everything, and a Redis that remembers SET NX. */
function producerWith(listener?: EnqueueListener) {
  let nextId = 1;
  const queue = {
    add: async (_name: string, _data: unknown, opts: { jobId?: string }) => ({ id: opts.jobId ?? String(nextId++) }),
    addBulk: async (jobs: unknown[]) => jobs.map(() => ({ id: String(nextId++) })),
  };
  const store = new Map<string, string>();
  const redis = {
    get: async (key: string) => store.get(key) ?? null,
    set: async (key: string, value: string) => (store.has(key) ? null : (store.set(key, value), 'OK')),
  };
  const queues = { get: () => queue } as unknown as JobQueues;
  return new JobProducer(queues, loadConfig({}), redis as unknown as Redis, listener);
}

const alert = { eventId: 'E', deviceUuid: 'D', alertType: 'other', severity: 'low', message: 'm' } as never;

describe('JobProducer and its EnqueueListener', () => {
  it('tells the listener about each job it adds, a batch at once', async () => {
    const calls: Array<[JobName, number]> = [];
    const producer = producerWith({ enqueued: (name, count) => calls.push([name, count]) });
    await producer.enqueue('alert', alert);
    await producer.enqueue('alert', alert, { jobKey: 'k' });
    await producer.enqueueBatch('alert', [{ payload: alert }, { payload: alert }, { payload: alert }]);
    expect(calls).toEqual([
      ['alert', 1],
      ['alert', 1],
      ['alert', 3],
    ]);
  });

  it('does not count an idempotent repeat, which adds nothing', async () => {
    const calls: Array<[JobName, number]> = [];
    const producer = producerWith({ enqueued: (name, count) => calls.push([name, count]) });
    const first = await producer.enqueue('alert', alert, { idempotencyKey: 'same' });
    const repeat = await producer.enqueue('alert', alert, { idempotencyKey: 'same' });
    expect([first.created, repeat.created]).toEqual([true, false]);
    expect(calls).toEqual([['alert', 1]]);
  });

  it('works without a listener', async () => {
    await expect(producerWith().enqueue('alert', alert)).resolves.toMatchObject({ created: true });
  });
});
