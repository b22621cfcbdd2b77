import { describe, expect, it } from '@jest/globals';
import { ConfigError, envNameOf, loadConfig } from './app-config.js';

/** Runs `loadConfig` expecting a `ConfigError`, and returns it. */
function configErrorOf(env: Record<string, string>): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

describe('loadConfig', () => {
  it('uses exactly the defaults of CONTRACT §4 for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'jobs',
      port: 3000,
      workerHttpPort: 3001,
      apiKeys: [],
      bodyLimitBytes: 1_048_576,
      rateLimitPerMinute: 0,
      workerConcurrency: 10,
      jobs: {},
      shutdownTimeoutMs: 30_000,
      idempotencyTtlSeconds: 86_400,
      smtpUrl: 'smtp://127.0.0.1:1025',
      emailFrom: 'jobs@localhost',
      logLevel: 'info',
      dashboardReadOnly: false,
    });
    // "unset" and "all" in the contract: no value at all.
    expect(config.workerQueues).toBeUndefined();
    expect(config.alertEmailTo).toBeUndefined();
  });

  it.each([
    ['1', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
  ])('reads DASHBOARD_READ_ONLY=%s as %s', (raw, expected) => {
    expect(loadConfig({ DASHBOARD_READ_ONLY: raw }).dashboardReadOnly).toBe(expected);
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '   ', LOG_LEVEL: '', WORKER_QUEUES: ' ', ALERT_EMAIL_TO: '', JOB_EMAIL_ATTEMPTS: '' });
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.logLevel).toBe('info');
    expect(config.workerQueues).toBeUndefined();
    expect(config.alertEmailTo).toBeUndefined();
    expect(config.jobs).toEqual({});
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://:secret@redis.example.com:6380/2',
      QUEUE_PREFIX: '{jobs}',
      PORT: '8080',
      WORKER_HTTP_PORT: '8081',
      API_KEYS: 'alpha, beta,,gamma ',
      RATE_LIMIT_PER_MINUTE: '120',
      WORKER_CONCURRENCY: '4',
      SHUTDOWN_TIMEOUT_MS: '5000',
      IDEMPOTENCY_TTL_SECONDS: '60',
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      EMAIL_FROM: 'noreply@example.com',
      ALERT_EMAIL_TO: 'oncall@example.com',
      LOG_LEVEL: 'DEBUG',
      DASHBOARD_READ_ONLY: 'true',
    });
    expect(config).toMatchObject({
      redisUrl: 'rediss://:secret@redis.example.com:6380/2',
      queuePrefix: '{jobs}',
      port: 8080,
      workerHttpPort: 8081,
      apiKeys: ['alpha', 'beta', 'gamma'],
      rateLimitPerMinute: 120,
      workerConcurrency: 4,
      shutdownTimeoutMs: 5000,
      idempotencyTtlSeconds: 60,
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      emailFrom: 'noreply@example.com',
      alertEmailTo: 'oncall@example.com',
      logLevel: 'debug',
      dashboardReadOnly: true,
    });
  });

  describe('BODY_LIMIT', () => {
    it.each([
      ['1mb', 1_048_576],
      ['512kb', 524_288],
      ['1MB', 1_048_576],
      ['2 mb', 2_097_152],
      ['1.5kb', 1_536],
      ['1gb', 1_073_741_824],
      ['100', 100],
      ['100b', 100],
    ])('parses %j as %i bytes', (raw, bytes) => {
      expect(loadConfig({ BODY_LIMIT: raw }).bodyLimitBytes).toBe(bytes);
    });
  });

  describe('WORKER_QUEUES', () => {
    it('keeps the named job types in order', () => {
      expect(loadConfig({ WORKER_QUEUES: 'email,alert' }).workerQueues).toEqual(['email', 'alert']);
    });

    it('ignores spaces, empty items and repeats', () => {
      expect(loadConfig({ WORKER_QUEUES: ' ota-timeout , email,,email ' }).workerQueues).toEqual(['ota-timeout', 'email']);
    });

    it('names the unknown job types and the known ones', () => {
      const error = configErrorOf({ WORKER_QUEUES: 'email,nope' });
      expect(error.message).toContain('"nope"');
      expect(error.message).toContain('ota-timeout, alert, email');
    });
  });

  describe('per job type settings', () => {
    it('JOB_EMAIL_ATTEMPTS lands in jobs.email', () => {
      const config = loadConfig({ JOB_EMAIL_ATTEMPTS: '7' });
      expect(config.jobs.email?.attempts).toBe(7);
      expect(config.jobs.email?.concurrency).toBeUndefined();
      expect(config.jobs.alert).toBeUndefined();
      expect(config.jobs['ota-timeout']).toBeUndefined();
    });

    it('JOB_EMAIL_ATTEMPTS and JOB_EMAIL_CONCURRENCY land together in jobs.email', () => {
      const config = loadConfig({ JOB_EMAIL_ATTEMPTS: '7', JOB_EMAIL_CONCURRENCY: '2' });
      expect(config.jobs).toEqual({ email: { attempts: 7, concurrency: 2 } });
    });

    it('a kebab-case job name maps to an upper snake-case variable', () => {
      expect(envNameOf('ota-timeout')).toBe('OTA_TIMEOUT');
      expect(loadConfig({ JOB_OTA_TIMEOUT_CONCURRENCY: '3' }).jobs['ota-timeout']).toEqual({ attempts: undefined, concurrency: 3 });
    });

    it('settings of several job types stay apart', () => {
      const config = loadConfig({ JOB_ALERT_ATTEMPTS: '2', JOB_EMAIL_CONCURRENCY: '9' });
      expect(config.jobs.alert?.attempts).toBe(2);
      expect(config.jobs.alert?.concurrency).toBeUndefined();
      expect(config.jobs.email?.concurrency).toBe(9);
      expect(config.jobs.email?.attempts).toBeUndefined();
    });
  });

  describe('a bad value throws a ConfigError naming the variable', () => {
    it.each([
      ['PORT', { PORT: 'abc' }],
      ['PORT', { PORT: '70000' }],
      ['PORT', { PORT: '-1' }],
      ['PORT', { PORT: '3000.5' }],
      ['WORKER_HTTP_PORT', { WORKER_HTTP_PORT: '1e3' }],
      ['REDIS_URL', { REDIS_URL: 'http://x' }],
      ['REDIS_URL', { REDIS_URL: 'not a url' }],
      ['SMTP_URL', { SMTP_URL: 'http://mail.example.com' }],
      ['WORKER_QUEUES', { WORKER_QUEUES: 'nope' }],
      ['WORKER_QUEUES', { WORKER_QUEUES: ',' }],
      ['JOB_NOPE_ATTEMPTS', { JOB_NOPE_ATTEMPTS: '3' }],
      ['JOB_NOPE_CONCURRENCY', { JOB_NOPE_CONCURRENCY: '3' }],
      ['JOB_EMAIL_ATTEMPTS', { JOB_EMAIL_ATTEMPTS: '0' }],
      ['JOB_EMAIL_ATTEMPTS', { JOB_EMAIL_ATTEMPTS: 'many' }],
      ['JOB_EMAIL_CONCURRENCY', { JOB_EMAIL_CONCURRENCY: '0' }],
      ['WORKER_CONCURRENCY', { WORKER_CONCURRENCY: '0' }],
      ['RATE_LIMIT_PER_MINUTE', { RATE_LIMIT_PER_MINUTE: '-5' }],
      ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: 'soon' }],
      ['IDEMPOTENCY_TTL_SECONDS', { IDEMPOTENCY_TTL_SECONDS: '0' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
      ['BODY_LIMIT', { BODY_LIMIT: 'huge' }],
      ['BODY_LIMIT', { BODY_LIMIT: '10tb' }],
      ['BODY_LIMIT', { BODY_LIMIT: '0' }],
      ['BODY_LIMIT', { BODY_LIMIT: '-1mb' }],
      ['QUEUE_PREFIX', { QUEUE_PREFIX: 'a:b' }],
      ['QUEUE_PREFIX', { QUEUE_PREFIX: 'my jobs' }],
      ['ALERT_EMAIL_TO', { ALERT_EMAIL_TO: 'not-an-address' }],
      ['ALERT_EMAIL_TO', { ALERT_EMAIL_TO: 'Ops <ops@example.com>' }],
      ['EMAIL_FROM', { EMAIL_FROM: 'jobs at example.com' }],
      ['DASHBOARD_READ_ONLY', { DASHBOARD_READ_ONLY: 'yes' }],
    ] as Array<[string, Record<string, string>]>)('%s in %j', (variable, env) => {
      const error = configErrorOf(env);
      expect(error.variable).toBe(variable);
      expect(error.message.startsWith(`${variable} `)).toBe(true);
      expect(error.name).toBe('ConfigError');
    });

    it('quotes the bad integer in the message', () => {
      expect(configErrorOf({ PORT: 'abc' }).message).toBe('PORT must be an integer from 0 to 65535, got "abc"');
    });

    it('says which URL schemes are allowed', () => {
      expect(configErrorOf({ REDIS_URL: 'http://x' }).message).toBe('REDIS_URL must use redis: or rediss:');
    });
  });
});
