/**
 * Thrown by a handler when trying again cannot help (a rejected recipient, a malformed
 * request): the job fails at once instead of using up its retries.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
