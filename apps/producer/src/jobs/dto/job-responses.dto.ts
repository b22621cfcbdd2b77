import { JOB_DEFINITIONS, type JobName } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ENQUEUED_STATES, JOB_STATES, type EnqueuedState, type JobState, type JobView } from '../job-view.js';
import type { JobTypeView } from '../jobs.service.js';

/** What the jobs API answers; documentation only (the service builds plain objects of these shapes). */

const JOB_NAMES = JOB_DEFINITIONS.map((d) => d.name);
const DATE_TIME = { type: 'string', format: 'date-time' } as const;

export class JobCountsDto implements Record<JobState, number> {
  @ApiProperty({ type: 'integer' }) waiting!: number;
  @ApiProperty({ type: 'integer' }) delayed!: number;
  @ApiProperty({ type: 'integer' }) prioritized!: number;
  @ApiProperty({ type: 'integer' }) active!: number;
  @ApiProperty({ type: 'integer' }) completed!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
}

/** Delay before retry n is `min(maxDelayMs, delayMs * 2^(n-1))`, less up to `jitter` of it. */
export class BackoffDto {
  @ApiProperty({ enum: ['exponential'] }) type!: 'exponential';
  @ApiProperty({ type: 'integer', example: 2_000 }) delayMs!: number;
  @ApiProperty({ type: 'integer', example: 10_000 }) maxDelayMs!: number;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 1, example: 0.5 }) jitter!: number;
}

export class JobTypeDto implements JobTypeView {
  @ApiProperty({ enum: JOB_NAMES, enumName: 'JobName' }) name!: JobName;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'integer', description: 'Tries in all, the first included (`JOB_<NAME>_ATTEMPTS` overrides).' })
  attempts!: number;
  @ApiProperty({ type: () => BackoffDto }) backoff!: BackoffDto;
  @ApiProperty({ type: () => JobCountsDto }) counts!: JobCountsDto;
}

export class JobTypesDto {
  @ApiProperty({ type: () => [JobTypeDto] }) jobTypes!: JobTypeDto[];
}

/** A job's id and where it stands. */
export class JobRefDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ enum: JOB_NAMES, enumName: 'JobName' }) name!: string;
  @ApiProperty({
    enum: ENQUEUED_STATES,
    enumName: 'EnqueuedState',
    description: 'A job state, or `removed`: an `Idempotency-Key` repeat whose job was deleted or cleaned up since.',
  })
  state!: EnqueuedState;
}

export class EnqueuedBatchDto {
  @ApiProperty({ type: [String], description: 'Job ids, in request order.' }) ids!: string[];
}

export class JobDto implements JobView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: JOB_NAMES, enumName: 'JobName' }) name!: string;
  @ApiProperty({ enum: JOB_STATES, enumName: 'JobState' }) state!: JobState;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The payload, as the job type's schema says." })
  data!: unknown;
  @ApiProperty({ type: 'integer' }) attemptsMade!: number;
  @ApiProperty({ type: 'integer' }) maxAttempts!: number;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'object' }], description: 'What the handler reported, 0 when nothing.' })
  progress!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: "The handler's result once completed." })
  result!: unknown;
  @ApiProperty({ type: 'string', nullable: true }) failedReason!: string | null;
  @ApiProperty(DATE_TIME) createdAt!: string;
  @ApiProperty({ ...DATE_TIME, nullable: true }) processedAt!: string | null;
  @ApiProperty({ ...DATE_TIME, nullable: true }) finishedAt!: string | null;
}

export class JobListDto {
  @ApiProperty({ enum: JOB_NAMES, enumName: 'JobName' }) name!: string;
  @ApiPropertyOptional({ enum: JOB_STATES, enumName: 'JobState', nullable: true, description: 'null: every state.' })
  state!: JobState | null;
  @ApiProperty({ type: 'integer', description: 'Jobs in the state(s) asked for, all pages.' }) total!: number;
  @ApiProperty({ type: () => [JobDto] }) jobs!: JobDto[];
}
