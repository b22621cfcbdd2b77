import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './retry-policy.js';

describe('backoffDelay', () => {
  const backoff = { delayMs: 2_000, maxDelayMs: 10_000, jitter: 0.5 };

  it.each([
    [1, 2_000],
    [2, 4_000],
    [3, 8_000],
    [4, 10_000],
    [10, 10_000],
  ])('without jitter draw, retry after %i failure(s) waits %i ms', (failed, expected) => {
    expect(backoffDelay(backoff, failed, () => 0)).toBe(expected);
  });

  it('takes at most the jitter fraction off the capped delay', () => {
    expect(backoffDelay(backoff, 4, () => 0.999_999)).toBe(5_000);
    expect(backoffDelay(backoff, 2, () => 0.5)).toBe(3_000);
  });

  it('never exceeds the cap even for huge attempt numbers', () => {
    expect(backoffDelay(backoff, 5_000, () => 0)).toBe(10_000);
  });
});
