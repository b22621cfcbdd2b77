import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

// No Docker engine runs where the tests do: these check the files say what users rely on.
// Compose resolves YAML merge keys (`<<: *app`), so the parser must too.
const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true });
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const services = compose.services as Record<string, any>;

const seconds = (duration: string): number => {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`unreadable duration ${duration}`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60 }[match[2] as 'ms' | 's' | 'm'];
};

describe('docker-compose.yml', () => {
  it('runs Redis, producer, worker and a mail catcher', () => {
    expect(Object.keys(services).sort()).toEqual(['mailpit', 'producer', 'redis', 'worker']);
  });

  it('keeps Redis private, durable, non-evicting, password-protected and health-checked', () => {
    const redis = services.redis;
    const command: string[] = redis.command;
    expect(redis.ports).toBeUndefined();
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(command).toContain('--requirepass');
    expect(redis.volumes.some((v: string) => v.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck.test.join(' ')).toContain('ping');
  });

  it.each(['producer', 'worker'])('starts %s only once Redis is healthy, with the password in REDIS_URL', (name) => {
    const service = services[name];
    expect(service.depends_on.redis.condition).toBe('service_healthy');
    expect(service.environment.REDIS_URL).toMatch(/^redis:\/\/:[^@]+@redis:6379$/);
    expect(service.environment.SMTP_URL).toBe('smtp://mailpit:1025');
    expect(service.build).toBe('.');
  });

  it('runs each app from the one image', () => {
    expect(services.producer.environment.APP).toBe('producer');
    expect(services.worker.environment.APP).toBe('worker');
    expect(services.producer.ports).toContain('3000:3000');
  });

  it('gives the worker longer to stop than its shutdown timeout', () => {
    const timeoutMs = Number(services.worker.environment.SHUTDOWN_TIMEOUT_MS);
    expect(timeoutMs).toBeGreaterThan(0);
    expect(seconds(services.worker.stop_grace_period) * 1000).toBeGreaterThan(timeoutMs);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in one stage and runs from a slim current-LTS Node in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=(2[4-9]|[3-9]\d)$/m);
    expect(stages.every((stage) => stage.startsWith('node:${NODE_VERSION}'))).toBe(true);
  });

  it('ships production dependencies only and runs as a non-root user', () => {
    const runtime = stages[stages.length - 1];
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });

  it('execs node so SIGTERM reaches the app', () => {
    expect(dockerfile).toMatch(/CMD \[.*exec node .*dist\/apps\/\$\{APP\}\/src\/main\.js/);
  });
});
