import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { ObservabilityModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { AlertsModule } from './alerts/alerts.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { OtaUpdatesModule } from './ota-updates/ota-updates.module.js';

@Module({})
export class ProducerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProducerModule,
      imports: [
        AppConfigModule.forRoot(config),
        StorageModule.forRoot({ role: 'producer' }),
        ObservabilityModule.forRoot({ app: 'producer' }),
        JobsModule,
        OtaUpdatesModule,
        AlertsModule,
        DashboardModule,
      ],
    };
  }
}
