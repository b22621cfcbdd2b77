import { describe, expect, it } from '@jest/globals';
import {
  AlertRepository,
  AlertType,
  EmailJob,
  Severity,
  parsePayload,
  type AlertPayload,
  type AlertRecord,
  type JobPayload,
} from '@app/domain';
import type { AttemptContext } from '../job-handler.js';
import { AlertHandler } from './alert.handler.js';
import { FailingJobEnqueuer, InMemoryAlertRepository, InMemoryJobEnqueuer as FakeJobEnqueuer } from '../testing/in-memory-ports.js';

class FailingAlertRepository extends AlertRepository {
  async add(): Promise<boolean> {
    throw new Error('redis down');
  }
  async list(): Promise<AlertRecord[]> {
    return [];
  }
}

const CONTEXT: AttemptContext = { jobId: 'a1', jobName: 'alert', attempt: 1, maxAttempts: 4 };
const RECIPIENT = 'oncall@example.com';

const alertOf = (overrides: Partial<AlertPayload> = {}): AlertPayload => ({
  eventId: 'EVT-001',
  deviceUuid: 'DEV-123',
  alertType: AlertType.OtaTimeout,
  severity: Severity.High,
  message: 'OTA update EVT-001 on device DEV-123 did not finish before its deadline',
  ...overrides,
});

/** `setUp(NO_RECIPIENT)`: ALERT_EMAIL_TO unset (a bare `undefined` would pick the default). */
const NO_RECIPIENT = null;

function setUp(recipient: string | typeof NO_RECIPIENT = RECIPIENT) {
  const alertEmailTo = recipient ?? undefined;
  const alerts = new InMemoryAlertRepository();
  const jobs = new FakeJobEnqueuer();
  const handler = new AlertHandler(alerts, jobs, { alertEmailTo });
  return { alerts, jobs, handler };
}

describe('AlertHandler', () => {
  it('stores the alert with every payload field and an ISO 8601 raisedAt of now', async () => {
    const { alerts, handler } = setUp();
    const before = Date.now();
    await handler.handle(alertOf({ severity: Severity.Low }), CONTEXT);
    const after = Date.now();

    expect(alerts.records).toHaveLength(1);
    const [record] = alerts.records;
    expect(record).toEqual({ ...alertOf({ severity: Severity.Low }), raisedAt: expect.any(String) });
    expect(record.raisedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(record.raisedAt).toISOString()).toBe(record.raisedAt);
    const raisedAt = Date.parse(record.raisedAt);
    expect(raisedAt).toBeGreaterThanOrEqual(before);
    expect(raisedAt).toBeLessThanOrEqual(after);
  });

  it('stores it under a key derived from type, device and event, the same on a retry', async () => {
    const { alerts, handler } = setUp(NO_RECIPIENT);
    await handler.handle(alertOf(), CONTEXT);
    await handler.handle(alertOf(), { ...CONTEXT, attempt: 2 });
    expect(alerts.keys).toHaveLength(1);
    expect(alerts.keys[0]).toContain('DEV-123');
    expect(alerts.keys[0]).toContain('EVT-001');
    expect(alerts.keys[0]).toContain('ota_timeout');
    expect(alerts.records).toHaveLength(1);
  });

  it('uses different keys for different alerts', async () => {
    const { alerts, handler } = setUp(NO_RECIPIENT);
    await handler.handle(alertOf(), CONTEXT);
    await handler.handle(alertOf({ eventId: 'EVT-002' }), CONTEXT);
    await handler.handle(alertOf({ deviceUuid: 'DEV-456' }), CONTEXT);
    await handler.handle(alertOf({ alertType: AlertType.DeviceOffline }), CONTEXT);
    await handler.handle(alertOf({ severity: Severity.Critical }), CONTEXT);
    expect(new Set(alerts.keys).size).toBe(5);
    expect(alerts.records).toHaveLength(5);
  });

  it('records and mails an escalation (the same event raised again as critical)', async () => {
    const { alerts, jobs, handler } = setUp(RECIPIENT);
    await handler.handle(alertOf({ severity: Severity.Low, message: 'm1' }), CONTEXT);
    const escalated = await handler.handle(alertOf({ severity: Severity.Critical, message: 'now critical' }), CONTEXT);
    expect(alerts.records.map((r) => [r.severity, r.message])).toEqual([
      ['critical', 'now critical'],
      ['low', 'm1'],
    ]);
    expect(jobs.calls).toHaveLength(1);
    expect(escalated.emailJobId).toBeDefined();
  });

  it.each([Severity.Low, Severity.Medium])('never e-mails a %s alert, even with a recipient set', async (severity) => {
    const { alerts, jobs, handler } = setUp(RECIPIENT);
    const result = await handler.handle(alertOf({ severity }), CONTEXT);
    expect(result).toEqual({ outcome: 'recorded' });
    expect(result).not.toHaveProperty('emailJobId');
    expect(jobs.calls).toHaveLength(0);
    expect(alerts.records).toHaveLength(1);
  });

  it.each([Severity.High, Severity.Critical])('does not e-mail a %s alert when ALERT_EMAIL_TO is unset', async (severity) => {
    const { alerts, jobs, handler } = setUp(NO_RECIPIENT);
    const result = await handler.handle(alertOf({ severity }), CONTEXT);
    expect(result).toEqual({ outcome: 'recorded' });
    expect(result).not.toHaveProperty('emailJobId');
    expect(jobs.calls).toHaveLength(0);
    expect(alerts.records).toHaveLength(1);
  });

  it.each([Severity.High, Severity.Critical])('enqueues one e-mail for a %s alert to ALERT_EMAIL_TO', async (severity) => {
    const { alerts, jobs, handler } = setUp(RECIPIENT);
    const result = await handler.handle(alertOf({ severity }), CONTEXT);

    expect(alerts.records).toHaveLength(1);
    expect(jobs.calls).toHaveLength(1);
    const [call] = jobs.calls;
    expect(call.name).toBe('email');
    const email = call.payload as JobPayload<'email'>;
    expect(email.to).toBe(RECIPIENT);
    expect(email.subject).toContain('DEV-123');
    expect(email.subject).toContain(severity);
    expect(email.subject).toContain('ota_timeout');
    expect(email.body).toContain('DEV-123');
    expect(email.body).toContain('EVT-001');
    expect(email.body).toContain(alertOf().message);
    expect(email.body).toContain(`Severity: ${severity}`);
    expect(call.options?.idempotencyKey).toEqual(expect.any(String));
    expect(call.options?.delayMs).toBeUndefined();
    expect(result).toEqual({ outcome: 'recorded', emailJobId: 'job-1' });
  });

  it('builds an e-mail that passes the email job\'s own validation, even for the longest alert', async () => {
    const { jobs, handler } = setUp(RECIPIENT);
    await handler.handle(
      alertOf({
        eventId: 'e'.repeat(128),
        deviceUuid: 'd'.repeat(128),
        alertType: AlertType.AuthenticationFailed,
        severity: Severity.Critical,
        message: 'm'.repeat(2000),
      }),
      CONTEXT,
    );
    expect(jobs.calls).toHaveLength(1);
    expect(() => parsePayload(EmailJob, jobs.calls[0].payload)).not.toThrow();
  });

  it('uses the same idempotency key for the same alert, so a retry cannot mail twice', async () => {
    const { jobs, handler } = setUp(RECIPIENT);
    const first = await handler.handle(alertOf(), CONTEXT);
    const second = await handler.handle(alertOf(), { ...CONTEXT, attempt: 2 });

    expect(jobs.calls).toHaveLength(2);
    expect(jobs.calls[0].options?.idempotencyKey).toBe(jobs.calls[1].options?.idempotencyKey);
    expect(jobs.queued).toHaveLength(1);
    expect(first).toEqual({ outcome: 'recorded', emailJobId: 'job-1' });
    expect(second).toEqual(first);
  });

  it.each([
    ['event', { eventId: 'EVT-002' }],
    ['device', { deviceUuid: 'DEV-456' }],
    ['alert type', { alertType: AlertType.DeviceOffline }],
  ] as Array<[string, Partial<AlertPayload>]>)('uses another idempotency key for another %s', async (_label, change) => {
    const { jobs, handler } = setUp(RECIPIENT);
    const first = await handler.handle(alertOf(), CONTEXT);
    const second = await handler.handle(alertOf(change), CONTEXT);
    expect(jobs.calls[0].options?.idempotencyKey).not.toBe(jobs.calls[1].options?.idempotencyKey);
    expect(jobs.queued).toHaveLength(2);
    expect(second.emailJobId).not.toBe(first.emailJobId);
  });

  it('fails, and enqueues no e-mail, when the alert cannot be stored', async () => {
    const jobs = new FakeJobEnqueuer();
    const handler = new AlertHandler(new FailingAlertRepository(), jobs, { alertEmailTo: RECIPIENT });
    await expect(handler.handle(alertOf(), CONTEXT)).rejects.toThrow('redis down');
    expect(jobs.calls).toHaveLength(0);
  });

  it('fails when the e-mail cannot be enqueued, having stored the alert (a retry will not store it twice)', async () => {
    const alerts = new InMemoryAlertRepository();
    const handler = new AlertHandler(alerts, new FailingJobEnqueuer(), { alertEmailTo: RECIPIENT });
    await expect(handler.handle(alertOf(), CONTEXT)).rejects.toThrow('queue unavailable');
    expect(alerts.records).toHaveLength(1);
  });
});
