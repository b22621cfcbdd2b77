import type { INestApplication } from '@nestjs/common';
import { APP_CONFIG, envNameOf, type AppConfig } from '@app/config';
import { JOB_DEFINITIONS, type AnyJobDefinition, type JobDefinition } from '@app/domain';
import { isPublicPath } from '@app/http';
import { effectiveRetryPolicy } from '@app/storage';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type PathItemObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { EnqueueBatchDto, EnqueueJobDto, MAX_BATCH } from '../jobs/dto/enqueue-job.dto.js';
import { ERROR_DESCRIPTIONS, ErrorBodyDto, type ErrorStatus } from './api-errors.js';
import { COMPONENT_SCHEMA_PREFIX, isReference, jobPayloadSchemas } from './job-payload-schemas.js';

/** Swagger UI; the document itself is at `/docs-json`. Standard paths: nothing to configure in a CSP. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const API_DESCRIPTION = [
  'Enqueue and inspect BullMQ jobs, track OTA firmware updates, read alerts.',
  'Every job type has its own section below, with its payload schema (derived from the same class-validator ' +
    'rules the service validates with) and its retry policy. Errors have the shape `{ statusCode, error, message }`.',
  'When `API_KEYS` is set, every route except `/health/*` needs `Authorization: Bearer <key>` or `X-Api-Key: <key>`.',
  'The queue dashboard (Bull Board) is at [/admin/queues](/admin/queues).',
].join('\n\n');

/**
 * Serves Swagger UI at `GET /docs` and the OpenAPI 3 document at `GET /docs-json`. The document is
 * built here, at start-up, so a job type that cannot be documented stops the app with its name
 * rather than breaking the docs later. Call before `init()`/`listen()`.
 */
export function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app, app.get<AppConfig>(APP_CONFIG));
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'iot-jobs API',
  });
}

/** The OpenAPI document of the producer: its controllers, plus one section per job type. */
export function buildOpenApiDocument(
  app: INestApplication,
  config: AppConfig,
  definitions: readonly JobDefinition[] = JOB_DEFINITIONS,
): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('iot-jobs producer')
    .setDescription(API_DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <key>`, one of `API_KEYS`.' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'One of `API_KEYS`.' }, 'apiKey')
    // Two requirements: either scheme will do.
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('apiKey')
    .addTag('jobs', 'Any job type, named in the path. Each job type also has a section of its own below.');
  for (const definition of definitions) builder.addTag(definition.name, jobTypeDescription(definition, config));
  builder
    .addTag('ota-updates', 'Over-the-air firmware updates and their deadlines.')
    .addTag('alerts', 'Alerts raised by `alert` jobs.');

  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBodyDto] });
  addJobTypes(document, definitions, config);
  applyCrossCuttingRules(document);
  return document;
}

/**
 * Adds every job type's payload schema and a path of its own for enqueueing it.
 *
 * Why `POST /jobs/<name>` paths beside the generic `POST /jobs/{name}`: in Swagger UI a `oneOf`
 * reads as a bare list of alternatives, its example and "Try it out" body come from the first one
 * only, and nothing ties the choice to the `name` path parameter. A path per job type gets a
 * section of its own, with the job type's description, retry policy, exact schema and a fitting
 * example. OpenAPI matches concrete paths before templated ones, so both coexist; the generic
 * route keeps the exact `oneOf` for code generators, and reading routes stay generic.
 */
function addJobTypes(document: OpenAPIObject, definitions: readonly JobDefinition[], config: AppConfig): void {
  const schemas = ((document.components ??= {}).schemas ??= {}) as Record<string, SchemaObject>;
  const payloads = jobPayloadSchemas(definitions);
  const addSchema = (name: string, schema: SchemaObject) => {
    if (name in schemas) throw new Error(`OpenAPI: schema ${name} is defined twice; rename the payload class or job type`);
    schemas[name] = schema;
  };
  for (const [name, schema] of Object.entries(payloads.schemas)) addSchema(name, schema);
  const payloadRef = (definition: JobDefinition) => ref(payloads.payloadSchemaNames.get(definition.name)!);

  const enqueueJob = requiredSchema(schemas, EnqueueJobDto.name);
  const enqueueBatch = requiredSchema(schemas, EnqueueBatchDto.name);
  enqueueJob.properties = {
    ...enqueueJob.properties,
    data: { description: "The job's payload: the schema of the job type named in the path.", oneOf: definitions.map(payloadRef) },
  };

  const enqueueOne = requiredOperation(document, '/jobs/{name}', 'post');
  const enqueueMany = requiredOperation(document, '/jobs/{name}/batch', 'post');
  const genericOne = structuredClone(enqueueOne);
  const genericMany = structuredClone(enqueueMany);
  const ownPaths = definitions.map((d) => `\`POST /jobs/${d.name}\``).join(', ');
  for (const operation of [enqueueOne, enqueueMany]) {
    operation.description = [operation.description, `Each job type has a path of its own too (${ownPaths}), showing its exact payload.`]
      .filter(Boolean)
      .join('\n\n');
  }
  for (const definition of definitions) {
    const pascal = pascalCase(definition.name);
    const jobRequest = `${pascal}JobRequest`;
    const batchRequest = `${pascal}BatchRequest`;
    addSchema(jobRequest, {
      ...structuredClone(enqueueJob),
      description: `One \`${definition.name}\` job.`,
      properties: { ...structuredClone(enqueueJob.properties), data: payloadRef(definition) },
    });
    const batchProperties = structuredClone(enqueueBatch.properties ?? {});
    addSchema(batchRequest, {
      ...structuredClone(enqueueBatch),
      description: `Up to ${MAX_BATCH} \`${definition.name}\` jobs.`,
      properties: { ...batchProperties, jobs: { ...(batchProperties.jobs as SchemaObject), items: ref(jobRequest) } },
    });
    addPath(document, `/jobs/${definition.name}`, {
      post: jobTypeOperation(genericOne, definition, config, {
        operationId: `enqueue${pascal}`,
        summary: `Enqueue one ${definition.name} job`,
        requestSchema: jobRequest,
      }),
    });
    addPath(document, `/jobs/${definition.name}/batch`, {
      post: jobTypeOperation(genericMany, definition, config, {
        operationId: `enqueue${pascal}Batch`,
        summary: `Enqueue up to ${MAX_BATCH} ${definition.name} jobs at once`,
        requestSchema: batchRequest,
      }),
    });
  }
}

/** The generic operation narrowed to one job type: no `name` parameter, no unknown-type 404. */
function jobTypeOperation(
  generic: OperationObject,
  definition: JobDefinition,
  config: AppConfig,
  { operationId, summary, requestSchema }: { operationId: string; summary: string; requestSchema: string },
): OperationObject {
  const operation = structuredClone(generic) as OperationObject & Record<`x-${string}`, unknown>;
  const { attempts, backoff } = effectiveRetryPolicy(definition as AnyJobDefinition, config);
  delete operation.responses['404'];
  return Object.assign(operation, {
    operationId,
    summary,
    tags: [definition.name],
    description: [jobTypeDescription(definition, config), generic.description].filter(Boolean).join('\n\n'),
    parameters: (generic.parameters ?? []).filter((p) => isReference(p) || !(p.in === 'path' && p.name === 'name')),
    requestBody: { required: true, content: { 'application/json': { schema: ref(requestSchema) } } },
    'x-retry-policy': { attempts, backoff: { type: 'exponential', ...backoff } },
  });
}

/** The job type's own description and its retry policy, as this deployment applies it. */
export function jobTypeDescription(definition: JobDefinition, config: AppConfig): string {
  const { attempts, backoff } = effectiveRetryPolicy(definition as AnyJobDefinition, config);
  const variable = `JOB_${envNameOf(definition.name)}_ATTEMPTS`;
  const tries =
    attempts === definition.retry.attempts
      ? `${attempts} attempts (\`${variable}\` overrides)`
      : `${attempts} attempts (set by \`${variable}\`; declared ${definition.retry.attempts})`;
  const seconds = (ms: number) => `${ms / 1000} s`;
  return (
    `${definition.description}\n\n**Retry policy:** ${tries}, exponential backoff from ${seconds(backoff.delayMs)} ` +
    `doubling, capped at ${seconds(backoff.maxDelayMs)}, jitter ${backoff.jitter}. ` +
    'A payload that fails validation in the worker fails at once, without retries.'
  );
}

/**
 * What holds for every route rather than one controller (CONTRACT §2): `/health/*` needs no key;
 * every other route can answer 401 and 429; a body can be too large or not JSON; request bodies
 * refuse unknown fields.
 */
function applyCrossCuttingRules(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject | ReferenceObject>;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (isPublicPath(path)) {
        operation.security = [];
        continue;
      }
      addErrorResponse(operation, 401);
      addErrorResponse(operation, 429);
      if (!operation.requestBody || isReference(operation.requestBody)) continue;
      addErrorResponse(operation, 413);
      addErrorResponse(operation, 415);
      const body = operation.requestBody.content['application/json']?.schema;
      const target = body && isReference(body) ? schemas[body.$ref.slice(COMPONENT_SCHEMA_PREFIX.length)] : body;
      if (target && !isReference(target) && target.type === 'object') target.additionalProperties ??= false;
    }
  }
}

function addErrorResponse(operation: OperationObject, status: ErrorStatus): void {
  const response: ResponseObject = {
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: ref(ErrorBodyDto.name) } },
  };
  operation.responses[String(status)] ??= response;
}

function addPath(document: OpenAPIObject, path: string, item: PathItemObject): void {
  if (document.paths[path]) throw new Error(`OpenAPI: path ${path} of a job type clashes with a route`);
  document.paths[path] = item;
}

function requiredOperation(document: OpenAPIObject, path: string, method: (typeof HTTP_METHODS)[number]): OperationObject {
  const operation = document.paths[path]?.[method];
  if (!operation) throw new Error(`OpenAPI: expected the route ${method.toUpperCase()} ${path}`);
  return operation;
}

function requiredSchema(schemas: Record<string, SchemaObject>, name: string): SchemaObject {
  const schema = schemas[name];
  if (!schema?.properties) throw new Error(`OpenAPI: expected the schema ${name}`);
  return schema;
}

const ref = (name: string): ReferenceObject => ({ $ref: `${COMPONENT_SCHEMA_PREFIX}${name}` });

/** `ota-timeout` → `OtaTimeout`. */
export const pascalCase = (kebab: string): string =>
  kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
