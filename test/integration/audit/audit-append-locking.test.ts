import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Client as PgClient } from 'pg';
import { appendAuditEvent, appendAuditEventOnce, AuditTrail, type AuditEventInput } from '../../../libs/audit';
import type { TenantTransaction } from '../../../libs/db/tenant-scoped-database';
import { AuditHeadSigner } from '../../../libs/audit/audit-head-signer';
import { AwsKmsKeyProvider } from '../../../libs/crypto/aws-kms-key-provider';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { startFakeKms, type FakeKmsServer } from '../../fakes/kms/fake-kms-server';
import { appPrisma, insertTenant, ownerConnection } from '../../support/test-environment';

const KMS_LATENCY_MS = 2_000;

/** How long a tenant's other audit writers wait on one writer whose signing key must first come from the KMS. */
describe('audit appends under a slow KMS (real PostgreSQL, the AWS SDK against a local KMS)', () => {
  let prisma: PrismaClient;
  let owner: PgClient;
  let kms: FakeKmsServer;
  let client: KMSClient;
  let provider: AwsKmsKeyProvider;

  beforeAll(async () => {
    prisma = appPrisma();
    owner = await ownerConnection();
    kms = await startFakeKms();
    client = new KMSClient({ endpoint: kms.endpoint, region: kms.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const keyId = (await client.send(new CreateKeyCommand({ Description: 'custodian KEK' }))).KeyMetadata!.KeyId!;
    await client.send(new CreateAliasCommand({ AliasName: 'alias/custodian-kek', TargetKeyId: keyId }));
    provider = new AwsKmsKeyProvider({ client, keyId: 'alias/custodian-kek' });
  });

  afterAll(async () => {
    client.destroy();
    await kms.close();
    await owner.end();
    await prisma.$disconnect();
  });

  const writers: [string, (tx: TenantTransaction, tenantId: string, event: AuditEventInput) => Promise<unknown>][] = [
    ['appendAuditEvent', appendAuditEvent],
    ['appendAuditEventOnce (activities)', (tx, tenantId, event) => appendAuditEventOnce(tx, tenantId, `${event.action}/once`, event)],
  ];

  it.each(writers)("%s unwraps a writer's signing key before it locks the chain head, so the tenant's other writers do not wait on the KMS", async (_name, append) => {
    const tenantId = await insertTenant(owner);
    // A process that has signed for this tenant before: its key is in its cache.
    const warm = new TenantScopedDatabase(prisma, { auditHeads: new AuditHeadSigner(provider) });
    await warm.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'warm', action: 'test.first', outcome: 'success' }));
    // Another process (a freshly started worker) whose first signature for the tenant needs a KMS Decrypt.
    const cold = new TenantScopedDatabase(prisma, { auditHeads: new AuditHeadSigner(provider) });
    kms.setLatency(KMS_LATENCY_MS);
    try {
      const coldAppend = cold.withTenant(tenantId, (tx) => append(tx, tenantId, { actor: 'cold', action: 'test.cold', outcome: 'success' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const began = Date.now();
      await warm.withTenant(tenantId, (tx) => appendAuditEvent(tx, tenantId, { actor: 'warm', action: 'test.meanwhile', outcome: 'success' }));
      const waited = Date.now() - began;
      await coldAppend;
      // Holding the head through the Decrypt would have kept this writer waiting for the rest of it (~1.7 s).
      expect(waited).toBeLessThan(KMS_LATENCY_MS / 2);
    } finally {
      kms.setLatency(0);
    }
    const events = await warm.withTenant(tenantId, (tx) => tx.auditEvent.findMany({ orderBy: { seq: 'asc' }, select: { seq: true, action: true } }));
    expect(events.map((event) => [Number(event.seq), event.action])).toEqual([
      [1, 'test.first'],
      [2, 'test.meanwhile'],
      [3, 'test.cold'],
    ]);
    expect(await new AuditTrail(warm).verify(tenantId)).toMatchObject({ ok: true, checkedEvents: 3, lastSeq: 3 });
  });
});
