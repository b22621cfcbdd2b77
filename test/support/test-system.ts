import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@app/config';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteKeys, REDIS_URL } from './redis-keys.js';
import { createProducerApp } from '../../apps/producer/src/producer.app.js';
import { configureWorkerApp } from '../../apps/worker/src/worker.app.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';


type Override = (builder: TestingModuleBuilder) => TestingModuleBuilder;

export interface SystemOptions {
  /** Extra environment, as the apps would read it. */
  env?: Record<string, string>;
  producer?: boolean;
  worker?: boolean;
  /** Swap providers of the worker through DI (a recording handler, say). */
  overrideWorker?: Override;
}

/**
 * The real producer and worker modules against the real Redis, under a queue prefix of their
 * own so tests run next to each other and next to a developer's data; `close()` removes its keys.
 */
export class TestSystem {
  readonly config: AppConfig;
  readonly redis: Redis;
  producer?: NestFastifyApplication;
  worker?: NestFastifyApplication;
  baseUrl = '';
  /** The worker's HTTP port (health and metrics), once `startWorker` ran. */
  workerUrl = '';

  private constructor(env: Record<string, string>) {
    this.config = loadConfig({ REDIS_URL, QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`, LOG_LEVEL: 'warn', ...env });
    this.redis = new Redis(this.config.redisUrl);
  }

  static async start(options: SystemOptions = {}): Promise<TestSystem> {
    const system = new TestSystem(options.env ?? {});
    if (options.producer !== false) await system.startProducer();
    if (options.worker) await system.startWorker(options.overrideWorker);
    return system;
  }

  /** The producer exactly as `main.ts` boots it (NestFactory, not a testing module). */
  async startProducer(): Promise<void> {
    this.producer = await createProducerApp(this.config, { logger: false });
    await this.producer.listen(0, '127.0.0.1');
    const { port } = this.producer.getHttpServer().address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /** The worker app; `extraImports` adds job modules (start-up checks are tested that way). */
  async startWorker(override: Override = (b) => b, extraImports: Type[] = []): Promise<NestFastifyApplication> {
    const moduleRef = await override(
      Test.createTestingModule({ imports: [WorkerModule.forRoot(this.config), ...extraImports] }),
    ).compile();
    moduleRef.useLogger(false);
    this.worker = await configureWorkerApp(
      moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false }),
    );
    await this.worker.listen(0, '127.0.0.1');
    const { port } = this.worker.getHttpServer().address() as AddressInfo;
    this.workerUrl = `http://127.0.0.1:${port}`;
    return this.worker;
  }

  /** `fetch` against the producer, JSON in and out. */
  async http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, body: json, text };
  }

  /** Polls a job until it is in one of `states`. */
  async jobIn(name: string, id: string, states: string[], timeoutMs = 15_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await this.http('GET', `/jobs/${name}/${id}`)).body;
      if (last && states.includes(last.state)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${name}/${id} not in ${states.join('|')} after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }

  /**
   * Runs `use` with a plain BullMQ queue of this system's prefix, closed afterwards: jobs written
   * straight to Redis, as something other than the producer could write them.
   */
  async withRawQueue<T>(name: string, use: (queue: Queue) => Promise<T>): Promise<T> {
    const queue = new Queue(name, { connection: { url: this.config.redisUrl } as never, prefix: this.config.queuePrefix });
    try {
      return await use(queue);
    } finally {
      await queue.close();
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.producer?.close();
    await deleteKeys(this.redis, `${this.config.queuePrefix}:*`);
    // A queue closed while still starting writes its `meta` key a moment later: sweep again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await deleteKeys(this.redis, `${this.config.queuePrefix}:*`);
    this.redis.disconnect();
  }
}
