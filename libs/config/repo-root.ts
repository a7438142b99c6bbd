import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout's root (package.json beside prisma/), from source files and from compiled dist/ alike. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prisma', 'schema.prisma')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${from}`);
    dir = parent;
  }
  return dir;
}
