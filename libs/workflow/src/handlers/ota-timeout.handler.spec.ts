import { describe, expect, it } from '@jest/globals';
import { AlertJob, OtaStatus, parsePayload, PermanentJobError, type JobPayload, type OtaTimeoutPayload, type OtaUpdate } from '@app/domain';
import type { AttemptContext } from '../job-handler.js';
import { FailingJobEnqueuer, InMemoryJobEnqueuer, InMemoryOtaUpdateRepository } from '../testing/in-memory-ports.js';
import { OtaTimeoutHandler } from './ota-timeout.handler.js';

const CONTEXT: AttemptContext = { jobId: 't1', jobName: 'ota-timeout', attempt: 1, maxAttempts: 4 };
const PAYLOAD: OtaTimeoutPayload = { eventId: 'EVT-001', deviceUuid: 'DEV-123' };

const record = (status: OtaStatus): OtaUpdate => ({
  eventId: 'EVT-001',
  deviceUuid: 'DEV-123',
  firmwareVersion: '2.1.0',
  status,
  startedAt: '2026-01-01T00:00:00.000Z',
  deadline: '2026-01-01T00:01:00.000Z',
  finishedAt: status === OtaStatus.InProgress ? null : '2026-01-01T00:00:30.000Z',
});

function setUp(existing?: OtaUpdate) {
  const jobs = new InMemoryJobEnqueuer();
  const updates = new InMemoryOtaUpdateRepository();
  if (existing) updates.updates.set(existing.eventId, existing);
  return { jobs, updates, handler: new OtaTimeoutHandler(jobs, updates) };
}

describe('OtaTimeoutHandler', () => {
  it("refuses, changing nothing, a timeout that names another device than the update's", async () => {
    const { jobs, updates, handler } = setUp(record(OtaStatus.InProgress));

    const failure = handler.handle({ ...PAYLOAD, deviceUuid: 'DEV-999' }, CONTEXT);

    await expect(failure).rejects.toBeInstanceOf(PermanentJobError);
    await expect(failure).rejects.toThrow('OTA update EVT-001 is for device DEV-123, not DEV-999; nothing changed');
    expect(updates.updates.get('EVT-001')?.status).toBe(OtaStatus.InProgress);
    expect(jobs.queued).toHaveLength(0);
  });

  it('marks an update in progress timed_out and raises one high ota_timeout alert', async () => {
    const { jobs, updates, handler } = setUp(record(OtaStatus.InProgress));

    const result = await handler.handle(PAYLOAD, CONTEXT);

    expect(result).toEqual({ outcome: 'timed_out', alertJobId: 'job-1' });
    expect(updates.updates.get('EVT-001')).toMatchObject({ status: OtaStatus.TimedOut, finishedAt: expect.any(String) });
    expect(jobs.queued).toHaveLength(1);
    const alert = jobs.queued[0];
    expect(alert.name).toBe('alert');
    expect(alert.payload).toMatchObject({ eventId: 'EVT-001', deviceUuid: 'DEV-123', alertType: 'ota_timeout', severity: 'high' });
    const { message } = alert.payload as JobPayload<'alert'>;
    expect(message).toContain('DEV-123');
    expect(message).toContain('EVT-001');
  });

  it.each([OtaStatus.Succeeded, OtaStatus.Failed])('does nothing for an update that is %s', async (status) => {
    const { jobs, updates, handler } = setUp(record(status));
    expect(await handler.handle(PAYLOAD, CONTEXT)).toEqual({ outcome: 'skipped' });
    expect(jobs.calls).toHaveLength(0);
    expect(updates.updates.get('EVT-001')?.status).toBe(status);
  });

  it('skips when a status report lands between reading the record and claiming it', async () => {
    const { jobs, updates, handler } = setUp(record(OtaStatus.InProgress));
    const read = updates.get.bind(updates);
    updates.get = async (eventId) => {
      const seen = await read(eventId); // in progress when read...
      await updates.finish(eventId, OtaStatus.Succeeded, new Date()); // ...then the device reports
      return seen;
    };

    expect(await handler.handle(PAYLOAD, CONTEXT)).toEqual({ outcome: 'skipped' });
    expect(jobs.calls).toHaveLength(0);
    expect(updates.updates.get('EVT-001')?.status).toBe(OtaStatus.Succeeded);
  });

  it('raises the same alert again for an update already timed out (a retry, or a second timeout job)', async () => {
    const { jobs, handler } = setUp(record(OtaStatus.InProgress));
    const first = await handler.handle(PAYLOAD, CONTEXT);
    const again = await handler.handle(PAYLOAD, { ...CONTEXT, attempt: 2 });
    expect(again).toEqual(first);
    expect(jobs.queued).toHaveLength(1);
  });

  it('raises the alert for a timeout with no record (enqueued directly, as the original producer did)', async () => {
    const { jobs, updates, handler } = setUp();
    expect(await handler.handle(PAYLOAD, CONTEXT)).toEqual({ outcome: 'timed_out', alertJobId: 'job-1' });
    expect(jobs.queued).toHaveLength(1);
    expect(updates.updates.size).toBe(0);
  });

  it('raises one alert when the same timeout runs twice without a record', async () => {
    const { jobs, handler } = setUp();
    const first = await handler.handle(PAYLOAD, CONTEXT);
    const second = await handler.handle(PAYLOAD, { ...CONTEXT, attempt: 2 });
    expect(second).toEqual(first);
    expect(jobs.queued).toHaveLength(1);
  });

  it('raises the alert exactly once when a crash left the record in progress after the alert', async () => {
    const { jobs, updates, handler } = setUp(record(OtaStatus.InProgress));
    // The first attempt enqueued the alert and died before marking the record.
    const alertKey = JSON.stringify(['ota-timeout', 'DEV-123', 'EVT-001']);
    await jobs.enqueue('alert', { ...PAYLOAD, alertType: 'ota_timeout', severity: 'high', message: 'x' } as never, {
      idempotencyKey: alertKey,
    });

    const result = await handler.handle(PAYLOAD, { ...CONTEXT, attempt: 2 });

    expect(result).toEqual({ outcome: 'timed_out', alertJobId: 'job-1' });
    expect(jobs.queued).toHaveLength(1);
    expect(updates.updates.get('EVT-001')?.status).toBe(OtaStatus.TimedOut);
  });

  it('keeps alerts of different events apart, even when joined ids would read the same', async () => {
    const { jobs, handler } = setUp();
    await handler.handle({ eventId: 'C', deviceUuid: 'A:B' }, CONTEXT);
    await handler.handle({ eventId: 'B:C', deviceUuid: 'A' }, CONTEXT);
    expect(jobs.queued).toHaveLength(2);
  });

  it('builds an alert that passes the alert job\'s own validation, even for 128-character ids', async () => {
    const { jobs, handler } = setUp();
    await handler.handle({ eventId: 'e:'.repeat(64), deviceUuid: 'd.'.repeat(64) }, CONTEXT);
    expect(() => parsePayload(AlertJob, jobs.queued[0].payload)).not.toThrow();
  });

  it('raises the alert on the retry when it could not be enqueued after the claim', async () => {
    const updates = new InMemoryOtaUpdateRepository();
    updates.updates.set('EVT-001', record(OtaStatus.InProgress));
    await expect(new OtaTimeoutHandler(new FailingJobEnqueuer(), updates).handle(PAYLOAD, CONTEXT)).rejects.toThrow('queue unavailable');
    expect(updates.updates.get('EVT-001')?.status).toBe(OtaStatus.TimedOut);

    const jobs = new InMemoryJobEnqueuer();
    const retried = await new OtaTimeoutHandler(jobs, updates).handle(PAYLOAD, { ...CONTEXT, attempt: 2 });
    expect(retried).toEqual({ outcome: 'timed_out', alertJobId: 'job-1' });
    expect(jobs.queued).toHaveLength(1);
  });
});
