'use strict';
// Installs node_modules exactly from the lockfile when they are missing or stale, and generates the Prisma
// client when the schema changed. Plain Node with no dependencies: it runs before anything is installed.
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function sha256(file) {
  return createHash('sha256').update(readFileSync(path.join(root, file))).digest('hex');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function upToDate(stampFile, hash) {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash;
}

function ensureDependencies() {
  const lockHash = sha256('package-lock.json');
  const stamp = path.join(root, 'node_modules', '.custodian-lockfile-sha256');
  if (!upToDate(stamp, lockHash)) {
    console.log('installing dependencies from package-lock.json ...');
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
    writeFileSync(stamp, lockHash);
  }
  const schemaHash = sha256('prisma/schema.prisma') + lockHash;
  const generatedStamp = path.join(root, 'libs', 'db', 'generated', '.schema-sha256');
  if (!upToDate(generatedStamp, schemaHash)) {
    run(process.execPath, [path.join(__dirname, 'prisma-generate.js')]);
    writeFileSync(generatedStamp, schemaHash);
  }
}

module.exports = { ensureDependencies, run, root };

if (require.main === module) ensureDependencies();
