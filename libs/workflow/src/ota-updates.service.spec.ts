import { describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, OtaStatus } from '@app/domain';
import { otaTimeoutJobKey, OtaUpdatesService } from './ota-updates.service.js';
import { InMemoryJobEnqueuer, InMemoryOtaUpdateRepository } from './testing/in-memory-ports.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function setUp() {
  const jobs = new InMemoryJobEnqueuer();
  const updates = new InMemoryOtaUpdateRepository();
  return { jobs, updates, service: new OtaUpdatesService(updates, jobs) };
}

describe('OtaUpdatesService', () => {
  it('records an update in progress and schedules its timeout at the deadline', async () => {
    const { jobs, updates, service } = setUp();
    const update = await service.start(
      { eventId: 'EVT-1', deviceUuid: 'DEV-1', firmwareVersion: '2.0', timeoutSeconds: 90 },
      NOW,
    );
    expect(update).toEqual({
      eventId: 'EVT-1',
      deviceUuid: 'DEV-1',
      firmwareVersion: '2.0',
      status: OtaStatus.InProgress,
      startedAt: '2026-03-01T12:00:00.000Z',
      deadline: '2026-03-01T12:01:30.000Z',
      finishedAt: null,
    });
    expect(updates.updates.get('EVT-1')).toEqual(update);
    expect(jobs.queued).toEqual([
      {
        name: 'ota-timeout',
        payload: { eventId: 'EVT-1', deviceUuid: 'DEV-1' },
        options: { delayMs: 90_000, jobKey: otaTimeoutJobKey('EVT-1') },
      },
    ]);
  });

  it('generates an event id when none is given', async () => {
    const { service } = setUp();
    const a = await service.start({ deviceUuid: 'DEV-1', firmwareVersion: '2.0', timeoutSeconds: 1 });
    const b = await service.start({ deviceUuid: 'DEV-1', firmwareVersion: '2.0', timeoutSeconds: 1 });
    expect(a.eventId).toMatch(/^ota-[0-9a-f-]{36}$/);
    expect(a.eventId).not.toBe(b.eventId);
  });

  it('refuses a second start of the same event without scheduling anything', async () => {
    const { jobs, service } = setUp();
    const request = { eventId: 'EVT-1', deviceUuid: 'DEV-1', firmwareVersion: '2.0', timeoutSeconds: 5 };
    await service.start(request);
    await expect(service.start(request)).rejects.toBeInstanceOf(ConflictError);
    expect(jobs.calls).toHaveLength(1);
  });

  it.each([OtaStatus.Succeeded, OtaStatus.Failed] as const)('records %s and cancels the timeout', async (status) => {
    const { jobs, service } = setUp();
    await service.start({ eventId: 'EVT-1', deviceUuid: 'DEV-1', firmwareVersion: '2.0', timeoutSeconds: 5 }, NOW);
    const finished = await service.report('EVT-1', status, new Date('2026-03-01T12:00:03.000Z'));
    expect(finished).toMatchObject({ status, finishedAt: '2026-03-01T12:00:03.000Z' });
    expect(jobs.cancelled).toEqual([otaTimeoutJobKey('EVT-1')]);
  });

  it('refuses a report for an update that is no longer in progress, and cancels nothing', async () => {
    const { jobs, service } = setUp();
    await service.start({ eventId: 'EVT-1', deviceUuid: 'DEV-1', firmwareVersion: '2.0', timeoutSeconds: 5 });
    await service.report('EVT-1', OtaStatus.Failed);
    await expect(service.report('EVT-1', OtaStatus.Succeeded)).rejects.toThrow(/is failed, not in_progress/);
    expect(jobs.cancelled).toHaveLength(1);
  });

  it('answers not found for an unknown event', async () => {
    const { service } = setUp();
    await expect(service.report('nope', OtaStatus.Succeeded)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.get('nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
