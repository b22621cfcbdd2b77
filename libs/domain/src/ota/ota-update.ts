/** Where an over-the-air firmware update stands. */
export enum OtaStatus {
  InProgress = 'in_progress',
  Succeeded = 'succeeded',
  Failed = 'failed',
  TimedOut = 'timed_out',
}

/** An OTA firmware update of one device, with the deadline it must report back by. */
export interface OtaUpdate {
  readonly eventId: string;
  readonly deviceUuid: string;
  readonly firmwareVersion: string;
  readonly status: OtaStatus;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601: when the `ota-timeout` job fires unless the device reported first. */
  readonly deadline: string;
  /** ISO 8601, null while in progress. */
  readonly finishedAt: string | null;
}

/** The outcome of moving an update out of `in_progress`. */
export type OtaTransition =
  | { readonly outcome: 'changed'; readonly update: OtaUpdate }
  | { readonly outcome: 'not_found' }
  /** The update had already left `in_progress`: it is returned as it is. */
  | { readonly outcome: 'conflict'; readonly update: OtaUpdate };
