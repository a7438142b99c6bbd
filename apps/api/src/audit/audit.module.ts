import { Module } from '@nestjs/common';
import { AuditTrail } from '../../../../libs/audit';
import { TenantScopedDatabase } from '../../../../libs/db';
import { AuditController } from './audit.controller';
import { AuditExportsService } from './audit-exports.service';

@Module({
  controllers: [AuditController],
  providers: [AuditExportsService, { provide: AuditTrail, useFactory: (db: TenantScopedDatabase) => new AuditTrail(db), inject: [TenantScopedDatabase] }],
  exports: [AuditTrail],
})
export class AuditModule {}
