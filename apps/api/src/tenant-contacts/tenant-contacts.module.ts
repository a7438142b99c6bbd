import { Module } from '@nestjs/common';
import { TenantContactsController } from './tenant-contacts.controller';
import { TenantContactsService } from './tenant-contacts.service';

@Module({ controllers: [TenantContactsController], providers: [TenantContactsService] })
export class TenantContactsModule {}
