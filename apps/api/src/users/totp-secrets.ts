import { Inject, Injectable } from '@nestjs/common';
import { dataKeyRowOf, storedDataKeyOf, type DataKeyRow } from '../../../../libs/crypto/data-key-row';
import { EnvelopeEncryption } from '../../../../libs/crypto/envelope-encryption';
import type { TenantTransaction } from '../../../../libs/db';

const PURPOSE = 'tenant-user.totp-secret';

/**
 * A person's TOTP secret, envelope-encrypted like every stored secret: a data key of its own (bound to tenant
 * and user), wrapped by the KMS key; the ciphertext is bound to tenant, user and purpose, so a row copied to
 * another account or tenant does not decrypt.
 */
@Injectable()
export class TotpSecrets {
  constructor(@Inject(EnvelopeEncryption) private readonly encryption: EnvelopeEncryption) {}

  /** Stores a new secret for the user (replacing any earlier one), not yet enabled. */
  async seal(tx: TenantTransaction, tenantId: string, userId: string, secret: Buffer): Promise<void> {
    const dataKey = await this.encryption.createDataKey({ tenantId, integrationId: userId });
    const ciphertext = await this.encryption.encrypt(secret, { tenantId, integrationId: userId, purpose: PURPOSE }, dataKey);
    // A user has one data key (unique with the tenant), so an enrolment started again removes the old secret and key first.
    await this.remove(tx, userId);
    await tx.dataKey.create({ data: dataKeyRowOf(dataKey, tenantId, userId) });
    await tx.$executeRaw`UPDATE tenant_users SET totp_ciphertext = ${ciphertext}, totp_data_key_id = ${dataKey.id}::uuid, totp_enabled_at = NULL,
      totp_last_step = NULL, updated_at = now() WHERE id = ${userId}::uuid`;
  }

  /** The user's secret, or undefined when none is stored. */
  async open(tx: TenantTransaction, tenantId: string, userId: string): Promise<Buffer | undefined> {
    const [row] = await tx.$queryRaw<(DataKeyRow & { ciphertext: string })[]>`
      SELECT u.totp_ciphertext AS ciphertext, k.id::text AS id, k.kek_id AS "kekId", k.kek_version AS "kekVersion", k.wrapped_key AS "wrappedKey"
      FROM tenant_users u JOIN data_keys k ON k.id = u.totp_data_key_id WHERE u.id = ${userId}::uuid`;
    if (!row) return undefined;
    return this.encryption.decrypt(row.ciphertext, { tenantId, integrationId: userId, purpose: PURPOSE }, storedDataKeyOf(row));
  }

  /** Removes the secret and its data key: nothing, not even a backup's ciphertext, opens it again. */
  async remove(tx: TenantTransaction, userId: string): Promise<void> {
    const [row] = await tx.$queryRaw<{ dataKeyId: string | null }[]>`SELECT totp_data_key_id::text AS "dataKeyId" FROM tenant_users WHERE id = ${userId}::uuid FOR UPDATE`;
    await tx.$executeRaw`UPDATE tenant_users SET totp_ciphertext = NULL, totp_data_key_id = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
      updated_at = now() WHERE id = ${userId}::uuid`;
    if (row?.dataKeyId) await this.destroyKey(tx, row.dataKeyId);
  }

  private async destroyKey(tx: TenantTransaction, dataKeyId: string): Promise<void> {
    await tx.dataKey.delete({ where: { id: dataKeyId } });
    this.encryption.cache.forget(dataKeyId);
  }
}
