import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { QueryInt } from '../../http/query-int.decorator.js';
import { JOB_STATES, type JobState } from '../job-view.js';

export class ListJobsQuery {
  /** Absent: every state. */
  @ApiPropertyOptional({ enum: JOB_STATES, enumName: 'JobState', description: 'Only jobs in this state; every state when absent.' })
  @IsOptional()
  @IsIn(JOB_STATES)
  state?: JobState;

  @QueryInt(0, undefined, 0)
  offset: number = 0;

  @QueryInt(1, 1000, 50)
  limit: number = 50;
}
