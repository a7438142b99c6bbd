import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { postgresUrl } from '../config/app-config';
import { createPrismaClient, TenantScopedDatabase } from '../db';
import { maintenanceDatabase, type MaintenanceDatabase } from '../db/maintenance-database';
import type { ChainVerification } from './audit-chain-verifier';
import { verifyAuditExport, type ExportedChainHead } from './audit-export';
import { csvAuditExportToJsonLines, isCsvAuditExport } from './audit-export-csv';
import { AuditTrail } from './audit-trail';

/**
 * npm run audit:verify -- --tenant <id>        recompute a tenant's chain in the database (DATABASE_URL, else the
 *                                              embedded PostgreSQL in .data/) and check its signed head and
 *                                              checkpoint with the KMS (KMS_KEY_ID or key file)
 * npm run audit:verify -- --file export.jsonl  verify an auditor's export (JSON Lines or CSV): hashes and links
 *                                              offline; the head's signature too where DATABASE_URL and the KMS
 *                                              are reachable. A relative path is from the folder npm was run in.
 * npm run audit:verify -- --tenant <id> --since earlier-export.jsonl
 *                                              also: the trail still holds the head that earlier export recorded
 *                                              (a replayed older signed head passes the signature check, not this)
 * Exit code 0 when intact, 2 when broken, 1 when it cannot tell (no such tenant, unreadable file).
 */
async function main(): Promise<void> {
  const arg = (name: string) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : undefined;
  };
  const tenant = arg('--tenant');
  const file = arg('--file');
  const since = arg('--since');
  if (!tenant && !file) throw new Error('usage: npm run audit:verify -- --tenant <uuid> | --file <export.jsonl|export.csv>');
  // npm runs scripts from the package's folder; INIT_CWD is where its caller was.
  const exported = file ? await readFile(resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8') : undefined;
  const database: MaintenanceDatabase | undefined = tenant
    ? await maintenanceDatabase('DATABASE_URL')
    : process.env.DATABASE_URL
      ? { url: postgresUrl(process.env, 'DATABASE_URL'), release: async () => undefined }
      : undefined;
  const prisma = database ? createPrismaClient(database.url, { poolSize: 2 }) : undefined;
  let result: ChainVerification;
  try {
    const db = prisma ? new TenantScopedDatabase(prisma) : undefined;
    const trail = db ? new AuditTrail(db) : undefined;
    if (exported !== undefined) {
      result = await verifyAuditExport(isCsvAuditExport(exported) ? csvAuditExportToJsonLines(exported) : exported, {
        signatureProblem: trail ? (head) => trail.signatureProblem(head.tenantId, head) : undefined,
      });
      if (!trail) console.log('note: the chain head signature was not checked (no DATABASE_URL to find the tenant\'s signing key)');
    } else {
      const known = await db!.withTenant(tenant!, (tx) => tx.tenant.findUnique({ where: { id: tenant! }, select: { id: true } }));
      if (!known) throw new Error(`no tenant ${tenant} in this database: nothing to verify (GET /v1/tenant with the tenant's key shows its id)`);
      result = await trail!.verify(tenant!);
      if (result.ok && since) {
        const earlier = await readFile(resolve(process.env.INIT_CWD ?? process.cwd(), since), 'utf8');
        const [earlierHead] = (isCsvAuditExport(earlier) ? csvAuditExportToJsonLines(earlier) : earlier).split('\n');
        result = (await trail!.regressionFrom(tenant!, JSON.parse(earlierHead ?? '{}') as ExportedChainHead)) ?? result;
      }
    }
  } finally {
    await prisma?.$disconnect();
    await database?.release();
  }
  if (result.ok) {
    const signed = result.lastAt ? `, signed head of ${result.lastAt}` : '';
    console.log(`OK: ${result.checkedEvents} events verified, chain ends at seq ${result.lastSeq}${signed}`);
  } else {
    console.log(`BROKEN at seq ${result.brokenSeq} (${result.reason}): ${result.message}`);
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
