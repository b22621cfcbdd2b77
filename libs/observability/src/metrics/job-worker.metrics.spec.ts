import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { isFinalFailure, JobWorkerMetrics } from './job-worker.metrics.js';

const jobOf = (attemptsMade: number, attempts: number | undefined, times: Partial<Job> = {}) =>
  ({ id: 'job-id-123', attemptsMade, opts: { attempts }, ...times }) as unknown as Job;

async function valueOf(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metrics = await registry.getMetricsAsJSON();
  for (const metric of metrics) {
    for (const sample of metric.values) {
      const sampleName = (sample as { metricName?: string }).metricName ?? metric.name;
      if (sampleName !== name) continue;
      const sampleLabels = Object.entries(sample.labels).map(([key, value]) => [key, String(value)]);
      if (JSON.stringify(Object.fromEntries(sampleLabels.sort())) === JSON.stringify(Object.fromEntries(Object.entries(labels).sort()))) {
        return sample.value;
      }
    }
  }
  return undefined;
}

describe('isFinalFailure', () => {
  // BullMQ has counted the failed attempt in attemptsMade when it emits `failed`.
  it.each([
    [1, 3, new Error('451 try later'), false],
    [2, 3, new Error('451 try later'), false],
    [3, 3, new Error('451 try later'), true],
    [1, 3, new UnrecoverableError('550 no such user'), true],
    [1, 3, Object.assign(new Error('from another realm'), { name: 'UnrecoverableError' }), true],
    [1, undefined, new Error('no attempts option: one attempt'), true],
  ])('attemptsMade %s of %s, %s: %s', (attemptsMade, attempts, error, final) => {
    expect(isFinalFailure(jobOf(attemptsMade, attempts), error)).toBe(final);
  });
});

describe('JobWorkerMetrics', () => {
  function observed() {
    const registry = new Registry();
    const metrics = new JobWorkerMetrics(registry);
    const worker = Object.assign(new EventEmitter(), { name: 'email' });
    metrics.observe(worker as unknown as Worker);
    return { registry, worker };
  }

  it('starts every observed job type at zero', async () => {
    const { registry } = observed();
    expect(await valueOf(registry, 'jobs_completed_total', { queue: 'email' })).toBe(0);
    expect(await valueOf(registry, 'jobs_failed_total', { queue: 'email' })).toBe(0);
    expect(await valueOf(registry, 'job_duration_seconds_count', { queue: 'email' })).toBe(0);
  });

  it('counts completions and observes finishedOn - processedOn', async () => {
    const { registry, worker } = observed();
    worker.emit('completed', jobOf(1, 5, { processedOn: 10_000, finishedOn: 10_300 }), { messageId: 'm' }, 'active');
    expect(await valueOf(registry, 'jobs_completed_total', { queue: 'email' })).toBe(1);
    expect(await valueOf(registry, 'job_duration_seconds_count', { queue: 'email' })).toBe(1);
    expect(await valueOf(registry, 'job_duration_seconds_sum', { queue: 'email' })).toBeCloseTo(0.3);
    expect(await valueOf(registry, 'job_duration_seconds_bucket', { queue: 'email', le: '0.25' })).toBe(0);
    expect(await valueOf(registry, 'job_duration_seconds_bucket', { queue: 'email', le: '0.5' })).toBe(1);
  });

  it('counts a failure only when the job will not be retried', async () => {
    const { registry, worker } = observed();
    worker.emit('failed', jobOf(1, 2, { processedOn: 1_000 }), new Error('ECONNREFUSED'), 'active');
    expect(await valueOf(registry, 'jobs_failed_total', { queue: 'email' })).toBe(0);
    expect(await valueOf(registry, 'job_duration_seconds_count', { queue: 'email' })).toBe(0);

    worker.emit('failed', jobOf(2, 2, { processedOn: 5_000, finishedOn: 5_050 }), new Error('ECONNREFUSED'), 'active');
    worker.emit('failed', jobOf(1, 5, { processedOn: 7_000, finishedOn: 7_010 }), new UnrecoverableError('SMTP 550'), 'active');
    worker.emit('failed', undefined, new Error('job vanished'), 'active');
    expect(await valueOf(registry, 'jobs_failed_total', { queue: 'email' })).toBe(2);
    expect(await valueOf(registry, 'job_duration_seconds_count', { queue: 'email' })).toBe(2);
  });

  it('labels by job type only, never by job id', async () => {
    const { registry, worker } = observed();
    worker.emit('completed', jobOf(1, 5, { processedOn: 1, finishedOn: 2 }), undefined, 'active');
    expect(await registry.metrics()).not.toContain('job-id-123');
  });
});
