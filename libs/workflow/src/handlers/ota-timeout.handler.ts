import { Injectable } from '@nestjs/common';
import { AlertType, JobEnqueuer, Severity, type OtaTimeoutPayload } from '@app/domain';
import type { AttemptContext, JobHandler } from '../job-handler.js';

export type OtaTimeoutResult = { readonly outcome: 'timed_out'; readonly alertJobId: string };

/**
 * An OTA update reached its deadline: raise a high alert. The alert's job id derives from the
 * event, so a retried or redelivered timeout raises one alert, never two.
 */
@Injectable()
export class OtaTimeoutHandler implements JobHandler<OtaTimeoutPayload, OtaTimeoutResult> {
  constructor(private readonly jobs: JobEnqueuer) {}

  async handle(payload: OtaTimeoutPayload, _context: AttemptContext): Promise<OtaTimeoutResult> {
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
