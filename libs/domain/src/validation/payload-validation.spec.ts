import { describe, expect, it } from '@jest/globals';
import type { ValidationError } from 'class-validator';
import {
  AlertJob,
  AlertPayload,
  AlertType,
  EmailJob,
  EmailPayload,
  OtaTimeoutJob,
  OtaTimeoutPayload,
  PayloadValidationError,
  Severity,
  flattenValidationErrors,
  parsePayload,
  type JobDefinition,
} from '@app/domain';

type Raw = Record<string, unknown>;

/** Runs `parsePayload` expecting a `PayloadValidationError`, and returns it. */
function rejectionOf(definition: JobDefinition<string, object>, raw: unknown): PayloadValidationError {
  let caught: unknown;
  try {
    parsePayload(definition, raw);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PayloadValidationError);
  return caught as PayloadValidationError;
}

/**
 * The rejection names `field` (a problem starts with `expectedStart`) and only `field`: the
 * other, valid fields of the payload are not blamed.
 */
function expectRejected(definition: JobDefinition<string, object>, raw: unknown, field: string, expectedStart: string): void {
  const error = rejectionOf(definition, raw);
  expect(error.messages.length).toBeGreaterThan(0);
  expect(error.messages.some((problem) => problem.startsWith(expectedStart))).toBe(true);
  for (const problem of error.messages) {
    expect(problem.startsWith(field)).toBe(true);
  }
  expect(error.message).toBe(error.messages.join('; '));
}

const VALID_OTA: Raw = { eventId: 'EVT-001', deviceUuid: 'DEV-123' };
const VALID_ALERT: Raw = {
  eventId: 'EVT-001',
  deviceUuid: 'DEV-123',
  alertType: 'device_offline',
  severity: 'low',
  message: 'Device DEV-123 stopped reporting',
};
const VALID_EMAIL: Raw = { to: 'ops@example.com', subject: 'Device offline', body: 'DEV-123 stopped reporting.' };

const without = (raw: Raw, field: string): Raw => {
  const copy = { ...raw };
  delete copy[field];
  return copy;
};

/** Invalid identifier values, shared by every field that is an event or device id. */
const BAD_IDENTIFIERS: ReadonlyArray<[string, unknown, string]> = [
  ['empty string', '', 'must be longer than or equal to 1 characters'],
  ['129 characters', 'a'.repeat(129), 'must be shorter than or equal to 128 characters'],
  ['a space', 'EVT 001', 'must match'],
  ['a slash', 'EVT/001', 'must match'],
  ['a trailing newline', 'EVT-001\n', 'must match'],
  ['a non-ASCII letter', 'ÉVT-001', 'must match'],
  ['a number', 1, 'must be a string'],
  ['null', null, 'must be a string'],
  ['an array', ['EVT-001'], 'must be a string'],
];

const GOOD_IDENTIFIERS: ReadonlyArray<[string, string]> = [
  ['EVT-001 style', 'EVT-001'],
  ['one character', 'x'],
  ['every allowed punctuation', 'a.b_c:d-e'],
  ['128 characters', 'A'.repeat(128)],
  ['a UUID', '3f2b8c1e-9a4d-4e0b-8c7f-1d2e3f4a5b6c'],
];

const NOT_OBJECTS: ReadonlyArray<[string, unknown]> = [
  ['null', null],
  ['undefined', undefined],
  ['an array', [VALID_OTA]],
  ['an empty array', []],
  ['a string', '{"eventId":"EVT-001"}'],
  ['a number', 42],
  ['a boolean', true],
];

describe('parsePayload', () => {
  describe.each([
    ['ota-timeout', OtaTimeoutJob],
    ['alert', AlertJob],
    ['email', EmailJob],
  ] as const)('%s: a payload that is not a JSON object', (_name, definition) => {
    it.each(NOT_OBJECTS)('rejects %s', (_label, raw) => {
      const error = rejectionOf(definition, raw);
      expect(error.messages).toEqual(['payload must be a JSON object']);
    });
  });

  describe('ota-timeout (OtaTimeoutJob)', () => {
    it('returns an OtaTimeoutPayload instance holding the fields', () => {
      const payload = parsePayload(OtaTimeoutJob, VALID_OTA);
      expect(payload).toBeInstanceOf(OtaTimeoutPayload);
      expect(payload).toEqual({ eventId: 'EVT-001', deviceUuid: 'DEV-123' });
    });

    it.each(
      GOOD_IDENTIFIERS.flatMap(([label, id]): Array<[string, Raw]> => [
        [`eventId ${label}`, { ...VALID_OTA, eventId: id }],
        [`deviceUuid ${label}`, { ...VALID_OTA, deviceUuid: id }],
      ]),
    )('accepts %s', (_label, raw) => {
      expect(parsePayload(OtaTimeoutJob, raw)).toEqual(raw);
    });

    it.each([
      ['eventId missing', without(VALID_OTA, 'eventId'), 'eventId', 'eventId must be a string'],
      ['deviceUuid missing', without(VALID_OTA, 'deviceUuid'), 'deviceUuid', 'deviceUuid must be a string'],
      ...BAD_IDENTIFIERS.flatMap(([label, value, problem]) => [
        [`eventId ${label}`, { ...VALID_OTA, eventId: value }, 'eventId', `eventId ${problem}`],
        [`deviceUuid ${label}`, { ...VALID_OTA, deviceUuid: value }, 'deviceUuid', `deviceUuid ${problem}`],
      ]),
    ] as Array<[string, Raw, string, string]>)('rejects %s', (_label, raw, field, expectedStart) => {
      expectRejected(OtaTimeoutJob, raw, field, expectedStart);
    });

    it('rejects an unknown field and names it', () => {
      const error = rejectionOf(OtaTimeoutJob, { ...VALID_OTA, extra: 1 });
      expect(error.messages).toHaveLength(1);
      expect(error.messages[0]).toBe('property extra should not exist');
      expect(error.message).toContain('property extra should not exist');
    });

    it('rejects a misspelt field rather than silently dropping it', () => {
      const error = rejectionOf(OtaTimeoutJob, { eventId: 'EVT-001', deviceUUID: 'DEV-123' });
      expect(error.message).toContain('property deviceUUID should not exist');
      expect(error.messages.some((p) => p.startsWith('deviceUuid must'))).toBe(true);
    });

    it('names every unknown field, nested objects included', () => {
      const error = rejectionOf(OtaTimeoutJob, { ...VALID_OTA, extra: { nested: true }, other: 'x' });
      expect(error.message).toContain('property extra should not exist');
      expect(error.message).toContain('property other should not exist');
      expect(error.messages).toHaveLength(2);
    });
  });

  describe('alert (AlertJob)', () => {
    it('returns an AlertPayload instance holding the fields', () => {
      const payload = parsePayload(AlertJob, VALID_ALERT);
      expect(payload).toBeInstanceOf(AlertPayload);
      expect(payload).toEqual(VALID_ALERT);
    });

    const combinations = Object.values(AlertType).flatMap((alertType) =>
      Object.values(Severity).map((severity) => [alertType, severity] as const),
    );

    it('covers the four alert types and four severities of the contract', () => {
      expect(Object.values(AlertType).sort()).toEqual(['authentication_failed', 'device_offline', 'ota_timeout', 'other']);
      expect(Object.values(Severity).sort()).toEqual(['critical', 'high', 'low', 'medium']);
      expect(combinations).toHaveLength(16);
    });

    it.each(combinations)('accepts alertType %s with severity %s', (alertType, severity) => {
      const raw = { ...VALID_ALERT, alertType, severity };
      expect(parsePayload(AlertJob, raw)).toEqual(raw);
    });

    it.each([
      ['a message of 1 character', { ...VALID_ALERT, message: 'x' }],
      ['a message of 2000 characters', { ...VALID_ALERT, message: 'm'.repeat(2000) }],
      ['a multi-line message', { ...VALID_ALERT, message: 'line one\nline two' }],
      ['ids with . _ : -', { ...VALID_ALERT, eventId: 'evt.1_a:b-c', deviceUuid: 'dev:42.x_y-z' }],
      ['128-character ids', { ...VALID_ALERT, eventId: 'e'.repeat(128), deviceUuid: 'd'.repeat(128) }],
    ])('accepts %s', (_label, raw) => {
      expect(parsePayload(AlertJob, raw)).toEqual(raw);
    });

    it.each([
      ...['eventId', 'deviceUuid'].map((field) => [`${field} missing`, without(VALID_ALERT, field), field, `${field} must be a string`]),
      ['alertType missing', without(VALID_ALERT, 'alertType'), 'alertType', 'alertType must be one of the following values'],
      ['severity missing', without(VALID_ALERT, 'severity'), 'severity', 'severity must be one of the following values'],
      ['message missing', without(VALID_ALERT, 'message'), 'message', 'message must be a string'],
      ...BAD_IDENTIFIERS.flatMap(([label, value, problem]) => [
        [`eventId ${label}`, { ...VALID_ALERT, eventId: value }, 'eventId', `eventId ${problem}`],
        [`deviceUuid ${label}`, { ...VALID_ALERT, deviceUuid: value }, 'deviceUuid', `deviceUuid ${problem}`],
      ]),
      ['an unknown alertType', { ...VALID_ALERT, alertType: 'fire' }, 'alertType', 'alertType must be one of the following values'],
      ['an alertType in the wrong case', { ...VALID_ALERT, alertType: 'OTA_TIMEOUT' }, 'alertType', 'alertType must be one of'],
      ['an enum key instead of its value', { ...VALID_ALERT, alertType: 'OtaTimeout' }, 'alertType', 'alertType must be one of'],
      ['alertType null', { ...VALID_ALERT, alertType: null }, 'alertType', 'alertType must be one of'],
      ['an unknown severity', { ...VALID_ALERT, severity: 'urgent' }, 'severity', 'severity must be one of the following values'],
      ['severity as a number', { ...VALID_ALERT, severity: 3 }, 'severity', 'severity must be one of'],
      ['an empty message', { ...VALID_ALERT, message: '' }, 'message', 'message must be longer than or equal to 1 characters'],
      ['a message of 2001 characters', { ...VALID_ALERT, message: 'm'.repeat(2001) }, 'message', 'message must be shorter than or equal to 2000 characters'],
      ['message as a number', { ...VALID_ALERT, message: 404 }, 'message', 'message must be a string'],
      ['message null', { ...VALID_ALERT, message: null }, 'message', 'message must be a string'],
    ] as Array<[string, Raw, string, string]>)('rejects %s', (_label, raw, field, expectedStart) => {
      expectRejected(AlertJob, raw, field, expectedStart);
    });

    it('lists the enum values in the alertType problem', () => {
      const error = rejectionOf(AlertJob, { ...VALID_ALERT, alertType: 'fire' });
      expect(error.message).toContain('ota_timeout, device_offline, authentication_failed, other');
    });

    it('rejects an unknown field and names it', () => {
      const error = rejectionOf(AlertJob, { ...VALID_ALERT, extra: 'x' });
      expect(error.messages).toHaveLength(1);
      expect(error.messages[0]).toBe('property extra should not exist');
      expect(error.message).toContain('property extra should not exist');
    });

    it('reports every bad field of an empty object, each by name', () => {
      const error = rejectionOf(AlertJob, {});
      for (const field of ['eventId', 'deviceUuid', 'alertType', 'severity', 'message']) {
        expect(error.messages.some((problem) => problem.startsWith(`${field} `))).toBe(true);
      }
    });
  });

  describe('email (EmailJob)', () => {
    it('returns an EmailPayload instance holding the fields', () => {
      const payload = parsePayload(EmailJob, VALID_EMAIL);
      expect(payload).toBeInstanceOf(EmailPayload);
      expect(payload).toEqual(VALID_EMAIL);
    });

    it.each([
      ['a plain address', { ...VALID_EMAIL, to: 'a@example.org' }],
      ['an address with dots, plus and subdomains', { ...VALID_EMAIL, to: 'first.last+tag@mail.example.co.uk' }],
      ['a subject of 1 character', { ...VALID_EMAIL, subject: 's' }],
      ['a subject of 998 characters', { ...VALID_EMAIL, subject: 's'.repeat(998) }],
      ['a body of 1 character', { ...VALID_EMAIL, body: 'b' }],
      ['a body of 100000 characters', { ...VALID_EMAIL, body: 'b'.repeat(100_000) }],
      ['a multi-line body', { ...VALID_EMAIL, body: 'line one\r\nline two\nline three' }],
    ])('accepts %s', (_label, raw) => {
      expect(parsePayload(EmailJob, raw)).toEqual(raw);
    });

    it.each([
      ['to missing', without(VALID_EMAIL, 'to'), 'to', 'to must be an email'],
      ['subject missing', without(VALID_EMAIL, 'subject'), 'subject', 'subject must be a string'],
      ['body missing', without(VALID_EMAIL, 'body'), 'body', 'body must be a string'],
      ['to not an address', { ...VALID_EMAIL, to: 'not-an-email' }, 'to', 'to must be an email'],
      ['to without a local part', { ...VALID_EMAIL, to: '@example.com' }, 'to', 'to must be an email'],
      ['to without a domain', { ...VALID_EMAIL, to: 'ops@' }, 'to', 'to must be an email'],
      ['to with a space', { ...VALID_EMAIL, to: 'o ps@example.com' }, 'to', 'to must be an email'],
      ['to with two addresses', { ...VALID_EMAIL, to: 'a@example.com, b@example.com' }, 'to', 'to must be an email'],
      ['to with a display name', { ...VALID_EMAIL, to: 'Ops <ops@example.com>' }, 'to', 'to must be an email'],
      ['to with a header injection', { ...VALID_EMAIL, to: 'ops@example.com\r\nBcc: x@example.com' }, 'to', 'to must be an email'],
      ['to empty', { ...VALID_EMAIL, to: '' }, 'to', 'to must be an email'],
      ['to as a number', { ...VALID_EMAIL, to: 7 }, 'to', 'to must be an email'],
      ['to null', { ...VALID_EMAIL, to: null }, 'to', 'to must be an email'],
      ['an empty subject', { ...VALID_EMAIL, subject: '' }, 'subject', 'subject must be longer than or equal to 1 characters'],
      ['a subject of 999 characters', { ...VALID_EMAIL, subject: 's'.repeat(999) }, 'subject', 'subject must be shorter than or equal to 998 characters'],
      ['a subject containing \\r\\n', { ...VALID_EMAIL, subject: 'Hi\r\nBcc: x@example.com' }, 'subject', 'subject must not contain line breaks'],
      ['a subject containing \\n', { ...VALID_EMAIL, subject: 'Hi\nthere' }, 'subject', 'subject must not contain line breaks'],
      ['a subject containing \\r', { ...VALID_EMAIL, subject: 'Hi\rthere' }, 'subject', 'subject must not contain line breaks'],
      ['subject as a number', { ...VALID_EMAIL, subject: 1 }, 'subject', 'subject must be a string'],
      ['an empty body', { ...VALID_EMAIL, body: '' }, 'body', 'body must be longer than or equal to 1 characters'],
      ['a body of 100001 characters', { ...VALID_EMAIL, body: 'b'.repeat(100_001) }, 'body', 'body must be shorter than or equal to 100000 characters'],
      ['body null', { ...VALID_EMAIL, body: null }, 'body', 'body must be a string'],
      ['body as an object', { ...VALID_EMAIL, body: { text: 'x' } }, 'body', 'body must be a string'],
    ] as Array<[string, Raw, string, string]>)('rejects %s', (_label, raw, field, expectedStart) => {
      expectRejected(EmailJob, raw, field, expectedStart);
    });

    it('rejects an unknown field (a smuggled header) and names it', () => {
      const error = rejectionOf(EmailJob, { ...VALID_EMAIL, bcc: 'x@example.com' });
      expect(error.messages).toHaveLength(1);
      expect(error.messages[0]).toBe('property bcc should not exist');
      expect(error.message).toContain('property bcc should not exist');
    });
  });
});

describe('PayloadValidationError', () => {
  it('is an Error whose message joins its problems, each led by its field path', () => {
    const error = new PayloadValidationError([
      { property: 'a', problem: 'must be x' },
      { property: 'b', problem: 'should not exist', unknownField: true },
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PayloadValidationError');
    expect(error.messages).toEqual(['a must be x', 'property b should not exist']);
    expect(error.message).toBe('a must be x; property b should not exist');
  });

  it('withPrefix puts every field path under the prefix and leaves the messages as they were', () => {
    const error = new PayloadValidationError([
      { property: 'deviceUuid', problem: 'must match x' },
      { property: 'extra', problem: 'should not exist', unknownField: true },
    ]);
    expect(error.withPrefix('data.')).toEqual(['data.deviceUuid must match x', 'property data.extra should not exist']);
    expect(error.messages).toEqual(['deviceUuid must match x', 'property extra should not exist']);
  });

  it('names the payload itself by the prefix, or "payload" without one', () => {
    const error = rejectionOf(EmailJob, 'a string');
    expect(error.messages).toEqual(['payload must be a JSON object']);
    expect(error.withPrefix('jobs.2.data.')).toEqual(['jobs.2.data must be a JSON object']);
  });

  it('withPrefix on a real rejection yields data.<field> messages', () => {
    const error = rejectionOf(OtaTimeoutJob, { eventId: 'EVT-001', deviceUuid: 'DEV 123' });
    const prefixed = error.withPrefix('data.');
    expect(prefixed.length).toBe(error.messages.length);
    expect(prefixed.some((problem) => problem.startsWith('data.deviceUuid must match'))).toBe(true);
    expect(prefixed.every((problem) => problem.startsWith('data.deviceUuid '))).toBe(true);
  });

  it('withPrefix supports batch item paths', () => {
    const error = rejectionOf(AlertJob, { ...VALID_ALERT, severity: 'urgent' });
    expect(error.withPrefix('jobs.3.data.')[0]).toMatch(/^jobs\.3\.data\.severity must be one of/);
  });
});

describe('flattenValidationErrors', () => {
  const error = (property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError =>
    ({ property, constraints, children }) as ValidationError;
  const render = (errors: ValidationError[], parent?: string) =>
    new PayloadValidationError(flattenValidationErrors(errors, parent)).messages;

  it('returns nothing for no errors', () => {
    expect(flattenValidationErrors([])).toEqual([]);
  });

  it('splits a message into the field path and what is wrong', () => {
    expect(flattenValidationErrors([error('deviceUuid', { matches: 'deviceUuid must match /x/' })])).toEqual([
      { property: 'deviceUuid', problem: 'must match /x/' },
    ]);
  });

  it('gives a nested property its full dotted path', () => {
    const nested = error('data', undefined, [error('deviceUuid', { matches: 'deviceUuid must match /x/' })]);
    expect(render([nested])).toEqual(['data.deviceUuid must match /x/']);
  });

  it('walks several levels, array indexes included', () => {
    const tree = error('jobs', undefined, [
      error('0', undefined, [error('data', undefined, [error('eventId', { isString: 'eventId must be a string' })])]),
      error('2', undefined, [error('delayMs', { min: 'delayMs must not be less than 0' })]),
    ]);
    expect(render([tree])).toEqual(['jobs.0.data.eventId must be a string', 'jobs.2.delayMs must not be less than 0']);
  });

  it("reports a parent's own constraints before its children's", () => {
    const tree = error('data', { isObject: 'data must be an object' }, [error('to', { isEmail: 'to must be an email' })]);
    expect(render([tree])).toEqual(['data must be an object', 'data.to must be an email']);
  });

  it('keeps the path of unknown fields and of messages that do not start with the property name', () => {
    const tree = error('data', undefined, [
      error('extra', { whitelistValidation: 'property extra should not exist' }),
      // "total…" starts with the letters of "to" but not with the word.
      error('to', { custom: 'total recipients too high' }),
    ]);
    expect(render([tree])).toEqual([
      'property data.extra should not exist',
      'data.to is invalid: total recipients too high',
    ]);
  });

  it('uses the parent path argument', () => {
    expect(render([error('severity', { isEnum: 'severity must be one of x' })], 'data')).toEqual([
      'data.severity must be one of x',
    ]);
  });

  it('lists every constraint of one property', () => {
    expect(
      render([error('eventId', { isLength: 'eventId must be longer than or equal to 1 characters', matches: 'eventId must match /x/' })]),
    ).toEqual(['eventId must be longer than or equal to 1 characters', 'eventId must match /x/']);
  });
});
