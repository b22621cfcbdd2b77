import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { defineJob, EmailJob, EmailPayload as EmailPayloadClass, type EmailPayload } from '@app/domain';
import { MailModule } from '@app/mail';
import { EmailHandler, type EmailResult } from '@app/workflow';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { JobProcessor } from '../apps/worker/src/processing/job-processor.decorator.js';
import { JobProcessorHost } from '../apps/worker/src/processing/job-processor.host.js';
import { JobWorkers } from '../apps/worker/src/processing/job-workers.js';
import { SmtpPeer } from './support/smtp-peer.js';
import { TestSystem } from './support/test-system.js';
import { waitFor } from './support/wait-for.js';

const email = (to: string) => ({ data: { to, subject: 's', body: 'b' } });

describe('per-type settings from configuration', () => {
  const smtp = new SmtpPeer({ dataDelayMs: 400 });
  let system: TestSystem;

  beforeAll(async () => {
    await smtp.start();
    system = await TestSystem.start({
      worker: true,
      env: { SMTP_URL: smtp.url, WORKER_CONCURRENCY: '5', JOB_EMAIL_CONCURRENCY: '2', JOB_EMAIL_ATTEMPTS: '2' },
    });
  });
  afterEach(() => smtp.setBehaviour({ dataDelayMs: 400 }));
  afterAll(async () => {
    await system.close();
    await smtp.stop();
  });

  it('runs at most JOB_EMAIL_CONCURRENCY e-mails at once, other types at WORKER_CONCURRENCY', async () => {
    const workers = system.worker!.get(JobWorkers);
    expect(Object.fromEntries(workers.running.map((w) => [w.name, w.concurrency]))).toEqual({
      'ota-timeout': 5,
      alert: 5,
      email: 2,
    });

    const posted = await system.http('POST', '/jobs/email/batch', {
      jobs: Array.from({ length: 6 }, (_, i) => email(`c${i}@example.com`)),
    });
    let maxActive = 0;
    await waitFor(
      async () => {
        const counts = (await system.http('GET', '/jobs')).body.jobTypes.find((t: any) => t.name === 'email').counts;
        maxActive = Math.max(maxActive, counts.active);
        return counts.completed >= 6;
      },
      { what: 'six e-mails', intervalMs: 20 },
    );
    expect(posted.body.ids).toHaveLength(6);
    expect(maxActive).toBe(2);
  });

  it('gives e-mail jobs JOB_EMAIL_ATTEMPTS attempts', async () => {
    const types = (await system.http('GET', '/jobs')).body.jobTypes;
    expect(types.find((t: any) => t.name === 'email').attempts).toBe(2);
    expect(types.find((t: any) => t.name === 'alert').attempts).toBe(4);

    smtp.setBehaviour({ rcpt: (address) => (address === 'busy@example.com' ? 451 : undefined) });
    const posted = await system.http('POST', '/jobs/email', email('busy@example.com'));
    const job = await system.jobIn('email', posted.body.id, ['failed'], 15_000);
    expect(job).toMatchObject({ maxAttempts: 2, attemptsMade: 2 });
    expect(smtp.attempts.filter((a) => a.address === 'busy@example.com')).toHaveLength(2);
  });
});

describe('WORKER_QUEUES', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ worker: true, env: { WORKER_QUEUES: 'alert' } });
  });
  afterAll(() => system.close());

  it('runs only the listed job types', async () => {
    expect(system.worker!.get(JobWorkers).hosted).toEqual(['alert']);
    const alert = await system.http('POST', '/jobs/alert', {
      data: { eventId: 'E1', deviceUuid: 'D1', alertType: 'other', severity: 'low', message: 'm' },
    });
    const mail = await system.http('POST', '/jobs/email', email('x@example.com'));
    await system.jobIn('alert', alert.body.id, ['completed']);
    await new Promise((r) => setTimeout(r, 300));
    expect((await system.http('GET', `/jobs/email/${mail.body.id}`)).body.state).toBe('waiting');
  });
});

@JobProcessor(EmailJob)
class SecondEmailProcessor extends JobProcessorHost<EmailPayload, EmailResult> {
  constructor(handler: EmailHandler) {
    super(EmailJob, handler);
  }
}

/** A job type declared outside JOB_DEFINITIONS: the producer would never accept it. */
const UndeclaredJob = defineJob({
  name: 'undeclared',
  payload: EmailPayloadClass,
  description: 'not in the catalog',
  retry: { attempts: 1, backoff: { delayMs: 0, maxDelayMs: 0, jitter: 0 } },
});

@JobProcessor(UndeclaredJob)
class UndeclaredProcessor extends JobProcessorHost<EmailPayload, EmailResult> {
  constructor(handler: EmailHandler) {
    super(UndeclaredJob, handler);
  }
}

@Processor('email')
class PlainProcessor extends WorkerHost {
  async process(): Promise<void> {}
}

describe('start-up checks', () => {
  it.each([
    ['a job type hosted twice', SecondEmailProcessor, /job type email is hosted by more than one processor: EmailProcessor, SecondEmailProcessor/],
    ['a processor of an undeclared job type', UndeclaredProcessor, /UndeclaredProcessor processes "undeclared", which is not a declared job type/],
    ['a processor that is not a JobProcessorHost', PlainProcessor, /PlainProcessor processes queue "email" but does not extend JobProcessorHost/],
  ])('refuses %s, naming it', async (_label, extra, message) => {
    @Module({ imports: [MailModule], providers: [EmailHandler, extra] })
    class ExtraModule {}
    const system = await TestSystem.start({ producer: false });
    try {
      await expect(system.startWorker((builder) => builder, [ExtraModule])).rejects.toThrow(message);
    } finally {
      // The app failed while starting: close what it opened (its workers and connections).
      await system.worker?.close().catch(() => undefined);
      await system.close();
    }
  });
});
