import { Module } from '@nestjs/common';
import { AlertHandler } from '@app/workflow';
import { AlertProcessor } from './alert.processor.js';

@Module({
  providers: [AlertHandler, AlertProcessor],
})
export class AlertJobModule {}
