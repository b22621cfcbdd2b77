import { Processor } from '@nestjs/bullmq';
import { backoffDelay, type JobDefinition } from '@app/domain';
import type { BackoffStrategy } from 'bullmq';

/**
 * Marks a `JobProcessorHost` as the processor of a declared job type. The worker is created
 * paused: `JobWorkers` starts it once the whole app has been checked and configured.
 */
export function JobProcessor(definition: JobDefinition): ClassDecorator {
  // Jobs the producer adds use CAPPED_EXPONENTIAL. One added by other means with a backoff type
  // BullMQ does not know gets the job type's own backoff too: throwing here would leave the job
  // active without a lock, re-run on every stall check whatever its attempts.
  const backoffStrategy: BackoffStrategy = (attemptsMade) => backoffDelay(definition.retry.backoff, attemptsMade);
  return Processor(definition.name, { autorun: false, settings: { backoffStrategy } });
}
