import type { TenantScopedDatabase, TenantTransaction } from '../../db';

/** A site the grant reaches, as the admin chooses among them. */
export interface JiraSiteChoice {
  cloudId: string;
  url: string;
  name: string;
}

/** Which Jira site a tenant's grant works on: chosen, or still to be chosen among `availableSites`. */
export type JiraSiteRecord =
  | { state: 'chosen'; cloudId: string; url: string; name: string; accountId: string; availableSites: JiraSiteChoice[] }
  | { state: 'choice_pending'; availableSites: JiraSiteChoice[] };

/** jira_sites: one row per tenant, under its row-level security. */
export class JiraSiteStore {
  constructor(private readonly db: TenantScopedDatabase) {}

  async get(tenantId: string): Promise<JiraSiteRecord | undefined> {
    const row = await this.db.withTenant(tenantId, (tx) => tx.jiraSite.findUnique({ where: { tenantId } }));
    if (!row) return undefined;
    const availableSites = row.availableSites as unknown as JiraSiteChoice[];
    if (row.cloudId && row.siteUrl && row.accountId) {
      return { state: 'chosen', cloudId: row.cloudId, url: row.siteUrl, name: row.siteName ?? row.siteUrl, accountId: row.accountId, availableSites };
    }
    return { state: 'choice_pending', availableSites };
  }

  /** Records the sites a new grant reaches and, when known, the one it works on (in the caller's transaction). */
  async record(tx: TenantTransaction, tenantId: string, sites: JiraSiteChoice[], chosen: { site: JiraSiteChoice; accountId: string } | null, connectedBy: string): Promise<void> {
    const data = {
      cloudId: chosen?.site.cloudId ?? null,
      siteUrl: chosen?.site.url ?? null,
      siteName: chosen?.site.name ?? null,
      accountId: chosen?.accountId ?? null,
      availableSites: sites.map(({ cloudId, url, name }) => ({ cloudId, url, name })),
      connectedBy,
      updatedAt: new Date(),
    };
    await tx.jiraSite.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
  }

  async remove(tx: TenantTransaction, tenantId: string): Promise<void> {
    await tx.jiraSite.deleteMany({ where: { tenantId } });
  }
}
