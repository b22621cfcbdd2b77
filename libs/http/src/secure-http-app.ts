import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ApiKeys } from './api-keys.js';

/** Paths anyone may call: orchestrators probe them without credentials. */
export const isPublicPath = (url: string): boolean => url === '/health' || url.startsWith('/health/');

export interface SecurityOptions {
  /** Shared across instances when given; skipped (requests pass) while Redis is unreachable. */
  rateLimitStore?: Redis;
}

/**
 * Security of an HTTP app, as Fastify hooks so they cover every route, those Nest does not own
 * (the dashboard, the docs) included: security headers, API keys (`API_KEYS`), and a per-key rate
 * limit (`RATE_LIMIT_PER_MINUTE`). Await it before `init()`/`listen()`: the plugins must have
 * loaded before Nest adds its routes, or routes added earlier miss the rate limit's per-route hook
 * (`NestFactory.create` has loaded Fastify's pending plugins already, so `init()` would not).
 */
export async function secureHttpApp(
  app: NestFastifyApplication,
  config: AppConfig,
  options: SecurityOptions = {},
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const logger = new Logger('Security');

  await app.register(helmet, {
    // The API answers JSON; the HTML it serves (Swagger UI, Bull Board) runs inline bootstrap
    // scripts and styles, so the policy allows inline code from this origin only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });

  const keys = new ApiKeys(config.apiKeys);
  if (keys.enabled) {
    fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (isPublicPath(request.url.split('?')[0])) return;
      if (keys.matches(ApiKeys.fromHeaders(request.headers))) return;
      await reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ statusCode: 401, error: 'Unauthorized', message: 'missing or invalid API key (Authorization: Bearer <key> or X-Api-Key)' });
    });
  } else {
    logger.warn('API_KEYS is not set: every route is open to anyone who can reach this port');
  }

  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      ...(options.rateLimitStore
        ? { redis: options.rateLimitStore, nameSpace: `${config.queuePrefix}:_ratelimit:`, skipOnError: true }
        : {}),
      allowList: (request) => isPublicPath(request.url.split('?')[0]),
      // Per key when one is presented (a hash: keys never reach Redis or logs), else per address.
      keyGenerator: (request) => {
        const key = ApiKeys.fromHeaders(request.headers);
        return key ? `key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        Object.assign(new Error(`rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`), {
          statusCode: context.statusCode,
        }),
    });
  }
}
