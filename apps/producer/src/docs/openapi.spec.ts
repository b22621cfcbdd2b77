import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@app/config';
import { defineJob, JOB_DEFINITIONS, type JobDefinition } from '@app/domain';
import type { OpenAPIObject } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsIn, IsInt, ValidateNested } from 'class-validator';
import { JobsController } from '../jobs/jobs.controller.js';
import { JobsService } from '../jobs/jobs.service.js';
import { buildOpenApiDocument, jobTypeDescription, pascalCase } from './openapi.js';

/** The document of the jobs controller alone (no Redis), for any list of job types. */

const RETRY = { attempts: 2, backoff: { delayMs: 1_000, maxDelayMs: 4_000, jitter: 0.25 } };

class Reading {
  @IsInt()
  value!: number;
}

class ReadingsPayload {
  @IsIn(['hourly', 'daily'])
  period!: string;

  @ValidateNested({ each: true })
  @Type(() => Reading)
  readings!: Reading[];
}

const ReadingsJob = defineJob({ name: 'sensor-readings', payload: ReadingsPayload, description: 'Store readings.', retry: RETRY });

let app: NestFastifyApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers: [JobsController],
    providers: [{ provide: JobsService, useValue: {} }],
  }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
});

afterAll(async () => {
  await app?.close();
});

const documentOf = (definitions: readonly JobDefinition[], env: Record<string, string> = {}): OpenAPIObject =>
  buildOpenApiDocument(app, loadConfig(env), definitions);

/** Every `$ref` anywhere in the document. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

describe('buildOpenApiDocument', () => {
  it('documents a job type added to the catalog without any change here', () => {
    const document = documentOf([...JOB_DEFINITIONS, ReadingsJob] as JobDefinition[]);
    const schemas = document.components!.schemas as Record<string, any>;

    const enqueue = document.paths['/jobs/sensor-readings']?.post as any;
    expect(enqueue).toMatchObject({
      operationId: 'enqueueSensorReadings',
      tags: ['sensor-readings'],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SensorReadingsJobRequest' } } } },
      'x-retry-policy': { attempts: 2, backoff: { type: 'exponential', delayMs: 1_000, maxDelayMs: 4_000, jitter: 0.25 } },
    });
    expect(enqueue.description).toContain('Store readings.');
    expect(enqueue.description).toContain('**Retry policy:** 2 attempts');
    // The job type is in the path: no `name` parameter, no "unknown job type" answer.
    expect((enqueue.parameters ?? []).map((p: any) => p.name)).toEqual(['Idempotency-Key']);
    expect(enqueue.responses['404']).toBeUndefined();
    expect(enqueue.responses['202']).toBeDefined();

    expect(schemas.SensorReadingsJobRequest.properties.data).toEqual({ $ref: '#/components/schemas/ReadingsPayload' });
    expect(schemas.ReadingsPayload.properties.readings.items).toEqual({ $ref: '#/components/schemas/Reading' });
    expect(schemas.Reading.properties.value).toEqual({ type: 'integer' });

    const batch = document.paths['/jobs/sensor-readings/batch']?.post as any;
    expect(batch.operationId).toBe('enqueueSensorReadingsBatch');
    expect(batch.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SensorReadingsBatchRequest' });
    expect(schemas.SensorReadingsBatchRequest.properties.jobs).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: { $ref: '#/components/schemas/SensorReadingsJobRequest' },
    });

    // The generic route accepts any of the payloads.
    expect(schemas.EnqueueJobDto.properties.data.oneOf).toContainEqual({ $ref: '#/components/schemas/ReadingsPayload' });
  });

  it('leaves no reference dangling and no operation id twice', () => {
    const document = documentOf([...JOB_DEFINITIONS, ReadingsJob] as JobDefinition[]);
    const schemas = document.components!.schemas!;
    for (const ref of refsIn(document)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    }
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op: any) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('states the retry policy in force: an attempts override from configuration shows', () => {
    const document = documentOf(JOB_DEFINITIONS, { JOB_EMAIL_ATTEMPTS: '7' });
    const email = document.paths['/jobs/email'].post as any;
    expect(email.description).toContain('7 attempts (set by `JOB_EMAIL_ATTEMPTS`; declared 5)');
    expect(email['x-retry-policy'].attempts).toBe(7);
    const ota = document.paths['/jobs/ota-timeout'].post as any;
    expect(ota.description).toContain('4 attempts (`JOB_OTA_TIMEOUT_ATTEMPTS` overrides)');
    expect(ota.description).toContain('exponential backoff from 2 s doubling, capped at 10 s, jitter 0.5');
    expect(document.tags?.find((t) => t.name === 'email')?.description).toBe(jobTypeDescription(JOB_DEFINITIONS[2], loadConfig({ JOB_EMAIL_ATTEMPTS: '7' })));
  });

  it('refuses a payload class named like a schema of the REST API', () => {
    const Clash = { EnqueueJobDto: class {} }.EnqueueJobDto;
    const clash = defineJob({ name: 'clash', payload: Clash, description: 'x', retry: RETRY });
    expect(() => documentOf([clash])).toThrow('OpenAPI: schema EnqueueJobDto is defined twice');
  });

  it('declares both API key schemes, either one satisfying the global requirement', () => {
    const document = documentOf(JOB_DEFINITIONS);
    expect(document.components?.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
    });
    expect(document.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });
});

describe('pascalCase', () => {
  it.each([
    ['email', 'Email'],
    ['ota-timeout', 'OtaTimeout'],
    ['a-1-b', 'A1B'],
  ])('%s → %s', (kebab, pascal) => {
    expect(pascalCase(kebab)).toBe(pascal);
  });
});
