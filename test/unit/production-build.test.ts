import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledFilesOf, REPO_ROOT } from '../support/project-imports';

// scripts/build.js is plain CommonJS (it runs before anything is compiled).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { tsconfigOf } = require('../../scripts/build.js') as { tsconfigOf(production: boolean): string };

/** The build command the Docker image runs, as its arguments after `node scripts/build.js`. */
function imageBuildArguments(): string[] {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const command = /^RUN node scripts\/build\.js([^&\n]*)/m.exec(dockerfile);
  if (!command) throw new Error('the Dockerfile does not run scripts/build.js');
  return command[1]!.trim().split(/\s+/).filter(Boolean);
}

/**
 * The image ships only what the API, the worker and the migration job run: no test double (the Google and Jira
 * simulators), no bench, no dev script. npm start keeps its own build, with the simulators the demo tenant uses.
 */
describe('production build', () => {
  it('the Docker image builds the production project, which compiles nothing from test/, bench/ or scripts/', () => {
    const production = tsconfigOf(imageBuildArguments().includes('--production'));
    expect(production).toBe('tsconfig.build.json');

    const compiled = compiledFilesOf(production);
    expect([...compiled].filter((file) => /^(test|bench|scripts)\//.test(file))).toEqual([]);
    for (const entry of ['apps/api/src/main.ts', 'apps/worker/src/main.ts', 'libs/db/migrate.cli.ts', 'workflows/index.ts']) expect([entry, compiled.has(entry)]).toEqual([entry, true]);
  });

  it('npm start and the benches build with the simulators the demo tenant runs against', () => {
    const development = compiledFilesOf(tsconfigOf(false));
    for (const entry of ['scripts/start-stack.ts', 'test/fakes/google/google-workspace-simulator.ts', 'test/fakes/jira/jira-cloud-simulator.ts', 'bench/api.bench.ts']) {
      expect([entry, development.has(entry)]).toEqual([entry, true]);
    }
  });
});
