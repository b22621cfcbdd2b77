import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

  it('keeps every package the apps import at run time in "dependencies" (the image prunes the rest)', () => {
    const root = new URL('..', import.meta.url);
    const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    const sources = ['apps', 'libs'].flatMap((dir) =>
      readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
        .map((file) => readFileSync(new URL(`${dir}/${file}`, root), 'utf8')),
    );
    // Value imports and re-exports; `import type` is erased by the compiler.
    const specifier = /^\s*(?:(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+|import\s+)'([^'.][^']*)'/gm;
    const packages = new Set(
      sources
        .flatMap((source) => [...source.matchAll(specifier)].map((match) => match[1]))
        .filter((name) => !name.startsWith('node:') && !name.startsWith('@app/'))
        .map((name) => name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/')),
    );
    expect(packages.size).toBeGreaterThan(10);
    expect([...packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
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

  describe('HEALTHCHECK, run as Docker would run it against an HTTP server', () => {
    const instruction = /^HEALTHCHECK (.*?)CMD (\[.*\])$/m.exec(dockerfile.replaceAll('\\\n', ''));
    const [command, ...args] = JSON.parse(instruction?.[2] ?? '[]') as string[];
    let readyStatus = 200;
    const paths: string[] = [];
    const server: Server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(request.url === '/health/ready' ? readyStatus : 404).end();
    });
    let port = 0;

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    /** The check's exit code, with the container's environment. */
    const check = (env: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const child = execFile(command === 'node' ? process.execPath : command, args, { env, timeout: 5_000 });
        child.on('exit', (code) => resolve(code ?? -1));
      });

    it('is declared with a timeout, as a node command', () => {
      expect(instruction?.[1]).toMatch(/--timeout=\d+s/);
      expect(command).toBe('node');
    });

    it("asks the producer's PORT, or the worker's WORKER_HTTP_PORT, for /health/ready", async () => {
      readyStatus = 200;
      paths.length = 0;
      expect(await check({ APP: 'producer', PORT: String(port), WORKER_HTTP_PORT: '1' })).toBe(0);
      expect(await check({ APP: 'worker', PORT: '1', WORKER_HTTP_PORT: String(port) })).toBe(0);
      expect(paths).toEqual(['/health/ready', '/health/ready']);
    });

    it('fails while the app is not ready, or not answering', async () => {
      readyStatus = 503;
      expect(await check({ APP: 'producer', PORT: String(port) })).toBe(1);
      expect(await check({ APP: 'worker', WORKER_HTTP_PORT: '1' })).toBe(1);
    });
  });
});
