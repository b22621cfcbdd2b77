import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import type { OtaUpdate } from '@app/domain';
import { OtaUpdatesService } from '@app/workflow';
import { ReportOtaStatusDto, StartOtaUpdateDto } from './ota-update.dto.js';

@Controller('ota-updates')
export class OtaUpdatesController {
  constructor(private readonly updates: OtaUpdatesService) {}

  /** Records an update in progress and schedules its `ota-timeout` job at the deadline. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  start(@Body() body: StartOtaUpdateDto): Promise<OtaUpdate> {
    return this.updates.start(body);
  }

  /** The device reported: `succeeded` or `failed`, only while in progress. */
  @Post(':eventId/status')
  @HttpCode(HttpStatus.OK)
  report(@Param('eventId') eventId: string, @Body() body: ReportOtaStatusDto): Promise<OtaUpdate> {
    return this.updates.report(eventId, body.status);
  }

  @Get(':eventId')
  get(@Param('eventId') eventId: string): Promise<OtaUpdate> {
    return this.updates.get(eventId);
  }
}
