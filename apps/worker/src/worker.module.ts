import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { AlertJobModule } from './jobs/alert/alert-job.module.js';
import { EmailJobModule } from './jobs/email/email-job.module.js';
import { OtaTimeoutJobModule } from './jobs/ota-timeout/ota-timeout-job.module.js';
import { ProcessingModule } from './processing/processing.module.js';

/** The job types this worker hosts: one processor module each. */
export const JOB_MODULES = [
  OtaTimeoutJobModule,
  AlertJobModule,
  EmailJobModule,
];

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        StorageModule.forRoot({ role: 'worker' }),
        ObservabilityModule.forRoot({ app: 'worker' }),
        ProcessingModule,
        ...JOB_MODULES,
      ],
    };
  }
}
