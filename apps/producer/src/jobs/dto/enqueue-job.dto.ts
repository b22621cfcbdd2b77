import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { Optional } from '../../http/optional.decorator.js';

/** Highest priority BullMQ accepts (2^21 - 1); 1 is the most urgent. */
export const MAX_PRIORITY = 2_097_151;
export const MAX_BATCH = 1000;

/** One job to enqueue; `data` is checked against the job type's payload class. */
export class EnqueueJobDto {
  // The payload schemas are derived from the job types' payload classes (docs/openapi.ts).
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The job's payload, as its job type's schema says." })
  @IsObject()
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Run the job no earlier than this many milliseconds from now.' })
  @Optional()
  @IsInt()
  @Min(0)
  delayMs?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PRIORITY,
    description: '1 is the most urgent; jobs without a priority run before prioritized ones.',
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRIORITY)
  priority?: number;
}

export class EnqueueBatchDto {
  @ApiProperty({
    type: () => [EnqueueJobDto],
    minItems: 1,
    maxItems: MAX_BATCH,
    description: 'Validated as a whole: one invalid item rejects the batch and nothing is enqueued.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => EnqueueJobDto)
  jobs!: EnqueueJobDto[];
}
