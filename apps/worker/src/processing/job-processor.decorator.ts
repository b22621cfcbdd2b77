import { Processor } from '@nestjs/bullmq';
import { backoffDelay, type JobDefinition } from '@app/domain';
import { CAPPED_EXPONENTIAL } from '@app/storage';
import type { BackoffStrategy } from 'bullmq';

/**
 * Marks a `JobProcessorHost` as the processor of a declared job type. The worker is created
 * paused: `JobWorkers` starts it once the whole app has been checked and configured.
 */
export function JobProcessor(definition: JobDefinition): ClassDecorator {
  const backoffStrategy: BackoffStrategy = (attemptsMade, type) => {
    if (type !== CAPPED_EXPONENTIAL) {
      throw new Error(`job type ${definition.name}: unknown backoff strategy "${type}"`);
    }
    return backoffDelay(definition.retry.backoff, attemptsMade);
  };
  return Processor(definition.name, { autorun: false, settings: { backoffStrategy } });
}
