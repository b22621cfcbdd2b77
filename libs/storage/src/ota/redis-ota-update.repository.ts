import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { OtaStatus, OtaUpdateRepository, type OtaTransition, type OtaUpdate } from '@app/domain';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION } from '../redis/redis-connection.js';

/** How long an update record is kept after it started. */
export const OTA_RECORD_TTL_SECONDS = 30 * 24 * 3600;

// Check and change in one step, so a status report and a firing timeout cannot both win.
const FINISH = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local update = cjson.decode(raw)
if update.status ~= ARGV[1] then return {0, raw} end
update.status = ARGV[2]
update.finishedAt = ARGV[3]
local changed = cjson.encode(update)
redis.call('SET', KEYS[1], changed, 'KEEPTTL')
return {1, changed}`;

/** OTA update records as JSON strings, one key per event. */
@Injectable()
export class RedisOtaUpdateRepository extends OtaUpdateRepository {
  private readonly keyPrefix: string;

  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.keyPrefix = `${config.queuePrefix}:_ota:`;
  }

  async create(update: OtaUpdate): Promise<boolean> {
    const stored = await this.redis.set(this.key(update.eventId), JSON.stringify(update), 'EX', OTA_RECORD_TTL_SECONDS, 'NX');
    return stored === 'OK';
  }

  async get(eventId: string): Promise<OtaUpdate | undefined> {
    const raw = await this.redis.get(this.key(eventId));
    return raw === null ? undefined : normalise(JSON.parse(raw) as OtaUpdate);
  }

  async finish(eventId: string, status: Exclude<OtaStatus, OtaStatus.InProgress>, at: Date): Promise<OtaTransition> {
    const result = (await this.redis.eval(FINISH, 1, this.key(eventId), OtaStatus.InProgress, status, at.toISOString())) as
      | [number, string]
      | null;
    if (result === null) return { outcome: 'not_found' };
    const update = normalise(JSON.parse(result[1]) as OtaUpdate);
    return result[0] === 1 ? { outcome: 'changed', update } : { outcome: 'conflict', update };
  }

  private key(eventId: string): string {
    return `${this.keyPrefix}${eventId}`;
  }
}

/** Redis' cjson reorders fields and may drop a null: give the record back its shape. */
function normalise(update: OtaUpdate): OtaUpdate {
  const { eventId, deviceUuid, firmwareVersion, status, startedAt, deadline, finishedAt } = update;
  return { eventId, deviceUuid, firmwareVersion, status, startedAt, deadline, finishedAt: finishedAt ?? null };
}
