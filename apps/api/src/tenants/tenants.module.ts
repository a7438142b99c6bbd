import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({ imports: [AuthModule], controllers: [TenantsController], providers: [TenantsService] })
export class TenantsModule {}
