import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { BuiltApps, ROOT, type RunningApp } from './support/built-app.js';
import { freePort } from './support/free-port.js';
import { deleteKeys, REDIS_URL } from './support/redis-keys.js';
import { waitFor } from './support/wait-for.js';

const NAME = 'device-reboot';
const SKIPPED = new Set(['node_modules', 'dist', '.git', 'coverage']);

/** Every file's content hash, to show a refused generator run changed nothing. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      if (SKIPPED.has(entry)) continue;
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(relative(dir, full)).update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** `npm run new:job` in a copy of this project: from nothing to a processed job. */
describe('npm run new:job', () => {
  let copy: string;
  const run = (command: string, args: string[]) =>
    spawnSync(command === 'node' ? process.execPath : command, args, { cwd: copy, encoding: 'utf8' });

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'new-job-'));
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !SKIPPED.has(relative(ROOT, source).split('/')[0]) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  });

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it.each([
    ['email', /job type "email" exists already/],
    ['Device_Reboot', /is not kebab-case/],
    ['2fa', /is not kebab-case/],
    ['', /usage: npm run new:job/],
  ])('refuses "%s" and changes nothing', (name, message) => {
    const before = treeDigest(copy);
    const result = run('node', ['scripts/new-job.mjs', ...(name ? [name] : [])]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(treeDigest(copy)).toBe(before);
  });

  describe(`a new job type "${NAME}"`, () => {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(REDIS_URL);
    let apps: BuiltApps;
    let producer: RunningApp;
    let worker: RunningApp;
    let baseUrl: string;

    beforeAll(async () => {
      const generated = run('node', ['scripts/new-job.mjs', NAME]);
      expect(generated.stderr).toBe('');
      expect(generated.status).toBe(0);
    });

    afterAll(async () => {
      for (const app of [producer, worker]) {
        if (app && app.child.exitCode === null) {
          app.child.kill('SIGTERM');
          await app.exited;
        }
      }
      await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
    });

    it('is refused a second time', () => {
      const again = run('node', ['scripts/new-job.mjs', NAME]);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('exists already');
    });

    it('type-checks and passes lint, generated files included', () => {
      const tsc = run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
      const eslint = run('node', ['node_modules/eslint/bin/eslint.js', 'libs', 'apps']);
      expect(eslint.stdout + eslint.stderr).toBe('');
      expect(eslint.status).toBe(0);
    }, 60_000);

    it("passes its generated handler's unit test", () => {
      const jest = spawnSync(
        process.execPath,
        ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', `libs/workflow/src/handlers/${NAME}.handler.spec.ts`],
        { cwd: copy, encoding: 'utf8' },
      );
      expect(jest.stdout + jest.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
      expect(jest.status).toBe(0);
    }, 60_000);

    it('is built, hosted, accepted over REST, processed, documented and on the dashboard', async () => {
      apps = BuiltApps.build(copy);
      const port = await freePort();
      const env = { REDIS_URL, QUEUE_PREFIX: prefix, PORT: String(port), WORKER_HTTP_PORT: String(await freePort()) };
      worker = apps.start('worker', env);
      producer = apps.start('producer', env);
      baseUrl = `http://127.0.0.1:${port}`;
      await worker.waitForOutput(/registered device-reboot -> DeviceRebootProcessor \(concurrency 10, attempts 3/);
      await producer.waitForOutput(new RegExp(`listening on port ${port}`));

      const posted = await fetch(`${baseUrl}/jobs/${NAME}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { subject: 'reboot DEV-1' } }),
      });
      expect(posted.status).toBe(202);
      const { id } = (await posted.json()) as { id: string };
      const job = await waitFor(
        async () => {
          const body = (await (await fetch(`${baseUrl}/jobs/${NAME}/${id}`)).json()) as any;
          return body.state === 'completed' && body;
        },
        { what: 'the generated job to complete' },
      );
      expect(job.result).toEqual({ subject: 'reboot DEV-1', attempt: 1 });

      const invalid = await fetch(`${baseUrl}/jobs/${NAME}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { subject: '' } }),
      });
      expect(invalid.status).toBe(400);

      const types = (await (await fetch(`${baseUrl}/jobs`)).json()) as any;
      expect(types.jobTypes.map((t: any) => t.name)).toContain(NAME);
      const openapi = (await (await fetch(`${baseUrl}/docs-json`)).json()) as any;
      expect(openapi.components.schemas.DeviceRebootPayload.properties.subject).toMatchObject({ type: 'string' });
      expect(Object.keys(openapi.paths)).toContain(`/jobs/${NAME}`);
      const board = (await (await fetch(`${baseUrl}/admin/queues/api/queues`)).json()) as any;
      expect(board.queues.map((q: any) => q.name)).toContain(NAME);
    }, 60_000);
  });
});
