// Shared helpers of the interop tests: start our programs as real processes and wait for output.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const binDir = process.env.OCPP_BIN_DIR || path.resolve(__dirname, '../../../build/dev/bin');

function start(program, args) {
  const exe = path.join(binDir, program);
  if (!fs.existsSync(exe)) throw new Error(`${exe} not found: build first or set OCPP_BIN_DIR`);
  const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.out = '';
  child.err = '';
  child.stdout.on('data', (d) => { child.out += d; });
  child.stderr.on('data', (d) => { child.err += d; });
  return child;
}

async function waitFor(predicate, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-interop-'));
}

module.exports = { start, waitFor, stop, tempDir, binDir };
