import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { getParsedCommandLineOfConfigFile, preProcessFile, sys } from 'typescript';

export const REPO_ROOT = resolve(__dirname, '../..');

/**
 * Every project file the entries reach through relative imports, as paths from the repository root (packages are
 * not followed: the project uses no path aliases, so a relative import is the only way to reach another of its files).
 */
export function projectImportsOf(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = entries.map((entry) => resolve(REPO_ROOT, entry));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { fileName } of preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = [`${fileName}.ts`, join(fileName, 'index.ts'), fileName].map((candidate) => resolve(dirname(file), candidate)).find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
      if (target) pending.push(target);
    }
  }
  return new Set([...seen].map((file) => relative(REPO_ROOT, file)));
}

/** What `tsc -p <tsconfig>` compiles: the files its include/exclude name, and every project file they import. */
export function compiledFilesOf(tsconfig: string): Set<string> {
  const parsed = getParsedCommandLineOfConfigFile(resolve(REPO_ROOT, tsconfig), {}, { ...sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
    throw new Error(String(diagnostic.messageText));
  } });
  if (!parsed) throw new Error(`${tsconfig} could not be read`);
  return projectImportsOf(parsed.fileNames.filter((file) => !file.endsWith('.d.ts')));
}
