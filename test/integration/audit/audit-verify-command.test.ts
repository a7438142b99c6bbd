import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { appendAuditEvent, AuditTrail, exportAuditLines, type AuditExportFormat, type ExportedChainHead } from '../../../libs/audit';
import { repoRoot } from '../../../libs/config/repo-root';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { environmentWithoutSettings, readmeCommand, runNpmCommand } from '../../support/readme-command';
import { appPrisma, insertTenant, ownerConnection } from '../../support/test-environment';

// An auditor saves an export (JSON Lines or CSV) in their own folder and runs the README's verify line from there.

describe('npm run audit:verify -- --file, as an auditor runs it', () => {
  let prisma: PrismaClient;
  let trail: AuditTrail;
  let owner: PgClient;
  let auditorDir: string;
  let tenantId: string;

  beforeAll(async () => {
    prisma = appPrisma();
    const db = new TenantScopedDatabase(prisma);
    trail = new AuditTrail(db);
    owner = await ownerConnection();
    auditorDir = await mkdtemp(join(tmpdir(), 'auditor-'));
    tenantId = await insertTenant(owner);
    // Values a spreadsheet would run, and one that starts with the quote the export escapes them with.
    for (const target of ['=SUM(A1:A9)', "'quoted", '-1', undefined]) {
      await db.withTenant(tenantId, (tx) =>
        appendAuditEvent(tx, tenantId, { actor: '@agent', action: 'ticket.created', target, outcome: 'success', details: { note: 'a, "b"\nc', n: 1 } }),
      );
    }
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await owner.end();
    await rm(auditorDir, { recursive: true, force: true });
  });

  async function exported(format: AuditExportFormat): Promise<string> {
    const head = await trail.head(tenantId);
    const exportedHead: ExportedChainHead = {
      type: 'chain_head',
      tenantId,
      lastSeq: head.lastSeq,
      lastHash: head.lastHash,
      lastAt: head.lastAt,
      signature: head.signature,
      checkpoint: head.checkpoint,
      exportedAt: new Date().toISOString(),
      filter: { from: null, to: null, actions: null },
    };
    let text = '';
    for await (const line of exportAuditLines(exportedHead, trail.events(tenantId, {}, head.lastSeq), format)) text += line;
    return text;
  }

  /** The README's line for a file, naming this one by a path relative to the auditor's folder. */
  const verify = (file: string, env: NodeJS.ProcessEnv) =>
    runNpmCommand(readmeCommand('npm run audit:verify -- --file').replace(/--file \S+/, `--file ${file}`), {
      checkout: repoRoot(),
      callerDir: auditorDir,
      env,
    });

  it('verifies a CSV export offline, from the folder it was run in, and finds an edited one', async () => {
    const csv = await exported('csv');
    await writeFile(join(auditorDir, 'export.csv'), csv);

    const intact = await verify('export.csv', environmentWithoutSettings());
    expect(intact.stderr).toBe('');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('OK: 4 events verified, chain ends at seq 4');

    await writeFile(join(auditorDir, 'edited.csv'), csv.replace(",ticket.created,'-1,success,", ",ticket.created,'-1,failure,"));
    const edited = await verify('edited.csv', environmentWithoutSettings());
    expect(edited.code).toBe(2);
    expect(edited.stdout).toContain('BROKEN at seq 3 (altered)');
  }, 60_000);

  it('checks a tenant against the head an earlier CSV export recorded, named relative to the auditor\'s folder', async () => {
    await writeFile(join(auditorDir, 'earlier.csv'), await exported('csv'));
    const command = readmeCommand('npm run audit:verify -- --tenant <uuid> --since').replace('<uuid>', tenantId).replace(/--since \S+/, '--since earlier.csv');
    const outcome = await runNpmCommand(command, { checkout: repoRoot(), callerDir: auditorDir, env: process.env });
    expect(outcome.stderr).toBe('');
    expect(outcome).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: 4 events verified, chain ends at seq 4/) });
  }, 60_000);

  it('checks the CSV export\'s signed head where the database and the KMS are set, as for JSON Lines', async () => {
    await writeFile(join(auditorDir, 'export.csv'), await exported('csv'));
    await writeFile(join(auditorDir, 'export.jsonl'), await exported('jsonl'));
    for (const file of ['export.csv', 'export.jsonl']) {
      const outcome = await verify(file, process.env);
      expect({ file, code: outcome.code, stdout: outcome.stdout }).toEqual({ file, code: 0, stdout: 'OK: 4 events verified, chain ends at seq 4\n' });
    }
  }, 60_000);
});
