import { WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { findJobDefinition, type JobName } from '@app/domain';
import { WORKER_OBSERVER, type WorkerObserver } from '@app/observability';
import { effectiveRetryPolicy, REDIS_CONNECTION, within } from '@app/storage';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobProcessorHost } from './job-processor.host.js';

/** A worker app whose processors do not match the declared job types. */
export class WorkerSetupError extends Error {
  override name = 'WorkerSetupError';
}

/**
 * Checks the processors the DI container found against the declared job types, configures and
 * starts their workers, and on shutdown lets active jobs finish within `SHUTDOWN_TIMEOUT_MS`.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobWorkers.name);
  private workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Optional() @Inject(WORKER_OBSERVER) private readonly observer?: WorkerObserver,
  ) {}

  /** The BullMQ workers this process runs, after `WORKER_QUEUES`. */
  get running(): readonly Worker[] {
    return this.workers;
  }

  /** Job types this process runs, after `WORKER_QUEUES`. */
  get hosted(): JobName[] {
    return this.workers.map((worker) => worker.name as JobName);
  }

  async onApplicationBootstrap(): Promise<void> {
    const hosts = this.processors();
    const selected = this.select(hosts);
    for (const host of hosts) {
      if (!selected.includes(host)) await host.worker.close();
    }
    for (const host of selected) {
      const definition = findJobDefinition(host.definition.name)!;
      const concurrency = this.config.jobs[definition.name]?.concurrency ?? this.config.workerConcurrency;
      const { attempts, backoff } = effectiveRetryPolicy(definition, this.config);
      host.worker.concurrency = concurrency;
      this.logger.log(
        `registered ${definition.name} -> ${host.constructor.name} (concurrency ${concurrency}, ` +
          `attempts ${attempts}, backoff ${backoff.delayMs}ms doubling to ${backoff.maxDelayMs}ms, jitter ${backoff.jitter})`,
      );
      // Before run(), so the observer (metrics) misses none of its events.
      this.observer?.observe(host.worker);
      host.worker.run().catch((error: unknown) => this.logger.error(`worker ${definition.name} stopped: ${String(error)}`));
      this.workers.push(host.worker);
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.workers.length === 0) return;
    const timeoutMs = this.config.shutdownTimeoutMs;
    this.logger.log(`${signal ?? 'shutdown'}: taking no new jobs, waiting up to ${timeoutMs}ms for active ones`);
    // pause() stops fetching and waits for active jobs without committing to close(): BullMQ
    // keeps the first close() call, so a later close(true) could not cut a hanging job short.
    const drained = await within(Promise.all(this.workers.map((worker) => worker.pause())), timeoutMs, 'active jobs').then(
      () => true,
      () => false,
    );
    if (!drained) {
      // Their locks lapse and another worker picks these jobs up again: nothing is lost.
      this.logger.warn('shutdown timeout reached before the workers stopped: jobs still active are left to another worker');
    }
    // A graceful close sends QUIT, which waits for Redis; while it is away, only a forced close ends.
    const force = !drained || this.redis.status !== 'ready';
    await Promise.all(this.workers.map((worker) => worker.close(force)));
    this.workers = [];
  }

  private processors(): JobProcessorHost<object, unknown>[] {
    const hosts: JobProcessorHost<object, unknown>[] = [];
    const byName = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      if (!(instance instanceof JobProcessorHost)) {
        throw new WorkerSetupError(
          `${instance.constructor.name} processes queue "${instance.worker.name}" but does not extend JobProcessorHost`,
        );
      }
      const { name } = instance.definition;
      if (findJobDefinition(name) !== instance.definition) {
        throw new WorkerSetupError(`${instance.constructor.name} processes "${name}", which is not a declared job type`);
      }
      byName.set(name, [...(byName.get(name) ?? []), instance.constructor.name]);
      hosts.push(instance);
    }
    for (const [name, classes] of byName) {
      if (classes.length > 1) {
        throw new WorkerSetupError(`job type ${name} is hosted by more than one processor: ${classes.join(', ')}`);
      }
    }
    return hosts;
  }

  private select(hosts: JobProcessorHost<object, unknown>[]): JobProcessorHost<object, unknown>[] {
    const wanted = this.config.workerQueues;
    if (wanted === undefined) return hosts;
    const hostedNames = hosts.map((host) => host.definition.name);
    const missing = wanted.filter((name) => !hostedNames.includes(name));
    if (missing.length > 0) {
      throw new WorkerSetupError(
        `WORKER_QUEUES names ${missing.join(', ')}, which this worker has no processor module for`,
      );
    }
    return hosts.filter((host) => (wanted as readonly string[]).includes(host.definition.name));
  }
}
