import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { appendAuditEventOnce, AuditTrail, exportAuditLines, type ExportedChainHead, type ExportedEvent } from '../libs/audit';
import { TENANT_EXPORT_FORMAT, type TenantExportActivities } from '../libs/contracts';
import type { TenantScopedDatabase } from '../libs/db';
import { jiraExportOf } from '../libs/jira-lifecycle/jira-export';

export interface TenantExportActivityDependencies {
  db: TenantScopedDatabase;
}

/**
 * The tenant's data as one JSON bundle: tenant, API keys (never their hashes), notice contacts, tickets with comments,
 * integrations (never tokens or keys), notices sent, Jira (site, sync configurations, ticket/issue links, sync state
 * and history; never tokens, the webhook secret or raw Jira responses), and the audit trail with its chain head in the same
 * records as the audit export, so `npm run audit:verify` checks it offline.
 */
export function createTenantExportActivities({ db }: TenantExportActivityDependencies): TenantExportActivities {
  const trail = new AuditTrail(db);
  return {
    async buildTenantExport({ tenantId, exportId, requestedBy }) {
      const existing = await db.withTenant(tenantId, (tx) => tx.tenantExport.findUnique({ where: { id: exportId } }));
      if (!existing) throw ApplicationFailure.nonRetryable(`export ${exportId} does not exist`, 'ExportNotFound');
      if (existing.status !== 'building') {
        return { exportId, sizeBytes: Number(existing.sizeBytes ?? 0), sha256: existing.sha256 ?? '' };
      }
      const exportedAt = new Date().toISOString();
      const data = await db.withTenant(tenantId, async (tx) => ({
        tenant: await tx.tenant.findUniqueOrThrow({
          where: { id: tenantId },
          select: { id: true, slug: true, name: true, status: true, createdAt: true, deletionRequestedAt: true, deletionScheduledAt: true },
        }),
        apiKeys: await tx.apiKey.findMany({
          orderBy: { createdAt: 'asc' },
          select: { id: true, name: true, role: true, keyPrefix: true, createdBy: true, createdAt: true, revokedAt: true },
        }),
        noticeContacts: await tx.tenantContact.findMany({ orderBy: { email: 'asc' }, select: { email: true, createdBy: true, createdAt: true } }),
        tickets: await tx.ticket.findMany({
          orderBy: { createdAt: 'asc' },
          select: {
            id: true, ref: true, type: true, status: true, summary: true, description: true, priority: true, requester: true,
            assignee: true, workflowId: true, createdAt: true, updatedAt: true,
            comments: { orderBy: { createdAt: 'asc' }, select: { author: true, body: true, createdAt: true } },
          },
        }),
        integrations: await tx.integrationCredential.findMany({
          orderBy: { provider: 'asc' },
          select: { id: true, provider: true, status: true, externalAccount: true, scopes: true, accessTokenExpiresAt: true, createdAt: true, updatedAt: true },
        }),
        notifications: await tx.notification.findMany({
          orderBy: { deliveredAt: 'asc' },
          select: { id: true, kind: true, recipients: true, subject: true, body: true, channel: true, messageId: true, deliveredAt: true },
        }),
      }));
      const head = await trail.head(tenantId);
      const chainHead: ExportedChainHead = {
        type: 'chain_head',
        tenantId,
        lastSeq: head.lastSeq,
        lastHash: head.lastHash,
        lastAt: head.lastAt,
        signature: head.signature,
        checkpoint: head.checkpoint,
        exportedAt,
        filter: { from: null, to: null, actions: null },
      };
      const events: ExportedEvent[] = [];
      for await (const line of exportAuditLines(chainHead, trail.events(tenantId, {}, head.lastSeq), 'jsonl')) {
        const record = JSON.parse(line) as ExportedChainHead | ExportedEvent;
        if (record.type === 'event') events.push(record);
      }
      const jira = await db.withTenant(tenantId, (tx) => jiraExportOf(tx, events));
      const bundle = Buffer.from(
        JSON.stringify({ format: TENANT_EXPORT_FORMAT, exportId, exportedAt, requestedBy, ...data, jira, audit: { chainHead, events } }, null, 2),
        'utf8',
      );
      const sha256 = createHash('sha256').update(bundle).digest('hex');
      await db.withTenant(tenantId, async (tx) => {
        const stored = await tx.tenantExport.updateMany({
          where: { id: exportId, status: 'building' },
          data: { status: 'ready', bundle: new Uint8Array(bundle), sizeBytes: bundle.length, sha256, readyAt: new Date() },
        });
        if (stored.count === 1) {
          await appendAuditEventOnce(tx, tenantId, `tenant-export/${exportId}/ready`, {
            actor: 'workflow:export',
            action: 'tenant.export_ready',
            target: exportId,
            outcome: 'success',
            details: { sizeBytes: bundle.length, sha256, events: events.length, tickets: data.tickets.length },
          });
        }
      });
      return { exportId, sizeBytes: bundle.length, sha256 };
    },
  };
}
