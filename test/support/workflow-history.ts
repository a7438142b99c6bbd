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

/**
 * OpenTelemetry's trace header is the one payload Temporal's SDK never passes through a codec. It may hold
 * the W3C trace context and nothing else; anything more in it fails the test.
 */
const TRACE_HEADER = '_tracer-data';
const TRACE_CONTEXT_KEYS = new Set(['traceparent', 'tracestate']);

/**
 * What patched() writes is the SDK's own and never passes through a codec: the marker's details may hold the
 * patch's id and deprecated flag, and the TemporalChangeVersion search attribute the patch ids, nothing else.
 */
const PATCH_DATA = 'patch-data';
const PATCH_DATA_KEYS = new Set(['id', 'deprecated']);
const CHANGE_VERSION = 'TemporalChangeVersion';

function collectPayloads(value: unknown, into: Payload[], key?: string): void {
  if (!value || typeof value !== 'object') return;
  if (value instanceof Uint8Array) return;
  const record = value as Record<string, unknown>;
  if (key === PATCH_DATA) return assertPatchDataOnly(record);
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
    if (key === TRACE_HEADER) return assertTraceContextOnly(record as Payload);
    if (key === CHANGE_VERSION) return assertPatchIdsOnly(record as Payload);
    into.push(record as Payload);
    return;
  }
  for (const [childKey, child] of Object.entries(record)) collectPayloads(child, into, childKey);
}

function assertTraceContextOnly(payload: Payload): void {
  const carrier = JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
  const extra = Object.keys(carrier).filter((name) => !TRACE_CONTEXT_KEYS.has(name));
  if (extra.length > 0) throw new Error(`the ${TRACE_HEADER} header carries more than a trace context: ${extra.join(', ')}`);
}

function assertPatchDataOnly(patchData: Record<string, unknown>): void {
  const payloads: Payload[] = [];
  collectPayloads(patchData, payloads);
  for (const payload of payloads) {
    const data = JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
    const extra = Object.keys(data).filter((name) => !PATCH_DATA_KEYS.has(name));
    if (extra.length > 0) throw new Error(`a patch marker carries more than its patch id: ${extra.join(', ')}`);
  }
}

function assertPatchIdsOnly(payload: Payload): void {
  const ids = JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')) as unknown;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !/^[a-z0-9-]+$/.test(id))) {
    throw new Error(`the ${CHANGE_VERSION} search attribute carries more than patch ids`);
  }
}
