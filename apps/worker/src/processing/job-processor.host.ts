import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { parsePayload, PayloadValidationError, PermanentJobError, type JobDefinition } from '@app/domain';
import { RedisErrorLog } from '@app/storage';
import type { AttemptContext, JobHandler } from '@app/workflow';
import { UnrecoverableError, type Job } from 'bullmq';

/** Reason prefix of a job whose payload broke its job type's rules. */
export const INVALID_PAYLOAD = 'invalid payload:';

/**
 * A thin processor: validates the payload again (the queue may have been written to by anything),
 * tells the handler which attempt it runs, and turns "retrying cannot help" into BullMQ's
 * `UnrecoverableError` so such a job fails at once.
 */
export abstract class JobProcessorHost<P extends object, R> extends WorkerHost {
  private readonly logger = new Logger(this.constructor.name);
  // A property, so processors' constructors stay `super(definition, handler)`.
  @Inject(RedisErrorLog) private readonly errorLog!: RedisErrorLog;

  protected constructor(
    readonly definition: JobDefinition<string, P>,
    private readonly handler: JobHandler<P, R>,
  ) {
    super();
  }

  async process(job: Job): Promise<R> {
    const context: AttemptContext = {
      jobId: job.id ?? '',
      jobName: this.definition.name,
      attempt: job.attemptsMade + 1,
      // A job added without `attempts` has one (BullMQ stores 0 for it).
      maxAttempts: Math.max(job.opts.attempts ?? 1, 1),
    };
    const startedAt = performance.now();
    // Payloads are never logged: they hold addresses and message bodies.
    const fields = { job: context.jobName, jobId: context.jobId, attempt: context.attempt, maxAttempts: context.maxAttempts };
    try {
      const result = await this.handler.handle(this.parse(job.data), context);
      this.logger.log({ msg: 'job completed', ...fields, durationMs: Math.round(performance.now() - startedAt) });
      return result;
    } catch (error) {
      const failure = error instanceof PermanentJobError ? new UnrecoverableError(error.message) : error;
      const final = failure instanceof UnrecoverableError || context.attempt >= context.maxAttempts;
      this.logger.warn({
        msg: final ? 'job failed' : 'job attempt failed, will retry',
        ...fields,
        durationMs: Math.round(performance.now() - startedAt),
        reason: failure instanceof Error ? failure.message : String(failure),
      });
      throw failure;
    }
  }

  /** The worker's own errors (lost connection, lock renewal): one JSON line, not a stack trace per retry. */
  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.errorLog.report(`worker ${this.definition.name}`, error);
  }

  private parse(data: unknown): P {
    try {
      return parsePayload(this.definition, data);
    } catch (error) {
      if (error instanceof PayloadValidationError) {
        throw new UnrecoverableError(`${INVALID_PAYLOAD} ${error.message}`);
      }
      throw error;
    }
  }
}
