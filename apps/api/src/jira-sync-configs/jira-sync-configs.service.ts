import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { appendAuditEvent } from '../../../../libs/audit';
import type { JiraSyncConfig, JiraSyncSettings } from '../../../../libs/contracts';
import { TenantScopedDatabase, type Prisma, type TenantTransaction } from '../../../../libs/db';
import { ApiError, notFound } from '../errors/api-error';
import { JiraSyncStarter } from '../jira-sync/jira-sync-starter';
import { assertIfMatch } from '../platform/if-match';
import { parseJiraSyncSettings, type FieldProblem } from './jira-sync-settings.parser';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ConfigRow = {
  id: string;
  settings: Prisma.JsonValue;
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * A tenant's Jira sync configurations. Writes take a per-tenant lock, so the checks across configurations
 * (no Jira project and no created ticket type in two of them) hold under concurrent requests too.
 */
@Injectable()
export class JiraSyncConfigsService {
  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly sync: JiraSyncStarter,
  ) {}

  /** A new configuration's projects are backfilled now, not at the next reconciliation. */
  async create(tenantId: string, body: unknown, actor: string): Promise<JiraSyncConfig> {
    const settings = validSettings(body);
    const config = await this.db.withTenant(tenantId, async (tx) => {
      await lockTenantConfigs(tx, tenantId);
      await assertNoOverlap(tx, settings, undefined);
      const id = randomUUID();
      const row = await tx.jiraSyncConfig.create({
        data: { id, tenantId, projectKeys: settings.projectKeys, settings: settings as unknown as Prisma.InputJsonValue, createdBy: actor, updatedBy: actor },
      });
      await audit(tx, tenantId, actor, 'jira.sync_config.created', { configId: id, projectKeys: settings.projectKeys, version: row.version });
      return toConfig(row);
    });
    await this.sync.startIfReady(tenantId);
    return config;
  }

  async list(tenantId: string): Promise<JiraSyncConfig[]> {
    const rows = await this.db.withTenant(tenantId, (tx) => tx.jiraSyncConfig.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }));
    return rows.map(toConfig);
  }

  async get(tenantId: string, id: string): Promise<JiraSyncConfig> {
    const row = UUID.test(id) ? await this.db.withTenant(tenantId, (tx) => tx.jiraSyncConfig.findUnique({ where: { id } })) : null;
    if (!row) throw notFound('Jira sync configuration');
    return toConfig(row);
  }

  /** Replaces the whole configuration; the audit event names the settings that changed. */
  async replace(tenantId: string, id: string, body: unknown, acceptedVersions: number[] | undefined, actor: string): Promise<JiraSyncConfig> {
    if (!UUID.test(id)) throw notFound('Jira sync configuration');
    const settings = validSettings(body);
    const replaced = await this.db.withTenant(tenantId, async (tx) => {
      await lockTenantConfigs(tx, tenantId);
      const current = await tx.jiraSyncConfig.findUnique({ where: { id } });
      if (!current) throw notFound('Jira sync configuration');
      assertIfMatch(acceptedVersions, current.version, 'the Jira sync configuration');
      await assertNoOverlap(tx, settings, id);
      const previous = current.settings as unknown as JiraSyncSettings;
      const changed = (Object.keys(settings) as (keyof JiraSyncSettings)[]).filter((key) => !isDeepStrictEqual(previous[key], settings[key]));
      if (changed.length === 0) return { config: toConfig(current), changed: false };
      const row = await tx.jiraSyncConfig.update({
        where: { id },
        data: { projectKeys: settings.projectKeys, settings: settings as unknown as Prisma.InputJsonValue, version: { increment: 1 }, updatedBy: actor, updatedAt: new Date() },
      });
      await audit(tx, tenantId, actor, 'jira.sync_config.replaced', { configId: id, projectKeys: settings.projectKeys, changed, version: row.version });
      return { config: toConfig(row), changed: true };
    });
    // Projects added by the new settings are backfilled, and the webhook's JQL filter follows them, now.
    if (replaced.changed) await this.sync.startIfReady(tenantId);
    return replaced.config;
  }

  async remove(tenantId: string, id: string, acceptedVersions: number[] | undefined, actor: string): Promise<void> {
    if (!UUID.test(id)) throw notFound('Jira sync configuration');
    await this.db.withTenant(tenantId, async (tx) => {
      await lockTenantConfigs(tx, tenantId);
      const current = await tx.jiraSyncConfig.findUnique({ where: { id } });
      if (!current) throw notFound('Jira sync configuration');
      assertIfMatch(acceptedVersions, current.version, 'the Jira sync configuration');
      await tx.jiraSyncConfig.delete({ where: { id } });
      await audit(tx, tenantId, actor, 'jira.sync_config.deleted', { configId: id, projectKeys: current.projectKeys });
    });
  }
}

function validSettings(body: unknown): JiraSyncSettings {
  const parsed = parseJiraSyncSettings(body);
  if (!parsed.ok) throw new ApiError(400, 'validation_failed', describe(parsed.problems), parsed.problems);
  return parsed.settings;
}

function describe(problems: FieldProblem[]): string {
  return problems.map(({ field, problems: list }) => `${field} ${list.join('; ')}`).join('; ');
}

async function lockTenantConfigs(tx: TenantTransaction, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('jira_sync_configs'), hashtext(${tenantId}))`;
}

/** 409 when another configuration of the tenant already syncs one of these projects or creates one of these ticket types. */
async function assertNoOverlap(tx: TenantTransaction, settings: JiraSyncSettings, ownId: string | undefined): Promise<void> {
  const others = await tx.jiraSyncConfig.findMany({ where: ownId ? { id: { not: ownId } } : {} });
  const details: FieldProblem[] = [];
  for (const other of others) {
    const shared = settings.projectKeys.filter((key) => other.projectKeys.includes(key));
    if (shared.length > 0) details.push({ field: 'projectKeys', problems: [`${shared.join(', ')} already synced by configuration ${other.id}`] });
    const otherCreates = (other.settings as unknown as JiraSyncSettings).createIssues?.ticketTypes ?? [];
    const sharedTypes = (settings.createIssues?.ticketTypes ?? []).filter((type) => otherCreates.includes(type));
    if (sharedTypes.length > 0) details.push({ field: 'createIssues.ticketTypes', problems: [`${sharedTypes.join(', ')} already created by configuration ${other.id}`] });
  }
  if (details.length > 0) throw new ApiError(409, 'conflict', describe(details), details);
}

function audit(tx: TenantTransaction, tenantId: string, actor: string, action: string, details: Record<string, unknown>) {
  return appendAuditEvent(tx, tenantId, { actor, action, target: details.configId as string, outcome: 'success', details });
}

function toConfig(row: ConfigRow): JiraSyncConfig {
  return {
    id: row.id,
    ...(row.settings as unknown as JiraSyncSettings),
    version: row.version,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
