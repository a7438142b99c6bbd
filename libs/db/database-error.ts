/**
 * What a database error is, read from PostgreSQL's SQLSTATE rather than from its message text (which changes
 * with the server's version and lc_messages, and which our own functions' messages can collide with).
 *
 * The code travels in different places depending on who threw: node-postgres puts it on the error (`code`,
 * beside `severity`); Prisma's pg adapter wraps it in a DriverAdapterError (`cause.originalCode`), which Prisma
 * Client wraps again in a PrismaClientKnownRequestError (`meta.driverAdapterError`). Prisma's own `code`
 * (P2002, P2010, ...) is not a SQLSTATE, although both are five characters long.
 */
export interface DatabaseErrorFacts {
  /** PostgreSQL's SQLSTATE, when the server answered. */
  sqlState?: string;
  /** The HINT our functions attach to tell refusals apart within one SQLSTATE. */
  hint?: string;
  /** The connection itself failed (refused, reset, closed, timed out) before or without a server answer. */
  connectionLost: boolean;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Prisma adapter kinds and Node socket codes that mean the connection went away, not that a statement failed. */
const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
/** Prisma Client codes for the same: can't reach, timed out, connection closed, too many connections. */
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2037']);
/**
 * The connection failures that carry no code at all: node-postgres rejects the queries of a connection whose socket
 * closed before the server answered (a server crash, an immediate shutdown, a terminated session), or that already
 * met such an error, with a plain Error of one of these fixed texts (pg/lib/client.js), which Prisma's adapter
 * passes through as it is. They are the client library's own constants, not server messages.
 */
const PG_CONNECTION_FAILED = new Set(['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable']);

export function databaseErrorFacts(error: unknown): DatabaseErrorFacts {
  const facts: DatabaseErrorFacts = { connectionLost: false };
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    // node-postgres DatabaseError: a SQLSTATE in `code`, always with a severity.
    if (typeof record.severity === 'string' && typeof record.code === 'string' && SQLSTATE.test(record.code)) {
      facts.sqlState ??= record.code;
      if (typeof record.hint === 'string') facts.hint ??= record.hint;
    }
    // Prisma's pg adapter: { kind, originalCode, hint? } as a DriverAdapterError's cause.
    if (typeof record.originalCode === 'string' && SQLSTATE.test(record.originalCode)) facts.sqlState ??= record.originalCode;
    if (typeof record.kind === 'string') {
      if (CONNECTION_KINDS.has(record.kind)) facts.connectionLost = true;
      if (typeof record.hint === 'string') facts.hint ??= record.hint;
    }
    if (typeof record.code === 'string' && (SOCKET_CODES.has(record.code) || PRISMA_CONNECTION_CODES.has(record.code))) facts.connectionLost = true;
    if (value instanceof Error && PG_CONNECTION_FAILED.has(value.message) && record.code === undefined) facts.connectionLost = true;
    visit(record.cause);
    visit((record.meta as Record<string, unknown> | undefined)?.driverAdapterError);
  };
  visit(error);
  return facts;
}

export function sqlStateOf(error: unknown): string | undefined {
  return databaseErrorFacts(error).sqlState;
}

/**
 * Errors that a later attempt of the same work can succeed after: the connection was lost or refused (class 08,
 * or no answer at all), the server is shutting down or starting (57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now), too many connections (53300), or the transaction lost a race (40001
 * serialization_failure, 40P01 deadlock_detected). Anything else will fail the same way again.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const { sqlState, connectionLost } = databaseErrorFacts(error);
  if (sqlState === undefined) return connectionLost;
  return sqlState.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '40001', '40P01'].includes(sqlState);
}

/** 23505 unique_violation, whether Prisma reported it for a model query (P2002) or a raw one (P2010). */
export function isUniqueViolation(error: unknown): boolean {
  if (sqlStateOf(error) === '23505') return true;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
