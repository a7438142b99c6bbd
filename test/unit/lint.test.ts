import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../../libs/config/repo-root';

const root = repoRoot();
/** The code ESLint checks: named, so a folder another process makes and deletes meanwhile is not walked. */
const LINTED = ['apps', 'libs', 'workflows', 'activities', 'scripts', 'bench', 'test'];

/**
 * `npm test` lints the whole code base and type-checks the workflow code on its own, without Node's types:
 * a workflow runs in Temporal's sandbox, where a Node module is not there, so importing one must fail at
 * type-check rather than when the worker bundles the workflows.
 */
describe('lint and the workflow-only type-check', () => {
  it('finds no ESLint problem in apps, libs, workflows, activities, scripts, bench and test', () => {
    // A child process: ESLint loads its flat config (an ES module) with import(), which jest's module loader refuses.
    const eslint = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--cache', '--cache-strategy', 'content', '--cache-location', join(root, 'node_modules', '.cache', 'eslint', ''), ...LINTED],
      { cwd: root, encoding: 'utf8' },
    );
    expect(`${eslint.stdout}${eslint.stderr}`).toBe('');
    expect(eslint.status).toBe(0);
  }, 180_000);

  it('type-checks workflows/ and libs/contracts without Node types, and a Node import there fails', () => {
    const probe = join(root, 'workflows', 'node-import-probe.workflow.ts');
    const probeSource = "import { readFileSync } from 'node:fs';\n\nexport const readsAFile = () => readFileSync(process.argv[1]!);\n";
    const diagnostics = workflowTypeCheck({ [probe]: probeSource });

    const problems = (file?: string) => diagnostics.filter((diagnostic) => diagnostic.file?.fileName === file).map(diagnosticText);
    expect(diagnostics.filter((diagnostic) => diagnostic.file?.fileName !== probe).map(diagnosticText)).toEqual([]);
    expect(problems(probe)).toEqual([
      expect.stringContaining("Cannot find module 'node:fs'"),
      expect.stringContaining("Cannot find name 'process'"),
    ]);
  }, 120_000);
});

/** tsconfig.workflows.json's program, with extra files that exist only in memory. */
function workflowTypeCheck(extraFiles: Record<string, string>): readonly ts.Diagnostic[] {
  const configPath = join(root, 'tsconfig.workflows.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(diagnosticText(diagnostic)); } });
  if (!config) throw new Error(`cannot read ${configPath}`);
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName in extraFiles ? ts.createSourceFile(fileName, extraFiles[fileName]!, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
  host.fileExists = (fileName) => fileName in extraFiles || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [...config.fileNames, ...Object.keys(extraFiles)], options: config.options, host });
  return [...config.errors, ...ts.getPreEmitDiagnostics(program)];
}

function diagnosticText(diagnostic: ts.Diagnostic): string {
  const where = diagnostic.file && diagnostic.start !== undefined ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1} ` : '';
  return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
}
