'use strict';
// The browser tests drive Debian's Chromium through playwright-core (which never downloads a browser).
// Install it with apt when missing; CHROMIUM_PATH points at another build.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

function ensureChromium() {
  const path = chromiumPath();
  if (existsSync(path)) return path;
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(`Chromium is missing at ${path}: install Debian's "chromium" package or set CHROMIUM_PATH`);
  }
  console.log('installing Debian chromium for the browser tests ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
  return path;
}

module.exports = { ensureChromium, chromiumPath };
