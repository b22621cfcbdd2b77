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
 * An OTA update reached its deadline. Finished updates are left alone; otherwise a high alert is
 * raised and the record marked `timed_out`.
 *
 * The alert goes first and its id derives from the event: if the process dies between the two
 * writes, the retry finds the record still in progress and enqueues the same alert again, which
 * adds nothing. So a retried or redelivered timeout raises one alert, never two, and never none.
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
    if (update && update.status !== OtaStatus.InProgress) return { outcome: 'skipped' };

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
    if (update) await this.updates.finish(payload.eventId, OtaStatus.TimedOut, new Date());
    return { outcome: 'timed_out', alertJobId: alert.id };
  }
}
