import { BadRequestException, ValidationPipe, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { flattenValidationErrors, PayloadValidationError } from '@app/domain';
import { createAppLogger, RequestTimeoutInterceptor, secureHttpApp, useStrictJson } from '@app/http';
import { REDIS_CONNECTION } from '@app/storage';
import { setupOpenApi } from './docs/openapi.js';
import { HttpErrorFilter } from './http/http-exception.filter.js';
import { ProducerModule } from './producer.module.js';

/** How long a client may take to send a whole request. */
export const REQUEST_RECEIVE_TIMEOUT_MS = 30_000;

/** The longest path parameter (job type, job id, event id) the router accepts. */
const MAX_PARAM_LENGTH = 256;

/** The Fastify adapter with the producer's limits. */
export function producerAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // A client that sends headers but never the whole body is cut off (408) instead of holding
    // its connection forever (Fastify's default is no limit).
    requestTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
    // Job ids derived from idempotency keys are long; Fastify's default of 100 would 404 them.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // The router's own refusals, in the API's error shape rather than Fastify's.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const body =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? { statusCode: 404, error: 'Not Found', message: `no job type or job id is longer than ${MAX_PARAM_LENGTH} characters` }
          : { statusCode: 400, error: 'Bad Request', message: 'the URL is malformed (bad percent-encoding)' };
      void reply.status(body.statusCode).send(body);
    },
  });
}

/**
 * Nest's own body parsers off: Fastify's JSON parser (with `bodyLimit`) is the only one, so a
 * form or any other non-JSON body is a 415 rather than an odd 400.
 */
export const PRODUCER_APP_OPTIONS: NestApplicationOptions = { bodyParser: false, abortOnError: false };

/** Pipes, filters and hooks of the producer; tests that swap providers call this too. */
export async function configureProducerApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  await secureHttpApp(app, app.get(APP_CONFIG), { rateLimitStore: app.get(REDIS_CONNECTION) });
  // Fastify also parses text/plain; this API speaks JSON only, so anything else is a 415.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  useStrictJson(app.getHttpAdapter().getInstance());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      // The same wording as payload errors: each message leads with its full field path.
      exceptionFactory: (errors) =>
        new BadRequestException(new PayloadValidationError(flattenValidationErrors(errors)).messages),
    }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalInterceptors(new RequestTimeoutInterceptor());
  // On SIGTERM/SIGINT: finish in-flight requests, close Redis, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  setupOpenApi(app);
  return app;
}

/** Builds the producer HTTP app as `main.ts` runs it (tests pass `logger: false`). */
export async function createProducerApp(
  config: AppConfig,
  options: Pick<NestApplicationOptions, 'logger'> = { logger: createAppLogger(config.logLevel) },
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ProducerModule.forRoot(config), producerAdapter(config), {
    ...PRODUCER_APP_OPTIONS,
    ...options,
  });
  return configureProducerApp(app);
}
