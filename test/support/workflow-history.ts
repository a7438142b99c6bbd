import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { testPayloadCodec } from './test-environment';

/**
 * A workflow's whole history as text, twice over: as the server stores it (encrypted payloads) and with every
 * payload decrypted by the product's codec, so a test can prove a value is in neither.
 */
export async function workflowHistoryText(client: Client, workflowId: string): Promise<{ raw: string; decrypted: string }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payloads: Payload[] = [];
  collectPayloads(history, payloads);
  const decoded = await testPayloadCodec().decode(payloads);
  const text = (values: Payload[]) => values.map((payload) => Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')).join('\n');
  return {
    raw: `${JSON.stringify(history)}\n${text(payloads)}`,
    decrypted: text(decoded),
  };
}

function collectPayloads(value: unknown, into: Payload[]): void {
  if (!value || typeof value !== 'object') return;
  if (value instanceof Uint8Array) return;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
    into.push(record as Payload);
    return;
  }
  for (const child of Object.values(record)) collectPayloads(child, into);
}
