import { BullModule } from '@nestjs/bullmq';
import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AlertRepository, JOB_DEFINITIONS, JobEnqueuer, OtaUpdateRepository } from '@app/domain';
import type { Redis } from 'ioredis';
import { RedisAlertRepository } from './alerts/redis-alert.repository.js';
import { RedisOtaUpdateRepository } from './ota/redis-ota-update.repository.js';
import { closeRedis, createRedisConnection, REDIS_CONNECTION, waitUntilReady, type ConnectionRole } from './redis/redis-connection.js';
import { RedisErrorLog } from './redis/redis-error-log.js';
import { JobProducer } from './queues/job-producer.js';
import { JobQueues } from './queues/job-queues.js';

/**
 * Redis and BullMQ for one app: the shared connection, one queue per declared job type,
 * the typed producer and the Redis-backed repositories.
 */
@Module({})
export class StorageModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(REDIS_CONNECTION) private readonly redis: Redis) {}

  static forRoot(options: { role: ConnectionRole }): DynamicModule {
    const connection = {
      provide: REDIS_CONNECTION,
      inject: [APP_CONFIG, RedisErrorLog],
      useFactory: (config: AppConfig, errorLog: RedisErrorLog) => {
        const redis = createRedisConnection(config.redisUrl, options.role);
        errorLog.watch('connection', redis);
        redis.on('ready', () => errorLog.ready());
        return redis;
      },
    };
    return {
      module: StorageModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [REDIS_CONNECTION, APP_CONFIG],
          useFactory: (redis: Redis, config: AppConfig) => ({ connection: redis, prefix: config.queuePrefix }),
        }),
        BullModule.registerQueue(...JOB_DEFINITIONS.map(({ name }) => ({ name }))),
      ],
      providers: [
        RedisErrorLog,
        connection,
        JobQueues,
        JobProducer,
        { provide: JobEnqueuer, useExisting: JobProducer },
        { provide: AlertRepository, useClass: RedisAlertRepository },
        { provide: OtaUpdateRepository, useClass: RedisOtaUpdateRepository },
      ],
      exports: [BullModule, REDIS_CONNECTION, RedisErrorLog, JobQueues, JobProducer, JobEnqueuer, AlertRepository, OtaUpdateRepository],
    };
  }

  /**
   * A producer's connection refuses commands until it is ready; wait for it so the first request
   * after start-up is served. Redis being down is not fatal: requests answer 503 until it is back.
   */
  async onApplicationBootstrap(): Promise<void> {
    await waitUntilReady(this.redis, 5_000).catch((error: Error) =>
      new Logger(StorageModule.name).warn(`Redis not ready at start-up (${error.message}); retrying in the background`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // BullMQ does not close a connection it was handed; workers are closed by now.
    await closeRedis(this.redis);
  }
}
