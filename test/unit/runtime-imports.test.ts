import { projectImportsOf } from '../support/project-imports';

/** The Temporal CLI, its dev server, the UI server, the time-skipping server and the tool cache they are built into. */
const DEV_TOOLING = ['libs/temporal/dev-tools.ts', 'libs/temporal/dev-server.ts', 'libs/temporal/tool-cache.ts', 'libs/temporal/temporal-cli.ts', 'libs/temporal/temporal-ui-server.ts', 'libs/temporal/time-skipping-server.ts'];

describe('run-time code does not load development tooling', () => {
  it.each(['libs/temporal/index.ts', 'apps/api/src/main.ts', 'apps/worker/src/main.ts'])('%s reaches none of the dev-server or tool-cache files', (entry) => {
    const reached = projectImportsOf([entry]);
    expect(reached.size).toBeGreaterThan(1);
    expect(DEV_TOOLING.filter((file) => reached.has(file))).toEqual([]);
  });

  it('the runtime barrel still gives the codec and the data converter', () => {
    expect([...projectImportsOf(['libs/temporal/index.ts'])]).toEqual(expect.arrayContaining(['libs/temporal/payload-codec.ts', 'libs/temporal/data-converter.ts']));
  });
});
