import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';

/** The validator's name; `constraints` are `[min, max]`. */
export const QUERY_INT = 'queryInt';

/**
 * An optional integer query parameter within `min..max` (`max` defaults to the largest integer
 * a JSON number holds exactly), documented with its default. Only plain decimal digits count:
 * `0x10`, `1e2`, ` 5`, an empty value and a repeated parameter are each one clear 400.
 */
export function QueryInt(min: number, max: number = Number.MAX_SAFE_INTEGER, defaultValue: number): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max, default: defaultValue }),
    IsOptional(),
    Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value)),
    ValidateBy(
      {
        name: QUERY_INT,
        constraints: [min, max],
        validator: {
          validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
          defaultMessage: (args) => `${args?.property} must be an integer from ${min} to ${max}`,
        },
      },
      {},
    ),
  );
}
