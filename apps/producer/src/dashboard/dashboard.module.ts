import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JOB_DEFINITIONS } from '@app/domain';
import { JobQueues, REDIS_CONNECTION } from '@app/storage';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { jobPayloadSchemas, standalonePayloadSchema } from '../docs/job-payload-schemas.js';
import { dashboardGuard } from './dashboard-guard.js';

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
    void fastify.register(
      async (board) => {
        board.addHook('onRequest', dashboardGuard(this.redis, `${DASHBOARD_PATH}/api/`));
        await board.register(serverAdapter.registerPlugin());
      },
      { prefix: DASHBOARD_PATH },
    );
    const mode = this.config.dashboardReadOnly ? 'read-only' : 'read-write';
    this.logger.log(`Bull Board at ${DASHBOARD_PATH} over ${JOB_DEFINITIONS.length} queues (${mode})`);
  }
}
