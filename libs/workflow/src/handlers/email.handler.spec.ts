import { describe, expect, it } from '@jest/globals';
import { MailDeliveryError, Mailer, PermanentJobError, type EmailPayload, type MailMessage } from '@app/domain';
import type { AttemptContext } from '../job-handler.js';
import { EmailHandler } from './email.handler.js';

/** Records what it is asked to send; answers with a fixed id or with the error it was given. */
class FakeMailer extends Mailer {
  readonly sent: MailMessage[] = [];

  constructor(private readonly outcome: { messageId: string } | { error: unknown }) {
    super();
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    this.sent.push(message);
    if ('error' in this.outcome) throw this.outcome.error;
    return { messageId: this.outcome.messageId };
  }
}

const PAYLOAD: EmailPayload = { to: 'ops@example.com', subject: 'Device DEV-123 offline', body: 'It stopped.\nCheck it.' };
const CONTEXT: AttemptContext = { jobId: '7', jobName: 'email', attempt: 1, maxAttempts: 5 };

/** The handler's rejection, for assertions on the very object thrown. */
async function rejectionOf(handler: EmailHandler): Promise<unknown> {
  try {
    await handler.handle(PAYLOAD, CONTEXT);
  } catch (error) {
    return error;
  }
  throw new Error('expected the handler to throw');
}

describe('EmailHandler', () => {
  it('sends to, subject and body (as text) and returns the message id', async () => {
    const mailer = new FakeMailer({ messageId: '<abc@test>' });
    const result = await new EmailHandler(mailer).handle(PAYLOAD, CONTEXT);
    expect(result).toEqual({ messageId: '<abc@test>' });
    expect(mailer.sent).toEqual([
      { to: 'ops@example.com', subject: 'Device DEV-123 offline', text: 'It stopped.\nCheck it.', dedupeKey: 'email.7' },
    ]);
  });

  it('derives the dedupe key from the job, the same on every attempt, in Message-ID-safe characters', async () => {
    const mailer = new FakeMailer({ messageId: '<x@test>' });
    const handler = new EmailHandler(mailer);
    await handler.handle(PAYLOAD, { ...CONTEXT, jobId: 'idem-a:b c', attempt: 1 });
    await handler.handle(PAYLOAD, { ...CONTEXT, jobId: 'idem-a:b c', attempt: 2 });
    expect(mailer.sent.map((m) => m.dedupeKey)).toEqual(['email.idem-a=3ab=20c', 'email.idem-a=3ab=20c']);
  });

  it('sends the same way on the last attempt', async () => {
    const mailer = new FakeMailer({ messageId: '<last@test>' });
    const result = await new EmailHandler(mailer).handle(PAYLOAD, { ...CONTEXT, attempt: 5 });
    expect(result).toEqual({ messageId: '<last@test>' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('turns a permanent delivery failure into a PermanentJobError carrying the cause', async () => {
    const refusal = new MailDeliveryError('SMTP 550: mailbox unavailable', true);
    const error = await rejectionOf(new EmailHandler(new FakeMailer({ error: refusal })));
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as PermanentJobError).message).toBe('SMTP 550: mailbox unavailable');
    expect((error as PermanentJobError).name).toBe('PermanentJobError');
    expect((error as PermanentJobError).cause).toBe(refusal);
  });

  it('rethrows a temporary delivery failure unchanged, so the job is retried', async () => {
    const temporary = new MailDeliveryError('SMTP 451: try again later', false);
    const error = await rejectionOf(new EmailHandler(new FakeMailer({ error: temporary })));
    expect(error).toBe(temporary);
    expect(error).not.toBeInstanceOf(PermanentJobError);
  });

  it.each([
    ['a TypeError', new TypeError('boom')],
    ['a plain Error', new Error('socket hang up')],
    ['an error shaped like a permanent one but not a MailDeliveryError', Object.assign(new Error('SMTP 550'), { permanent: true })],
    ['a non-Error value', 'string failure'],
  ])('rethrows %s unchanged', async (_label, thrown) => {
    const error = await rejectionOf(new EmailHandler(new FakeMailer({ error: thrown })));
    expect(error).toBe(thrown);
    expect(error).not.toBeInstanceOf(PermanentJobError);
  });
});
