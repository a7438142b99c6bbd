import { verifyAuditChain, type ChainVerification } from './audit-chain-verifier';
import type { AuditChainHead, AuditEventRecord } from './audit-trail';

export type AuditExportFormat = 'jsonl' | 'csv';

/**
 * The first record of every export: what the chain said when the export was taken, with the head's signature
 * (HMAC under the tenant's KMS-held key, checked by `npm run audit:verify -- --file` where the KMS is reachable).
 * An auditor who keeps an export holds a signed (seq, hash, time): a trail later found to end before that seq,
 * or at that seq with another hash, has been cut back, even if its current head is validly signed.
 */
export interface ExportedChainHead {
  type: 'chain_head';
  tenantId: string;
  lastSeq: number;
  lastHash: string | null;
  lastAt: string | null;
  signature: string | null;
  checkpoint: AuditChainHead['checkpoint'];
  exportedAt: string;
  filter: { from: string | null; to: string | null; actions: string[] | null };
}

export interface ExportedEvent {
  type: 'event';
  tenantId: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  details: Record<string, unknown>;
  prevHash: string | null;
  hash: string;
}

const CSV_COLUMNS = ['type', 'tenant_id', 'seq', 'at', 'actor', 'action', 'target', 'outcome', 'details', 'prev_hash', 'hash'];

/** Lines of an export: the chain head first, then each event with its own hashes. */
export async function* exportAuditLines(
  head: ExportedChainHead,
  events: AsyncIterable<AuditEventRecord>,
  format: AuditExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `${CSV_COLUMNS.join(',')}\n`;
    yield csvRow(['chain_head', head.tenantId, head.lastSeq, head.exportedAt, '', '', '', '', JSON.stringify({ checkpoint: head.checkpoint, filter: head.filter, lastAt: head.lastAt, signature: head.signature }), '', head.lastHash ?? '']);
    for await (const event of events) {
      const e = toExported(event);
      yield csvRow(['event', e.tenantId, e.seq, e.at, e.actor, e.action, e.target ?? '', e.outcome, JSON.stringify(e.details), e.prevHash ?? '', e.hash]);
    }
    return;
  }
  yield `${JSON.stringify(head)}\n`;
  for await (const event of events) yield `${JSON.stringify(toExported(event))}\n`;
}

/**
 * Offline check of a JSON Lines export: every event must match its own hash, consecutive events must
 * link, and an unfiltered export must run from its start (seq 1 or the checkpoint) to the head it names.
 */
export async function verifyAuditExport(
  jsonl: string,
  options: { signatureProblem?: (head: ExportedChainHead) => Promise<ChainVerification | undefined> } = {},
): Promise<ChainVerification> {
  const [first, ...rest] = jsonl.split('\n').filter((line) => line.trim() !== '');
  if (!first) throw new Error('empty export');
  const head = JSON.parse(first) as ExportedChainHead;
  if (head.type !== 'chain_head') throw new Error('an export starts with its chain_head record');
  const signatureProblem = await options.signatureProblem?.(head);
  if (signatureProblem) return signatureProblem;
  const events = rest.map((line) => fromExported(JSON.parse(line) as ExportedEvent));
  const filtered = Boolean(head.filter.from || head.filter.to || head.filter.actions);
  if (!filtered) {
    const start = head.checkpoint ? { seq: head.checkpoint.seq, hash: hex(head.checkpoint.hash) } : { seq: 0, hash: null };
    return verifyAuditChain(events, start, { seq: head.lastSeq, hash: head.lastHash ? hex(head.lastHash) : null });
  }
  // A filtered export has gaps by design: verify each run of consecutive events on its own.
  let checked = 0;
  let run: typeof events = [];
  const flush = async (): Promise<ChainVerification | undefined> => {
    if (run.length === 0) return undefined;
    const result = await verifyAuditChain(run, { seq: run[0]!.seq - 1, hash: run[0]!.prevHash });
    run = [];
    if (!result.ok) return { ...result, checkedEvents: checked + result.checkedEvents };
    checked += result.checkedEvents;
    return undefined;
  };
  for (const event of events) {
    if (run.length > 0 && event.seq !== run[run.length - 1]!.seq + 1) {
      const failure = await flush();
      if (failure) return failure;
    }
    run.push(event);
  }
  const failure = await flush();
  if (failure) return failure;
  const last = events[events.length - 1];
  return { ok: true, checkedEvents: checked, lastSeq: last?.seq ?? 0, lastHash: last ? Buffer.from(last.hash).toString('hex') : null };
}

function toExported(event: AuditEventRecord): ExportedEvent {
  return {
    type: 'event',
    tenantId: event.tenantId,
    seq: event.seq,
    at: event.at.toISOString(),
    actor: event.actor,
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    details: event.details,
    prevHash: event.prevHash ? Buffer.from(event.prevHash).toString('hex') : null,
    hash: Buffer.from(event.hash).toString('hex'),
  };
}

function fromExported(event: ExportedEvent): AuditEventRecord {
  return {
    tenantId: event.tenantId,
    seq: event.seq,
    at: new Date(event.at),
    actor: event.actor,
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    details: event.details,
    prevHash: event.prevHash ? hex(event.prevHash) : null,
    hash: hex(event.hash),
  };
}

function hex(value: string): Buffer {
  return Buffer.from(value, 'hex');
}

function csvRow(values: (string | number)[]): string {
  return `${values.map((value) => csvField(String(value))).join(',')}\n`;
}

/** RFC 4180 quoting; a leading = + - @ is neutralised so spreadsheets never run an exported value (and a leading ' is
 * escaped the same way, so audit:verify can undo exactly that). */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
