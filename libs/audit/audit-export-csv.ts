import type { ExportedChainHead, ExportedEvent } from './audit-export';

/** The header line of a CSV export (GET /v1/audit/export?format=csv); JSON Lines exports start with `{`. */
export const AUDIT_CSV_HEADER = 'type,tenant_id,seq,at,actor,action,target,outcome,details,prev_hash,hash';

/** Whether an export's text is the CSV form. */
export function isCsvAuditExport(text: string): boolean {
  return text.replace(/^\uFEFF/, '').startsWith(`${AUDIT_CSV_HEADER}\r\n`) || text.replace(/^\uFEFF/, '').startsWith(`${AUDIT_CSV_HEADER}\n`);
}

/**
 * The JSON Lines form of a CSV export, record for record, so both verify the same way. Undoes the export's
 * spreadsheet neutralisation (a leading ' before = + - @ tab CR or ') and maps empty target and prev_hash
 * back to null, as the export wrote them.
 */
export function csvAuditExportToJsonLines(csv: string): string {
  const [header, ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''));
  if (header?.join(',') !== AUDIT_CSV_HEADER) throw new Error(`a CSV audit export starts with the header ${AUDIT_CSV_HEADER}`);
  return rows.map((row, index) => `${JSON.stringify(record(row.map(restore), index + 2))}\n`).join('');
}

type Fields = [string, string, string, string, string, string, string, string, string, string, string];

function record(row: string[], line: number): ExportedChainHead | ExportedEvent {
  if (row.length !== 11) throw new Error(`CSV record ${line} has ${row.length} fields, not 11`);
  const [type, tenantId, seq, at, actor, action, target, outcome, details, prevHash, hash] = row as Fields;
  if (type === 'chain_head') {
    // The head's other fields (checkpoint, filter, lastAt, signature) travel as JSON in the details column.
    const rest = json(details, line) as Partial<ExportedChainHead>;
    return { ...rest, type: 'chain_head', tenantId, lastSeq: Number(seq), lastHash: hash || null, exportedAt: at } as ExportedChainHead;
  }
  if (type !== 'event') throw new Error(`CSV record ${line} is of type "${type}", neither chain_head nor event`);
  return {
    type: 'event',
    tenantId: tenantId,
    seq: Number(seq),
    at: at,
    actor: actor,
    action: action,
    target: target || null,
    outcome: outcome,
    details: json(details, line) as Record<string, unknown>,
    prevHash: prevHash || null,
    hash: hash,
  };
}

function json(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`CSV record ${line}: the details column is not JSON`);
  }
}

/** The export prefixes ' to a value that a spreadsheet would run (and to one starting with ' itself). */
function restore(field: string): string {
  return /^'[=+\-@\t\r']/.test(field) ? field.slice(1) : field;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      if (char === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (quoted) throw new Error('the CSV export ends inside a quoted field');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
