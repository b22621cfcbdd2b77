/** The thing asked for does not exist (an HTTP app answers 404). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request contradicts the current state (an HTTP app answers 409). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}
