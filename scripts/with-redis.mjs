// Usage: node scripts/with-redis.mjs <command...>: runs the command with REDIS_URL set to a
// Redis that answers (see redis.mjs), and passes on its exit code.
import { spawn } from 'node:child_process';
import { ensureRedis } from './redis.mjs';

const [command, ...args] = process.argv.slice(2);
const redis = await ensureRedis();
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, REDIS_URL: redis.url } });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  redis.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
