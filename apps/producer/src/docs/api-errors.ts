import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import type { ErrorBody } from '../http/http-exception.filter.js';

/** Every error the API answers, in Nest's shape (see `HttpErrorFilter`). */
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({
    description: 'What went wrong; for validation errors one message per problem, each leading with its field path.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['data.deviceUuid must match /^[A-Za-z0-9._:-]+$/ regular expression'],
  })
  message!: string | string[];
}

/** What each error status means across this API; routes pick the ones they can answer. */
export const ERROR_DESCRIPTIONS = {
  400: 'Invalid JSON, body, query or parameter (unknown fields included); `message` names each offending field path.',
  401: 'Missing or unknown API key (only when `API_KEYS` is set).',
  404: 'Unknown job type, job, update or route.',
  409: 'The resource is not in a state that allows this.',
  413: 'Body larger than `BODY_LIMIT`.',
  415: 'Body is not JSON.',
  429: 'Over `RATE_LIMIT_PER_MINUTE`; see `Retry-After`.',
  503: 'Redis is unreachable; try again after `Retry-After` seconds.',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** Documents error answers of a route (or of every route of a controller) with the shared error body. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorBodyDto })),
  );
}
