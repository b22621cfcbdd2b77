import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { WorkerModule } from './worker.module.js';

/** Builds the worker app: its workers start on `init()`/`listen()`, SIGTERM stops them gracefully. */
export async function createWorkerApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule.forRoot(config), new FastifyAdapter(), {
    bufferLogs: false,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}
