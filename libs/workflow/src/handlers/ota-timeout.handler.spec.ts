import { describe, expect, it } from '@jest/globals';
import {
  AlertJob,
  JobEnqueuer,
  parsePayload,
  type EnqueuedJob,
  type EnqueueOptions,
  type JobName,
  type JobPayload,
  type OtaTimeoutPayload,
} from '@app/domain';
import type { AttemptContext } from '../job-handler.js';
import { OtaTimeoutHandler } from './ota-timeout.handler.js';

interface EnqueueCall {
  readonly name: JobName;
  readonly payload: unknown;
  readonly options?: EnqueueOptions;
}

/** Records calls; an idempotency key seen before returns the same id with `created: false`. */
class FakeJobEnqueuer extends JobEnqueuer {
  readonly calls: EnqueueCall[] = [];
  readonly queued: EnqueueCall[] = [];
  readonly results: EnqueuedJob[] = [];
  private readonly idsByKey = new Map<string, string>();

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<EnqueuedJob> {
    this.calls.push({ name, payload, options });
    const key = options?.idempotencyKey === undefined ? undefined : `${name}\u0000${options.idempotencyKey}`;
    const known = key === undefined ? undefined : this.idsByKey.get(key);
    let result: EnqueuedJob;
    if (known !== undefined) {
      result = { id: known, name, created: false };
    } else {
      result = { id: `job-${this.queued.length + 1}`, name, created: true };
      this.queued.push({ name, payload, options });
      if (key !== undefined) this.idsByKey.set(key, result.id);
    }
    this.results.push(result);
    return result;
  }
}

class FailingJobEnqueuer extends JobEnqueuer {
  async enqueue(): Promise<EnqueuedJob> {
    throw new Error('queue unavailable');
  }
}

const CONTEXT: AttemptContext = { jobId: 't1', jobName: 'ota-timeout', attempt: 1, maxAttempts: 4 };
const PAYLOAD: OtaTimeoutPayload = { eventId: 'EVT-001', deviceUuid: 'DEV-123' };

describe('OtaTimeoutHandler', () => {
  it('enqueues one high ota_timeout alert naming the device and the event', async () => {
    const jobs = new FakeJobEnqueuer();
    const result = await new OtaTimeoutHandler(jobs).handle(PAYLOAD, CONTEXT);

    expect(jobs.calls).toHaveLength(1);
    const [call] = jobs.calls;
    expect(call.name).toBe('alert');
    expect(call.payload).toEqual({
      eventId: 'EVT-001',
      deviceUuid: 'DEV-123',
      alertType: 'ota_timeout',
      severity: 'high',
      message: expect.any(String),
    });
    const { message } = call.payload as JobPayload<'alert'>;
    expect(message).toContain('DEV-123');
    expect(message).toContain('EVT-001');
    expect(call.options?.idempotencyKey).toEqual(expect.any(String));
    expect(call.options?.delayMs).toBeUndefined();
    expect(result).toEqual({ outcome: 'timed_out', alertJobId: 'job-1' });
  });

  it('builds an alert that passes the alert job\'s own validation, even for 128-character ids', async () => {
    const jobs = new FakeJobEnqueuer();
    await new OtaTimeoutHandler(jobs).handle({ eventId: 'e:'.repeat(64), deviceUuid: 'd.'.repeat(64) }, CONTEXT);
    expect(() => parsePayload(AlertJob, jobs.calls[0].payload)).not.toThrow();
  });

  it('uses an idempotency key derived from the event: two calls, one alert, same job id', async () => {
    const jobs = new FakeJobEnqueuer();
    const handler = new OtaTimeoutHandler(jobs);
    const first = await handler.handle(PAYLOAD, CONTEXT);
    const second = await handler.handle({ ...PAYLOAD }, { ...CONTEXT, attempt: 2 });

    expect(jobs.calls).toHaveLength(2);
    expect(jobs.calls[0].options?.idempotencyKey).toBe(jobs.calls[1].options?.idempotencyKey);
    expect(jobs.calls[0].options?.idempotencyKey).toContain('EVT-001');
    expect(jobs.queued).toHaveLength(1);
    expect(jobs.results.map((r) => r.created)).toEqual([true, false]);
    expect(second).toEqual(first);
    expect(second).toEqual({ outcome: 'timed_out', alertJobId: 'job-1' });
  });

  it('raises a separate alert for another event', async () => {
    const jobs = new FakeJobEnqueuer();
    const handler = new OtaTimeoutHandler(jobs);
    const first = await handler.handle(PAYLOAD, CONTEXT);
    const second = await handler.handle({ ...PAYLOAD, eventId: 'EVT-002' }, CONTEXT);
    expect(jobs.calls[0].options?.idempotencyKey).not.toBe(jobs.calls[1].options?.idempotencyKey);
    expect(jobs.queued).toHaveLength(2);
    expect(second.alertJobId).not.toBe(first.alertJobId);
  });

  it('fails when the alert cannot be enqueued, so the timeout is retried', async () => {
    await expect(new OtaTimeoutHandler(new FailingJobEnqueuer()).handle(PAYLOAD, CONTEXT)).rejects.toThrow('queue unavailable');
  });
});
