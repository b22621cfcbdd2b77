import { describe, expect, it } from '@jest/globals';
import { AlertJob } from './alert/alert.job.js';
import { AlertPayload } from './alert/alert.payload.js';
import { EmailJob } from './email/email.job.js';
import { EmailPayload } from './email/email.payload.js';
import { findJobDefinition, getJobDefinition, isJobName, JOB_DEFINITIONS } from './job-catalog.js';
import { defineJob, isKebabCase } from './job-definition.js';
import { OtaTimeoutJob } from './ota-timeout/ota-timeout.job.js';
import { OtaTimeoutPayload } from './ota-timeout/ota-timeout.payload.js';
import type { RetryPolicy } from './retry-policy.js';

class SomePayload {
  value!: string;
}

const VALID_RETRY: RetryPolicy = { attempts: 3, backoff: { delayMs: 1_000, maxDelayMs: 5_000, jitter: 0.5 } };

describe('job catalog', () => {
  it('holds exactly the three job types of the contract', () => {
    expect(JOB_DEFINITIONS.map((d) => d.name)).toEqual(['ota-timeout', 'alert', 'email']);
  });

  it.each([
    ['ota-timeout', OtaTimeoutJob, OtaTimeoutPayload],
    ['alert', AlertJob, AlertPayload],
    ['email', EmailJob, EmailPayload],
  ] as const)('%s: found by name, with its payload class', (name, definition, payloadClass) => {
    expect(findJobDefinition(name)).toBe(definition);
    expect(getJobDefinition(name)).toBe(definition);
    expect(isJobName(name)).toBe(true);
    expect(definition.name).toBe(name);
    expect(definition.payload).toBe(payloadClass);
    expect(definition.description.length).toBeGreaterThan(0);
  });

  it.each(['nope', 'Email', 'EMAIL', 'ota_timeout', 'otaTimeout', ' email', 'email ', '', 'constructor', 'toString', '__proto__'])(
    'does not know %j',
    (name) => {
      expect(findJobDefinition(name)).toBeUndefined();
      expect(isJobName(name)).toBe(false);
    },
  );

  describe('retry policies (CONTRACT §1)', () => {
    it.each([
      ['ota-timeout', OtaTimeoutJob],
      ['alert', AlertJob],
    ] as const)('%s: 4 attempts, 2 s doubling, capped at 10 s, jitter 0.5', (_name, definition) => {
      expect(definition.retry).toEqual({ attempts: 4, backoff: { delayMs: 2_000, maxDelayMs: 10_000, jitter: 0.5 } });
    });

    it('email: 5 attempts, 2 s doubling, capped at 60 s, jitter 0.5', () => {
      expect(EmailJob.retry).toEqual({ attempts: 5, backoff: { delayMs: 2_000, maxDelayMs: 60_000, jitter: 0.5 } });
    });

    it.each(JOB_DEFINITIONS.map((d) => [d.name, d] as const))('%s: definition and policy are frozen', (_name, definition) => {
      expect(Object.isFrozen(definition)).toBe(true);
      expect(Object.isFrozen(definition.retry)).toBe(true);
    });
  });
});

describe('defineJob', () => {
  it('returns a frozen copy of the definition and of its retry policy', () => {
    const input = { name: 'my-job', payload: SomePayload, description: 'test', retry: { ...VALID_RETRY } };
    const definition = defineJob(input);
    expect(definition).toEqual(input);
    expect(definition).not.toBe(input);
    expect(definition.retry).not.toBe(input.retry);
    expect(Object.isFrozen(definition)).toBe(true);
    expect(Object.isFrozen(definition.retry)).toBe(true);
    // Changing the caller's object afterwards does not change the declared policy.
    (input.retry as { attempts: number }).attempts = 99;
    expect(definition.retry.attempts).toBe(3);
  });

  it.each(['a', 'email', 'ota-timeout', 'job2', 'a-1-b'])('accepts the kebab-case name %j', (name) => {
    expect(isKebabCase(name)).toBe(true);
    expect(defineJob({ name, payload: SomePayload, description: 'x', retry: VALID_RETRY }).name).toBe(name);
  });

  it.each(['Email', 'otaTimeout', 'ota_timeout', 'ota timeout', '-ota', 'ota-', 'ota--timeout', '1job', '', 'ota.timeout', 'job/x'])(
    'rejects the name %j as not kebab-case',
    (name) => {
      expect(isKebabCase(name)).toBe(false);
      expect(() => defineJob({ name, payload: SomePayload, description: 'x', retry: VALID_RETRY })).toThrow(
        `job type name "${name}" must be kebab-case`,
      );
    },
  );

  it.each([
    ['zero attempts', { ...VALID_RETRY, attempts: 0 }, 'attempts must be an integer >= 1'],
    ['negative attempts', { ...VALID_RETRY, attempts: -1 }, 'attempts must be an integer >= 1'],
    ['fractional attempts', { ...VALID_RETRY, attempts: 1.5 }, 'attempts must be an integer >= 1'],
    ['NaN attempts', { ...VALID_RETRY, attempts: Number.NaN }, 'attempts must be an integer >= 1'],
    ['a negative delay', { ...VALID_RETRY, backoff: { ...VALID_RETRY.backoff, delayMs: -1 } }, 'backoff.delayMs must be >= 0'],
    ['a NaN delay', { ...VALID_RETRY, backoff: { ...VALID_RETRY.backoff, delayMs: Number.NaN } }, 'backoff.delayMs must be >= 0'],
    [
      'a cap below the delay',
      { ...VALID_RETRY, backoff: { ...VALID_RETRY.backoff, delayMs: 5_000, maxDelayMs: 1_000 } },
      'backoff.maxDelayMs must be >= backoff.delayMs',
    ],
    ['jitter above 1', { ...VALID_RETRY, backoff: { ...VALID_RETRY.backoff, jitter: 1.5 } }, 'backoff.jitter must be within 0..1'],
    ['negative jitter', { ...VALID_RETRY, backoff: { ...VALID_RETRY.backoff, jitter: -0.1 } }, 'backoff.jitter must be within 0..1'],
  ] as Array<[string, RetryPolicy, string]>)('rejects a retry policy with %s', (_label, retry, problem) => {
    const declare = () => defineJob({ name: 'my-job', payload: SomePayload, description: 'x', retry });
    expect(declare).toThrow('job type my-job: invalid retry policy:');
    expect(declare).toThrow(problem);
  });

  it('lists every problem of a retry policy at once', () => {
    const retry = { attempts: 0, backoff: { delayMs: -1, maxDelayMs: -2, jitter: 2 } };
    expect(() => defineJob({ name: 'my-job', payload: SomePayload, description: 'x', retry })).toThrow(
      'job type my-job: invalid retry policy: attempts must be an integer >= 1, backoff.delayMs must be >= 0, ' +
        'backoff.maxDelayMs must be >= backoff.delayMs, backoff.jitter must be within 0..1',
    );
  });

  it.each([
    ['jitter 0, no delay', { attempts: 1, backoff: { delayMs: 0, maxDelayMs: 0, jitter: 0 } }],
    ['jitter 1, cap equal to delay', { attempts: 10, backoff: { delayMs: 500, maxDelayMs: 500, jitter: 1 } }],
  ] as Array<[string, RetryPolicy]>)('accepts a boundary retry policy: %s', (_label, retry) => {
    expect(defineJob({ name: 'my-job', payload: SomePayload, description: 'x', retry }).retry).toEqual(retry);
  });
});
