import { Client } from 'pg';
import { issueOperatorKey } from './api-key-format';

/**
 * Operator keys are minted with the owner's connection (the app role may only read them), by the
 * `npm run operator:key` command or by `npm start` for the local operator.
 */
export async function createOperatorKey(ownerUrl: string, name: string): Promise<{ id: string; key: string }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,99}$/.test(name)) {
    throw new Error('operator key name must be 1-100 letters, digits, spaces or . _ @ -');
  }
  const issued = issueOperatorKey();
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const result = await client.query<{ id: string }>(
      'INSERT INTO operator_keys (name, key_hash, key_prefix) VALUES ($1, $2, $3) RETURNING id',
      [name, Buffer.from(issued.hash), issued.prefix],
    );
    return { id: result.rows[0]!.id, key: issued.key };
  } finally {
    await client.end();
  }
}
