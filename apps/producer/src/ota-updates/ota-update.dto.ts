import { IsIdentifier, IsText, OtaStatus } from '@app/domain';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class StartOtaUpdateDto {
  /** Generated (`ota-<uuid>`) when absent. */
  @IsOptional()
  @IsIdentifier()
  eventId?: string;

  @IsIdentifier()
  deviceUuid!: string;

  @IsText(1, 128)
  firmwareVersion!: string;

  /** Seconds the device has to report back before the update counts as timed out. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  timeoutSeconds!: number;
}

export class ReportOtaStatusDto {
  @IsIn([OtaStatus.Succeeded, OtaStatus.Failed])
  status!: OtaStatus.Succeeded | OtaStatus.Failed;
}
