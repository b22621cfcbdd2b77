import { describe, expect, it } from '@jest/globals';
import { defineJob, JOB_DEFINITIONS, type JobDefinition } from '@app/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
  ValidationTypes,
} from 'class-validator';
import { jobPayloadSchemas, referencedSchemaNames, standalonePayloadSchema } from './job-payload-schemas.js';

const RETRY = { attempts: 2, backoff: { delayMs: 1_000, maxDelayMs: 2_000, jitter: 0 } };

class SensorReading {
  @IsString()
  @Matches(/^[a-z]+$/)
  sensor!: string;

  @IsInt()
  @Min(-40)
  @Max(125)
  celsius!: number;
}

class Location {
  @IsString()
  @Length(2, 2)
  country!: string;
}

class ReadingsPayload {
  @IsIn(['hourly', 'daily'])
  period!: string;

  @IsOptional()
  @IsString()
  note?: string;

  @ValidateNested({ each: true })
  @ArrayMaxSize(10)
  @Type(() => SensorReading)
  readings!: SensorReading[];

  // No @Type: the class comes from the property's design type.
  @ValidateNested()
  location!: Location;
}

const ReadingsJob = defineJob({ name: 'readings', payload: ReadingsPayload, description: 'test', retry: RETRY });

/** The property names class-validator checks on a class: what a payload schema must list. */
function validatedProperties(type: new () => object): string[] {
  return [...new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName))].sort();
}

function optionalProperties(type: new () => object): string[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(type, '', true, false)
    .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
    .map((m) => m.propertyName);
}

describe('jobPayloadSchemas', () => {
  const { schemas, payloadSchemaNames } = jobPayloadSchemas();

  it.each(JOB_DEFINITIONS.map((d) => [d.name, d] as const))(
    '%s: one schema named after the payload class, listing exactly its validated properties',
    (name, definition) => {
      expect(payloadSchemaNames.get(name)).toBe(definition.payload.name);
      const schema = schemas[definition.payload.name];
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties ?? {}).sort()).toEqual(validatedProperties(definition.payload));
      const required = validatedProperties(definition.payload).filter((p) => !optionalProperties(definition.payload).includes(p));
      expect([...(schema.required ?? [])].sort()).toEqual(required);
      // parsePayload refuses unknown fields.
      expect(schema.additionalProperties).toBe(false);
    },
  );

  it('carries the rules of CONTRACT §1: identifier pattern and lengths, enums, e-mail format, text lengths', () => {
    const identifier = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' };
    expect(schemas.OtaTimeoutPayload.properties).toEqual({ eventId: identifier, deviceUuid: identifier });
    expect(schemas.AlertPayload.properties).toMatchObject({
      eventId: identifier,
      deviceUuid: identifier,
      alertType: { type: 'string', enum: ['ota_timeout', 'device_offline', 'authentication_failed', 'other'] },
      severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
      message: { type: 'string', minLength: 1, maxLength: 2000 },
    });
    expect(schemas.EmailPayload.properties).toEqual({
      to: { type: 'string', format: 'email' },
      subject: { type: 'string', minLength: 1, maxLength: 998, pattern: '^[^\\r\\n]*$' },
      body: { type: 'string', minLength: 1, maxLength: 100_000 },
    });
  });

  it('refers only to schemas it generated', () => {
    for (const name of payloadSchemaNames.values()) {
      for (const referenced of referencedSchemaNames(schemas, name)) expect(schemas[referenced]).toBeDefined();
    }
  });

  describe('a job type declared later, with nested classes', () => {
    const result = jobPayloadSchemas([...JOB_DEFINITIONS, ReadingsJob] as JobDefinition[]);

    it('derives its schema with no change to the docs code: enums, optional fields, nested references', () => {
      expect(result.payloadSchemaNames.get('readings')).toBe('ReadingsPayload');
      expect(result.schemas.ReadingsPayload).toEqual({
        type: 'object',
        properties: {
          period: { type: 'string', enum: ['hourly', 'daily'] },
          note: { type: 'string' },
          readings: { type: 'array', maxItems: 10, items: { $ref: '#/components/schemas/SensorReading' } },
          location: { $ref: '#/components/schemas/Location' },
        },
        required: ['period', 'readings', 'location'],
        additionalProperties: false,
      });
    });

    it('adds the nested classes as schemas of their own', () => {
      expect(result.schemas.SensorReading).toEqual({
        type: 'object',
        properties: {
          sensor: { type: 'string', pattern: '^[a-z]+$' },
          celsius: { type: 'integer', minimum: -40, maximum: 125 },
        },
        required: ['sensor', 'celsius'],
        additionalProperties: false,
      });
      expect(result.schemas.Location.properties).toEqual({ country: { type: 'string', minLength: 2, maxLength: 2 } });
      expect(referencedSchemaNames(result.schemas, 'ReadingsPayload')).toEqual(new Set(['ReadingsPayload', 'SensorReading', 'Location']));
    });

    it('gives a standalone schema with the nested classes under $defs', () => {
      const standalone = standalonePayloadSchema(result, 'readings');
      expect(Object.keys(standalone.$defs ?? {}).sort()).toEqual(['Location', 'SensorReading']);
      expect(standalone.properties?.location).toEqual({ $ref: '#/$defs/Location' });
      expect(JSON.stringify(standalone)).not.toContain('#/components/');
      expect(standalonePayloadSchema(result, 'email')).toEqual(result.schemas.EmailPayload);
    });
  });

  it('refuses two different payload classes of one name, naming the job type', () => {
    const Twin = { [ReadingsPayload.name]: class {} }[ReadingsPayload.name];
    const twinJob = defineJob({ name: 'twin', payload: Twin, description: 'test', retry: RETRY });
    expect(() => jobPayloadSchemas([ReadingsJob, twinJob] as JobDefinition[])).toThrow(
      'job type twin: two payload classes are named ReadingsPayload',
    );
  });

  it('refuses to describe an unknown job type', () => {
    expect(() => standalonePayloadSchema(jobPayloadSchemas(), 'nope')).toThrow('no payload schema for job type nope');
  });
});
