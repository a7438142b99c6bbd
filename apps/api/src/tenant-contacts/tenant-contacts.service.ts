import { Injectable } from '@nestjs/common';
import { appendAuditEvent } from '../../../../libs/audit';
import { TenantScopedDatabase } from '../../../../libs/db';

/** A tenant's notice contacts, read and replaced in the tenant's own context. */
@Injectable()
export class TenantContactsService {
  constructor(private readonly db: TenantScopedDatabase) {}

  async list(tenantId: string): Promise<{ emails: string[] }> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.tenantContact.findMany({ orderBy: { email: 'asc' } }));
    return { emails: rows.map((row) => row.email) };
  }

  /** Replaces the whole list, auditing what was added and removed. */
  async replace(tenantId: string, emails: string[], changedBy: string): Promise<{ emails: string[] }> {
    return this.db.withTenant(tenantId, async (tx) => {
      const before = (await tx.tenantContact.findMany({ select: { email: true } })).map((row) => row.email);
      const added = emails.filter((email) => !before.includes(email));
      const removed = before.filter((email) => !emails.includes(email));
      if (added.length === 0 && removed.length === 0) return { emails: [...before].sort() };
      await tx.tenantContact.deleteMany({ where: { email: { in: removed } } });
      await tx.tenantContact.createMany({ data: added.map((email) => ({ tenantId, email, createdBy: changedBy })) });
      await appendAuditEvent(tx, tenantId, {
        actor: changedBy,
        action: 'tenant.notification_contacts_changed',
        target: tenantId,
        outcome: 'success',
        details: { added, removed },
      });
      return { emails: [...emails].sort() };
    });
  }
}
