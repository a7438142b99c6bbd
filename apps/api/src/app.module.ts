import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CodecModule } from './codec/codec.module';
import { DeletionsModule } from './deletions/deletions.module';
import { ExportsModule } from './exports/exports.module';
import { GoogleOperationsModule } from './google-operations/google-operations.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { JiraSyncConfigsModule } from './jira-sync-configs/jira-sync-configs.module';
import { JiraSyncModule } from './jira-sync/jira-sync.module';
import { LoggingModule } from './platform/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PlatformModule, type PlatformDependencies } from './platform/platform.module';
import { SecurityReportsModule } from './security-reports/security-reports.module';
import { TenantContactsModule } from './tenant-contacts/tenant-contacts.module';
import { TenantsModule } from './tenants/tenants.module';
import { TicketsModule } from './tickets/tickets.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static register(dependencies: PlatformDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.register(dependencies), LoggingModule.register(dependencies.config), AuthModule, AuditModule, CodecModule, IntegrationsModule, TenantsModule, TicketsModule, HealthModule, IncidentsModule, SecurityReportsModule, TenantContactsModule, DeletionsModule, ExportsModule, GoogleOperationsModule, JiraSyncConfigsModule, JiraSyncModule, UsersModule, MetricsModule],
    };
  }
}
