/** Prisma reports a unique constraint violation as P2002, however deep in a transaction it happened. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'P2002';
}
