/** Which try of a job a handler is running, as the original `handle(job, attempt, max_retries)`. */
export interface AttemptContext {
  readonly jobId: string;
  readonly jobName: string;
  /** 1-based: 1 on the first try. */
  readonly attempt: number;
  /** Tries the job has in all; `attempt === maxAttempts` is the last one. */
  readonly maxAttempts: number;
}

/**
 * The business logic of one job type. Throw to fail this attempt (it is retried while attempts
 * remain); throw `PermanentJobError` to fail the job at once. The result is stored with the job.
 */
export interface JobHandler<P, R> {
  handle(payload: P, context: AttemptContext): Promise<R>;
}
