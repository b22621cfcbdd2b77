// `npm run dev`: Redis (found or started), an embedded mail catcher unless SMTP_URL is set,
// then the producer and the worker built from source, their output side by side.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startMailCatcher } from './mail-catcher.mjs';
import { ensureRedis } from './redis.mjs';

const log = (line) => process.stdout.write(`[dev] ${line}\n`);

const build = spawnSync('npx', ['swc', 'apps', 'libs', '-d', 'dist', '-q'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const redis = await ensureRedis({ log });
log(`Redis: ${redis.url}${redis.started ? ' (started for this session, kept in memory only)' : ''}`);

let mail;
if (!process.env.SMTP_URL) {
  mail = await startMailCatcher();
  log(`SMTP_URL not set: e-mail goes to the embedded mail catcher at ${mail.url} and is printed here`);
}

const env = { ...process.env, REDIS_URL: redis.url, ...(mail ? { SMTP_URL: mail.url } : {}) };
const apps = ['producer', 'worker'].map((name) => {
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${name}/src/main.js`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    log(`${name} exited (${signal ?? code})`);
    if (!stopping) void stop(code ?? 1);
  });
  return child;
});
log(`producer: http://127.0.0.1:${env.PORT ?? 3000}  worker health: http://127.0.0.1:${env.WORKER_HTTP_PORT ?? 3001}`);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const running = apps.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    }),
  );
  await mail?.close();
  redis.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
