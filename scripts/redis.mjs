// Finds a Redis for `npm test` and `npm run dev`: REDIS_URL if set, else 127.0.0.1:6379 if it
// answers, else a throw-away `redis-server` from PATH on a free port (kept in memory only).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

async function answers(url) {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** @returns {Promise<{ url: string, started: boolean, stop: () => void }>} */
export async function ensureRedis({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (process.env.REDIS_URL) {
    return { url: process.env.REDIS_URL, started: false, stop() {} };
  }
  if (await answers(DEFAULT_URL)) {
    return { url: DEFAULT_URL, started: false, stop() {} };
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  log(`no Redis at ${DEFAULT_URL}; starting redis-server on port ${port}`);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const failed = new Promise((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`could not start redis-server (${error.message}); install Redis or set REDIS_URL`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  const ready = (async () => {
    for (let i = 0; i < 50; i += 1) {
      if (await answers(url)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server did not answer on ${url}`);
  })();
  await Promise.race([ready, failed]);
  return { url, started: true, stop: () => child.kill('SIGTERM') };
}
