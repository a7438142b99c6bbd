#!/usr/bin/env node
'use strict';
// npm start: install what is missing, build, then run the whole product on its embedded defaults.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { build } = require('./build');

build()
  .then(() => {
    const stack = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'scripts', 'start-stack.js'), ...process.argv.slice(2)], {
      stdio: 'inherit',
    });
    // Ctrl-C reaches the whole foreground group; a plain kill of this process (or of npm, which passes it on to
    // this script because package.json execs it rather than leaving a shell in between) is passed on.
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stack.kill(signal));
    stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
