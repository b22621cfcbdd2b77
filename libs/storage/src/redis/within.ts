/**
 * Settles like `promise`, or rejects once `ms` have passed. A plain timer on purpose: on Node 20
 * a timeout built from `AbortSignal.timeout` can be garbage-collected before it fires. The
 * operation itself is not cancelled; its late outcome is ignored.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
