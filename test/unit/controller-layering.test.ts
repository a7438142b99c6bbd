import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../support/project-imports';

/** Every controller of the API, as a path from the repository root. */
function controllers(dir = join(REPO_ROOT, 'apps/api/src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllers(path);
    return entry.name.endsWith('.controller.ts') ? [relative(REPO_ROOT, path)] : [];
  });
}

/** What only services and repositories do: open the database, query it, or assemble an export. */
const DATA_ACCESS = [/libs\/db['/]/, /\.prisma\b/, /\bwithTenant\(/, /\$queryRaw|\$executeRaw/, /\btx\.\w+\./, /exportAuditLines|ExportedChainHead/];

/**
 * Controllers only translate HTTP to service calls (DESIGN.md): none queries PostgreSQL or builds an export
 * itself. The health probe's SELECT 1 is the exception: reaching the database is what it reports.
 */
describe('controllers leave data access to services', () => {
  const probes = new Set(['apps/api/src/health/health.controller.ts']);

  it('no controller opens the database, queries it or assembles an export', () => {
    const found = controllers().filter((file) => !probes.has(file));
    expect(found.length).toBeGreaterThan(20);
    const offenders = found.flatMap((file) => {
      const source = readFileSync(join(REPO_ROOT, file), 'utf8');
      return DATA_ACCESS.filter((pattern) => pattern.test(source)).map((pattern) => `${file}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });
});
