import type { StoredDataKey } from './envelope-encryption';

/** A data_keys row as Prisma reads and writes it (bytea as Uint8Array). */
export interface DataKeyRow {
  id: string;
  kekId: string;
  kekVersion: string;
  wrappedKey: Uint8Array;
}

/** The row's key in the shape EnvelopeEncryption takes. */
export function storedDataKeyOf(row: DataKeyRow): StoredDataKey {
  return { id: row.id, kekId: row.kekId, kekVersion: row.kekVersion, wrappedKey: Buffer.from(row.wrappedKey) };
}

/** The data_keys row to insert for a new data key of `integrationId` (an integration, or a one-time secret). */
export function dataKeyRowOf(dataKey: StoredDataKey, tenantId: string, integrationId: string) {
  return { id: dataKey.id, tenantId, integrationId, kekId: dataKey.kekId, kekVersion: dataKey.kekVersion, wrappedKey: new Uint8Array(dataKey.wrappedKey) };
}
