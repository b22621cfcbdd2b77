import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';

/** Highest priority BullMQ accepts (2^21 - 1); 1 is the most urgent. */
export const MAX_PRIORITY = 2_097_151;
export const MAX_BATCH = 1000;

/** One job to enqueue; `data` is checked against the job type's payload class. */
export class EnqueueJobDto {
  @IsObject()
  data!: Record<string, unknown>;

  @IsOptional()
  @IsInt()
  @Min(0)
  delayMs?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PRIORITY)
  priority?: number;
}

export class EnqueueBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => EnqueueJobDto)
  jobs!: EnqueueJobDto[];
}
