import { Module } from '@nestjs/common';
import { AuditTrail } from '../../../../libs/audit';
import { TenantScopedDatabase } from '../../../../libs/db';
import { AuditController } from './audit.controller';

@Module({
  controllers: [AuditController],
  providers: [{ provide: AuditTrail, useFactory: (db: TenantScopedDatabase) => new AuditTrail(db), inject: [TenantScopedDatabase] }],
  exports: [AuditTrail],
})
export class AuditModule {}
