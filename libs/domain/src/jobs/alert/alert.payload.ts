import { IsEnum } from 'class-validator';
import { AlertType, Severity } from '../enums.js';
import { IsIdentifier, IsText } from '../field-rules.js';

/** Something happened to a device that a human may need to know about. */
export class AlertPayload {
  @IsIdentifier()
  eventId!: string;

  @IsIdentifier()
  deviceUuid!: string;

  @IsEnum(AlertType)
  alertType!: AlertType;

  @IsEnum(Severity)
  severity!: Severity;

  @IsText(1, 2000)
  message!: string;
}
