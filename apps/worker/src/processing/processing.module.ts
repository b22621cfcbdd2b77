import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobWorkers } from './job-workers.js';

/** Starts and stops the workers of every processor module the app imports. */
@Module({
  imports: [DiscoveryModule],
  providers: [JobWorkers],
  exports: [JobWorkers],
})
export class ProcessingModule {}
