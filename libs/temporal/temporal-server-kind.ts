/** Which Temporal server the test run and the benches start for themselves. */
export type TemporalServerKind = 'dev-server' | 'cluster';

/**
 * CUSTODIAN_TEMPORAL: `dev-server` (the default: `temporal server start-dev` on a SQLite file) or `cluster` (the
 * Temporal server on PostgreSQL, as `npm run stack:cluster` runs it), so the same tests and benches run on both.
 */
export function temporalServerKindFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalServerKind {
  const value = env.CUSTODIAN_TEMPORAL || 'dev-server';
  if (value === 'dev-server' || value === 'cluster') return value;
  throw new Error(`CUSTODIAN_TEMPORAL=${value} names no Temporal server: use dev-server (the default) or cluster`);
}
