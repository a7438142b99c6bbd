#!/usr/bin/env node
'use strict';
// npm test: install what is missing, then every test tier (unit, workflow, integration, e2e) with jest.
// The tests start their own PostgreSQL and Temporal servers on free ports and stop them afterwards.
// A whole run is split into two shards that run at once, each with servers of its own: most test time is spent
// waiting (timers, outages, restarts), so two shards on two cores take about half the time of one.
const { spawn, spawnSync } = require('node:child_process');
const { mkdirSync, createWriteStream, readFileSync } = require('node:fs');
const path = require('node:path');
const { ensureChromium } = require('./ensure-chromium');
const { ensureDependencies, root } = require('./ensure-dependencies');

ensureDependencies();
// The browser tests (test/browser) need Chromium; a run limited to other tests does not install it.
const args = process.argv.slice(2);
const pathFilters = args.filter((arg) => !arg.startsWith('-'));
if (pathFilters.length === 0 || pathFilters.some((filter) => filter.includes('browser'))) {
  process.env.CHROMIUM_PATH = ensureChromium();
}
const jest = require.resolve('jest/bin/jest', { paths: [root] });
const shards = args.length === 0 ? Number(process.env.TEST_SHARDS ?? 2) : 1;
if (!Number.isInteger(shards) || shards < 1) {
  console.error(`TEST_SHARDS must be a whole number from 1 up, not "${process.env.TEST_SHARDS}"`);
  process.exit(2);
}

if (shards === 1) {
  const result = spawnSync(process.execPath, [jest, '--ci', '--runInBand', ...args], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

// The first shard prints as it goes; the others' output is kept in test-output/ and printed when they end.
const logDir = path.join(root, 'test-output');
mkdirSync(logDir, { recursive: true });
const runs = Array.from({ length: shards }, (_, index) => {
  const shard = `${index + 1}/${shards}`;
  const child = spawn(process.execPath, [jest, '--ci', '--runInBand', `--shard=${shard}`], {
    cwd: root,
    stdio: index === 0 ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  const logFile = path.join(logDir, `jest-shard-${index + 1}.log`);
  if (index > 0) {
    const log = createWriteStream(logFile);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ shard, index, logFile, status: code ?? (signal ? 1 : 0) })));
});

Promise.all(runs).then((results) => {
  for (const result of results.slice(1)) {
    console.log(`\n===== jest shard ${result.shard} (${path.relative(root, result.logFile)}) =====\n`);
    process.stdout.write(readFileSync(result.logFile));
  }
  for (const result of results) console.log(`jest shard ${result.shard}: ${result.status === 0 ? 'passed' : `failed (exit ${result.status})`}`);
  process.exit(results.every((result) => result.status === 0) ? 0 : 1);
});
