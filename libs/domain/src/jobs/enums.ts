/** Why an alert was raised. */
export enum AlertType {
  OtaTimeout = 'ota_timeout',
  DeviceOffline = 'device_offline',
  AuthenticationFailed = 'authentication_failed',
  Other = 'other',
}

/** How urgent an alert is; `high` and `critical` page a human by e-mail. */
export enum Severity {
  Low = 'low',
  Medium = 'medium',
  High = 'high',
  Critical = 'critical',
}
