import { IDENTIFIER_PATTERN, IsIdentifier, IsText, OtaStatus, type OtaUpdate } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Optional } from '../http/optional.decorator.js';

const IDENTIFIER = { type: 'string', minLength: 1, maxLength: 128, pattern: IDENTIFIER_PATTERN.source } as const;

export class StartOtaUpdateDto {
  /** Generated (`ota-<uuid>`) when absent. */
  @ApiPropertyOptional({ ...IDENTIFIER, example: 'EVT-001', description: 'Generated as `ota-<uuid>` when absent.' })
  @Optional()
  @IsIdentifier()
  eventId?: string;

  @ApiProperty({ ...IDENTIFIER, example: 'DEV-123' })
  @IsIdentifier()
  deviceUuid!: string;

  @ApiProperty({ type: 'string', minLength: 1, maxLength: 128, example: '2.1.0' })
  @IsText(1, 128)
  firmwareVersion!: string;

  /** Seconds the device has to report back before the update counts as timed out. */
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 86_400,
    example: 300,
    description: 'Seconds the device has to report back before the update counts as timed out.',
  })
  @IsInt()
  @Min(1)
  @Max(86_400)
  timeoutSeconds!: number;
}

export class ReportOtaStatusDto {
  @ApiProperty({ enum: [OtaStatus.Succeeded, OtaStatus.Failed] })
  @IsIn([OtaStatus.Succeeded, OtaStatus.Failed])
  status!: OtaStatus.Succeeded | OtaStatus.Failed;
}

/** An OTA update as the API shows it; documentation only. */
export class OtaUpdateDto implements OtaUpdate {
  @ApiProperty({ example: 'EVT-001' }) eventId!: string;
  @ApiProperty({ example: 'DEV-123' }) deviceUuid!: string;
  @ApiProperty({ example: '2.1.0' }) firmwareVersion!: string;
  @ApiProperty({ enum: OtaStatus, enumName: 'OtaStatus' }) status!: OtaStatus;
  @ApiProperty({ type: 'string', format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', description: 'When the `ota-timeout` job fires unless the device reported first.' })
  deadline!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'null while in progress.' })
  finishedAt!: string | null;
}
