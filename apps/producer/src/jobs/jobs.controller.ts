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
import type { AnyJobDefinition } from '@app/domain';
import type { FastifyReply } from 'fastify';
import { EnqueueBatchDto, EnqueueJobDto } from './dto/enqueue-job.dto.js';
import { ListJobsQuery } from './dto/list-jobs.query.js';
import { JobDefinitionPipe } from './job-name.pipe.js';
import { JobsService } from './jobs.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._-]{1,128}$/;

@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  async jobTypes() {
    return { jobTypes: await this.jobs.jobTypes() };
  }

  @Post(':name')
  @HttpCode(HttpStatus.ACCEPTED)
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
    const view = await this.jobs.get(definition, job.id).catch(() => undefined);
    reply.header('location', `/jobs/${definition.name}/${encodeURIComponent(job.id)}`);
    if (!job.created) reply.status(HttpStatus.OK);
    return { id: job.id, name: job.name, state: view?.state ?? 'waiting' };
  }

  @Post(':name/batch')
  @HttpCode(HttpStatus.ACCEPTED)
  async enqueueBatch(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Body() body: EnqueueBatchDto) {
    return { ids: await this.jobs.enqueueBatch(definition, body.jobs) };
  }

  @Get(':name')
  list(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Query() query: ListJobsQuery) {
    return this.jobs.list(definition, query);
  }

  @Get(':name/:id')
  get(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Param('id') id: string) {
    return this.jobs.get(definition, id);
  }

  @Post(':name/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  retry(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Param('id') id: string) {
    return this.jobs.retry(definition, id);
  }

  @Delete(':name/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('name', JobDefinitionPipe) definition: AnyJobDefinition, @Param('id') id: string): Promise<void> {
    await this.jobs.remove(definition, id);
  }
}
