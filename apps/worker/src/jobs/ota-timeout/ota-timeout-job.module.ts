import { Module } from '@nestjs/common';
import { OtaTimeoutHandler } from '@app/workflow';
import { OtaTimeoutProcessor } from './ota-timeout.processor.js';

@Module({
  providers: [OtaTimeoutHandler, OtaTimeoutProcessor],
})
export class OtaTimeoutJobModule {}
