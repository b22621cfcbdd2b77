import { Injectable } from '@nestjs/common';
import {
  AlertType,
  JobEnqueuer,
  OtaStatus,
  OtaUpdateRepository,
  PermanentJobError,
  Severity,
  type OtaTimeoutPayload,
} from '@app/domain';
import type { AttemptContext, JobHandler } from '../job-handler.js';

export type OtaTimeoutResult =
  | { readonly outcome: 'skipped' }
  | { readonly outcome: 'timed_out'; readonly alertJobId: string };

/**
 * An OTA update reached its deadline. Finished updates are left alone; otherwise the record is
 * marked `timed_out` and a high alert raised.
 *
 * The record is claimed first, atomically (`in_progress` → `timed_out`): a status report racing
 * the timeout either lands before the claim (the timeout is skipped) or is refused with 409 after
 * it, so an update never both succeeds and raises an alert. The alert's id derives from the event:
 * a retry after a crash between claim and alert finds the record `timed_out` and enqueues the same
 * alert, which adds nothing. So a timeout raises one alert, never two, and never none.
 */
@Injectable()
export class OtaTimeoutHandler implements JobHandler<OtaTimeoutPayload, OtaTimeoutResult> {
  constructor(
    private readonly jobs: JobEnqueuer,
    private readonly updates: OtaUpdateRepository,
  ) {}

  async handle(payload: OtaTimeoutPayload, _context: AttemptContext): Promise<OtaTimeoutResult> {
    const update = await this.updates.get(payload.eventId);
    if (update && update.deviceUuid !== payload.deviceUuid) {
      // A hand-made timeout naming the wrong device must not end another device's update.
      throw new PermanentJobError(
        `OTA update ${payload.eventId} is for device ${update.deviceUuid}, not ${payload.deviceUuid}; nothing changed`,
      );
    }
    if (update) {
      const claim = await this.updates.finish(payload.eventId, OtaStatus.TimedOut, new Date());
      // Finished otherwise (a status report won the race): nothing to raise. Already timed out:
      // this is a retry or a second timeout job, and the alert below adds nothing new.
      if (claim.outcome === 'conflict' && claim.update.status !== OtaStatus.TimedOut) return { outcome: 'skipped' };
    }
    // No record: the timeout was enqueued directly (POST /jobs/ota-timeout), as the original
    // producer did. The deadline passed all the same, so it is raised.
    const alert = await this.jobs.enqueue(
      'alert',
      {
        eventId: payload.eventId,
        deviceUuid: payload.deviceUuid,
        alertType: AlertType.OtaTimeout,
        severity: Severity.High,
        message: `OTA update ${payload.eventId} on device ${payload.deviceUuid} did not finish before its deadline`,
      },
      { idempotencyKey: JSON.stringify(['ota-timeout', payload.deviceUuid, payload.eventId]) },
    );
    return { outcome: 'timed_out', alertJobId: alert.id };
  }
}
