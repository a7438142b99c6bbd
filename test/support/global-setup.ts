import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { startEmbeddedPostgres } from '../../libs/db/embedded-postgres';
import { runMigrations } from '../../libs/db/migration-runner';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../libs/temporal/data-converter';
import { startTemporalDevServer } from '../../libs/temporal/dev-server';
import { startTemporalCluster } from '../../libs/temporal/temporal-cluster';
import { temporalServerKindFromEnv } from '../../libs/temporal/temporal-server-kind';
import globalTeardown from './global-teardown';
import { setTestInfrastructure } from './test-infrastructure-handle';

/**
 * Once per `npm test`: real PostgreSQL (embedded) and a real Temporal dev server on free ports in a temp
 * folder, migrations applied, and the workflow bundle built once. Test files read the addresses from env.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'custodian-test-'));
  setTestInfrastructure({ dir, stops: [] });
  try {
    await startTestInfrastructure(dir);
  } catch (error) {
    // Jest runs no teardown after a failed setup: stop what did start and delete its files (the cluster too).
    await globalTeardown();
    throw error;
  }
  console.log(`\ntest infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
}

async function startTestInfrastructure(dir: string): Promise<void> {
  const postgres = await startEmbeddedPostgres({ baseDir: join(dir, 'postgres'), temporary: true });
  setTestInfrastructure({ dir, stops: [() => postgres.stop()] });
  await runMigrations(postgres.ownerUrl, join(repoRoot(), 'prisma', 'migrations'));
  // CUSTODIAN_TEMPORAL=cluster runs the whole suite (or one file) against the Temporal server on PostgreSQL.
  const temporal =
    temporalServerKindFromEnv() === 'cluster'
      ? await startTemporalCluster({ postgresSuperuserUrl: postgres.superuserUrl, dataDir: join(dir, 'temporal-cluster') })
      : await startTemporalDevServer({ dbFilename: join(dir, 'temporal.db'), headless: true });
  setTestInfrastructure({ dir, stops: [() => temporal.stop(), () => postgres.stop()] });

  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  writeFileSync(bundlePath, code);

  process.env.DATABASE_URL = postgres.appUrl;
  process.env.TEST_DATABASE_OWNER_URL = postgres.ownerUrl;
  process.env.TEST_DATABASE_SUPERUSER_URL = postgres.superuserUrl;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  // The codec's key-encryption keys for this run, in a key file made on first use.
  process.env.CUSTODIAN_KEY_FILE = join(dir, 'keys', 'kek.json');
}
