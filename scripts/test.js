#!/usr/bin/env node
'use strict';
// npm test: install what is missing, then every test tier (unit, workflow, integration, e2e) in one jest run.
// The tests start their own PostgreSQL and Temporal servers on free ports and stop them afterwards.
const { spawnSync } = require('node:child_process');
const { ensureDependencies, root } = require('./ensure-dependencies');

ensureDependencies();
const result = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest', { paths: [root] }), '--ci', '--runInBand', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
