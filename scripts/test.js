#!/usr/bin/env node
'use strict';
// npm test: install what is missing, then every test tier (unit, workflow, integration, e2e) in one jest run.
// The tests start their own PostgreSQL and Temporal servers on free ports and stop them afterwards.
const { spawnSync } = require('node:child_process');
const { ensureChromium } = require('./ensure-chromium');
const { ensureDependencies, root } = require('./ensure-dependencies');

ensureDependencies();
// The browser tests (test/browser) need Chromium; a run limited to other tests does not install it.
const args = process.argv.slice(2);
const pathFilters = args.filter((arg) => !arg.startsWith('-'));
if (pathFilters.length === 0 || pathFilters.some((filter) => filter.includes('browser'))) {
  process.env.CHROMIUM_PATH = ensureChromium();
}
const result = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest', { paths: [root] }), '--ci', '--runInBand', ...args],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
