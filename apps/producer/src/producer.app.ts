import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { HttpErrorFilter } from './http/http-exception.filter.js';
import { ProducerModule } from './producer.module.js';

/** Builds the producer HTTP app as `main.ts` runs it; tests call this too. */
export async function createProducerApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // Job ids derived from idempotency keys are long; Fastify's default of 100 would 404 them.
    routerOptions: { maxParamLength: 256 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ProducerModule.forRoot(config), adapter, {
    abortOnError: false,
  });
  // Fastify also parses text/plain; this API speaks JSON only, so anything else is a 415.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  return app;
}
