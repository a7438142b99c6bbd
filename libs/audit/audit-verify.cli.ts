import { readFile } from 'node:fs/promises';
import { loadAppConfig } from '../config/app-config';
import { createPrismaClient, TenantScopedDatabase } from '../db';
import type { ChainVerification } from './audit-chain-verifier';
import { verifyAuditExport } from './audit-export';
import { AuditTrail } from './audit-trail';

/**
 * npm run audit:verify -- --tenant <id>        recompute a tenant's chain in the database (DATABASE_URL)
 * npm run audit:verify -- --file export.jsonl  verify an auditor's export offline
 * Exit code 0 when intact, 2 when broken.
 */
async function main(): Promise<void> {
  const arg = (name: string) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : undefined;
  };
  const tenant = arg('--tenant');
  const file = arg('--file');
  let result: ChainVerification;
  if (file) {
    result = await verifyAuditExport(await readFile(file, 'utf8'));
  } else if (tenant) {
    const prisma = createPrismaClient(loadAppConfig({ TEMPORAL_ADDRESS: 'unused', ...process.env }).databaseUrl, { poolSize: 2 });
    try {
      result = await new AuditTrail(new TenantScopedDatabase(prisma)).verify(tenant);
    } finally {
      await prisma.$disconnect();
    }
  } else {
    throw new Error('usage: npm run audit:verify -- --tenant <uuid> | --file <export.jsonl>');
  }
  if (result.ok) {
    console.log(`OK: ${result.checkedEvents} events verified, chain ends at seq ${result.lastSeq}`);
  } else {
    console.log(`BROKEN at seq ${result.brokenSeq} (${result.reason}): ${result.message}`);
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
