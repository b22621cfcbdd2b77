import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import type { OtaUpdate } from '@app/domain';
import { OtaUpdatesService } from '@app/workflow';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../docs/api-errors.js';
import { OtaUpdateDto, ReportOtaStatusDto, StartOtaUpdateDto } from './ota-update.dto.js';

const EventIdParam = () => ApiParam({ name: 'eventId', type: 'string', example: 'EVT-001' });

@ApiTags('ota-updates')
@ApiErrors(503)
@Controller('ota-updates')
export class OtaUpdatesController {
  constructor(private readonly updates: OtaUpdatesService) {}

  /** Records an update in progress and schedules its `ota-timeout` job at the deadline. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Start an OTA update',
    description: 'Stores the update `in_progress` and schedules its `ota-timeout` job at the deadline.',
  })
  @ApiCreatedResponse({ type: OtaUpdateDto })
  @ApiErrors(400, 409)
  start(@Body() body: StartOtaUpdateDto): Promise<OtaUpdate> {
    return this.updates.start(body);
  }

  /** The device reported: `succeeded` or `failed`, only while in progress. */
  @Post(':eventId/status')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Report how an OTA update ended',
    description: 'Only from `in_progress` (else 409); removes the pending `ota-timeout` job.',
  })
  @EventIdParam()
  @ApiOkResponse({ type: OtaUpdateDto })
  @ApiErrors(400, 404, 409)
  report(@Param('eventId') eventId: string, @Body() body: ReportOtaStatusDto): Promise<OtaUpdate> {
    return this.updates.report(eventId, body.status);
  }

  @Get(':eventId')
  @ApiOperation({ summary: 'One OTA update' })
  @EventIdParam()
  @ApiOkResponse({ type: OtaUpdateDto })
  @ApiErrors(404)
  get(@Param('eventId') eventId: string): Promise<OtaUpdate> {
    return this.updates.get(eventId);
  }
}
