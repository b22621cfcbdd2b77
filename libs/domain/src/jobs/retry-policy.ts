/**
 * How often a job type is tried and how long it waits between tries: the original's
 * `WorkerRetryConfig { max_retries, min_delay, max_delay, jitter }`.
 */
export interface RetryPolicy {
  /** Total tries, the first one included. */
  readonly attempts: number;
  readonly backoff: ExponentialBackoff;
}

/** Delay before retry n (1-based) is `min(maxDelayMs, delayMs * 2^(n-1))`, less up to `jitter` of it. */
export interface ExponentialBackoff {
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** Fraction (0..1) of the delay that is randomised away, so retries of a burst spread out. */
  readonly jitter: number;
}

/**
 * The delay before the next try after `failedAttempts` failures.
 * `random` returns a number in [0, 1); injectable so tests are deterministic.
 */
export function backoffDelay(
  backoff: ExponentialBackoff,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const ceiling = Math.min(backoff.maxDelayMs, backoff.delayMs * 2 ** exponent);
  return Math.floor(ceiling * (1 - backoff.jitter * random()));
}

export function assertValidRetryPolicy(name: string, policy: RetryPolicy): void {
  const { attempts, backoff } = policy;
  const problems: string[] = [];
  if (!Number.isInteger(attempts) || attempts < 1) problems.push('attempts must be an integer >= 1');
  if (!(backoff.delayMs >= 0)) problems.push('backoff.delayMs must be >= 0');
  if (!(backoff.maxDelayMs >= backoff.delayMs)) problems.push('backoff.maxDelayMs must be >= backoff.delayMs');
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) problems.push('backoff.jitter must be within 0..1');
  if (problems.length > 0) {
    throw new Error(`job type ${name}: invalid retry policy: ${problems.join(', ')}`);
  }
}
