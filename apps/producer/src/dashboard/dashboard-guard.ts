import { REDIS_TIMEOUT_MESSAGE, REDIS_UNAVAILABLE_MESSAGE, REQUEST_TIMEOUT_MS } from '@app/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { REDIS_RETRY_AFTER_SECONDS } from '../http/http-exception.filter.js';

/** The most jobs one page of the board may show (as `GET /jobs/:name`'s `limit`). */
export const MAX_JOBS_PER_PAGE = 1_000;

function unavailable(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .status(503)
    .header('retry-after', String(REDIS_RETRY_AFTER_SECONDS))
    .send({ statusCode: 503, error: 'Service Unavailable', message });
}

/**
 * What Nest gives its own routes, for Bull Board, which is a plain Fastify plugin: a bounded page
 * size (its own has none: 10^8 made 10 MB answers), a 503 rather than Bull Board's 500 while Redis
 * is down, and the request deadline of `RequestTimeoutInterceptor` (BullMQ waits without one for
 * a Redis that was down at start-up).
 */
export function dashboardGuard(redis: Redis, apiPath: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { jobsPerPage } = request.query as { jobsPerPage?: unknown };
    if (jobsPerPage !== undefined && !(Number(jobsPerPage) >= 1 && Number(jobsPerPage) <= MAX_JOBS_PER_PAGE)) {
      await reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: [`jobsPerPage must be from 1 to ${MAX_JOBS_PER_PAGE}`] });
      return;
    }
    // Its JSON API (under `apiPath`) needs Redis; its pages and assets do not.
    if (request.url.startsWith(apiPath) && redis.status !== 'ready') {
      await unavailable(reply, REDIS_UNAVAILABLE_MESSAGE);
      return;
    }
    const timer = setTimeout(() => {
      if (!reply.sent) void unavailable(reply, REDIS_TIMEOUT_MESSAGE);
    }, REQUEST_TIMEOUT_MS);
    reply.raw.once('close', () => clearTimeout(timer));
  };
}
