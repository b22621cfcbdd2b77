import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { JOB_DEFINITIONS, type AnyJobDefinition } from '@app/domain';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../docs/api-errors.js';
import { EnqueueBatchDto, EnqueueJobDto, MAX_BATCH } from './dto/enqueue-job.dto.js';
import { EnqueuedBatchDto, JobDto, JobListDto, JobRefDto, JobTypesDto } from './dto/job-responses.dto.js';
import { ListJobsQuery } from './dto/list-jobs.query.js';
import { JobDefinitionPipe } from './job-name.pipe.js';
import { JobsService } from './jobs.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._-]{1,128}$/;

/** `:name`, one of the declared job types. */
const JobNameParam = () =>
  ApiParam({ name: 'name', enum: JOB_DEFINITIONS.map((d) => d.name), enumName: 'JobName', description: 'The job type.' });
const JobIdParam = () => ApiParam({ name: 'id', type: 'string', description: 'The job id, as enqueueing returned it.' });

@ApiTags('jobs')
@ApiErrors(503)
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({ summary: 'Every job type with its retry policy and job counts' })
  @ApiOkResponse({ type: JobTypesDto })
  async jobTypes() {
    return { jobTypes: await this.jobs.jobTypes() };
  }

  @Post(':name')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Enqueue one job',
    description: "`data` is validated against the job type's payload schema; unknown fields are refused.",
  })
  @JobNameParam()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'The same key for the same job type returns the first job (200) and enqueues nothing, for ' +
      '`IDEMPOTENCY_TTL_SECONDS` (default one day), even after that job finished and was removed.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
  })
  @ApiAcceptedResponse({
    type: JobRefDto,
    description: 'Enqueued.',
    headers: { Location: { description: '`/jobs/<name>/<id>`', schema: { type: 'string' } } },
  })
  @ApiOkResponse({ type: JobRefDto, description: 'A repeat of an `Idempotency-Key`: the first job, nothing new enqueued.' })
  @ApiErrors(400, 404)
  async enqueue(
    @Param('name', JobDefinitionPipe) definition: AnyJobDefinition,
    @Body() body: EnqueueJobDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException(['Idempotency-Key must be 1..128 characters of [A-Za-z0-9._-]']);
    }
    const job = await this.jobs.enqueue(definition, body, idempotencyKey);
    const state = await this.jobs.state(definition, job.id);
    // A removed job has no address any more.
    if (state !== 'removed') reply.header('location', `/jobs/${definition.name}/${encodeURIComponent(job.id)}`);
    if (!job.created) reply.status(HttpStatus.OK);
    return { id: job.id, name: job.name, state };
  }

  @Post(':name/batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: `Enqueue up to ${MAX_BATCH} jobs of one type at once`,
    description: 'All or nothing: one invalid item is a 400 naming `jobs.<i>.…`, and nothing is enqueued.',
  })
  @JobNameParam()
  @ApiAcceptedResponse({ type: EnqueuedBatchDto })
  @ApiErrors(400, 404)
  async enqueueBatch(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Body() body: EnqueueBatchDto) {
    return { ids: await this.jobs.enqueueBatch(definition, body.jobs) };
  }

  @Get(':name')
  @ApiOperation({ summary: "A page of a job type's jobs, by state" })
  @JobNameParam()
  @ApiOkResponse({ type: JobListDto })
  @ApiErrors(400, 404)
  list(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Query() query: ListJobsQuery) {
    return this.jobs.list(definition, query);
  }

  @Get(':name/:id')
  @ApiOperation({ summary: 'One job: state, payload, attempts, result or failure' })
  @JobNameParam()
  @JobIdParam()
  @ApiOkResponse({ type: JobDto })
  @ApiErrors(404)
  get(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Param('id') id: string) {
    return this.jobs.get(definition, id);
  }

  @Post(':name/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Put a failed job back to waiting, its attempts reset' })
  @JobNameParam()
  @JobIdParam()
  @ApiAcceptedResponse({ type: JobRefDto })
  @ApiErrors(404, 409)
  retry(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Param('id') id: string) {
    return this.jobs.retry(definition, id);
  }

  @Delete(':name/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a job that is not active' })
  @JobNameParam()
  @JobIdParam()
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiErrors(404, 409)
  async remove(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Param('id') id: string): Promise<void> {
    await this.jobs.remove(definition, id);
  }
}
