import type { OtaStatus, OtaTransition, OtaUpdate } from '../ota/ota-update.js';

/** OTA update records. Transitions are atomic: only an `in_progress` update can finish. */
export abstract class OtaUpdateRepository {
  /** Stores a new update; false when one with this event id exists. */
  abstract create(update: OtaUpdate): Promise<boolean>;
  abstract get(eventId: string): Promise<OtaUpdate | undefined>;
  /** `in_progress` → `status`, stamping `finishedAt`. */
  abstract finish(eventId: string, status: Exclude<OtaStatus, OtaStatus.InProgress>, at: Date): Promise<OtaTransition>;
}
