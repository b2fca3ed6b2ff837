// Shared helpers of the interop tests: start our programs as real processes and wait for output.
'use strict';
const { spawn, execFile } = require('node:child_process');
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
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-interop-'));
}

// Kills a process the hard way (a power cut, DESIGN.md principle 6) and waits for it to be gone.
function kill(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

// Writes a configuration file of ocpp-chargepoint into `dir` (absolute paths, simulated pile) and
// returns its paths. `extra` is merged over the defaults at the top level.
function writeChargePointConfig(dir, { id, csmsUrl, connectors = 2, ocppConfig = {}, extra = {} }) {
  const config = {
    charge_point_id: id,
    ocpp_version: '1.6',
    csms_url: csmsUrl,
    database: path.join(dir, 'chargepoint.db'),
    control_socket: path.join(dir, 'cp.sock'),
    connectors,
    hal: { driver: 'sim', state_file: path.join(dir, 'pile.json') },
    ocpp_config: ocppConfig,
    log: { level: 'info' },
    ...extra,
  };
  const file = path.join(dir, 'chargepoint.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return { file, socket: config.control_socket, database: config.database, config };
}

// One ocpp-cpctl run with --json: {code, json, stdout, stderr}; json is the answer line parsed
// (null when there is none).
function cpctl(socket, ...args) {
  const exe = path.join(binDir, 'ocpp-cpctl');
  return new Promise((resolve) => {
    execFile(exe, ['--socket', socket, ...args.map(String), '--json'], { timeout: 20000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error) code = typeof error.code === 'number' ? error.code : -1;
      let json = null;
      const last = stdout.trim().split('\n').pop();
      try {
        json = last ? JSON.parse(last) : null;
      } catch {
        json = null;
      }
      resolve({ code, json, stdout, stderr });
    });
  });
}

// ocpp-cpctl that must succeed: its JSON answer, or an error saying what it answered.
async function cpctlOk(socket, ...args) {
  const r = await cpctl(socket, ...args);
  if (r.code !== 0 || !r.json || r.json.ok !== true) {
    throw new Error(`ocpp-cpctl ${args.join(' ')} failed (exit ${r.code}): ${r.stdout}${r.stderr}`);
  }
  return r.json;
}

// Polls an async probe until it returns a truthy value, which it returns.
async function waitForAsync(probe, what, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The last lines of a process's output, for an assertion message.
function tail(child, lines = 60) {
  return `\n--- ${path.basename(child.spawnfile || 'process')} output (last ${lines} lines) ---\n` +
    (child.out + child.err).split('\n').slice(-lines).join('\n');
}

module.exports = {
  start, waitFor, waitForAsync, stop, kill, tempDir, binDir, writeChargePointConfig, cpctl, cpctlOk, tail,
};
