export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /**
   * The same for every attempt at the same message (`[A-Za-z0-9._=-]`): it becomes the
   * Message-ID, so a receiver can drop a copy sent again after a lost acknowledgement.
   */
  readonly dedupeKey?: string;
}

/** A delivery failure; `permanent` when the server refused for good (SMTP 5xx). */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailDeliveryError';
  }
}

/** Sends e-mail; throws `MailDeliveryError` when it cannot. */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<{ messageId: string }>;
}
