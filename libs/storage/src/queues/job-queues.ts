import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { JOB_DEFINITIONS, type JobName } from '@app/domain';
import type { Queue } from 'bullmq';
import { RedisErrorLog } from '../redis/redis-error-log.js';

/** Every job type's BullMQ queue, by job name. */
@Injectable()
export class JobQueues implements OnModuleInit {
  private readonly byName = new Map<JobName, Queue>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly errorLog: RedisErrorLog,
  ) {}

  onModuleInit(): void {
    for (const { name } of JOB_DEFINITIONS) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.errorLog.watch(`queue ${name}`, queue);
      this.byName.set(name, queue);
    }
  }

  get(name: JobName): Queue {
    const queue = this.byName.get(name);
    if (!queue) throw new Error(`no queue registered for job type ${name}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.byName.values()];
  }
}
