#!/usr/bin/env node
'use strict';
// npm run build: dependencies, Prisma client, TypeScript (incremental), the worker's workflow bundle and the API's static pages.
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

async function build() {
  ensureDependencies();
  run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.build.json']);
  await bundleWorkflows();
  // The API's static pages (the tenant page) sit beside its compiled code, as they do beside its sources.
  cpSync(path.join(root, 'apps', 'api', 'public'), path.join(root, 'dist', 'apps', 'api', 'public'), { recursive: true });
  // The list of common passwords the password policy refuses, read beside its compiled code.
  cpSync(path.join(root, 'apps', 'api', 'src', 'users', 'common-passwords.txt'), path.join(root, 'dist', 'apps', 'api', 'src', 'users', 'common-passwords.txt'));
}

module.exports = { build };

if (require.main === module) {
  build().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
