import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JOB_DEFINITIONS } from '@app/domain';
import { REDIS_TIMEOUT_MESSAGE, REDIS_UNAVAILABLE_MESSAGE, REQUEST_TIMEOUT_MS } from '@app/http';
import { JobQueues, REDIS_CONNECTION } from '@app/storage';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { jobPayloadSchemas, standalonePayloadSchema } from '../docs/job-payload-schemas.js';
import { REDIS_RETRY_AFTER_SECONDS } from '../http/http-exception.filter.js';

/** The most jobs one page of the board may show (as `GET /jobs/:name`'s `limit`). */
const MAX_JOBS_PER_PAGE = 1_000;

/** Where Bull Board is served; its JSON API is under `/admin/queues/api`. */
export const DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board over every declared job type's queue: the app's own BullMQ `Queue` instances
 * (so `QUEUE_PREFIX` and the connection are the app's), each with its description and payload
 * schema. Mounted as a Fastify plugin on the app's server, so the app's Fastify hooks (API keys)
 * guard it like any route. `@bull-board/nestjs` is not used: it pins a newer `@bull-board/api` than
 * the Fastify adapter, and the plugin is all it would add.
 */
@Module({})
export class DashboardModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Dashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: JobQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
  ) {}

  /** After every `onModuleInit` (JobQueues fills in there) and before the server listens. */
  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return; // compiled without an HTTP server (a bare testing module): nothing to serve
    const schemas = jobPayloadSchemas();
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: JOB_DEFINITIONS.map(
        (definition) =>
          new BullMQAdapter(this.queues.get(definition.name), {
            description: definition.description,
            jobDataSchema: standalonePayloadSchema(schemas, definition.name),
            readOnlyMode: this.config.dashboardReadOnly,
          }),
      ),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'iot-jobs' } },
    });
    // Bull Board is not a Nest route, so the request timeout interceptor does not cover it: the
    // same deadline as a Fastify hook, scoped to the board. BullMQ would wait forever for a Redis
    // that was down at start-up.
    void fastify.register(
      async (board) => {
        const unavailable = (reply: FastifyReply, message: string) =>
          reply
            .status(503)
            .header('retry-after', String(REDIS_RETRY_AFTER_SECONDS))
            .send({ statusCode: 503, error: 'Service Unavailable', message });
        board.addHook('onRequest', async (request, reply) => {
          // Its page size is the caller's to choose, without a bound: 10^8 made 10 MB answers.
          const { jobsPerPage } = request.query as { jobsPerPage?: unknown };
          if (jobsPerPage !== undefined && !(Number(jobsPerPage) >= 1 && Number(jobsPerPage) <= MAX_JOBS_PER_PAGE)) {
            return reply
              .status(400)
              .send({ statusCode: 400, error: 'Bad Request', message: [`jobsPerPage must be from 1 to ${MAX_JOBS_PER_PAGE}`] });
          }
          // Its JSON API needs Redis (its pages and assets do not); Bull Board itself would say 500.
          if (request.url.startsWith(`${DASHBOARD_PATH}/api/`) && this.redis.status !== 'ready') {
            return unavailable(reply, REDIS_UNAVAILABLE_MESSAGE);
          }
          const timer = setTimeout(() => {
            if (!reply.sent) void unavailable(reply, REDIS_TIMEOUT_MESSAGE);
          }, REQUEST_TIMEOUT_MS);
          reply.raw.once('close', () => clearTimeout(timer));
        });
        await board.register(serverAdapter.registerPlugin());
      },
      { prefix: DASHBOARD_PATH },
    );
    const mode = this.config.dashboardReadOnly ? 'read-only' : 'read-write';
    this.logger.log(`Bull Board at ${DASHBOARD_PATH} over ${JOB_DEFINITIONS.length} queues (${mode})`);
  }
}
