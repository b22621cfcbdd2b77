import { JOB_DEFINITIONS, type JobDefinition } from '@app/domain';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
// @ts-expect-error: class-transformer types only its package root; this is the storage its `@Type()` writes to.
import * as classTransformerStorage from 'class-transformer/cjs/storage.js';
import type { MetadataStorage as ClassTransformerStorage } from 'class-transformer/types/MetadataStorage.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';

/** Where the OpenAPI document keeps its component schemas; payload schemas point there. */
export const COMPONENT_SCHEMA_PREFIX = '#/components/schemas/';

/** The payload schemas of some job types, read from their payload classes' validation rules. */
export interface JobPayloadSchemas {
  /**
   * JSON schemas by component name: each payload class, and every class nested in one
   * (`@ValidateNested`), named after the class. References point at `#/components/schemas/`.
   */
  readonly schemas: Readonly<Record<string, SchemaObject>>;
  /** Job type name → the name of its payload's schema in `schemas`. */
  readonly payloadSchemaNames: ReadonlyMap<string, string>;
}

const { defaultMetadataStorage } = classTransformerStorage as { defaultMetadataStorage: ClassTransformerStorage };

/** A class whose validation metadata is read; payload classes and the classes they nest. */
type Class = abstract new (...args: never[]) => object;

/**
 * Derives each job type's payload schema from the class-validator metadata of its payload class:
 * the same declarations `parsePayload` validates with, so a new job type (or a changed rule) shows
 * up in the API document and the dashboard without touching either. Lengths, patterns, enums and
 * formats come from the decorators; fields without `@IsOptional()` are required; unknown fields
 * are refused by validation, hence `additionalProperties: false`.
 */
export function jobPayloadSchemas(definitions: readonly JobDefinition[] = JOB_DEFINITIONS): JobPayloadSchemas {
  const classes = new Map<string, Class>();
  const payloadSchemaNames = new Map<string, string>();
  for (const definition of definitions) {
    for (const type of classesReachableFrom(definition.payload)) {
      const known = classes.get(type.name);
      if (known && known !== type) {
        throw new Error(`job type ${definition.name}: two payload classes are named ${type.name}; schema names must be unique`);
      }
      classes.set(type.name, type);
    }
    payloadSchemaNames.set(definition.name, definition.payload.name);
  }
  const schemas: Record<string, SchemaObject> = {};
  for (const [name, type] of classes) {
    const schema = targetConstructorToSchema(type, {
      refPointerPrefix: COMPONENT_SCHEMA_PREFIX,
      classTransformerMetadataStorage: defaultMetadataStorage,
    }) as SchemaObject;
    schemas[name] = { ...schema, properties: schema.properties ?? {}, additionalProperties: false };
  }
  return { schemas, payloadSchemaNames };
}

/**
 * One payload's schema on its own (for tools that take a single JSON Schema, like Bull Board's
 * "add job" form): nested classes move under `$defs` and references are rewritten to match.
 */
export function standalonePayloadSchema(payloadSchemas: JobPayloadSchemas, jobName: string): SchemaObject & { $defs?: object } {
  const root = payloadSchemas.payloadSchemaNames.get(jobName);
  if (root === undefined) throw new Error(`no payload schema for job type ${jobName}`);
  const reachable = referencedSchemaNames(payloadSchemas.schemas, root);
  reachable.delete(root);
  const rewrite = (schema: SchemaObject): SchemaObject =>
    JSON.parse(JSON.stringify(schema).replaceAll(`"$ref":"${COMPONENT_SCHEMA_PREFIX}`, '"$ref":"#/$defs/')) as SchemaObject;
  const standalone: SchemaObject & { $defs?: Record<string, SchemaObject> } = rewrite(payloadSchemas.schemas[root]);
  if (reachable.size > 0) {
    standalone.$defs = Object.fromEntries([...reachable].map((name) => [name, rewrite(payloadSchemas.schemas[name])]));
  }
  return standalone;
}

/** `root` and every schema it refers to, directly or not. */
export function referencedSchemaNames(schemas: Readonly<Record<string, SchemaObject>>, root: string): Set<string> {
  const found = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    const schema = schemas[name];
    if (!schema) throw new Error(`schema ${name} is referenced but not generated`);
    for (const ref of JSON.stringify(schema).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) pending.push(ref[1]);
  }
  return found;
}

/** The class and, transitively, the classes of its `@ValidateNested()` properties. */
function classesReachableFrom(root: Class): Class[] {
  const storage = getMetadataStorage();
  const found: Class[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const type = pending.pop()!;
    if (found.includes(type)) continue;
    found.push(type);
    for (const meta of storage.getTargetValidationMetadatas(type, '', true, false)) {
      if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const nested: unknown =
        defaultMetadataStorage.findTypeMetadata(type, meta.propertyName)?.typeFunction() ??
        Reflect.getMetadata('design:type', type.prototype as object, meta.propertyName);
      if (typeof nested === 'function' && nested !== Object && nested !== Array) pending.push(nested as Class);
    }
  }
  return found;
}

/** Type guard for OpenAPI positions that may hold a `$ref`. */
export function isReference<T extends object>(value: T | ReferenceObject | undefined): value is ReferenceObject {
  return value !== undefined && '$ref' in value;
}
