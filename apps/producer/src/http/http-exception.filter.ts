import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/domain';
import { REDIS_UNAVAILABLE_MESSAGE } from '@app/http';
import type { FastifyReply } from 'fastify';

/** Nest's error shape for everything: `{ statusCode, error, message }`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** How long a client should wait before trying again while Redis is unreachable. */
export const REDIS_RETRY_AFTER_SECONDS = 5;

/**
 * Every error leaves in Nest's shape. Errors Fastify raises before a route runs (bad JSON,
 * body too large, unsupported content type) keep their 4xx status; a Redis outage is a 503 with
 * `Retry-After`; anything else is a 500 whose details stay in the log.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) {
      reply.header('retry-after', String(REDIS_RETRY_AFTER_SECONDS));
    }
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string' ? response : ((response as { message?: string | string[] }).message ?? exception.message);
      return { statusCode: status, error: REASONS[status] ?? 'Error', message };
    }
    if (exception instanceof NotFoundError) return { statusCode: 404, error: REASONS[404], message: exception.message };
    if (exception instanceof ConflictError) return { statusCode: 409, error: REASONS[409], message: exception.message };
    const error = exception as { statusCode?: unknown; message?: string; code?: string };
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return { statusCode: error.statusCode, error: REASONS[error.statusCode] ?? 'Error', message: error.message ?? '' };
    }
    if (isRedisUnavailable(exception)) {
      return { statusCode: 503, error: REASONS[503], message: REDIS_UNAVAILABLE_MESSAGE };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: 500, error: REASONS[500], message: 'internal error' };
  }
}

/** ioredis' ways of saying the server cannot be reached right now. */
export function isRedisUnavailable(error: unknown): boolean {
  const { message = '', code = '', name = '' } = (error ?? {}) as { message?: string; code?: string; name?: string };
  return (
    name === 'MaxRetriesPerRequestError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code) ||
    /enableOfflineQueue|Connection is closed|Command timed out|Stream isn't writeable/i.test(message)
  );
}
