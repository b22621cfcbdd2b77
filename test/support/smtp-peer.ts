import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelopeTo: string[];
  from: string;
  subject: string;
  text: string;
  receivedAt: number;
}

export interface SmtpBehaviour {
  /** A reply code (4xx or 5xx) to refuse this recipient with, or undefined to accept. */
  rcpt?: (address: string, attempt: number) => number | undefined;
  /** Hold the DATA reply this long, to keep a job active. */
  dataDelayMs?: number;
}

/** A real SMTP server in this process: what the service's mailer talks to in tests. */
export class SmtpPeer {
  readonly received: ReceivedMail[] = [];
  /** Time of every RCPT TO, accepted or not: one per delivery attempt. */
  readonly attempts: Array<{ address: string; at: number }> = [];
  private server!: SMTPServer;
  port = 0;

  constructor(private behaviour: SmtpBehaviour = {}) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  setBehaviour(behaviour: SmtpBehaviour): void {
    this.behaviour = behaviour;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        this.attempts.push({ address: address.address, at: Date.now() });
        const attempt = this.attempts.filter((a) => a.address === address.address).length;
        const code = this.behaviour.rcpt?.(address.address, attempt);
        if (code === undefined) return callback();
        const error = Object.assign(new Error(`refused by test peer (${code})`), { responseCode: code });
        return callback(error);
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            if (this.behaviour.dataDelayMs) await new Promise((r) => setTimeout(r, this.behaviour.dataDelayMs));
            this.received.push({
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              receivedAt: Date.now(),
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
