import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmtpPeer } from './support/smtp-peer.js';
import { TestSystem } from './support/test-system.js';
import { waitFor } from './support/wait-for.js';

const ONCALL = 'oncall@example.com';

describe('OTA updates: timeout -> alert -> e-mail', () => {
  const smtp = new SmtpPeer();
  let system: TestSystem;
  let seq = 0;
  const device = () => `DEV-${process.pid}-${++seq}`;
  const mailsAbout = (text: string) => smtp.received.filter((m) => m.text.includes(text) || m.subject.includes(text));
  const alertsOf = async (deviceUuid: string) => (await system.http('GET', `/alerts?deviceUuid=${deviceUuid}`)).body.alerts;

  beforeAll(async () => {
    await smtp.start();
    system = await TestSystem.start({ worker: true, env: { SMTP_URL: smtp.url, ALERT_EMAIL_TO: ONCALL } });
  });

  afterAll(async () => {
    await system.close();
    await smtp.stop();
  });

  it('times out an update that never reports: record timed_out, one alert, one e-mail', async () => {
    const deviceUuid = device();
    const started = await system.http('POST', '/ota-updates', {
      eventId: `EVT-${deviceUuid}`,
      deviceUuid,
      firmwareVersion: '2.1.0',
      timeoutSeconds: 1,
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ eventId: `EVT-${deviceUuid}`, deviceUuid, status: 'in_progress', finishedAt: null });
    expect(Date.parse(started.body.deadline) - Date.parse(started.body.startedAt)).toBe(1000);

    const record = await waitFor(
      async () => {
        const r = await system.http('GET', `/ota-updates/EVT-${deviceUuid}`);
        return r.body.status === 'timed_out' && r.body;
      },
      { what: 'record timed_out' },
    );
    expect(Date.parse(record.finishedAt)).toBeGreaterThanOrEqual(Date.parse(started.body.deadline));

    await waitFor(() => mailsAbout(deviceUuid).length > 0, { what: 'alert e-mail' });
    const alerts = await alertsOf(deviceUuid);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ eventId: `EVT-${deviceUuid}`, deviceUuid, alertType: 'ota_timeout', severity: 'high' });
    expect(Number.isNaN(Date.parse(alerts[0].raisedAt))).toBe(false);

    await new Promise((r) => setTimeout(r, 500)); // room for a stray second e-mail to show up
    const mails = mailsAbout(deviceUuid);
    expect(mails).toHaveLength(1);
    expect(mails[0].envelopeTo).toEqual([ONCALL]);
    expect(mails[0].text).toContain(`EVT-${deviceUuid}`);
  });

  it('an update reported succeeded before its deadline: no timeout job, no alert, no e-mail', async () => {
    const deviceUuid = device();
    const started = await system.http('POST', '/ota-updates', { deviceUuid, firmwareVersion: '2.1.0', timeoutSeconds: 1 });
    expect(started.status).toBe(201);
    const { eventId } = started.body;
    expect(eventId).toMatch(/^ota-/);
    const delayed = await system.http('GET', '/jobs/ota-timeout?state=delayed');
    expect(delayed.body.jobs.filter((j: any) => j.data.eventId === eventId)).toHaveLength(1);

    const reported = await system.http('POST', `/ota-updates/${eventId}/status`, { status: 'succeeded' });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({ eventId, status: 'succeeded', finishedAt: expect.any(String) });

    const all = await system.http('GET', '/jobs/ota-timeout');
    expect(all.body.jobs.filter((j: any) => j.data.eventId === eventId)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1_500)); // past the deadline
    expect((await system.http('GET', `/ota-updates/${eventId}`)).body.status).toBe('succeeded');
    expect(await alertsOf(deviceUuid)).toHaveLength(0);
    expect(mailsAbout(deviceUuid)).toHaveLength(0);
  });

  it('two timeout jobs for one event (a duplicate enqueue) yield one alert and one e-mail', async () => {
    const deviceUuid = device();
    const data = { eventId: `EVT-${deviceUuid}`, deviceUuid };
    const first = await system.http('POST', '/jobs/ota-timeout', { data });
    const second = await system.http('POST', '/jobs/ota-timeout', { data });
    expect(first.body.id).not.toBe(second.body.id);

    const results = await Promise.all(
      [first, second].map((r) => system.jobIn('ota-timeout', r.body.id, ['completed', 'failed'])),
    );
    expect(results.map((j) => j.state)).toEqual(['completed', 'completed']);
    expect(results[0].result.alertJobId).toBe(results[1].result.alertJobId);

    await waitFor(() => mailsAbout(deviceUuid).length > 0, { what: 'alert e-mail' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await alertsOf(deviceUuid)).toHaveLength(1);
    expect(mailsAbout(deviceUuid)).toHaveLength(1);
  });

  it('the same timeout job delivered again after it completed raises nothing new', async () => {
    const deviceUuid = device();
    const eventId = `EVT-${deviceUuid}`;
    await system.http('POST', '/ota-updates', { eventId, deviceUuid, firmwareVersion: '2.2.0', timeoutSeconds: 1 });
    await waitFor(async () => (await system.http('GET', `/ota-updates/${eventId}`)).body.status === 'timed_out', {
      what: 'timed_out',
    });
    await waitFor(() => mailsAbout(eventId).length > 0, { what: 'alert e-mail' });
    const [timeout] = (await system.http('GET', '/jobs/ota-timeout?state=completed&limit=1000')).body.jobs.filter(
      (j: any) => j.data.eventId === eventId,
    );
    expect(timeout.result.outcome).toBe('timed_out');

    // Redeliver: BullMQ runs the very same job again.
    await system.withRawQueue('ota-timeout', async (queue) => {
      await (await queue.getJob(timeout.id))!.retry('completed');
    });
    const rerun = await waitFor(
      async () => {
        const job = (await system.http('GET', `/jobs/ota-timeout/${timeout.id}`)).body;
        return job.state === 'completed' && job.attemptsMade >= 1 && job.finishedAt !== timeout.finishedAt && job;
      },
      { what: 'second run of the timeout job' },
    );
    // The record is timed out already: the run enqueues the same alert again, which adds nothing.
    expect(rerun.result).toEqual(timeout.result);
    await new Promise((r) => setTimeout(r, 300));
    expect(await alertsOf(deviceUuid)).toHaveLength(1);
    expect(mailsAbout(eventId)).toHaveLength(1);
  });

  it('a status report racing the timeout: either the report wins (no alert) or the timeout does (409, one alert)', async () => {
    const updates = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const deviceUuid = device();
        const started = await system.http('POST', '/ota-updates', { deviceUuid, firmwareVersion: '9.9', timeoutSeconds: 1 });
        expect(started.status).toBe(201);
        return { deviceUuid, eventId: started.body.eventId as string, deadline: Date.parse(started.body.deadline) };
      }),
    );
    // Reports from 60 ms before to 90 ms after each deadline: where the timeout job is running.
    const reports = await Promise.all(
      updates.map(async ({ eventId, deadline }, i) => {
        await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() - 60 + i * 6)));
        return (await system.http('POST', `/ota-updates/${eventId}/status`, { status: 'succeeded' })).status;
      }),
    );
    const settled = async () =>
      Promise.all(
        updates.map(async ({ deviceUuid, eventId }, i) => ({
          eventId,
          status: (await system.http('GET', `/ota-updates/${eventId}`)).body.status as string,
          report: reports[i],
          alerts: (await alertsOf(deviceUuid)).length,
        })),
      );
    // Settled: every timed-out update has its alert (a wrong outcome never settles, and fails below).
    const outcomes = await waitFor(async () => {
      const now = await settled();
      return now.every((o) => o.status === 'succeeded' || (o.status === 'timed_out' && o.alerts > 0)) && now;
    }, { what: 'every race to settle', timeoutMs: 10_000 }).catch(settled);
    await new Promise((r) => setTimeout(r, 300)); // a late, wrong alert would show by now
    for (const { eventId, status, report } of outcomes) {
      const alerts = (await alertsOf(updates.find((u) => u.eventId === eventId)!.deviceUuid)).length;
      const expected = status === 'succeeded' ? { report: 200, alerts: 0 } : { report: 409, alerts: 1 };
      expect({ eventId, status, report, alerts }).toEqual({ eventId, status: expect.stringMatching(/^(succeeded|timed_out)$/), ...expected });
    }
  });

  it('answers 409 for a status report after the timeout, 404 for an unknown event, 409 for a duplicate start', async () => {
    const deviceUuid = device();
    const eventId = `EVT-${deviceUuid}`;
    const start = { eventId, deviceUuid, firmwareVersion: '3.0.0', timeoutSeconds: 1 };
    expect((await system.http('POST', '/ota-updates', start)).status).toBe(201);
    const duplicate = await system.http('POST', '/ota-updates', start);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ statusCode: 409, error: 'Conflict' });

    await waitFor(async () => (await system.http('GET', `/ota-updates/${eventId}`)).body.status === 'timed_out', {
      what: 'timed_out',
    });
    const late = await system.http('POST', `/ota-updates/${eventId}/status`, { status: 'succeeded' });
    expect(late.status).toBe(409);
    expect(late.body.message).toContain('timed_out');

    const unknown = await system.http('GET', '/ota-updates/EVT-NEVER');
    expect(unknown.status).toBe(404);
    expect((await system.http('POST', '/ota-updates/EVT-NEVER/status', { status: 'failed' })).status).toBe(404);
  });

  it('400 for an eventId of null rather than generating one', async () => {
    const response = await system.http('POST', '/ota-updates', { eventId: null, deviceUuid: device(), firmwareVersion: '1.0', timeoutSeconds: 60 });
    expect(response.status).toBe(400);
    expect([response.body.message].flat().join('\n')).toContain('eventId must be a string');
  });

  it('a device reporting failure finishes the update without an alert', async () => {
    const deviceUuid = device();
    const { body } = await system.http('POST', '/ota-updates', { deviceUuid, firmwareVersion: '1.0', timeoutSeconds: 60 });
    const reported = await system.http('POST', `/ota-updates/${body.eventId}/status`, { status: 'failed' });
    expect(reported.body.status).toBe('failed');
    const again = await system.http('POST', `/ota-updates/${body.eventId}/status`, { status: 'succeeded' });
    expect(again.status).toBe(409);
    expect(await alertsOf(deviceUuid)).toHaveLength(0);
  });

  it.each([
    [{ deviceUuid: 'DEV-1', firmwareVersion: '1', timeoutSeconds: 0 }, 'timeoutSeconds'],
    [{ deviceUuid: 'DEV-1', firmwareVersion: '1', timeoutSeconds: 86_401 }, 'timeoutSeconds'],
    [{ deviceUuid: 'DEV 1', firmwareVersion: '1', timeoutSeconds: 5 }, 'deviceUuid'],
    [{ deviceUuid: 'DEV-1', timeoutSeconds: 5 }, 'firmwareVersion'],
    [{ deviceUuid: 'DEV-1', firmwareVersion: '1', timeoutSeconds: 5, colour: 'red' }, 'colour'],
  ])('refuses a start request %j naming %s', async (body, field) => {
    const response = await system.http('POST', '/ota-updates', body);
    expect(response.status).toBe(400);
    expect(response.body.message.join(' ')).toContain(field);
  });

  it('refuses a status other than succeeded or failed', async () => {
    const response = await system.http('POST', '/ota-updates/EVT-X/status', { status: 'timed_out' });
    expect(response.status).toBe(400);
    expect(response.body.message[0]).toMatch(/^status /);
  });

  it('lists alerts newest first, filtered by device, limited', async () => {
    const deviceUuid = device();
    for (const n of [1, 2, 3]) {
      const posted = await system.http('POST', '/jobs/alert', {
        data: { eventId: `E${n}`, deviceUuid, alertType: 'device_offline', severity: 'low', message: `m${n}` },
      });
      await system.jobIn('alert', posted.body.id, ['completed']);
    }
    const listed = await system.http('GET', `/alerts?deviceUuid=${deviceUuid}&limit=2`);
    expect(listed.status).toBe(200);
    expect(listed.body.alerts.map((a: any) => a.eventId)).toEqual(['E3', 'E2']);
    expect((await system.http('GET', '/alerts?limit=0')).status).toBe(400);
    expect((await system.http('GET', '/alerts?deviceUuid=a%20b')).status).toBe(400);
  });
});
