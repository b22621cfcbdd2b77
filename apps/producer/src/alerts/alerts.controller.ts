import { Controller, Get, Query } from '@nestjs/common';
import { AlertRepository, AlertType, IDENTIFIER_PATTERN, IsIdentifier, Severity, type AlertRecord } from '@app/domain';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ApiErrors } from '../docs/api-errors.js';
import { QueryInt } from '../http/query-int.decorator.js';

export class ListAlertsQuery {
  @ApiPropertyOptional({ type: 'string', minLength: 1, maxLength: 128, pattern: IDENTIFIER_PATTERN.source, description: 'Only this device.' })
  @IsOptional()
  @IsIdentifier()
  deviceUuid?: string;

  @QueryInt(1, 1000, 50)
  limit: number = 50;
}

/** An alert as the API shows it; documentation only. */
export class AlertDto implements AlertRecord {
  @ApiProperty({ example: 'EVT-001' }) eventId!: string;
  @ApiProperty({ example: 'DEV-123' }) deviceUuid!: string;
  @ApiProperty({ enum: AlertType, enumName: 'AlertType' }) alertType!: AlertType;
  @ApiProperty({ enum: Severity, enumName: 'Severity' }) severity!: Severity;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'string', format: 'date-time' }) raisedAt!: string;
}

export class AlertListDto {
  @ApiProperty({ type: () => [AlertDto], description: 'Newest first.' }) alerts!: AlertDto[];
}

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertRepository) {}

  /** Recent alerts, newest first. */
  @Get()
  @ApiOperation({ summary: 'Recent alerts, newest first' })
  @ApiOkResponse({ type: AlertListDto })
  @ApiErrors(400, 503)
  async list(@Query() query: ListAlertsQuery): Promise<{ alerts: AlertRecord[] }> {
    return { alerts: await this.alerts.list(query) };
  }
}
