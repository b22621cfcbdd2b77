import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Mailer } from '@app/domain';
import { EmailHandler, type AttemptContext } from '@app/workflow';
import { SmtpPeer } from './support/smtp-peer.js';
import { TestSystem } from './support/test-system.js';
import { waitFor } from './support/wait-for.js';

/** The real EmailHandler, remembering which attempt each call was: swapped in through DI. */
class RecordingEmailHandler extends EmailHandler {
  static contexts: AttemptContext[] = [];
  override handle(...args: Parameters<EmailHandler['handle']>) {
    RecordingEmailHandler.contexts.push(args[1]);
    return super.handle(...args);
  }
}

describe('worker processing (HTTP -> Redis -> worker -> SMTP)', () => {
  const smtp = new SmtpPeer();
  let system: TestSystem;

  beforeAll(async () => {
    await smtp.start();
    system = await TestSystem.start({
      worker: true,
      env: { SMTP_URL: smtp.url, ALERT_EMAIL_TO: 'oncall@example.com', EMAIL_FROM: 'jobs@example.com' },
      overrideWorker: (builder) =>
        builder
          .overrideProvider(EmailHandler)
          .useFactory({ factory: (mailer: Mailer) => new RecordingEmailHandler(mailer), inject: [Mailer] }),
    });
  });

  afterEach(() => {
    smtp.setBehaviour({});
    RecordingEmailHandler.contexts = [];
  });

  afterAll(async () => {
    await system.close();
    await smtp.stop();
  });

  it('delivers an e-mail job to the SMTP server with recipient, subject and body', async () => {
    const posted = await system.http('POST', '/jobs/email', {
      data: { to: 'someone@example.com', subject: 'Firmware 2.1', body: 'Your device was updated.' },
    });
    expect(posted.status).toBe(202);

    const job = await system.jobIn('email', posted.body.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    expect(typeof job.result.messageId).toBe('string');
    const mail = smtp.received.find((m) => m.envelopeTo.includes('someone@example.com'));
    expect(mail).toMatchObject({ from: 'jobs@example.com', subject: 'Firmware 2.1', text: 'Your device was updated.\n' });
  });

  it('runs ota-timeout, which raises an alert, which e-mails the on-call address', async () => {
    const posted = await system.http('POST', '/jobs/ota-timeout', { data: { eventId: 'EVT-001', deviceUuid: 'DEV-123' } });
    expect(posted.status).toBe(202);

    const timeout = await system.jobIn('ota-timeout', posted.body.id, ['completed', 'failed']);
    expect(timeout.result).toEqual({ outcome: 'timed_out', alertJobId: expect.any(String) });
    const alert = await system.jobIn('alert', timeout.result.alertJobId, ['completed', 'failed']);
    expect(alert.data).toMatchObject({ eventId: 'EVT-001', deviceUuid: 'DEV-123', alertType: 'ota_timeout', severity: 'high' });
    expect(alert.result).toEqual({ outcome: 'recorded', emailJobId: expect.any(String) });
    const email = await system.jobIn('email', alert.result.emailJobId, ['completed', 'failed']);
    expect(email.state).toBe('completed');
    const mail = smtp.received.find((m) => m.envelopeTo.includes('oncall@example.com'));
    expect(mail?.subject).toContain('DEV-123');
    expect(mail?.text).toContain('EVT-001');
  });

  it('completes a low alert without sending mail', async () => {
    const posted = await system.http('POST', '/jobs/alert', {
      data: { eventId: 'EVT-LOW', deviceUuid: 'DEV-9', alertType: 'other', severity: 'low', message: 'fyi' },
    });
    const alert = await system.jobIn('alert', posted.body.id, ['completed', 'failed']);
    expect(alert.result).toEqual({ outcome: 'recorded' });
  });

  it('runs a delayed job no earlier than its delay', async () => {
    const delayMs = 1_500;
    const posted = await system.http('POST', '/jobs/email', {
      data: { to: 'later@example.com', subject: 'later', body: 'later' },
      delayMs,
    });
    expect(posted.body.state).toBe('delayed');
    const job = await system.jobIn('email', posted.body.id, ['completed', 'failed']);
    expect(job.state).toBe('completed');
    const mail = smtp.received.find((m) => m.envelopeTo.includes('later@example.com'))!;
    expect(mail.receivedAt - Date.parse(job.createdAt)).toBeGreaterThanOrEqual(delayMs);
    expect(Date.parse(job.processedAt) - Date.parse(job.createdAt)).toBeGreaterThanOrEqual(delayMs);
  });

  it('retries a temporary failure with growing delays and completes on attempt 3', async () => {
    smtp.setBehaviour({ rcpt: (address, attempt) => (address === 'flaky@example.com' && attempt <= 2 ? 451 : undefined) });
    const posted = await system.http('POST', '/jobs/email', {
      data: { to: 'flaky@example.com', subject: 'flaky', body: 'third time lucky' },
    });
    const job = await system.jobIn('email', posted.body.id, ['completed', 'failed'], 20_000);

    expect(job.state).toBe('completed');
    expect(job.attemptsMade).toBe(3);
    expect(RecordingEmailHandler.contexts.filter((c) => c.jobId === posted.body.id).map((c) => [c.attempt, c.maxAttempts])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
    const times = smtp.attempts.filter((a) => a.address === 'flaky@example.com').map((a) => a.at);
    expect(times).toHaveLength(3);
    const [first, second] = [times[1] - times[0], times[2] - times[1]];
    // Policy: 2 s doubling, jitter 0.5 → first wait in [1 s, 2 s], second in [2 s, 4 s].
    expect(first).toBeGreaterThanOrEqual(900);
    expect(second).toBeGreaterThan(first);
  }, 30_000);

  it('fails after one attempt when the SMTP server refuses permanently (5xx)', async () => {
    smtp.setBehaviour({ rcpt: (address) => (address === 'nobody@example.com' ? 550 : undefined) });
    const posted = await system.http('POST', '/jobs/email', {
      data: { to: 'nobody@example.com', subject: 'bounce', body: 'bounce' },
    });
    const job = await system.jobIn('email', posted.body.id, ['completed', 'failed']);
    expect(job.state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('550');
    expect(smtp.attempts.filter((a) => a.address === 'nobody@example.com')).toHaveLength(1);
  });

  it('fails a payload written straight into the queue once, with "invalid payload:"', async () => {
    await system.withRawQueue('email', async (queue) => {
      const job = await queue.add('email', { to: 'not-an-address', subject: 'x', body: 'x', bcc: 'evil@example.com' }, { attempts: 5 });
      const failed = await system.jobIn('email', job.id!, ['completed', 'failed']);
      expect(failed.state).toBe('failed');
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/^invalid payload: /);
      expect(failed.failedReason).toContain('to must be an email');
      expect(failed.failedReason).toContain('property bcc should not exist');
    });
  });

  it.each([
    ['100 000 unknown fields (class-transformer would block the worker for seconds)', () =>
      ({ to: 'a@example.com', subject: 'x', body: 'x', ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 0])) }),
      'payload has 100003 fields; at most 1000 are accepted'],
    ['nesting 2 000 deep (class-transformer would overflow the stack)', () =>
      ({ to: 'a@example.com', subject: 'x', body: 'x', extra: JSON.parse(`${'['.repeat(2_000)}${']'.repeat(2_000)}`) }),
      'extra.0.0.0'],
    ['a toString field (class-transformer would skip it silently)', () => JSON.parse('{"to":"a@example.com","subject":"x","body":"x","toString":1}'),
      'property toString should not exist'],
  ])('fails a raw payload with %s at once, and the worker stays responsive', async (_case, data, reason) => {
    await system.withRawQueue('email', async (queue) => {
      const job = await queue.add('email', data(), { attempts: 3 });
      const started = Date.now();
      const failed = await system.jobIn('email', job.id!, ['completed', 'failed']);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/^invalid payload: /);
      expect(failed.failedReason).toContain(reason);
      const live = await fetch(`${system.workerUrl}/health/live`);
      expect(live.status).toBe(200);
    });
  }, 20_000);

  it('tells the handler a raw job added without attempts has 1 attempt (BullMQ stores 0)', async () => {
    await system.withRawQueue('email', async (queue) => {
      const job = await queue.add('email', { to: 'raw-once@example.com', subject: 'raw', body: 'raw' });
      expect((await system.jobIn('email', job.id!, ['completed', 'failed'])).state).toBe('completed');
      expect(RecordingEmailHandler.contexts.filter((c) => c.jobId === job.id).map((c) => [c.attempt, c.maxAttempts])).toEqual([[1, 1]]);
    });
  });

  it('retries a raw job with a backoff type nobody knows by the job type\'s own backoff, and ends it', async () => {
    smtp.setBehaviour({ rcpt: (address) => (address === 'weird-backoff@example.com' ? 451 : undefined) });
    await system.withRawQueue('email', async (queue) => {
      const job = await queue.add('email', { to: 'weird-backoff@example.com', subject: 'w', body: 'w' }, { attempts: 2, backoff: { type: 'weird' } });
      const failed = await system.jobIn('email', job.id!, ['completed', 'failed'], 15_000);
      expect(failed).toMatchObject({ state: 'failed', attemptsMade: 2 });
      const times = smtp.attempts.filter((a) => a.address === 'weird-backoff@example.com').map((a) => a.at);
      expect(times).toHaveLength(2);
      // The email policy: 2 s with jitter 0.5, so the wait is 1..2 s.
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(900);
    });
  }, 20_000);

  it('keeps working after a poison job', async () => {
    await system.withRawQueue('alert', async (queue) => {
      const poison = await queue.add('alert', 'not even an object', { attempts: 3 });
      await system.jobIn('alert', poison.id!, ['failed']);
    });
    const posted = await system.http('POST', '/jobs/alert', {
      data: { eventId: 'EVT-2', deviceUuid: 'DEV-2', alertType: 'device_offline', severity: 'medium', message: 'offline' },
    });
    await waitFor(async () => (await system.http('GET', `/jobs/alert/${posted.body.id}`)).body.state === 'completed', {
      what: 'alert after poison job',
    });
  });
});
