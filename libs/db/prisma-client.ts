import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export { PrismaClient };
export type { Prisma } from './generated/client';

/** Prisma Client on the WASM query compiler through node-postgres: no engine binary needed. */
export function createPrismaClient(databaseUrl: string, options: { poolSize?: number } = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 }),
  });
}
