import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { WorkerModule } from './worker.module.js';

/** Hooks of the worker; tests that swap providers call this too. */
export function configureWorkerApp(app: NestFastifyApplication): NestFastifyApplication {
  // Without shutdown hooks SIGTERM would kill active jobs instead of letting them finish.
  app.enableShutdownHooks();
  return app;
}

/** Builds the worker app: its workers start on `listen()`/`init()`. */
export async function createWorkerApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule.forRoot(config), new FastifyAdapter(), {
    abortOnError: false,
  });
  return configureWorkerApp(app);
}
