import type { AppConfig } from '@app/config';
import type { AnyJobDefinition, RetryPolicy } from '@app/domain';
import type { JobsOptions } from 'bullmq';

/** Name of the backoff strategy the worker registers (`backoffDelay` of the job type's policy). */
export const CAPPED_EXPONENTIAL = 'capped-exponential';

/** How long finished jobs stay inspectable; bounded by age and count so Redis memory stays flat. */
export const RETENTION = {
  completed: { age: 24 * 3600, count: 10_000 },
  failed: { age: 7 * 24 * 3600, count: 50_000 },
} as const;

/** The job type's retry policy with configuration's override (`JOB_<NAME>_ATTEMPTS`) applied. */
export function effectiveRetryPolicy(definition: AnyJobDefinition, config: AppConfig): RetryPolicy {
  const attempts = config.jobs[definition.name]?.attempts ?? definition.retry.attempts;
  return { ...definition.retry, attempts };
}

/** BullMQ options every job of this type is added with; callers may add only delay and priority. */
export function baseJobOptions(definition: AnyJobDefinition, config: AppConfig): JobsOptions {
  const policy = effectiveRetryPolicy(definition, config);
  return {
    attempts: policy.attempts,
    backoff: { type: CAPPED_EXPONENTIAL, delay: policy.backoff.delayMs, jitter: policy.backoff.jitter },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  };
}
