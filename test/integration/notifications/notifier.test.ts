import type { Client as PgClient } from 'pg';
import { createNotifier, InvalidNoticeError, SmtpNotifier, type Notice } from '../../../libs/connectors/email';
import { TenantScopedDatabase, type PrismaClient } from '../../../libs/db';
import { startSmtpSink } from '../../fakes/smtp/smtp-sink';
import { appPrisma, insertTenant, ownerConnection } from '../../support/test-environment';

describe('notifiers (real PostgreSQL, real SMTP protocol)', () => {
  let prisma: PrismaClient;
  let owner: PgClient;
  let tenantId: string;

  beforeAll(async () => {
    prisma = appPrisma();
    owner = await ownerConnection();
    tenantId = await insertTenant(owner);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await owner.end();
  });

  const notice = (deliveryKey: string, extra: Partial<Notice> = {}): Notice => ({
    tenantId,
    deliveryKey,
    kind: 'test.notice',
    recipients: ['admin@acme.example'],
    subject: 'Your tenant',
    body: 'Something happened.',
    ...extra,
  });

  it('delivers into the outbox once per delivery key, with the delivery time as evidence', async () => {
    const notifier = createNotifier(prisma, {});
    const first = await notifier.send(notice('outbox-1'));
    const again = await notifier.send(notice('outbox-1'));
    expect(first).toMatchObject({ channel: 'outbox', firstDelivery: true });
    expect(again).toMatchObject({ channel: 'outbox', firstDelivery: false, deliveredAt: first.deliveredAt });
    const rows = await new TenantScopedDatabase(prisma).withTenant(tenantId, (tx) => tx.notification.findMany({ where: { deliveryKey: 'outbox-1' } }));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recipients: ['admin@acme.example'], subject: 'Your tenant', kind: 'test.notice' });
  });

  it('keeps platform notices apart from every tenant', async () => {
    const notifier = createNotifier(prisma, {});
    await notifier.send(notice('platform-1', { tenantId: undefined, recipients: ['security@custodian.example'] }));
    expect(await prisma.platformNotification.count({ where: { deliveryKey: 'platform-1' } })).toBe(1);
    const seenByTenant = await new TenantScopedDatabase(prisma).withTenant(tenantId, (tx) => tx.notification.count({ where: { deliveryKey: 'platform-1' } }));
    expect(seenByTenant).toBe(0);
  });

  it('sends over SMTP once per delivery key and records the message id', async () => {
    const sink = await startSmtpSink();
    const notifier = createNotifier(prisma, { SMTP_URL: sink.url, NOTIFY_FROM: 'custodian@custodian.example' }) as SmtpNotifier;
    try {
      const first = await notifier.send(notice('smtp-1', { recipients: ['a@acme.example', 'b@acme.example'] }));
      await notifier.send(notice('smtp-1', { recipients: ['a@acme.example', 'b@acme.example'] }));
      expect(first).toMatchObject({ channel: 'smtp', firstDelivery: true, messageId: expect.stringMatching(/^<.+>$/) });
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]).toMatchObject({ from: 'custodian@custodian.example', to: ['a@acme.example', 'b@acme.example'] });
      expect(sink.received[0]!.raw).toContain('Subject: Your tenant');
      expect(sink.received[0]!.raw).toContain('X-Custodian-Delivery-Key: smtp-1');
    } finally {
      notifier.close();
      await sink.stop();
    }
  });

  it('refuses a notice with a bad recipient or a multi-line subject, and records nothing', async () => {
    const notifier = createNotifier(prisma, {});
    await expect(notifier.send(notice('bad-1', { recipients: ['not an address'] }))).rejects.toThrow(InvalidNoticeError);
    await expect(notifier.send(notice('bad-2', { subject: 'a\r\nBcc: x@evil.example' }))).rejects.toThrow(InvalidNoticeError);
    await expect(notifier.send(notice('bad-3', { recipients: [] }))).rejects.toThrow(InvalidNoticeError);
    const rows = await new TenantScopedDatabase(prisma).withTenant(tenantId, (tx) => tx.notification.count({ where: { deliveryKey: { startsWith: 'bad-' } } }));
    expect(rows).toBe(0);
  });

  it('refuses SMTP without a sender address', () => {
    expect(() => createNotifier(prisma, { SMTP_URL: 'smtp://127.0.0.1:1' })).toThrow(/NOTIFY_FROM/);
  });
});
