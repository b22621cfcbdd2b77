import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AlertRepository, JobEnqueuer, Severity, type AlertPayload } from '@app/domain';
import type { AttemptContext, JobHandler } from '../job-handler.js';

export interface AlertResult {
  readonly outcome: 'recorded';
  readonly emailJobId?: string;
}

const PAGED_SEVERITIES: ReadonlySet<Severity> = new Set([Severity.High, Severity.Critical]);

/**
 * Records the alert and, for high and critical ones, e-mails `ALERT_EMAIL_TO`. An alert is
 * identified by event, device, type and severity: a retried or repeated job stores and mails it
 * once, and an escalation (the same event raised again as critical) is an alert of its own.
 */
@Injectable()
export class AlertHandler implements JobHandler<AlertPayload, AlertResult> {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly jobs: JobEnqueuer,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'alertEmailTo'>,
  ) {}

  async handle(payload: AlertPayload, _context: AttemptContext): Promise<AlertResult> {
    // JSON, not a joined string: ids may contain ":", and joined keys of two alerts could collide.
    const identity = JSON.stringify([payload.alertType, payload.deviceUuid, payload.eventId, payload.severity]);
    await this.alerts.add(identity, { ...payload, raisedAt: new Date().toISOString() });

    const recipient = this.config.alertEmailTo;
    if (recipient === undefined || !PAGED_SEVERITIES.has(payload.severity)) {
      return { outcome: 'recorded' };
    }
    const email = await this.jobs.enqueue(
      'email',
      {
        to: recipient,
        subject: `[${payload.severity}] ${payload.alertType} on ${payload.deviceUuid}`,
        body: [
          payload.message,
          '',
          `Device: ${payload.deviceUuid}`,
          `Event: ${payload.eventId}`,
          `Type: ${payload.alertType}`,
          `Severity: ${payload.severity}`,
        ].join('\n'),
      },
      { idempotencyKey: `alert-email:${identity}` },
    );
    return { outcome: 'recorded', emailJobId: email.id };
  }
}
