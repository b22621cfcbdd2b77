import { JOB_DEFINITIONS, type JobName } from '@app/domain';
import { isEmail } from 'class-validator';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Per-job-type settings that configuration may override. */
export interface JobTypeSettings {
  readonly attempts?: number;
  readonly concurrency?: number;
}

/** The service's configuration, read once from the environment and validated. */
export interface AppConfig {
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly port: number;
  readonly workerHttpPort: number;
  /** Empty: the API runs open. */
  readonly apiKeys: readonly string[];
  readonly bodyLimitBytes: number;
  readonly rateLimitPerMinute: number;
  /** Undefined: every job type whose module the worker imports. */
  readonly workerQueues?: readonly JobName[];
  readonly workerConcurrency: number;
  readonly jobs: Readonly<Partial<Record<JobName, JobTypeSettings>>>;
  readonly shutdownTimeoutMs: number;
  readonly idempotencyTtlSeconds: number;
  readonly smtpUrl: string;
  readonly emailFrom: string;
  readonly alertEmailTo?: string;
  readonly logLevel: LogLevel;
  /** Bull Board shows queues and jobs but refuses retry, promote, clean, pause and the like. */
  readonly dashboardReadOnly: boolean;
}

/** A configuration value is wrong; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Environment variable name fragment of a job type: `ota-timeout` → `OTA_TIMEOUT`. */
export function envNameOf(jobName: string): string {
  return jobName.toUpperCase().replaceAll('-', '_');
}

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
  const url = (name: string, fallback: string, protocols: readonly string[]): string => {
    const raw = read(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(name, 'must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
    }
    return raw;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(name, `must be true, false, 1 or 0, got "${raw}"`);
  };
  const email = (name: string, options: { requireTld: boolean }): string | undefined => {
    const raw = read(name);
    // The same rule as EmailPayload.to, so an alert e-mail cannot be refused by its own payload check.
    if (raw !== undefined && !isEmail(raw, { require_tld: options.requireTld })) {
      throw new ConfigError(name, 'must be an e-mail address');
    }
    return raw;
  };

  const jobNames: readonly string[] = JOB_DEFINITIONS.map((d) => d.name);
  const workerQueuesRaw = read('WORKER_QUEUES');
  let workerQueues: JobName[] | undefined;
  if (workerQueuesRaw !== undefined) {
    const names = workerQueuesRaw.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !jobNames.includes(n));
    if (unknown.length > 0 || names.length === 0) {
      throw new ConfigError(
        'WORKER_QUEUES',
        `names unknown job type(s) "${unknown.join(', ')}"; known: ${jobNames.join(', ')}`,
      );
    }
    workerQueues = [...new Set(names)] as JobName[];
  }

  const jobs: Partial<Record<JobName, JobTypeSettings>> = {};
  for (const definition of JOB_DEFINITIONS) {
    const key = `JOB_${envNameOf(definition.name)}`;
    const attempts = read(`${key}_ATTEMPTS`) === undefined ? undefined : int(`${key}_ATTEMPTS`, 0, 1, 1000);
    const concurrency =
      read(`${key}_CONCURRENCY`) === undefined ? undefined : int(`${key}_CONCURRENCY`, 0, 1, 10_000);
    if (attempts !== undefined || concurrency !== undefined) {
      jobs[definition.name] = { attempts, concurrency };
    }
  }
  for (const name of Object.keys(env)) {
    const match = /^JOB_([A-Z0-9_]+)_(ATTEMPTS|CONCURRENCY)$/.exec(name);
    if (match && !jobNames.some((n) => envNameOf(n) === match[1])) {
      throw new ConfigError(name, `names no known job type; known: ${jobNames.join(', ')}`);
    }
  }

  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const queuePrefix = read('QUEUE_PREFIX') ?? 'jobs';
  if (!/^[^\s:]+$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', 'must be non-empty, without spaces or ":"');
  }

  return {
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix,
    port: int('PORT', 3000, 0, 65535),
    workerHttpPort: int('WORKER_HTTP_PORT', 3001, 0, 65535),
    apiKeys: (read('API_KEYS') ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    bodyLimitBytes: parseSize('BODY_LIMIT', read('BODY_LIMIT') ?? '1mb'),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 0, 0),
    workerQueues,
    workerConcurrency: int('WORKER_CONCURRENCY', 10, 1, 10_000),
    jobs,
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 30_000, 0),
    idempotencyTtlSeconds: int('IDEMPOTENCY_TTL_SECONDS', 86_400, 1),
    smtpUrl: url('SMTP_URL', 'smtp://127.0.0.1:1025', ['smtp:', 'smtps:']),
    // A sender is never validated as a payload, so a local domain (the default) is fine.
    emailFrom: email('EMAIL_FROM', { requireTld: false }) ?? 'jobs@localhost',
    alertEmailTo: email('ALERT_EMAIL_TO', { requireTld: true }),
    logLevel: logLevel as LogLevel,
    dashboardReadOnly: bool('DASHBOARD_READ_ONLY', false),
  };
}

function parseSize(variable: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw);
  if (!match) throw new ConfigError(variable, `must be a size such as 512kb or 1mb, got "${raw}"`);
  const bytes = Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]);
  if (bytes < 1 || bytes > SIZE_UNITS.gb) throw new ConfigError(variable, 'must be from 1 byte to 1gb');
  return bytes;
}

/** `loadConfig` for a process entry point: a bad value ends the process with exit code 1. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`configuration error: ${error.message}\n`);
    process.exit(1);
  }
}
