#!/usr/bin/env node
// `prisma generate` offline: the CLI insists on locating its schema-engine binary even though generating
// the WASM-based client never runs it, so point it at an existing file and skip the checksum download.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const result = spawnSync(
  process.execPath,
  [require.resolve('prisma/build/index.js', { paths: [root] }), 'generate', '--schema', 'prisma/schema.prisma'],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  },
);
process.exit(result.status ?? 1);
