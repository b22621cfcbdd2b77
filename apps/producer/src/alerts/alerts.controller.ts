import { Controller, Get, Query } from '@nestjs/common';
import { AlertRepository, IsIdentifier, type AlertRecord } from '@app/domain';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ListAlertsQuery {
  @IsOptional()
  @IsIdentifier()
  deviceUuid?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 50;
}

@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertRepository) {}

  /** Recent alerts, newest first. */
  @Get()
  async list(@Query() query: ListAlertsQuery): Promise<{ alerts: AlertRecord[] }> {
    return { alerts: await this.alerts.list(query) };
  }
}
