// Shared helpers of the interop tests: start our programs as real processes and wait for output.
'use strict';
const { spawn, execFile } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');

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

// --- a link that can fail: a TCP proxy between the charge point and the CSMS ---

// The text messages of one direction of a WebSocket connection, as they pass: the HTTP upgrade is
// skipped, frames are unmasked (a client masks what it sends, RFC 6455 §5.3) and handed to
// `onText` whole. The bytes themselves pass unchanged; this only looks.
class WsFrameReader {
  constructor(onText) {
    this.onText = onText;
    this.buf = Buffer.alloc(0);
    this.inHandshake = true;
    this.fragments = [];
  }

  push(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    if (this.inHandshake) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.buf = this.buf.subarray(end + 4);
      this.inHandshake = false;
    }
    for (;;) {
      if (this.buf.length < 2) return;
      const fin = (this.buf[0] & 0x80) !== 0;
      const opcode = this.buf[0] & 0x0f;
      const masked = (this.buf[1] & 0x80) !== 0;
      let len = this.buf[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (this.buf.length < at + len) return;
      const payload = Buffer.from(this.buf.subarray(at, at + len));
      if (masked) for (let i = 0; i < len; i += 1) payload[i] ^= this.buf[maskAt + (i % 4)];
      this.buf = this.buf.subarray(at + len);
      if (opcode === 0x1 || opcode === 0x0) {
        this.fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onText(text);
        }
      }
    }
  }
}

// A TCP proxy on loopback in front of `targetPort`, for the link between the charge point and the
// CSMS (DESIGN.md principle 6: the faults of a real link, made on a real socket):
//   cut()        every connection is reset and new ones are refused, until restore();
//   freeze()     the connections stay open but nothing passes either way (a dead route, no FIN),
//                until thaw(), which delivers what was held;
//   holdAnswers() only what the CSMS sends is held (its answers), until thaw() or cut();
//   armOnCall(actions, fn)  the next CALL of the charge point whose action is in `actions` (or for
//                which actions(action, payload) is true) is let
//                through, and from then on the CSMS's answers are held; fn({action, frame}) is called
//                as soon as the answer to it is held at the proxy: the CSMS has processed the call
//                and the charge point has not seen its answer. Disarmed by disarm(), cut() or once fired.
//                onSeen(call), if given, is called when the call passes (the hold begins).
class LinkProxy {
  constructor(targetPort, host = '127.0.0.1') {
    this.targetPort = targetPort;
    this.host = host;
    this.pairs = new Set();
    this.isCut = false;
    this.holdUp = false;
    this.holdDown = false;
    this.armed = null;
    this.stats = { connections: 0, refused: 0, cuts: 0, freezes: 0, fired: 0 };
    this.server = net.createServer((client) => this.accept(client));
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = this.server.address().port;
        resolve(this.port);
      });
    });
  }

  accept(client) {
    client.on('error', () => {});
    if (this.isCut) {
      this.stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.stats.connections += 1;
    const upstream = net.connect(this.targetPort, this.host);
    upstream.on('error', () => {});
    const pair = { client, upstream, up: [], down: [], waitingAnswer: null };
    const calls = new WsFrameReader((text) => this.sawCall(pair, text));
    const answers = new WsFrameReader((text) => this.sawAnswer(pair, text));
    this.pairs.add(pair);
    client.on('data', (d) => {
      // Looked at before it is forwarded: an armed hold must be in place before the CSMS answers.
      calls.push(d);
      if (this.holdUp) pair.up.push(d);
      else upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (this.holdDown) pair.down.push(d);
      else client.write(d);
      answers.push(d);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('close', close);
    upstream.on('close', close);
  }

  sawCall(pair, text) {
    if (!this.armed) return;
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (!Array.isArray(msg) || msg[0] !== 2) return;
    const { actions } = this.armed;
    if (typeof actions === 'function' ? !actions(msg[2], msg[3]) : !actions.includes(msg[2])) return;
    const { fn, onSeen } = this.armed;
    this.armed = null;
    this.holdDown = true;
    pair.waitingAnswer = { fn, id: msg[1], call: { action: msg[2], frame: text } };
    if (onSeen) onSeen(pair.waitingAnswer.call);
  }

  sawAnswer(pair, text) {
    const waiting = pair.waitingAnswer;
    if (!waiting || !text.includes(waiting.id)) return;
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (!Array.isArray(msg) || (msg[0] !== 3 && msg[0] !== 4) || msg[1] !== waiting.id) return;
    pair.waitingAnswer = null;
    this.stats.fired += 1;
    waiting.fn(waiting.call);
  }

  armOnCall(actions, fn, onSeen = null) { this.armed = { actions, fn, onSeen }; }

  disarm() {
    this.armed = null;
    for (const p of this.pairs) p.waitingAnswer = null;
  }

  cut() {
    this.stats.cuts += 1;
    this.isCut = true;
    this.disarm();
    this.holdUp = false;
    this.holdDown = false;
    for (const p of [...this.pairs]) {
      p.up = [];
      p.down = [];
      p.client.resetAndDestroy();
      p.upstream.resetAndDestroy();
      this.pairs.delete(p);
    }
  }

  restore() {
    this.isCut = false;
    this.thaw();
  }

  freeze() {
    this.stats.freezes += 1;
    this.holdUp = true;
    this.holdDown = true;
  }

  holdAnswers() { this.holdDown = true; }

  thaw() {
    this.holdUp = false;
    this.holdDown = false;
    for (const p of this.pairs) {
      p.waitingAnswer = null;
      for (const d of p.up.splice(0)) if (!p.upstream.destroyed) p.upstream.write(d);
      for (const d of p.down.splice(0)) if (!p.client.destroyed) p.client.write(d);
    }
  }

  close() {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function startProxy(targetPort, host) {
  const proxy = new LinkProxy(targetPort, host);
  await proxy.listen();
  return proxy;
}

// Rows of an SQLite database file, read with the sqlite3 command-line shell (a reader that is
// not our code): an array of objects, one per row.
function sqliteRows(file, sql) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-json', '-readonly', file, sql], { timeout: 20000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`sqlite3 ${file} "${sql}" failed: ${stderr || error.message}`));
      const text = stdout.trim();
      resolve(text ? JSON.parse(text) : []);
    });
  });
}

module.exports = {
  start, waitFor, waitForAsync, stop, kill, tempDir, binDir, writeChargePointConfig, cpctl, cpctlOk, tail,
  LinkProxy, startProxy, WsFrameReader, sqliteRows,
};
