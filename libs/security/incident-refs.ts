import { formatIncidentRef } from '../contracts/breach-notification';
import type { PrismaClient } from '../db';

/** The next incident reference (IR-000042) from its sequence: platform data, no tenant context needed. */
export async function nextIncidentRef(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT nextval('incident_ref_seq') AS n`;
  if (!row) throw new Error('incident_ref_seq returned nothing');
  return formatIncidentRef(Number(row.n));
}
