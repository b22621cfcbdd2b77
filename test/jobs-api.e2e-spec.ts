import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { SmtpPeer } from './support/smtp-peer.js';
import { TestSystem } from './support/test-system.js';
import { waitFor } from './support/wait-for.js';

/** End-to-end tests of the jobs REST API (CONTRACT.md §2) against the real producer and Redis. */

type Response = Awaited<ReturnType<TestSystem['http']>>;

const EMAIL = { to: 'someone@example.com', subject: 'Firmware 2.1', body: 'Your device was updated.' };
const OTA = { eventId: 'EVT-001', deviceUuid: 'DEV-123' };
const ALERT = { eventId: 'EVT-7', deviceUuid: 'DEV-7', alertType: 'device_offline', severity: 'medium', message: 'offline' };
const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const JOB_VIEW_KEYS = [
  'id',
  'name',
  'state',
  'data',
  'attemptsMade',
  'maxAttempts',
  'progress',
  'result',
  'failedReason',
  'createdAt',
  'processedAt',
  'finishedAt',
].sort();

const messageOf = (response: Response): string => [response.body?.message].flat().join('\n');

/** Status, Nest's `{ statusCode, error, message }` shape, and every fragment in the message. */
function expectError(response: Response, status: number, error: string, ...fragments: string[]): void {
  expect({ status: response.status, body: response.body }).toMatchObject({
    status,
    body: { statusCode: status, error, message: expect.anything() },
  });
  const message = messageOf(response);
  expect(message.length).toBeGreaterThan(0);
  for (const fragment of fragments) expect(message).toContain(fragment);
}

const expectBadRequest = (response: Response, ...fragments: string[]) => expectError(response, 400, 'Bad Request', ...fragments);

async function jobTypes(system: TestSystem): Promise<any[]> {
  const response = await system.http('GET', '/jobs');
  expect(response.status).toBe(200);
  return response.body.jobTypes;
}

async function countsOf(system: TestSystem, name: string): Promise<Record<string, number>> {
  const type = (await jobTypes(system)).find((t) => t.name === name);
  expect(type).toBeDefined();
  return type.counts;
}

const totalOf = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

describe('jobs REST API, producer only (no worker: jobs stay where they are put)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });

  afterAll(async () => {
    await system?.close();
  });

  describe('GET /jobs', () => {
    it('lists every job type with its retry policy and zeroed counts', async () => {
      const response = await system.http('GET', '/jobs');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      const types: any[] = response.body.jobTypes;
      expect(types.map((t) => t.name).sort()).toEqual(['alert', 'email', 'ota-timeout']);

      const byName = Object.fromEntries(types.map((t) => [t.name, t]));
      expect(byName.email).toMatchObject({
        name: 'email',
        attempts: 5,
        backoff: { type: 'exponential', delayMs: 2_000, maxDelayMs: 60_000, jitter: 0.5 },
      });
      for (const name of ['ota-timeout', 'alert']) {
        expect(byName[name]).toMatchObject({
          name,
          attempts: 4,
          backoff: { type: 'exponential', delayMs: 2_000, maxDelayMs: 10_000, jitter: 0.5 },
        });
      }
      for (const type of types) {
        expect(Object.keys(type.counts).sort()).toEqual([...STATES].sort());
        expect(type.counts).toEqual(Object.fromEntries(STATES.map((s) => [s, 0])));
      }
    });

    it('counts change after enqueueing: waiting, delayed and prioritized', async () => {
      const before = await countsOf(system, 'email');
      expect((await system.http('POST', '/jobs/email', { data: EMAIL })).status).toBe(202);
      expect((await system.http('POST', '/jobs/email', { data: EMAIL })).status).toBe(202);
      expect((await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 60_000 })).status).toBe(202);
      expect((await system.http('POST', '/jobs/email', { data: EMAIL, priority: 3 })).status).toBe(202);

      const after = await countsOf(system, 'email');
      expect(after).toEqual({
        ...before,
        waiting: before.waiting + 2,
        delayed: before.delayed + 1,
        prioritized: before.prioritized + 1,
      });
      // The other job types are untouched.
      expect(totalOf(await countsOf(system, 'ota-timeout'))).toBe(0);
    });
  });

  describe('POST /jobs/:name and GET /jobs/:name/:id', () => {
    it('answers 202 with id, name and state waiting, and a Location header', async () => {
      const response = await system.http('POST', '/jobs/email', { data: EMAIL });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ id: expect.any(String), name: 'email', state: 'waiting' });
      expect(response.body.id.length).toBeGreaterThan(0);
      expect(response.headers.get('location')).toBe(`/jobs/email/${response.body.id}`);
    });

    it('GET /jobs/:name/:id returns the full job shape with an ISO createdAt', async () => {
      const startedAt = Date.now();
      const posted = await system.http('POST', '/jobs/email', { data: EMAIL });
      expect(posted.status).toBe(202);

      const response = await system.http('GET', `/jobs/email/${posted.body.id}`);
      expect(response.status).toBe(200);
      const job = response.body;
      expect(Object.keys(job).sort()).toEqual(JOB_VIEW_KEYS);
      expect(job).toMatchObject({
        id: posted.body.id,
        name: 'email',
        state: 'waiting',
        data: EMAIL,
        attemptsMade: 0,
        maxAttempts: 5,
        result: null,
        failedReason: null,
        processedAt: null,
        finishedAt: null,
      });
      expect(job.progress).toBeDefined();
      expect(job.createdAt).toMatch(ISO);
      expect(new Date(job.createdAt).toISOString()).toBe(job.createdAt);
      expect(Date.parse(job.createdAt)).toBeGreaterThanOrEqual(startedAt - 1_000);
      expect(Date.parse(job.createdAt)).toBeLessThanOrEqual(Date.now() + 1_000);
    });

    it('the Location header leads to the job', async () => {
      const posted = await system.http('POST', '/jobs/ota-timeout', { data: OTA });
      expect(posted.status).toBe(202);
      const location = posted.headers.get('location')!;
      expect(location).toBe(`/jobs/ota-timeout/${posted.body.id}`);
      const job = await system.http('GET', location);
      expect(job.status).toBe(200);
      expect(job.body).toMatchObject({ id: posted.body.id, name: 'ota-timeout', state: 'waiting', data: OTA, maxAttempts: 4 });
      // Keep the ota-timeout queue empty for the other tests.
      expect((await system.http('DELETE', location)).status).toBe(204);
    });

    it('delayMs puts the job in state delayed', async () => {
      const posted = await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 60_000 });
      expect(posted.status).toBe(202);
      expect(posted.body).toEqual({ id: expect.any(String), name: 'email', state: 'delayed' });
      expect(posted.headers.get('location')).toBe(`/jobs/email/${posted.body.id}`);
      const job = await system.http('GET', `/jobs/email/${posted.body.id}`);
      expect(job.status).toBe(200);
      expect(job.body.state).toBe('delayed');
    });

    it('priority puts the job in state prioritized', async () => {
      const posted = await system.http('POST', '/jobs/email', { data: EMAIL, priority: 10 });
      expect(posted.status).toBe(202);
      expect(posted.body).toEqual({ id: expect.any(String), name: 'email', state: 'prioritized' });
      const job = await system.http('GET', `/jobs/email/${posted.body.id}`);
      expect(job.status).toBe(200);
      expect(job.body.state).toBe('prioritized');
    });

    it('accepts the boundaries: delayMs 0, priority 1 and 2097151', async () => {
      const zeroDelay = await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 0 });
      expect(zeroDelay.status).toBe(202);
      expect(zeroDelay.body.state).toBe('waiting');
      for (const priority of [1, 2_097_151]) {
        const posted = await system.http('POST', '/jobs/email', { data: EMAIL, priority });
        expect(posted.status).toBe(202);
        expect(posted.body.state).toBe('prioritized');
      }
    });

    it('accepts application/json with a charset', async () => {
      const posted = await system.http('POST', '/jobs/email', JSON.stringify({ data: EMAIL }), {
        'content-type': 'application/json; charset=utf-8',
      });
      expect(posted.status).toBe(202);
      expect(posted.body.state).toBe('waiting');
    });
  });

  describe('400 Bad Request', () => {
    it('malformed JSON', async () => {
      const response = await system.http('POST', '/jobs/email', '{"data": {"to": ');
      expectBadRequest(response);
    });

    it('an empty body with content-type application/json', async () => {
      expectBadRequest(await system.http('POST', '/jobs/email', ''));
    });

    it('an unknown top-level field, named in the message', async () => {
      const response = await system.http('POST', '/jobs/email', { data: EMAIL, colour: 'blue' });
      expectBadRequest(response, 'colour');
    });

    it('an unknown field inside data, named as data.<field>', async () => {
      const response = await system.http('POST', '/jobs/email', { data: { ...EMAIL, bcc: 'evil@example.com' } });
      expectBadRequest(response, 'data.bcc');
    });

    it.each([
      ['delayMs -1', { delayMs: -1 }, 'delayMs'],
      ['delayMs 1.5', { delayMs: 1.5 }, 'delayMs'],
      ['delayMs "10"', { delayMs: '10' }, 'delayMs'],
      ['priority 0', { priority: 0 }, 'priority'],
      ['priority 2097152', { priority: 2_097_152 }, 'priority'],
      ['priority "x"', { priority: 'x' }, 'priority'],
      ['delayMs null (absent is the way to say "none")', { delayMs: null }, 'delayMs must be an integer number'],
      ['priority null', { priority: null }, 'priority must be an integer number'],
    ])('wrong type or range: %s', async (_label, extra, field) => {
      const response = await system.http('POST', '/jobs/email', { data: EMAIL, ...extra });
      expectBadRequest(response, field);
    });

    it('data.deviceUuid with a space', async () => {
      const response = await system.http('POST', '/jobs/ota-timeout', { data: { ...OTA, deviceUuid: 'DEV 123' } });
      expectBadRequest(response, 'data.deviceUuid must match');
    });

    it('an invalid field value inside data is named with its path', async () => {
      const response = await system.http('POST', '/jobs/email', { data: { ...EMAIL, to: 'not-an-address' } });
      expectBadRequest(response, 'data.to');
    });

    it('missing data', async () => {
      const response = await system.http('POST', '/jobs/email', { delayMs: 10 });
      expectBadRequest(response, 'data');
    });

    it.each([
      ['null', null],
      ['an array', []],
      ['a string', 'x'],
    ])('data that is %s', async (_label, data) => {
      const response = await system.http('POST', '/jobs/email', { data });
      expectBadRequest(response, 'data');
    });

    it('a JSON body that is an array', async () => {
      const response = await system.http('POST', '/jobs/email', [{ data: EMAIL }]);
      expectBadRequest(response);
    });

    it.each([
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"hello"'],
    ])('a JSON body that is %s', async (_label, raw) => {
      expectBadRequest(await system.http('POST', '/jobs/email', raw));
    });

    it('a POST without any body', async () => {
      const response = await system.http('POST', '/jobs/email');
      expectBadRequest(response);
    });

    it.each([
      ['with a space', 'has space'],
      ['with a slash', 'a/b'],
      ['129 characters long', 'k'.repeat(129)],
      ['empty', ''],
    ])('an invalid Idempotency-Key header %s', async (_label, key) => {
      const before = await countsOf(system, 'email');
      const response = await system.http('POST', '/jobs/email', { data: EMAIL }, { 'idempotency-key': key });
      expectBadRequest(response, 'Idempotency-Key');
      expect(await countsOf(system, 'email')).toEqual(before);
    });

    it('nothing is enqueued by a rejected request', async () => {
      const before = await countsOf(system, 'email');
      await system.http('POST', '/jobs/email', { data: EMAIL, extra: 1 });
      await system.http('POST', '/jobs/email', { data: { ...EMAIL, extra: 1 } });
      await system.http('POST', '/jobs/email', { data: EMAIL, priority: 0 });
      expect(await countsOf(system, 'email')).toEqual(before);
    });
  });

  describe('404 Not Found', () => {
    it('POST /jobs/:name with an unknown job type', async () => {
      const response = await system.http('POST', '/jobs/nope', { data: EMAIL });
      expectError(response, 404, 'Not Found', 'nope');
    });

    it('GET /jobs/:name with an unknown job type', async () => {
      expectError(await system.http('GET', '/jobs/nope'), 404, 'Not Found', 'nope');
    });

    it('GET /jobs/:name/:id with an unknown job type', async () => {
      expectError(await system.http('GET', '/jobs/nope/1'), 404, 'Not Found', 'nope');
    });

    it('GET /jobs/:name/:id with an unknown id', async () => {
      expectError(await system.http('GET', '/jobs/email/999999'), 404, 'Not Found', '999999');
    });

    it('POST retry and DELETE of an unknown id', async () => {
      expectError(await system.http('POST', '/jobs/email/999999/retry'), 404, 'Not Found', '999999');
      expectError(await system.http('DELETE', '/jobs/email/999999'), 404, 'Not Found', '999999');
    });

    it('a job id longer than any job id can be, in the API\'s error shape', async () => {
      const response = await system.http('GET', `/jobs/email/${'x'.repeat(300)}`);
      expectError(response, 404, 'Not Found', 'longer than 256 characters');
      expect(Object.keys(response.body).sort()).toEqual(['error', 'message', 'statusCode']);
    });

    it('a malformed URL is a 400 in the API\'s error shape', async () => {
      const response = await system.http('GET', '/jobs/email/%FF');
      expectBadRequest(response, 'the URL is malformed');
      expect(Object.keys(response.body).sort()).toEqual(['error', 'message', 'statusCode']);
    });

    it('an unknown route', async () => {
      expectError(await system.http('GET', '/nothing'), 404, 'Not Found');
    });
  });

  describe('415 Unsupported Media Type', () => {
    it.each([
      ['text/plain', JSON.stringify({ data: EMAIL })],
      ['application/x-www-form-urlencoded', 'data=1&to=someone%40example.com'],
      ['application/xml', '<data/>'],
    ])('%s', async (contentType, raw) => {
      const before = await countsOf(system, 'email');
      const response = await system.http('POST', '/jobs/email', raw, { 'content-type': contentType });
      expectError(response, 415, 'Unsupported Media Type');
      expect(await countsOf(system, 'email')).toEqual(before);
    });
  });

  describe('hostile bodies: a 4xx naming the problem, quickly, and nothing enqueued', () => {
    const nested = (depth: number) => `{"data":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const manyFields = JSON.stringify({ data: { ...EMAIL, ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 0])) } });
    it.each([
      ['nested 1 500 deep', 'application/json', nested(1_500), 400, 'data.x.0.0', 'nests deeper than 32 levels'],
      ['with 60 000 unknown fields in data', 'application/json', manyFields, 400, 'data has 60003 fields; at most 1000'],
      ['with a __proto__ field', 'application/json', `{"data":{"__proto__":{"admin":true}}}`, 400, 'property data.__proto__ should not exist'],
      ['with a field named after an Object method', 'application/json', JSON.stringify({ data: { ...EMAIL, toString: 1 } }), 400, 'property data.toString should not exist'],
      ['with a constructor field at the top', 'application/json', JSON.stringify({ data: EMAIL, constructor: 1 }), 400, 'property constructor should not exist'],
      ['empty', 'application/json', '', 400, 'body is empty'],
      ['in Latin-1', 'application/json; charset=iso-8859-1', JSON.stringify({ data: EMAIL }), 415, 'charset iso-8859-1 is not supported'],
    ])('a body %s', async (_case, contentType, raw, status, ...fragments) => {
      const before = await countsOf(system, 'email');
      const started = Date.now();
      const response = await system.http('POST', '/jobs/email', raw, { 'content-type': contentType });
      expectError(response, status as number, status === 400 ? 'Bad Request' : 'Unsupported Media Type', ...(fragments as string[]));
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await countsOf(system, 'email')).toEqual(before);
    });

    it('a compressed body is a 415, not "invalid JSON"', async () => {
      const response = await system.http('POST', '/jobs/email', JSON.stringify({ data: EMAIL }), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expectError(response, 415, 'Unsupported Media Type', 'content-encoding gzip is not supported');
    });

    it('a UTF-8 body with a byte-order mark is accepted', async () => {
      const response = await system.http('POST', '/jobs/email', `\uFEFF${JSON.stringify({ data: EMAIL })}`, {
        'content-type': 'application/json; charset=UTF-8',
      });
      expect(response.status).toBe(202);
    });

    it.each(['constructor', 'toString', '__proto__'])('a query parameter named %s', async (name) => {
      expectBadRequest(await system.http('GET', `/jobs/email?${name}=1`), `property ${name} should not exist`);
    });
  });

  describe('GET /jobs/:name (listing)', () => {
    // Only this block enqueues alerts in this system, so the totals are exact.
    const waitingIds: string[] = [];
    let delayedId = '';
    let prioritizedId = '';

    beforeAll(async () => {
      for (let i = 0; i < 3; i++) {
        const posted = await system.http('POST', '/jobs/alert', { data: { ...ALERT, eventId: `EVT-L${i}` } });
        expect(posted.status).toBe(202);
        waitingIds.push(posted.body.id);
      }
      delayedId = (await system.http('POST', '/jobs/alert', { data: ALERT, delayMs: 60_000 })).body.id;
      prioritizedId = (await system.http('POST', '/jobs/alert', { data: ALERT, priority: 2 })).body.id;
    });

    it('pages through one state with total and limit', async () => {
      const first = await system.http('GET', '/jobs/alert?state=waiting&offset=0&limit=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ name: 'alert', state: 'waiting', total: 3 });
      expect(first.body.jobs).toHaveLength(2);
      for (const job of first.body.jobs) {
        expect(Object.keys(job).sort()).toEqual(JOB_VIEW_KEYS);
        expect(job).toMatchObject({ name: 'alert', state: 'waiting' });
        expect(job.createdAt).toMatch(ISO);
      }

      const second = await system.http('GET', '/jobs/alert?state=waiting&offset=2&limit=2');
      expect(second.status).toBe(200);
      expect(second.body.total).toBe(3);
      expect(second.body.jobs).toHaveLength(1);

      const seen = [...first.body.jobs, ...second.body.jobs].map((j: any) => j.id);
      expect([...seen].sort()).toEqual([...waitingIds].sort());
    });

    it('filters by state', async () => {
      const delayed = await system.http('GET', '/jobs/alert?state=delayed');
      expect(delayed.status).toBe(200);
      expect(delayed.body).toMatchObject({ name: 'alert', state: 'delayed', total: 1 });
      expect(delayed.body.jobs.map((j: any) => [j.id, j.state])).toEqual([[delayedId, 'delayed']]);

      const prioritized = await system.http('GET', '/jobs/alert?state=prioritized');
      expect(prioritized.status).toBe(200);
      expect(prioritized.body.jobs.map((j: any) => [j.id, j.state])).toEqual([[prioritizedId, 'prioritized']]);

      const failed = await system.http('GET', '/jobs/alert?state=failed');
      expect(failed.status).toBe(200);
      expect(failed.body).toMatchObject({ total: 0, jobs: [] });
    });

    it('without state lists jobs of every state, each with its own state', async () => {
      const response = await system.http('GET', '/jobs/alert');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'alert', total: 5 });
      expect(response.body.jobs).toHaveLength(5);
      const stateById = Object.fromEntries(response.body.jobs.map((j: any) => [j.id, j.state]));
      expect(stateById).toEqual({
        ...Object.fromEntries(waitingIds.map((id) => [id, 'waiting'])),
        [delayedId]: 'delayed',
        [prioritizedId]: 'prioritized',
      });
    });

    it('accepts limit 1000', async () => {
      const response = await system.http('GET', '/jobs/alert?limit=1000');
      expect(response.status).toBe(200);
      expect(response.body.jobs).toHaveLength(5);
    });

    it.each([
      ['limit 1001', 'limit=1001', 'limit'],
      ['limit 0', 'limit=0', 'limit'],
      ['limit abc', 'limit=abc', 'limit'],
      ['offset -1', 'offset=-1', 'offset'],
      ['an offset past the largest exact integer (Redis cannot take it)', 'offset=4611686018427387904', 'offset must be an integer from 0 to 9007199254740991'],
      ['an offset in exponent notation', 'offset=1e20', 'offset must be an integer from 0'],
      ['an empty offset', 'offset=', 'offset must be an integer from 0'],
      ['a hexadecimal limit', 'limit=0x10', 'limit must be an integer from 1 to 1000'],
      ['a limit with a space', 'limit=%205', 'limit must be an integer from 1 to 1000'],
      ['an unknown state', 'state=bogus', 'state'],
      ['an unknown query parameter', 'colour=blue', 'colour'],
    ])('400 for %s', async (_label, query, field) => {
      expectBadRequest(await system.http('GET', `/jobs/alert?${query}`), field);
    });

    it('400 with one message for a repeated parameter', async () => {
      const response = await system.http('GET', '/jobs/alert?limit=1&limit=2');
      expectBadRequest(response, 'limit must be an integer from 1 to 1000');
      expect(response.body.message).toHaveLength(1);
    });

    it('accepts the largest offset, with nothing there', async () => {
      const response = await system.http('GET', `/jobs/alert?offset=${Number.MAX_SAFE_INTEGER}&state=waiting`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ total: 3, jobs: [] });
    });
  });

  describe('POST /jobs/:name/batch', () => {
    const item = (i: number) => ({ data: { ...EMAIL, subject: `batch ${i}`, body: `item ${i}` } });

    it('202 with ids in request order, each job holding its item', async () => {
      const items = [item(0), item(1), { ...item(2), delayMs: 60_000 }, { ...item(3), priority: 4 }];
      const response = await system.http('POST', '/jobs/email/batch', { jobs: items });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ ids: expect.any(Array) });
      expect(response.body.ids).toHaveLength(items.length);
      expect(new Set(response.body.ids).size).toBe(items.length);

      const jobs = await Promise.all(response.body.ids.map((id: string) => system.http('GET', `/jobs/email/${id}`)));
      jobs.forEach((job, i) => {
        expect(job.status).toBe(200);
        expect(job.body).toMatchObject({ id: response.body.ids[i], name: 'email', data: items[i].data, maxAttempts: 5 });
      });
      expect(jobs.map((j) => j.body.state)).toEqual(['waiting', 'waiting', 'delayed', 'prioritized']);
    });

    it('one invalid item: 400 naming jobs.1.data.<field>, and nothing is enqueued', async () => {
      const before = await countsOf(system, 'email');
      const response = await system.http('POST', '/jobs/email/batch', {
        jobs: [item(0), { data: { ...EMAIL, to: 'not-an-address' } }, item(2)],
      });
      expectBadRequest(response, 'jobs.1.data.to');
      expect(messageOf(response)).not.toContain('jobs.0');
      expect(messageOf(response)).not.toContain('jobs.2');
      expect(await countsOf(system, 'email')).toEqual(before);
    });

    it('an unknown field inside an item data: 400 naming jobs.<i>.data.<field>', async () => {
      const before = await countsOf(system, 'email');
      const response = await system.http('POST', '/jobs/email/batch', {
        jobs: [item(0), { data: { ...EMAIL, cc: 'x@example.com' } }],
      });
      expectBadRequest(response, 'jobs.1.data.cc');
      expect(await countsOf(system, 'email')).toEqual(before);
    });

    it('an item with an unknown field: 400 naming it', async () => {
      const before = await countsOf(system, 'email');
      const response = await system.http('POST', '/jobs/email/batch', { jobs: [item(0), { ...item(1), colour: 'blue' }] });
      expectBadRequest(response, 'jobs.1', 'colour');
      expect(await countsOf(system, 'email')).toEqual(before);
    });

    it('an item with a bad priority: 400 naming jobs.<i>.priority', async () => {
      const response = await system.http('POST', '/jobs/email/batch', { jobs: [{ ...item(0), priority: 0 }] });
      expectBadRequest(response, 'jobs.0.priority');
    });

    it('an empty array: 400', async () => {
      expectBadRequest(await system.http('POST', '/jobs/email/batch', { jobs: [] }), 'jobs');
    });

    it('1001 items: 400 and nothing is enqueued', async () => {
      const before = await countsOf(system, 'email');
      const jobs = Array.from({ length: 1001 }, (_, i) => item(i));
      expectBadRequest(await system.http('POST', '/jobs/email/batch', { jobs }), 'jobs');
      expect(await countsOf(system, 'email')).toEqual(before);
    });

    it.each([
      ['missing jobs', {}],
      ['jobs not an array', { jobs: { data: EMAIL } }],
      ['an item that is not an object', { jobs: ['x'] }],
    ])('400 for %s', async (_label, body) => {
      expectBadRequest(await system.http('POST', '/jobs/email/batch', body), 'jobs');
    });

    it('404 for an unknown job type', async () => {
      expectError(await system.http('POST', '/jobs/nope/batch', { jobs: [item(0)] }), 404, 'Not Found', 'nope');
    });
  });

  describe('DELETE /jobs/:name/:id', () => {
    it('removes a waiting job: 204 with no body, then GET is 404', async () => {
      const posted = await system.http('POST', '/jobs/email', { data: EMAIL });
      const before = await countsOf(system, 'email');

      const deleted = await system.http('DELETE', `/jobs/email/${posted.body.id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');

      expectError(await system.http('GET', `/jobs/email/${posted.body.id}`), 404, 'Not Found', posted.body.id);
      expect(await countsOf(system, 'email')).toEqual({ ...before, waiting: before.waiting - 1 });
      // A second delete finds nothing.
      expectError(await system.http('DELETE', `/jobs/email/${posted.body.id}`), 404, 'Not Found');
    });

    it('removes a delayed job', async () => {
      const posted = await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 60_000 });
      expect((await system.http('DELETE', `/jobs/email/${posted.body.id}`)).status).toBe(204);
      expect((await system.http('GET', `/jobs/email/${posted.body.id}`)).status).toBe(404);
    });

    it('a job of one type is not found under another', async () => {
      const posted = await system.http('POST', '/jobs/email', { data: EMAIL });
      expect((await system.http('GET', `/jobs/alert/${posted.body.id}`)).status).toBe(404);
      expect((await system.http('DELETE', `/jobs/alert/${posted.body.id}`)).status).toBe(404);
      expect((await system.http('GET', `/jobs/email/${posted.body.id}`)).status).toBe(200);
    });
  });
});

describe('BODY_LIMIT', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { BODY_LIMIT: '1kb' } });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('413 for a body over 1 KiB, and nothing is enqueued', async () => {
    const body = { data: { ...EMAIL, body: 'x'.repeat(1_100) } };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(1_024);
    const response = await system.http('POST', '/jobs/email', body);
    expectError(response, 413, 'Payload Too Large');
    expect(totalOf(await countsOf(system, 'email'))).toBe(0);
  });

  it('a body under the limit is accepted', async () => {
    const response = await system.http('POST', '/jobs/email', { data: EMAIL });
    expect(response.status).toBe(202);
    expect(response.body.state).toBe('waiting');
  });
});

describe('Idempotency-Key', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
    // Any first request that goes through BullMQ waits for the Redis connection to be ready; the
    // start-up case itself is the first test below, on systems of its own.
    expect((await system.http('GET', '/jobs')).status).toBe(200);
  });

  afterAll(async () => {
    await system?.close();
  });

  const post = (name: string, data: unknown, key: string, on: TestSystem = system) =>
    on.http('POST', `/jobs/${name}`, { data }, { 'idempotency-key': key });

  it('works on the very first request after start-up (Redis is reachable, so no 503)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const fresh = await TestSystem.start();
      try {
        statuses.push((await post('email', EMAIL, `boot-${i}`, fresh)).status);
      } finally {
        await fresh.close();
      }
    }
    expect(statuses).toEqual([202, 202, 202]);
  });

  it('first POST 202, a repeat 200 with the same id, and only one job', async () => {
    const first = await post('email', EMAIL, 'order-42');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: expect.any(String), name: 'email', state: 'waiting' });
    expect(first.headers.get('location')).toBe(`/jobs/email/${first.body.id}`);

    const repeat = await post('email', EMAIL, 'order-42');
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ id: first.body.id, name: 'email', state: 'waiting' });
    expect(repeat.headers.get('location')).toBe(`/jobs/email/${first.body.id}`);

    // Even with a different payload the key wins: the first job stays as it was.
    const changed = await post('email', { ...EMAIL, subject: 'changed' }, 'order-42');
    expect(changed.status).toBe(200);
    expect(changed.body.id).toBe(first.body.id);

    expect(await countsOf(system, 'email')).toMatchObject({ waiting: 1 });
    expect(totalOf(await countsOf(system, 'email'))).toBe(1);
    const job = await system.http('GET', `/jobs/email/${first.body.id}`);
    expect(job.status).toBe(200);
    expect(job.body.data).toEqual(EMAIL);
  });

  it('the same key on a different job type is a different job', async () => {
    const email = await post('email', EMAIL, 'order-42');
    const alert = await post('alert', ALERT, 'order-42');
    expect(alert.status).toBe(202);
    expect(alert.body).toEqual({ id: expect.any(String), name: 'alert', state: 'waiting' });
    expect(alert.body.id).not.toBe(email.body.id);
    expect(totalOf(await countsOf(system, 'alert'))).toBe(1);
    expect(totalOf(await countsOf(system, 'email'))).toBe(1);
  });

  it('a different key is a different job', async () => {
    const a = await post('ota-timeout', OTA, 'key-a');
    const b = await post('ota-timeout', OTA, 'key-b');
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(totalOf(await countsOf(system, 'ota-timeout'))).toBe(2);
  });

  it('after the job is deleted, the key still returns 200 with the same id and enqueues nothing', async () => {
    const first = await post('email', EMAIL, 'order-42');
    expect(first.status).toBe(200);
    expect((await system.http('DELETE', `/jobs/email/${first.body.id}`)).status).toBe(204);
    expect(totalOf(await countsOf(system, 'email'))).toBe(0);

    const again = await post('email', EMAIL, 'order-42');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, name: 'email', state: 'removed' });
    expect(again.headers.get('location')).toBeNull();
    expect(totalOf(await countsOf(system, 'email'))).toBe(0);
    expect((await system.http('GET', `/jobs/email/${first.body.id}`)).status).toBe(404);
  });

  it('a job id derived from a long key is reachable through GET /jobs/:name/:id', async () => {
    const key = `${'K'.repeat(59)}.${'k'.repeat(60)}-0123_ab`;
    expect(key).toHaveLength(128);
    const posted = await post('email', EMAIL, key);
    expect(posted.status).toBe(202);
    const id: string = posted.body.id;
    expect(id.length).toBeGreaterThan(0);
    expect(posted.headers.get('location')).toBe(`/jobs/email/${encodeURIComponent(id)}`);

    const job = await system.http('GET', `/jobs/email/${encodeURIComponent(id)}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id, name: 'email', state: 'waiting', data: EMAIL });
    const viaLocation = await system.http('GET', posted.headers.get('location')!);
    expect(viaLocation.status).toBe(200);
    expect(viaLocation.body.id).toBe(id);
  });

  it('a repeat of a key used with a delayed job reports the job as it is', async () => {
    const first = await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 60_000 }, { 'idempotency-key': 'later-1' });
    expect(first.status).toBe(202);
    expect(first.body.state).toBe('delayed');
    const repeat = await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 60_000 }, { 'idempotency-key': 'later-1' });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ id: first.body.id, name: 'email', state: 'delayed' });
  });
});

describe('POST /jobs/:name/:id/retry', () => {
  let system: TestSystem;
  let failedId = '';
  let completedId = '';

  beforeAll(async () => {
    system = await TestSystem.start();
    failedId = (await system.http('POST', '/jobs/email', { data: { ...EMAIL, subject: 'fail me' } })).body.id;
    completedId = (await system.http('POST', '/jobs/email', { data: { ...EMAIL, subject: 'complete me' } })).body.id;

    // A bare BullMQ worker on the system's prefix: fails one job for good and completes the other.
    const worker = new Worker(
      'email',
      async (job: Job) => {
        if (job.data.subject === 'fail me') throw new UnrecoverableError('refused by test worker');
        return { messageId: 'test' };
      },
      { connection: { url: system.config.redisUrl } as never, prefix: system.config.queuePrefix },
    );
    try {
      await system.jobIn('email', failedId, ['failed'], 10_000);
      await system.jobIn('email', completedId, ['completed'], 10_000);
    } finally {
      await worker.close();
    }
  });

  afterAll(async () => {
    await system?.close();
  });

  it('a failed job shows state failed with its reason', async () => {
    const job = await system.http('GET', `/jobs/email/${failedId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id: failedId, state: 'failed', attemptsMade: 1, maxAttempts: 5 });
    expect(job.body.failedReason).toContain('refused by test worker');
    expect(job.body.finishedAt).toMatch(ISO);
    expect(await countsOf(system, 'email')).toMatchObject({ failed: 1, completed: 1, waiting: 0 });
  });

  it('retry of a failed job: 202, and the job goes back to waiting', async () => {
    const response = await system.http('POST', `/jobs/email/${failedId}/retry`);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: failedId, name: 'email', state: 'waiting' });

    const job = await system.http('GET', `/jobs/email/${failedId}`);
    expect(job.status).toBe(200);
    expect(job.body.state).not.toBe('failed');
    expect(job.body.state).toBe('waiting');
    expect(job.body.data).toEqual({ ...EMAIL, subject: 'fail me' });
    expect(await countsOf(system, 'email')).toMatchObject({ failed: 0, waiting: 1 });
  });

  it('retry of a waiting job: 409', async () => {
    const posted = await system.http('POST', '/jobs/email', { data: EMAIL });
    const response = await system.http('POST', `/jobs/email/${posted.body.id}/retry`);
    expectError(response, 409, 'Conflict', posted.body.id);
    const job = await system.http('GET', `/jobs/email/${posted.body.id}`);
    expect(job.body.state).toBe('waiting');
  });

  it('retry of the job that was just retried (now waiting): 409', async () => {
    expectError(await system.http('POST', `/jobs/email/${failedId}/retry`), 409, 'Conflict');
  });

  it('retry of a completed job: 409', async () => {
    expectError(await system.http('POST', `/jobs/email/${completedId}/retry`), 409, 'Conflict', completedId);
    expect((await system.http('GET', `/jobs/email/${completedId}`)).body.state).toBe('completed');
  });

  it('retry of a delayed job: 409', async () => {
    const posted = await system.http('POST', '/jobs/email', { data: EMAIL, delayMs: 60_000 });
    expectError(await system.http('POST', `/jobs/email/${posted.body.id}/retry`), 409, 'Conflict');
  });

  it('a completed job can be deleted (it is not active)', async () => {
    expect((await system.http('DELETE', `/jobs/email/${completedId}`)).status).toBe(204);
    expect((await system.http('GET', `/jobs/email/${completedId}`)).status).toBe(404);
  });
});

describe('DELETE of an active job', () => {
  const smtp = new SmtpPeer({ dataDelayMs: 3_000 });
  let system: TestSystem;

  beforeAll(async () => {
    await smtp.start();
    system = await TestSystem.start({ worker: true, env: { SMTP_URL: smtp.url } });
  });

  afterAll(async () => {
    await system?.close();
    await smtp.stop();
  });

  it('409 while the job is active; the job then completes and can be deleted', async () => {
    const posted = await system.http('POST', '/jobs/email', { data: { ...EMAIL, to: 'slow@example.com' } });
    expect(posted.status).toBe(202);
    const active = await system.jobIn('email', posted.body.id, ['active'], 5_000);
    expect(active.processedAt).toMatch(ISO);

    const response = await system.http('DELETE', `/jobs/email/${posted.body.id}`);
    expectError(response, 409, 'Conflict', posted.body.id);

    // Still there, still running; and retry is refused too, as the job is not failed.
    expect((await system.http('GET', `/jobs/email/${posted.body.id}`)).body.state).toBe('active');
    expectError(await system.http('POST', `/jobs/email/${posted.body.id}/retry`), 409, 'Conflict');

    const done = await system.jobIn('email', posted.body.id, ['completed', 'failed'], 10_000);
    expect(done.state).toBe('completed');
    await waitFor(() => smtp.received.some((m) => m.envelopeTo.includes('slow@example.com')), { what: 'the slow mail' });

    expect((await system.http('DELETE', `/jobs/email/${posted.body.id}`)).status).toBe(204);
    expect((await system.http('GET', `/jobs/email/${posted.body.id}`)).status).toBe(404);
  }, 20_000);
});
