import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createAppLogger, secureHttpApp } from '@app/http';
import { WorkerModule } from './worker.module.js';

/** Hooks of the worker; tests that swap providers call this too. */
export async function configureWorkerApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  // /metrics follows the producer's API_KEYS rule; /health/* stays open.
  await secureHttpApp(app, app.get(APP_CONFIG));
  // On SIGTERM/SIGINT: stop taking jobs, let active ones finish (JobWorkers), then exit 0
  // rather than re-raise the signal, so orchestrators see a clean stop.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/** Builds the worker app: its workers start on `listen()`/`init()`. */
export async function createWorkerApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule.forRoot(config), new FastifyAdapter(), {
    abortOnError: false,
    logger: createAppLogger(config.logLevel),
  });
  return configureWorkerApp(app);
}
