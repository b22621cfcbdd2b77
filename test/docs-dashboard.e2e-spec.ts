import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JOB_DEFINITIONS, type JobDefinition } from '@app/domain';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { ListAlertsQuery } from '../apps/producer/src/alerts/alerts.controller.js';
import { EnqueueBatchDto, EnqueueJobDto } from '../apps/producer/src/jobs/dto/enqueue-job.dto.js';
import { QUERY_INT } from '../apps/producer/src/http/query-int.decorator.js';
import { ListJobsQuery } from '../apps/producer/src/jobs/dto/list-jobs.query.js';
import { ReportOtaStatusDto, StartOtaUpdateDto } from '../apps/producer/src/ota-updates/ota-update.dto.js';
import { TestSystem } from './support/test-system.js';

/**
 * `GET /docs`, `GET /docs-json` and `/admin/queues` (CONTRACT §2) against the real producer and
 * Redis: the document must describe every route and every job type's payload as validated.
 */

/** The routes of CONTRACT §2, as OpenAPI writes them. */
const CONTRACT_ROUTES = [
  'GET /jobs',
  'POST /jobs/{name}',
  'POST /jobs/{name}/batch',
  'GET /jobs/{name}/{id}',
  'GET /jobs/{name}',
  'POST /jobs/{name}/{id}/retry',
  'DELETE /jobs/{name}/{id}',
  'POST /ota-updates',
  'POST /ota-updates/{eventId}/status',
  'GET /ota-updates/{eventId}',
  'GET /alerts',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
];

const SCHEMA_REF = '#/components/schemas/';

const ALERT = { eventId: 'EVT-1', deviceUuid: 'DEV-1', alertType: 'other', severity: 'low', message: 'on the board' };

/** Every route of every controller the running producer has, read from Nest's own metadata. */
function controllerRoutes(system: TestSystem): string[] {
  const app = system.producer!;
  const scanner = new MetadataScanner();
  const routes: string[] = [];
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const type = wrapper.metatype as (new (...args: never[]) => any) | undefined;
    if (!type) continue;
    const base = [Reflect.getMetadata(PATH_METADATA, type) as string | string[]].flat()[0] ?? '';
    for (const methodName of scanner.getAllMethodNames(type.prototype)) {
      const handler = type.prototype[methodName];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      for (const sub of [path].flat()) {
        const full = `/${[base, sub].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        routes.push(`${method} ${full.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      }
    }
  }
  return routes;
}

function documentedRoutes(document: any): string[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** class-validator's metadata of a class, by property: what validation actually checks. */
function rulesOf(type: new () => object): Map<string, { name: string; type: string; constraints: any[] }[]> {
  const byProperty = new Map<string, { name: string; type: string; constraints: any[] }[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(type, '', true, false)) {
    const list = byProperty.get(meta.propertyName) ?? [];
    list.push({ name: meta.name ?? meta.type, type: meta.type, constraints: meta.constraints ?? [] });
    byProperty.set(meta.propertyName, list);
  }
  return byProperty;
}

/** The keywords a documented property must carry for each validation rule on it. */
function expectRulesDocumented(property: string, schema: any, rules: { name: string; constraints: any[] }[]): void {
  for (const { name, constraints } of rules) {
    const where = `${property} (${name})`;
    switch (name) {
      case 'matches':
        expect({ where, pattern: schema.pattern }).toEqual({ where, pattern: (constraints[0] as RegExp).source });
        break;
      case 'isEnum':
        expect({ where, enum: schema.enum }).toEqual({ where, enum: Object.values(constraints[0]) });
        break;
      case 'isIn':
        expect({ where, enum: schema.enum }).toEqual({ where, enum: constraints[0] });
        break;
      case 'isEmail':
        expect({ where, format: schema.format }).toEqual({ where, format: 'email' });
        break;
      case 'isLength':
        expect({ where, minLength: schema.minLength, maxLength: schema.maxLength }).toEqual({
          where,
          minLength: constraints[0],
          maxLength: constraints[1],
        });
        break;
      case 'isString':
        expect({ where, type: schema.type }).toEqual({ where, type: 'string' });
        break;
      case 'isInt':
        expect({ where, type: schema.type }).toEqual({ where, type: 'integer' });
        break;
      case 'min':
        expect({ where, minimum: schema.minimum }).toEqual({ where, minimum: constraints[0] });
        break;
      case 'max':
        expect({ where, maximum: schema.maximum }).toEqual({ where, maximum: constraints[0] });
        break;
    }
  }
}

/** How @QueryInt reads as JSON Schema: its validator's own `[min, max]`. */
function queryIntSchema(meta: ValidationMetadata): Record<string, unknown> {
  const [constraint] = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls);
  if (constraint?.name !== QUERY_INT) return {};
  const [minimum, maximum] = meta.constraints;
  return { type: 'integer', minimum, maximum };
}

/** The keywords validation rules turn into, for comparing a hand-written @ApiProperty with them. */
const RULE_KEYWORDS = ['pattern', 'enum', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'];
function ruleKeywords(schema: any): Record<string, unknown> {
  return Object.fromEntries(RULE_KEYWORDS.filter((k) => schema?.[k] !== undefined).map((k) => [k, schema[k]]));
}

/** `documented` says what `validated` (class-validator-jsonschema's reading of the rules) says. */
function expectSameRules(label: string, documented: any, validated: any): void {
  expect({ label, ...ruleKeywords(documented) }).toEqual({ label, ...ruleKeywords(validated) });
  // @IsInt() with @Min() reads as "number" there; "integer" is the sharper, still right, word.
  const types = validated?.type === 'number' ? ['number', 'integer'] : [validated?.type];
  if (validated?.type !== undefined) expect({ label, type: types.includes(documented?.type) }).toEqual({ label, type: true });
}

describe('API documentation and queue dashboard', () => {
  let system: TestSystem;
  let document: any;
  let schemas: Record<string, any>;

  beforeAll(async () => {
    system = await TestSystem.start();
    const response = await system.http('GET', '/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
    schemas = document.components.schemas;
  });

  afterAll(async () => {
    await system?.close();
  });

  describe('GET /docs', () => {
    it('serves Swagger UI as HTML, with every asset it loads', async () => {
      const response = await system.http('GET', '/docs');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.text).toContain('swagger-ui');
      const assets = [...response.text.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]).filter((url) => !/^[a-z]+:/.test(url));
      expect(assets).toEqual(expect.arrayContaining(['./docs/swagger-ui-bundle.js', './docs/swagger-ui-init.js']));
      for (const asset of assets) {
        const url = new URL(asset, `${system.baseUrl}/docs`);
        expect({ asset, status: (await fetch(url)).status }).toEqual({ asset, status: 200 });
      }
    });

    it('hands Swagger UI the same document as /docs-json', async () => {
      const init = await system.http('GET', '/docs/swagger-ui-init.js');
      expect(init.status).toBe(200);
      expect(init.text).toContain('"OtaTimeoutPayload"');
      expect(init.text).toContain('"/jobs/{name}/batch"');
    });
  });

  describe('GET /docs-json', () => {
    it('is an OpenAPI 3 document of this service', async () => {
      const response = await system.http('GET', '/docs-json');
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(document.openapi).toMatch(/^3\./);
      expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    });

    it('lists every route of CONTRACT §2', () => {
      expect(documentedRoutes(document)).toEqual(expect.arrayContaining(CONTRACT_ROUTES));
    });

    it("lists every route of the producer's controllers, whoever added them", () => {
      const routes = controllerRoutes(system);
      expect(routes).toEqual(expect.arrayContaining(CONTRACT_ROUTES));
      expect(documentedRoutes(document)).toEqual(expect.arrayContaining(routes));
    });

    it('documents nothing the producer does not route, beyond one enqueue path and one batch path per job type', () => {
      const ownPaths = JOB_DEFINITIONS.flatMap((d) => [`POST /jobs/${d.name}`, `POST /jobs/${d.name}/batch`]);
      expect(documentedRoutes(document).sort()).toEqual([...new Set([...controllerRoutes(system), ...ownPaths])].sort());
    });

    it('declares the API key schemes, required everywhere but /health/*', () => {
      expect(document.components.securitySchemes).toEqual({
        bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
      });
      expect(document.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
      for (const [path, item] of Object.entries<any>(document.paths)) {
        for (const operation of Object.values<any>(item)) {
          if (path.startsWith('/health/')) {
            expect({ path, security: operation.security }).toEqual({ path, security: [] });
          } else {
            expect({ path, security: operation.security }).toEqual({ path, security: undefined });
            expect(operation.responses['401']).toBeDefined();
          }
        }
      }
    });

    it('documents the Idempotency-Key header and the Location of an enqueued job', () => {
      for (const path of ['/jobs/{name}', ...JOB_DEFINITIONS.map((d) => `/jobs/${d.name}`)]) {
        const operation = document.paths[path].post;
        expect(operation.parameters).toContainEqual(
          expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false, schema: expect.objectContaining({ pattern: expect.any(String) }) }),
        );
        expect(operation.responses['202'].headers.Location).toBeDefined();
      }
    });

    it('describes request and response bodies of the REST routes', () => {
      const bodyOf = (path: string, method: string) => document.paths[path][method].requestBody?.content['application/json'].schema;
      const answerOf = (path: string, method: string, status: string) =>
        document.paths[path][method].responses[status]?.content?.['application/json']?.schema;
      expect(bodyOf('/jobs/{name}', 'post')).toEqual({ $ref: `${SCHEMA_REF}EnqueueJobDto` });
      expect(bodyOf('/jobs/{name}/batch', 'post')).toEqual({ $ref: `${SCHEMA_REF}EnqueueBatchDto` });
      expect(bodyOf('/ota-updates', 'post')).toEqual({ $ref: `${SCHEMA_REF}StartOtaUpdateDto` });
      expect(bodyOf('/ota-updates/{eventId}/status', 'post')).toEqual({ $ref: `${SCHEMA_REF}ReportOtaStatusDto` });
      expect(answerOf('/jobs', 'get', '200')).toEqual({ $ref: `${SCHEMA_REF}JobTypesDto` });
      expect(answerOf('/jobs/{name}', 'post', '202')).toEqual({ $ref: `${SCHEMA_REF}JobRefDto` });
      expect(answerOf('/jobs/{name}/batch', 'post', '202')).toEqual({ $ref: `${SCHEMA_REF}EnqueuedBatchDto` });
      expect(answerOf('/jobs/{name}', 'get', '200')).toEqual({ $ref: `${SCHEMA_REF}JobListDto` });
      expect(answerOf('/jobs/{name}/{id}', 'get', '200')).toEqual({ $ref: `${SCHEMA_REF}JobDto` });
      expect(answerOf('/ota-updates/{eventId}', 'get', '200')).toEqual({ $ref: `${SCHEMA_REF}OtaUpdateDto` });
      expect(answerOf('/alerts', 'get', '200')).toEqual({ $ref: `${SCHEMA_REF}AlertListDto` });
      expect(answerOf('/jobs/{name}/{id}', 'get', '404')).toEqual({ $ref: `${SCHEMA_REF}ErrorBodyDto` });
      expect(Object.keys(schemas.JobDto.properties).sort()).toEqual(
        ['id', 'name', 'state', 'data', 'attemptsMade', 'maxAttempts', 'progress', 'result', 'failedReason', 'createdAt', 'processedAt', 'finishedAt'].sort(),
      );
      expect(Object.keys(schemas.OtaUpdateDto.properties).sort()).toEqual(
        ['eventId', 'deviceUuid', 'firmwareVersion', 'status', 'startedAt', 'deadline', 'finishedAt'].sort(),
      );
    });

    it.each([
      ['StartOtaUpdateDto', StartOtaUpdateDto],
      ['ReportOtaStatusDto', ReportOtaStatusDto],
      ['EnqueueJobDto', EnqueueJobDto],
      ['EnqueueBatchDto', EnqueueBatchDto],
    ] as const)('documents %s as its validation rules say (the @ApiProperty copies have not drifted)', (name, type) => {
      const documented = schemas[name];
      const validated = targetConstructorToSchema(type) as any;
      expect(Object.keys(documented.properties).sort()).toEqual(Object.keys(validated.properties).sort());
      expect([...(documented.required ?? [])].sort()).toEqual([...(validated.required ?? [])].sort());
      expect(documented.additionalProperties).toBe(false);
      for (const [property, schema] of Object.entries<any>(validated.properties)) {
        if (property === 'data') continue; // the payload: checked per job type
        expectSameRules(`${name}.${property}`, documented.properties[property], schema);
      }
    });

    it.each([
      ['/jobs/{name}', ListJobsQuery],
      ['/alerts', ListAlertsQuery],
    ] as const)('documents the query of GET %s as its validation rules say', (path, type) => {
      const parameters = (document.paths[path].get.parameters as any[]).filter((p) => p.in === 'query');
      const validated = targetConstructorToSchema(type, { additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: queryIntSchema } }) as any;
      expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(validated.properties).sort());
      for (const parameter of parameters) {
        expect(parameter.required).toBe(false);
        const documented = parameter.schema.$ref ? schemas[parameter.schema.$ref.slice(SCHEMA_REF.length)] : parameter.schema;
        expectSameRules(`${path}?${parameter.name}`, documented, validated.properties[parameter.name]);
      }
    });

    describe.each(JOB_DEFINITIONS.map((d) => [d.name, d as JobDefinition] as const))('job type %s', (name, definition) => {
      const payloadName = definition.payload.name;
      const rules = rulesOf(definition.payload);

      it('has a payload schema with exactly the properties its payload class validates', () => {
        const schema = schemas[payloadName];
        expect(schema).toBeDefined();
        expect(schema.type).toBe('object');
        expect(Object.keys(schema.properties).sort()).toEqual([...rules.keys()].sort());
        const optional = [...rules].filter(([, list]) => list.some((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION)).map(([p]) => p);
        expect([...(schema.required ?? [])].sort()).toEqual([...rules.keys()].filter((p) => !optional.includes(p)).sort());
        expect(schema.additionalProperties).toBe(false);
      });

      it('carries every validation rule: patterns, enums, formats, lengths', () => {
        for (const [property, list] of rules) expectRulesDocumented(property, schemas[payloadName].properties[property], list);
      });

      it(`has POST /jobs/${name} and its batch path, whose data is that schema`, () => {
        const one = document.paths[`/jobs/${name}`].post;
        const request = schemas[one.requestBody.content['application/json'].schema.$ref.slice(SCHEMA_REF.length)];
        expect(request.properties.data).toEqual({ $ref: `${SCHEMA_REF}${payloadName}` });
        expect(request.required).toEqual(['data']);

        const batch = document.paths[`/jobs/${name}/batch`].post;
        const batchRequest = schemas[batch.requestBody.content['application/json'].schema.$ref.slice(SCHEMA_REF.length)];
        expect(batchRequest.properties.jobs.items).toEqual(one.requestBody.content['application/json'].schema);
        expect(batch.tags).toEqual(one.tags);
      });

      it('is one of the payloads of the generic POST /jobs/{name}', () => {
        expect(schemas.EnqueueJobDto.properties.data.oneOf).toContainEqual({ $ref: `${SCHEMA_REF}${payloadName}` });
      });

      it('states its description and retry policy', () => {
        const { attempts, backoff } = definition.retry;
        for (const operation of [document.paths[`/jobs/${name}`].post, document.paths[`/jobs/${name}/batch`].post]) {
          expect(operation.description).toContain(definition.description);
          expect(operation.description).toContain(`${attempts} attempts`);
          expect(operation.description).toContain(`capped at ${backoff.maxDelayMs / 1000} s, jitter ${backoff.jitter}`);
          expect(operation['x-retry-policy']).toEqual({ attempts, backoff: { type: 'exponential', ...backoff } });
        }
        expect(document.tags).toContainEqual({ name, description: expect.stringContaining(`${attempts} attempts`) });
      });
    });
  });

  describe('/admin/queues (Bull Board)', () => {
    it('serves the dashboard as HTML, with every asset it loads from here', async () => {
      const response = await system.http('GET', '/admin/queues');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.text).toContain('<base href="/admin/queues/"');
      const assets = [...response.text.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]).filter((url) => !/^[a-z]+:/.test(url));
      expect(assets.some((url) => url.endsWith('.js'))).toBe(true);
      for (const asset of assets) {
        const url = new URL(asset, `${system.baseUrl}/admin/queues/`);
        expect({ asset, status: (await fetch(url)).status }).toEqual({ asset, status: 200 });
      }
    });

    it("lists every job type's queue, with its description", async () => {
      const response = await system.http('GET', '/admin/queues/api/queues');
      expect(response.status).toBe(200);
      const queues: any[] = response.body.queues;
      expect(queues.map((q) => q.name).sort()).toEqual(JOB_DEFINITIONS.map((d) => d.name).sort());
      for (const definition of JOB_DEFINITIONS) {
        expect(queues.find((q) => q.name === definition.name)).toMatchObject({ description: definition.description, readOnlyMode: false });
      }
    });

    it("shows the app's own queues under QUEUE_PREFIX: a job enqueued over REST is there", async () => {
      const posted = await system.http('POST', '/jobs/email', {
        data: { to: 'someone@example.com', subject: 'Dashboard', body: 'Seen on the board.' },
        delayMs: 60_000,
      });
      expect(posted.status).toBe(202);
      const response = await system.http('GET', '/admin/queues/api/queues?activeQueue=email&status=delayed&page=1&jobsPerPage=50');
      expect(response.status).toBe(200);
      const email = response.body.queues.find((q: any) => q.name === 'email');
      expect(email.counts.delayed).toBeGreaterThanOrEqual(1);
      expect(email.jobs.map((j: any) => j.id)).toContain(posted.body.id);
      // The job lives under this test's prefix, not BullMQ's default "bull".
      expect(await system.redis.exists(`${system.config.queuePrefix}:email:${posted.body.id}`)).toBe(1);
    });

    it('bounds its page size', async () => {
      const path = (size: string) => `/admin/queues/api/queues?activeQueue=email&status=delayed&page=1&jobsPerPage=${size}`;
      expect((await system.http('GET', path('1000'))).status).toBe(200);
      for (const size of ['100000000', '0', 'many']) {
        const response = await system.http('GET', path(size));
        expect({ size, status: response.status }).toEqual({ size, status: 400 });
        expect(response.body.message).toEqual(['jobsPerPage must be from 1 to 1000']);
      }
    });

    it('lets an operator act on jobs: promote moves a delayed job on', async () => {
      const posted = await system.http('POST', '/jobs/alert', { data: ALERT, delayMs: 600_000 });
      expect(posted.status).toBe(202);
      const promoted = await system.http('PUT', '/admin/queues/api/queues/alert/promote');
      expect(promoted.status).toBe(200);
      expect((await system.http('GET', `/jobs/alert/${posted.body.id}`)).body.state).toBe('waiting');
    });

    describe('with DASHBOARD_READ_ONLY=true', () => {
      let readOnly: TestSystem;
      beforeAll(async () => {
        readOnly = await TestSystem.start({ env: { DASHBOARD_READ_ONLY: 'true' } });
      });
      afterAll(() => readOnly.close());

      it('shows every queue as read-only and refuses every action, changing nothing', async () => {
        const listed = await readOnly.http('GET', '/admin/queues/api/queues');
        expect(listed.status).toBe(200);
        expect(listed.body.queues.map((q: any) => q.readOnlyMode)).toEqual(JOB_DEFINITIONS.map(() => true));

        const posted = await readOnly.http('POST', '/jobs/alert', { data: ALERT, delayMs: 600_000 });
        expect(posted.status).toBe(202);
        for (const [method, path, body] of [
          ['PUT', '/admin/queues/api/queues/alert/promote'],
          ['PUT', '/admin/queues/api/queues/alert/clean/delayed'],
          ['PUT', '/admin/queues/api/queues/alert/empty'],
          ['PUT', '/admin/queues/api/queues/alert/obliterate'],
          ['POST', '/admin/queues/api/queues/alert/add', { name: 'alert', data: ALERT }],
        ] as Array<[string, string, unknown?]>) {
          expect({ path, status: (await readOnly.http(method, path, body)).status }).toEqual({ path, status: 405 });
        }
        expect((await readOnly.http('GET', `/jobs/alert/${posted.body.id}`)).body.state).toBe('delayed');
        const counts = (await readOnly.http('GET', '/jobs')).body.jobTypes.find((t: any) => t.name === 'alert').counts;
        expect(counts).toMatchObject({ delayed: 1, waiting: 0 });
      });
    });

    it.each(JOB_DEFINITIONS.map((d) => [d.name, d.payload.name] as const))(
      '%s: offers the payload schema to the "add job" form',
      async (name, payloadName) => {
        const response = await system.http('GET', `/admin/queues/api/queues/${name}/job-data-schema`);
        expect(response.status).toBe(200);
        expect(Object.keys(response.body.properties).sort()).toEqual(Object.keys(schemas[payloadName].properties).sort());
        expect(response.body.required).toEqual(schemas[payloadName].required);
        expect(JSON.stringify(response.body)).not.toContain('#/components/'); // standalone: nested classes under $defs
      },
    );
  });
});
