// npm run bench: what the service's layers cost over raw BullMQ, on the same Redis.
//   enqueue:  JobProducer.enqueue (payload typed, retry policy, retention) vs Queue.add
//   process:  a @JobProcessor (validation, attempt context, handler, logging) vs a bare Worker
// Both sides use the same job type, payload, concurrency and Redis; each figure is the median
// of several rounds. Set BENCH_JOBS, BENCH_ROUNDS, BENCH_CONCURRENCY to change the load.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule, loadConfig, type AppConfig } from '@app/config';
import { AlertJob, AlertType, Severity, type AlertPayload } from '@app/domain';
import { baseJobOptions, JobProducer, StorageModule } from '@app/storage';
import type { AttemptContext, JobHandler } from '@app/workflow';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { JobProcessor } from '../apps/worker/src/processing/job-processor.decorator.js';
import { JobProcessorHost } from '../apps/worker/src/processing/job-processor.host.js';
import { ProcessingModule } from '../apps/worker/src/processing/processing.module.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const PAYLOAD: AlertPayload = {
  eventId: 'EVT-001',
  deviceUuid: 'DEV-123',
  alertType: AlertType.DeviceOffline,
  severity: Severity.Low,
  message: 'device stopped reporting',
};

@Injectable()
class NoopHandler implements JobHandler<AlertPayload, null> {
  async handle(_payload: AlertPayload, _context: AttemptContext): Promise<null> {
    return null;
  }
}

@JobProcessor(AlertJob)
class BenchAlertProcessor extends JobProcessorHost<AlertPayload, null> {
  constructor(handler: NoopHandler) {
    super(AlertJob, handler);
  }
}

@Module({ providers: [NoopHandler, BenchAlertProcessor] })
class BenchJobModule {}

const configFor = (prefix: string, workerQueues?: string): AppConfig =>
  loadConfig({
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    LOG_LEVEL: 'warn',
    ...(workerQueues ? { WORKER_QUEUES: workerQueues } : {}),
  });

async function inParallel(total: number, parallel: number, task: () => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) {
        next += 1;
        await task();
      }
    }),
  );
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function cleanup(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = nextCursor;
  } while (cursor !== '0');
}

function waitForCompleted(worker: Worker, count: number): Promise<void> {
  return new Promise((resolve) => {
    let done = 0;
    worker.on('completed', () => {
      done += 1;
      if (done === count) resolve();
    });
  });
}

/** One round of each side; returns jobs per second. */
async function raw(redis: Redis): Promise<{ enqueue: number; process: number }> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const connection = { url: REDIS_URL } as never;
  const queue = new Queue('alert', { connection, prefix });
  // The very options the service adds jobs with, so the ratio measures the layers, not settings.
  const options = baseJobOptions(AlertJob, configFor(prefix));
  let start = process.hrtime.bigint();
  await inParallel(JOBS, CONCURRENCY, () => queue.add('alert', PAYLOAD, options));
  const enqueue = JOBS / seconds(start);

  const worker = new Worker('alert', async () => null, { connection, prefix, concurrency: CONCURRENCY, autorun: false });
  const drained = waitForCompleted(worker, JOBS);
  start = process.hrtime.bigint();
  void worker.run();
  await drained;
  const processed = JOBS / seconds(start);
  await worker.close();
  await queue.close();
  await cleanup(redis, prefix);
  return { enqueue, process: processed };
}

async function service(redis: Redis): Promise<{ enqueue: number; process: number }> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const producerApp = await NestFactory.createApplicationContext(
    {
      module: class BenchProducer {},
      imports: [AppConfigModule.forRoot(configFor(prefix)), StorageModule.forRoot({ role: 'producer' })],
    },
    { logger: false },
  );
  await producerApp.init();
  const producer = producerApp.get(JobProducer);
  let start = process.hrtime.bigint();
  await inParallel(JOBS, CONCURRENCY, () => producer.enqueue('alert', PAYLOAD));
  const enqueue = JOBS / seconds(start);

  // Timed from init: the worker starts consuming in it (a few ms of module set-up included).
  const workerApp = await NestFactory.createApplicationContext(
    {
      module: class BenchWorker {},
      imports: [
        AppConfigModule.forRoot(configFor(prefix, 'alert')),
        StorageModule.forRoot({ role: 'worker' }),
        ProcessingModule,
        BenchJobModule,
      ],
    },
    { logger: false },
  );
  const processor = workerApp.get(BenchAlertProcessor);
  start = process.hrtime.bigint();
  await workerApp.init(); // starts the worker
  await waitForCompleted(processor.worker, JOBS);
  const processed = JOBS / seconds(start);
  await workerApp.close();
  await producerApp.close();
  await cleanup(redis, prefix);
  return { enqueue, process: processed };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const results = { raw: { enqueue: [] as number[], process: [] as number[] }, service: { enqueue: [] as number[], process: [] as number[] } };
  process.stdout.write(`${JOBS} jobs x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, Redis ${REDIS_URL.replace(/\/\/.*@/, '//')}\n`);
  for (let round = 1; round <= ROUNDS; round += 1) {
    // Alternate the order so neither side always runs on a warmer Redis.
    const order = round % 2 === 1 ? (['raw', 'service'] as const) : (['service', 'raw'] as const);
    for (const side of order) {
      const figures = side === 'raw' ? await raw(redis) : await service(redis);
      results[side].enqueue.push(figures.enqueue);
      results[side].process.push(figures.process);
      process.stdout.write(
        `round ${round} ${side.padEnd(7)} enqueue ${figures.enqueue.toFixed(0).padStart(6)} jobs/s  process ${figures.process.toFixed(0).padStart(6)} jobs/s\n`,
      );
    }
  }
  redis.disconnect();
  process.stdout.write('\nmedian jobs/s       raw BullMQ    service   service/raw\n');
  for (const phase of ['enqueue', 'process'] as const) {
    const r = median(results.raw[phase]);
    const s = median(results.service[phase]);
    process.stdout.write(`${phase.padEnd(18)} ${r.toFixed(0).padStart(10)} ${s.toFixed(0).padStart(10)} ${(s / r).toFixed(2).padStart(12)}\n`);
  }
}

await main();
