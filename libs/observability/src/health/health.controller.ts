import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health-indicator.js';

/**
 * Probes for orchestrators; open to everyone (the API-key hook skips `/health/*`). While the app
 * shuts down, terminus answers both with 503 `shutting_down`.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** The process is up and serving HTTP; touches no dependency, so Redis trouble never restarts it. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Redis answers PING within a second: 200, else 503. Answers within that second either way. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.redis.isHealthy('redis')]);
  }
}
