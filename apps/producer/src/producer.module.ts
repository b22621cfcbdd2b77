import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { StorageModule } from '@app/storage';
import { AlertsModule } from './alerts/alerts.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { OtaUpdatesModule } from './ota-updates/ota-updates.module.js';

@Module({})
export class ProducerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProducerModule,
      imports: [AppConfigModule.forRoot(config), StorageModule.forRoot({ role: 'producer' }), JobsModule, OtaUpdatesModule, AlertsModule],
    };
  }
}
