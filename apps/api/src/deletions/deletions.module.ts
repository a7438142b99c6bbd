import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DeletionCertificateController } from './deletion-certificate.controller';
import { DeletionCertificatesService } from './deletion-certificates.service';
import { DeletionScheduleInterceptor } from './deletion-schedule.interceptor';
import { TenantDeletionController } from './tenant-deletion.controller';
import { TenantDeletionService } from './tenant-deletion.service';

@Module({
  controllers: [TenantDeletionController, DeletionCertificateController],
  providers: [TenantDeletionService, DeletionCertificatesService, { provide: APP_INTERCEPTOR, useClass: DeletionScheduleInterceptor }],
})
export class DeletionsModule {}
