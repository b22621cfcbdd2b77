import type { AlertType, Severity } from '../jobs/enums.js';

export interface AlertRecord {
  readonly eventId: string;
  readonly deviceUuid: string;
  readonly alertType: AlertType;
  readonly severity: Severity;
  readonly message: string;
  /** ISO 8601. */
  readonly raisedAt: string;
}

export interface AlertQuery {
  readonly deviceUuid?: string;
  readonly limit: number;
}

/** Recent alerts, newest first, capped in number. */
export abstract class AlertRepository {
  /**
   * Stores the alert unless one with the same `key` was stored before (a retried job);
   * returns whether it was stored now.
   */
  abstract add(key: string, alert: AlertRecord): Promise<boolean>;
  abstract list(query: AlertQuery): Promise<AlertRecord[]>;
}
