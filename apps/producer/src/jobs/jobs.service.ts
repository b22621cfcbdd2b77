import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  JOB_DEFINITIONS,
  parsePayload,
  PayloadValidationError,
  type AnyJobDefinition,
  type EnqueuedJob,
  type JobDefinition,
  type JobName,
  type JobPayload,
} from '@app/domain';
import { effectiveRetryPolicy, JobProducer, JobQueues } from '@app/storage';
import type { Job } from 'bullmq';
import type { EnqueueJobDto } from './dto/enqueue-job.dto.js';
import type { ListJobsQuery } from './dto/list-jobs.query.js';
import { JOB_STATES, toJobState, toJobView, type EnqueuedState, type JobState, type JobView } from './job-view.js';

export interface JobTypeView {
  name: JobName;
  description: string;
  attempts: number;
  backoff: { type: 'exponential'; delayMs: number; maxDelayMs: number; jitter: number };
  counts: Record<JobState, number>;
}

/** What the jobs API does, over the queues of the storage layer. */
@Injectable()
export class JobsService {
  constructor(
    private readonly producer: JobProducer,
    private readonly queues: JobQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async jobTypes(): Promise<JobTypeView[]> {
    return Promise.all(
      JOB_DEFINITIONS.map(async (definition) => {
        const { attempts, backoff } = effectiveRetryPolicy(definition, this.config);
        const counts = await this.queues.get(definition.name).getJobCounts(...JOB_STATES);
        return {
          name: definition.name,
          description: definition.description,
          attempts,
          backoff: { type: 'exponential' as const, ...backoff },
          counts: Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>,
        };
      }),
    );
  }

  async enqueue(definition: AnyJobDefinition, dto: EnqueueJobDto, idempotencyKey?: string): Promise<EnqueuedJob> {
    let payload: JobPayload<JobName>;
    try {
      payload = parse(definition, dto.data);
    } catch (error) {
      if (error instanceof PayloadValidationError) throw new BadRequestException(error.withPrefix('data.'));
      throw error;
    }
    return this.producer.enqueue(definition.name, payload, {
      delayMs: dto.delayMs,
      priority: dto.priority,
      idempotencyKey,
    });
  }

  /** Validates every item first: one invalid item rejects the batch and nothing is enqueued. */
  async enqueueBatch(definition: AnyJobDefinition, items: EnqueueJobDto[]): Promise<string[]> {
    const problems: string[] = [];
    const payloads = items.map((item, i) => {
      try {
        return parse(definition, item.data);
      } catch (error) {
        if (!(error instanceof PayloadValidationError)) throw error;
        problems.push(...error.withPrefix(`jobs.${i}.data.`));
        return undefined;
      }
    });
    if (problems.length > 0) throw new BadRequestException(problems);
    return this.producer.enqueueBatch(
      definition.name,
      items.map((item, i) => ({ payload: payloads[i]!, options: { delayMs: item.delayMs, priority: item.priority } })),
    );
  }

  async get(definition: AnyJobDefinition, id: string): Promise<JobView> {
    // State first: the job read after it is at least as new, so a "failed" job has its reason.
    const state = await this.queues.get(definition.name).getJobState(id);
    const job = await this.find(definition, id);
    return toJobView(job, toJobState(state));
  }

  async list(definition: AnyJobDefinition, query: ListJobsQuery) {
    const states = query.state ? [query.state] : [...JOB_STATES];
    const queue = this.queues.get(definition.name);
    const [counts, jobs] = await Promise.all([
      queue.getJobCounts(...states),
      queue.getJobs(states, query.offset, query.offset + query.limit - 1),
    ]);
    const views = await Promise.all(
      jobs.filter(Boolean).map(async (job) => toJobView(job, query.state ?? toJobState(await job.getState()))),
    );
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    return { name: definition.name, state: query.state ?? null, total, jobs: views };
  }

  /** A failed job goes back to waiting with its attempts reset. */
  async retry(definition: AnyJobDefinition, id: string): Promise<{ id: string; name: string; state: JobState }> {
    const job = await this.find(definition, id);
    const state = await job.getState();
    if (state !== 'failed') throw new ConflictException(`job ${id} is ${toJobState(state)}; only a failed job can be retried`);
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      throw new ConflictException(`job ${id} could not be retried: ${(error as Error).message}`);
    }
    return { id, name: definition.name, state: toJobState(await job.getState()) };
  }

  async remove(definition: AnyJobDefinition, id: string): Promise<void> {
    const job = await this.find(definition, id);
    if ((await job.getState()) === 'active') throw new ConflictException(`job ${id} is active and cannot be deleted`);
    try {
      await job.remove();
    } catch (error) {
      // BullMQ refuses to remove a job that holds a lock: it became active meanwhile.
      throw new ConflictException(`job ${id} could not be deleted: ${(error as Error).message}`);
    }
  }

  /** The job's state alone (one Redis call), as reported right after enqueueing. */
  async state(definition: AnyJobDefinition, id: string): Promise<EnqueuedState> {
    const state = await this.queues.get(definition.name).getJobState(id);
    return state === 'unknown' ? 'removed' : toJobState(state);
  }

  private async find(definition: AnyJobDefinition, id: string): Promise<Job> {
    const job = await this.queues.get(definition.name).getJob(id);
    if (!job) throw new NotFoundException(`no ${definition.name} job with id "${id}"`);
    return job;
  }
}

/** The REST path names the job type at run time, so the payload type is the union of all. */
const parse = (definition: AnyJobDefinition, data: unknown): JobPayload<JobName> =>
  parsePayload(definition as JobDefinition, data) as JobPayload<JobName>;
