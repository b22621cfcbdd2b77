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
    expect(mailer.sent).toEqual([{ to: 'ops@example.com', subject: 'Device DEV-123 offline', text: 'It stopped.\nCheck it.' }]);
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
