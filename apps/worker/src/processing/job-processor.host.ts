import { WorkerHost } from '@nestjs/bullmq';
import { parsePayload, PayloadValidationError, PermanentJobError, type JobDefinition } from '@app/domain';
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
  protected constructor(
    readonly definition: JobDefinition<string, P>,
    private readonly handler: JobHandler<P, R>,
  ) {
    super();
  }

  async process(job: Job): Promise<R> {
    const payload = this.parse(job.data);
    const context: AttemptContext = {
      jobId: job.id ?? '',
      jobName: this.definition.name,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
    };
    try {
      return await this.handler.handle(payload, context);
    } catch (error) {
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
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
