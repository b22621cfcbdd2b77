import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AlertRepository, type AlertQuery, type AlertRecord } from '@app/domain';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION } from '../redis/redis-connection.js';

/** How many alerts are kept overall and per device. */
export const ALERTS_KEPT = { all: 1_000, perDevice: 100 } as const;
/** How long a stored alert's key is remembered, so a retried job stores it once. */
const SEEN_TTL_SECONDS = 7 * 24 * 3600;

// One script so "seen?" and "store" cannot be split by a crash or a concurrent retry.
const ADD_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
  redis.call('LPUSH', KEYS[3], ARGV[1])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
  return 1
end
return 0`;

/** Alerts as capped Redis lists, newest first: one for all devices and one per device. */
@Injectable()
export class RedisAlertRepository extends AlertRepository {
  private readonly keyPrefix: string;

  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.keyPrefix = `${config.queuePrefix}:_alerts`;
  }

  async add(key: string, alert: AlertRecord): Promise<boolean> {
    const stored = await this.redis.eval(
      ADD_ONCE,
      3,
      `${this.keyPrefix}:seen:${key}`,
      `${this.keyPrefix}:all`,
      `${this.keyPrefix}:device:${alert.deviceUuid}`,
      JSON.stringify(alert),
      SEEN_TTL_SECONDS,
      ALERTS_KEPT.all,
      ALERTS_KEPT.perDevice,
    );
    return stored === 1;
  }

  async list({ deviceUuid, limit }: AlertQuery): Promise<AlertRecord[]> {
    const key = deviceUuid === undefined ? `${this.keyPrefix}:all` : `${this.keyPrefix}:device:${deviceUuid}`;
    const rows = await this.redis.lrange(key, 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as AlertRecord);
  }
}
