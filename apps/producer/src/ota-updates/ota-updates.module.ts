import { Module } from '@nestjs/common';
import { OtaUpdatesService } from '@app/workflow';
import { OtaUpdatesController } from './ota-updates.controller.js';

@Module({
  controllers: [OtaUpdatesController],
  providers: [OtaUpdatesService],
})
export class OtaUpdatesModule {}
