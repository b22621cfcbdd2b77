import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { loadConfig } from '@app/config';
import { MailDeliveryError } from '@app/domain';
import { SMTPServer } from 'smtp-server';
import { SmtpMailer, toDeliveryError } from './smtp-mailer.js';

interface ReceivedMessage {
  readonly mailFrom: string | false;
  readonly rcptTo: string[];
  readonly raw: string;
}

/** Recipients whose local part asks the test server to refuse them with that SMTP code. */
const REFUSE = { permanent: 'reject550@test.local', temporary: 'later451@test.local' };
/** A recipient whose message the test server takes but never answers for. */
const HELD = 'held@test.local';
const heldReplies: Array<() => void> = [];

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
}

/** A port nothing listens on: bound by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function headerOf(raw: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim();
}

function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

async function deliveryErrorOf(mailer: SmtpMailer, to: string): Promise<MailDeliveryError> {
  try {
    await mailer.send({ to, subject: 'refused', text: 'should not arrive' });
  } catch (error) {
    expect(error).toBeInstanceOf(MailDeliveryError);
    return error as MailDeliveryError;
  }
  throw new Error(`expected sending to ${to} to fail`);
}

describe('SmtpMailer against a real SMTP server', () => {
  const received: ReceivedMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === REFUSE.permanent) return callback(smtpError('5.1.1 mailbox unavailable', 550));
      if (address.address === REFUSE.temporary) return callback(smtpError('4.3.0 try again later', 451));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // No reply until the test lets go (the server would wait 30 s on it when closing).
        if (session.envelope.rcptTo.some((a) => a.address === HELD)) return void heldReplies.push(() => callback());
        received.push({
          mailFrom: session.envelope.mailFrom === false ? false : session.envelope.mailFrom.address,
          rcptTo: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  let mailer: SmtpMailer;
  let unreachable: SmtpMailer;

  beforeAll(async () => {
    const port = await listen(server);
    mailer = new SmtpMailer(loadConfig({ SMTP_URL: `smtp://127.0.0.1:${port}`, EMAIL_FROM: 'jobs@test.local' }));
    unreachable = new SmtpMailer(loadConfig({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, EMAIL_FROM: 'jobs@test.local' }));
  });

  afterAll(async () => {
    mailer?.onApplicationShutdown();
    unreachable?.onApplicationShutdown();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the message to the recipient, from EMAIL_FROM, with its subject and body', async () => {
    const before = received.length;
    const result = await mailer.send({
      to: 'ops@example.com',
      subject: 'Device DEV-123 offline',
      text: 'DEV-123 stopped reporting.\nEvent: EVT-001',
    });

    expect(received).toHaveLength(before + 1);
    const message = received[before];
    expect(message.rcptTo).toEqual(['ops@example.com']);
    expect(message.mailFrom).toBe('jobs@test.local');
    expect(headerOf(message.raw, 'To')).toBe('ops@example.com');
    expect(headerOf(message.raw, 'From')).toBe('jobs@test.local');
    expect(headerOf(message.raw, 'Subject')).toBe('Device DEV-123 offline');
    expect(bodyOf(message.raw)).toContain('DEV-123 stopped reporting.\r\nEvent: EVT-001');
    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(headerOf(message.raw, 'Message-ID')).toBe(result.messageId);
  });

  it('delivers several messages over the pooled connection, each with its own id', async () => {
    const before = received.length;
    const results = await Promise.all(
      [1, 2, 3].map((n) => mailer.send({ to: `user${n}@example.com`, subject: `message ${n}`, text: `body ${n}` })),
    );
    expect(received).toHaveLength(before + 3);
    expect(received.slice(before).flatMap((m) => m.rcptTo).sort()).toEqual([
      'user1@example.com',
      'user2@example.com',
      'user3@example.com',
    ]);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(3);
  });

  it('a 550 on RCPT is a permanent MailDeliveryError, and nothing is delivered', async () => {
    const before = received.length;
    const error = await deliveryErrorOf(mailer, REFUSE.permanent);
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/^SMTP 550: /);
    expect(error.message).toContain('mailbox unavailable');
    expect(received).toHaveLength(before);
  });

  it('a 451 on RCPT is a temporary MailDeliveryError, and nothing is delivered', async () => {
    const before = received.length;
    const error = await deliveryErrorOf(mailer, REFUSE.temporary);
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^SMTP 451: /);
    expect(received).toHaveLength(before);
  });

  it('gives a message its dedupe key as Message-ID, the same on every attempt', async () => {
    const before = received.length;
    const message = { to: 'ops@example.com', subject: 'again', text: 'sent twice', dedupeKey: 'email.42' };
    const first = await mailer.send(message);
    const second = await mailer.send(message);
    expect(first.messageId).toBe('<email.42@test.local>');
    expect(second.messageId).toBe(first.messageId);
    expect(received.slice(before).map((m) => headerOf(m.raw, 'Message-ID'))).toEqual(['<email.42@test.local>', '<email.42@test.local>']);
  });

  it('gives up on a server that does not answer within sendTimeoutMs: a temporary error', async () => {
    const port = (server.server.address() as AddressInfo).port;
    const impatient = new SmtpMailer(loadConfig({ SMTP_URL: `smtp://127.0.0.1:${port}`, EMAIL_FROM: 'jobs@test.local' }));
    impatient.sendTimeoutMs = 300;
    try {
      const started = Date.now();
      const error = await deliveryErrorOf(impatient, HELD);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error.permanent).toBe(false);
      expect(error.message).toBe('ETIMEDOUT: no answer within 300 ms');
    } finally {
      heldReplies.splice(0).forEach((reply) => reply());
      impatient.onApplicationShutdown();
    }
  });

  it('still delivers after a refusal on the same pool', async () => {
    await deliveryErrorOf(mailer, REFUSE.permanent);
    const before = received.length;
    await mailer.send({ to: 'after@example.com', subject: 'after', text: 'still works' });
    expect(received).toHaveLength(before + 1);
    expect(received[before].rcptTo).toEqual(['after@example.com']);
  });

  it('a refused connection is a temporary MailDeliveryError', async () => {
    const error = await deliveryErrorOf(unreachable, 'ops@example.com');
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('ECONNREFUSED');
    // nodemailer's own error, kept as the cause (an Error of Node's realm, so checked by shape).
    expect(error.cause).toMatchObject({ code: expect.any(String), message: expect.stringContaining('ECONNREFUSED') });
    expect(error.message.startsWith(`${(error.cause as { code: string }).code}: `)).toBe(true);
  });
});

describe('toDeliveryError', () => {
  it.each([500, 550, 554, 599])('SMTP %i is permanent', (responseCode) => {
    const cause = Object.assign(new Error('refused'), { responseCode, code: 'EENVELOPE' });
    const error = toDeliveryError(cause);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error.permanent).toBe(true);
    expect(error.message).toBe(`SMTP ${responseCode}: refused`);
    expect(error.cause).toBe(cause);
  });

  it.each([421, 450, 451, 452, 499, 600])('SMTP %i is temporary', (responseCode) => {
    const error = toDeliveryError(Object.assign(new Error('busy'), { responseCode }));
    expect(error.permanent).toBe(false);
    expect(error.message).toBe(`SMTP ${responseCode}: busy`);
  });

  it.each(['ECONNREFUSED', 'ESOCKET', 'ETIMEDOUT', 'ECONNECTION', 'ECONNRESET'])('a network failure (%s) is temporary', (code) => {
    const cause = Object.assign(new Error(`connect ${code}`), { code });
    const error = toDeliveryError(cause);
    expect(error.permanent).toBe(false);
    expect(error.message).toBe(`${code}: connect ${code}`);
    expect(error.cause).toBe(cause);
  });

  it('masks e-mail addresses in the server\'s reply: the message is logged', () => {
    const error = toDeliveryError(
      Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 <jane.secret@corp.example>: Recipient address rejected"), {
        responseCode: 550,
      }),
    );
    expect(error.message).toBe("SMTP 550: Can't send mail - all recipients were rejected: 550 5.1.1 <address>: Recipient address rejected");
    expect(toDeliveryError(new Error('mailbox bob@example.com full; tell ops@example.com')).message).toBe(
      'error: mailbox <address> full; tell <address>',
    );
  });

  it('an error without code or response code is temporary and keeps its message', () => {
    const error = toDeliveryError(new Error('boom'));
    expect(error.permanent).toBe(false);
    expect(error.message).toBe('error: boom');
    expect(error.name).toBe('MailDeliveryError');
  });

  it('a thrown non-Error value is described by its string form', () => {
    const error = toDeliveryError('plain string');
    expect(error.permanent).toBe(false);
    expect(error.message).toBe('error: plain string');
    expect(error.cause).toBe('plain string');
  });

  it('a response code given as a string is not taken as permanent', () => {
    const error = toDeliveryError(Object.assign(new Error('odd'), { responseCode: '550' }));
    expect(error.permanent).toBe(false);
  });
});
