import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ERROR_REPEAT_INTERVAL_MS, RedisErrorLog } from './redis-error-log.js';

describe('RedisErrorLog', () => {
  let now: number;
  let errors: string[];
  let logs: string[];
  let log: RedisErrorLog;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    errors = [];
    logs = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logs.push(String(message)));
    log = new RedisErrorLog();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('logs a message once per interval, then with how often it recurred', () => {
    const queue = new EventEmitter();
    const worker = new EventEmitter();
    log.watch('queue email', queue);
    log.watch('worker email', worker);
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');

    queue.emit('error', refused);
    worker.emit('error', refused);
    now += ERROR_REPEAT_INTERVAL_MS - 1;
    queue.emit('error', refused);
    expect(errors).toEqual(['queue email: connect ECONNREFUSED 127.0.0.1:6379']);

    now += 1;
    worker.emit('error', refused);
    expect(errors).toEqual([
      'queue email: connect ECONNREFUSED 127.0.0.1:6379',
      'worker email: connect ECONNREFUSED 127.0.0.1:6379 (2 more since it was last logged)',
    ]);
  });

  it('logs a different message at once', () => {
    log.report('queue email', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    log.report('worker alert', new Error('Missing lock for job 7. moveToFinished'));
    log.report('connection', 'not an Error');
    expect(errors).toEqual([
      'queue email: connect ECONNREFUSED 127.0.0.1:6379',
      'worker alert: Missing lock for job 7. moveToFinished',
      'connection: not an Error',
    ]);
  });

  it('says once that the connection is back, and logs the next outage afresh', () => {
    log.ready();
    expect(logs).toEqual([]);

    log.report('connection', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    now += 7_250;
    log.report('connection', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    log.ready();
    log.ready();
    expect(logs).toEqual(['connection ready again, 7.3 s after the first error']);

    log.report('connection', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(errors).toHaveLength(2);
  });
});
