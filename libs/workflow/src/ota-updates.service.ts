import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  JobEnqueuer,
  NotFoundError,
  OtaStatus,
  OtaUpdateRepository,
  type OtaUpdate,
} from '@app/domain';

export interface StartOtaUpdate {
  readonly eventId?: string;
  readonly deviceUuid: string;
  readonly firmwareVersion: string;
  readonly timeoutSeconds: number;
}

/** The job key of an update's timeout: one per event, so it can be cancelled by the event id. */
export const otaTimeoutJobKey = (eventId: string): string => JSON.stringify(['ota-update', eventId]);

/** Starting OTA updates and hearing back from devices: the record and its deadline job. */
@Injectable()
export class OtaUpdatesService {
  constructor(
    private readonly updates: OtaUpdateRepository,
    private readonly jobs: JobEnqueuer,
  ) {}

  /**
   * Schedules the timeout, then stores the record. A crash between the two leaves a timeout
   * without a record, which raises an alert when it fires (the update was never confirmed);
   * a retried start finds the same timeout job by its key and adds no second one.
   */
  async start(request: StartOtaUpdate, now = new Date()): Promise<OtaUpdate> {
    const eventId = request.eventId ?? `ota-${randomUUID()}`;
    if (await this.updates.get(eventId)) throw new ConflictError(`OTA update ${eventId} exists`);
    const update: OtaUpdate = {
      eventId,
      deviceUuid: request.deviceUuid,
      firmwareVersion: request.firmwareVersion,
      status: OtaStatus.InProgress,
      startedAt: now.toISOString(),
      deadline: new Date(now.getTime() + request.timeoutSeconds * 1000).toISOString(),
      finishedAt: null,
    };
    await this.jobs.enqueue(
      'ota-timeout',
      { eventId, deviceUuid: request.deviceUuid },
      { delayMs: request.timeoutSeconds * 1000, jobKey: otaTimeoutJobKey(eventId) },
    );
    if (!(await this.updates.create(update))) throw new ConflictError(`OTA update ${eventId} exists`);
    return update;
  }

  /**
   * The device reported: only an update in progress can finish. The timeout job is removed; if it
   * is running right now it reads the record, finds the update finished and does nothing.
   */
  async report(eventId: string, status: OtaStatus.Succeeded | OtaStatus.Failed, now = new Date()): Promise<OtaUpdate> {
    const transition = await this.updates.finish(eventId, status, now);
    if (transition.outcome === 'not_found') throw new NotFoundError(`no OTA update ${eventId}`);
    if (transition.outcome === 'conflict') {
      throw new ConflictError(`OTA update ${eventId} is ${transition.update.status}, not in_progress`);
    }
    await this.jobs.cancel('ota-timeout', otaTimeoutJobKey(eventId));
    return transition.update;
  }

  async get(eventId: string): Promise<OtaUpdate> {
    const update = await this.updates.get(eventId);
    if (!update) throw new NotFoundError(`no OTA update ${eventId}`);
    return update;
  }
}
