// In-memory fakes of the domain's ports, for handler unit tests. They keep the contracts the
// Redis adapters keep (idempotency keys, job keys, atomic OTA transitions), nothing more.
import {
  AlertRepository,
  JobEnqueuer,
  OtaStatus,
  OtaUpdateRepository,
  type AlertQuery,
  type AlertRecord,
  type EnqueuedJob,
  type EnqueueOptions,
  type JobName,
  type JobPayload,
  type OtaTransition,
  type OtaUpdate,
} from '@app/domain';

export interface EnqueueCall {
  readonly name: JobName;
  readonly payload: unknown;
  readonly options?: EnqueueOptions;
}

/** Records calls; a known idempotency key or live job key returns the first job with `created: false`. */
export class InMemoryJobEnqueuer extends JobEnqueuer {
  readonly calls: EnqueueCall[] = [];
  /** Jobs actually added, cancelled ones included. */
  readonly queued: EnqueueCall[] = [];
  readonly cancelled: string[] = [];
  private readonly idsByKey = new Map<string, string>();

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<EnqueuedJob> {
    this.calls.push({ name, payload, options });
    const key = options?.idempotencyKey ?? options?.jobKey;
    const scoped = key === undefined ? undefined : `${name}\u0000${key}`;
    const known = scoped === undefined ? undefined : this.idsByKey.get(scoped);
    if (known !== undefined) return { id: known, name, created: false };
    const id = `job-${this.queued.length + 1}`;
    this.queued.push({ name, payload, options });
    if (scoped !== undefined) this.idsByKey.set(scoped, id);
    return { id, name, created: true };
  }

  async cancel(name: JobName, jobKey: string): Promise<boolean> {
    const scoped = `${name}\u0000${jobKey}`;
    if (!this.idsByKey.has(scoped)) return false;
    this.idsByKey.delete(scoped);
    this.cancelled.push(jobKey);
    return true;
  }
}

/** Every call fails, as while the queue's Redis is unreachable. */
export class FailingJobEnqueuer extends JobEnqueuer {
  async enqueue(): Promise<EnqueuedJob> {
    throw new Error('queue unavailable');
  }
  async cancel(): Promise<boolean> {
    throw new Error('queue unavailable');
  }
}

/** Alerts newest first; a key seen before stores nothing. */
export class InMemoryAlertRepository extends AlertRepository {
  readonly records: AlertRecord[] = [];
  readonly keys: string[] = [];

  async add(key: string, alert: AlertRecord): Promise<boolean> {
    if (this.keys.includes(key)) return false;
    this.keys.push(key);
    this.records.unshift(alert);
    return true;
  }

  async list(query: AlertQuery): Promise<AlertRecord[]> {
    return this.records.filter((r) => query.deviceUuid === undefined || r.deviceUuid === query.deviceUuid).slice(0, query.limit);
  }
}

export class InMemoryOtaUpdateRepository extends OtaUpdateRepository {
  readonly updates = new Map<string, OtaUpdate>();

  async create(update: OtaUpdate): Promise<boolean> {
    if (this.updates.has(update.eventId)) return false;
    this.updates.set(update.eventId, update);
    return true;
  }

  async get(eventId: string): Promise<OtaUpdate | undefined> {
    return this.updates.get(eventId);
  }

  async finish(eventId: string, status: Exclude<OtaStatus, OtaStatus.InProgress>, at: Date): Promise<OtaTransition> {
    const update = this.updates.get(eventId);
    if (!update) return { outcome: 'not_found' };
    if (update.status !== OtaStatus.InProgress) return { outcome: 'conflict', update };
    const changed = { ...update, status, finishedAt: at.toISOString() };
    this.updates.set(eventId, changed);
    return { outcome: 'changed', update: changed };
  }
}
