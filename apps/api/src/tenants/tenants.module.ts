import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CurrentTenantController } from './current-tenant.controller';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({ imports: [AuthModule], controllers: [TenantsController, CurrentTenantController], providers: [TenantsService] })
export class TenantsModule {}
