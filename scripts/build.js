#!/usr/bin/env node
'use strict';
// npm run build: dependencies, Prisma client, TypeScript (incremental), the worker's workflow bundle and the API's static pages.
// Two shapes: the default (npm start, the benches) also compiles the scripts, the benches and the Google and Jira
// simulators the demo tenant runs against (tsconfig.dev-build.json); `--production` (the Docker image) compiles only
// what the API and the worker run (tsconfig.build.json), so no test double ships.
const { cpSync, existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { ensureDependencies, run, root } = require('./ensure-dependencies');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

async function bundleWorkflows() {
  const bundlePath = path.join(root, 'dist', 'workflow-bundle.js');
  const sources = [path.join(root, 'dist', 'workflows'), path.join(root, 'dist', 'libs', 'contracts'), path.join(root, 'dist', 'libs', 'temporal')];
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs > Math.max(...sources.map(newestMtime))) return;
  const { bundleWorkflowCode } = require('@temporalio/worker');
  const { WORKFLOW_BUNDLE_OPTIONS } = require(path.join(root, 'dist', 'libs', 'temporal', 'data-converter.js'));
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'dist', 'workflows', 'index.js'),
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  writeFileSync(bundlePath, code);
}

/** The TypeScript project a build compiles: production (the image) or development and demo (npm start, benches). */
function tsconfigOf(production) {
  return production ? 'tsconfig.build.json' : 'tsconfig.dev-build.json';
}

async function build({ production = false } = {}) {
  ensureDependencies();
  run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', tsconfigOf(production)]);
  await bundleWorkflows();
  // The API's static pages (the tenant page) sit beside its compiled code, as they do beside its sources.
  cpSync(path.join(root, 'apps', 'api', 'public'), path.join(root, 'dist', 'apps', 'api', 'public'), { recursive: true });
  // The list of common passwords the password policy refuses, read beside its compiled code.
  cpSync(path.join(root, 'apps', 'api', 'src', 'users', 'common-passwords.txt'), path.join(root, 'dist', 'apps', 'api', 'src', 'users', 'common-passwords.txt'));
}

module.exports = { build, tsconfigOf };

if (require.main === module) {
  build({ production: process.argv.includes('--production') }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
