// Fault injection: the charge point daemon (ocpp-chargepoint, simulated pile) and the reference
// CSMS (ocpp-csms-sim) as real processes, with a TCP proxy between them (support.js LinkProxy), in
// OCPP 1.6J or, with FAULT_OCPP=2.0.1, in OCPP 2.0.1. Charging sessions run on both connectors
// while, at points chosen by a seeded generator, the harness
//   - kills the charge point with SIGKILL (a power cut of the controller, DESIGN.md principle 6)
//     and starts it again on the same configuration, database and pile state file: at a random
//     moment; exactly when the CSMS has answered a transaction message and the charge point has not
//     seen the answer yet (the answer is held at the proxy); or again within 250 ms of a start;
//   - cuts the link (connections reset, new ones refused) for a moment or for a long outage over
//     several restarts, freezes it (nothing passes, no FIN), and, in a few cycles in which the
//     charge point lives on until it has reconnected by itself: freezes it longer than the
//     WebSocket pong deadline, holds the answer to a StatusNotification (the next calls queue
//     behind it) until the pong deadline drops the connection, or cuts it just after the CSMS
//     answered a transaction message (the answer is lost);
//   - restarts the CSMS (SIGKILL or SIGTERM; same database and port).
// At the end everything is restored, the outbox drains, and what the CSMS received (its HTTP API and
// its frame log) is compared with what the charge point recorded (its SQLite database, read with the
// sqlite3 shell): every transaction exactly once with the right energy, extra copies only as
// identical replays across a kill or a lost connection (never twice on one connection), meter
// values in order, nothing after a transaction's stop, and the register never going backwards
// (DESIGN.md "Principles" 3, 4 and 6, and the "Lessons": libocpp's lost transactionId patches and
// duplicate StopTransaction at boot, open-ocpp's dropped stops, no reconnect after a pong timeout).
// The faults, the sessions and these checks are shared; what differs by version is in PROTOCOLS:
// the configuration, which calls are transaction messages, and how the frames of a transaction are
// checked (1.6: StartTransaction, MeterValues and StopTransaction under the CSMS's transactionId;
// 2.0.1: TransactionEvent under the station's transactionId, seqNo 0..n without gaps, the offline
// flag, evse and idToken only where E01.FR.16 and C01 put them; ocpp201-scope.md sections 3 and 4).
//
// FAULT_SEED=N reproduces a run's schedule of faults (the seed is printed at the start and in every
// failure; the programs' own timing still varies); FAULT_KILLS=N sets how many times the charge point
// is killed at the end of a cycle (default 100; early kills come on top); FAULT_OCPP=1.6|2.0.1 picks
// the protocol (default 1.6); FAULT_KEEP=1 keeps the databases and logs of a run that passed (a
// failed run always keeps them and says where).
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { isDeepStrictEqual } = require('node:util');
const {
  start, waitFor, waitForAsync, stop, kill, tempDir, writeChargePointConfig, cpctl, startProxy, sqliteRows,
} = require('./support');

// --- the seed, and the generators drawn from it ---

function seedFromEnv() {
  const text = process.env.FAULT_SEED;
  if (text === undefined || text === '') return crypto.randomInt(0, 2 ** 32 - 1);
  if (!/^\d+$/.test(text) || Number(text) >= 2 ** 32) throw new Error(`FAULT_SEED must be an integer in 0..2^32-1, got "${text}"`);
  return Number(text);
}

function positiveFromEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return Number(text);
}

function versionFromEnv() {
  const text = process.env.FAULT_OCPP;
  if (text === undefined || text === '') return '1.6';
  if (text !== '1.6' && text !== '2.0.1') throw new Error(`FAULT_OCPP must be 1.6 or 2.0.1, got "${text}"`);
  return text;
}

const SEED = seedFromEnv();
const KILLS = positiveFromEnv('FAULT_KILLS', 100);
const OCPP = versionFromEnv();
const REPRODUCE = `FAULT_OCPP=${OCPP} FAULT_SEED=${SEED} FAULT_KILLS=${KILLS}`;
console.log(`fault_injection: ${REPRODUCE}`);

// mulberry32: small, fast, and the same sequence everywhere for a seed.
class Rng {
  constructor(seed) { this.a = seed >>> 0; }

  float() {
    this.a = (this.a + 0x6d2b79f5) | 0;
    let t = Math.imul(this.a ^ (this.a >>> 15), 1 | this.a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(lo, hi) { return lo + Math.floor(this.float() * (hi - lo + 1)); }  // lo..hi inclusive
  chance(p) { return this.float() < p; }
  pick(list) { return list[Math.floor(this.float() * list.length)]; }
}

// One stream per actor, so that the schedule of one does not depend on how far the others got.
const chaosRng = new Rng(SEED ^ 0x9e3779b9);
const sessionRng = { 1: new Rng(SEED ^ 0x85ebca6b), 2: new Rng(SEED ^ 0xc2b2ae35) };

// --- what differs by protocol version ---

// 1.6: the statuses that come with a transaction message right behind them (a start, a stop) or
// while meter values flow.
const BUSY_STATUSES = ['Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing'];

// 2.0.1 stoppedReason of the pile's stop reasons whose names differ (chargepoint/v201 conversions).
const V201_REASONS = { HardReset: 'ImmediateReset', SoftReset: 'ImmediateReset', UnlockCommand: 'Other' };

const PROTOCOLS = {
  '1.6': {
    ocppConfig: {
      MeterValueSampleInterval: '1',
      ConnectionTimeOut: '30',
      LocalPreAuthorize: 'true',
      AllowOfflineTxForUnknownId: 'true',
      // A frozen link is noticed within two intervals (the pong deadline), then reconnected.
      WebSocketPingInterval: '2',
    },
    // The transaction messages, by kind (the targets of kills and lost answers).
    txCall: {
      start: (action) => action === 'StartTransaction',
      stop: (action) => action === 'StopTransaction',
      meter: (action) => action === 'MeterValues',
    },
    transactionActions: ['StartTransaction', 'StopTransaction', 'MeterValues'],
    label: (action) => action,
    // A StatusNotification with transaction messages queued right behind it: its status, else null.
    busyStatus: (action, payload) => (action === 'StatusNotification' && BUSY_STATUSES.includes(payload.status)
      ? payload.status : null),
    checkCsmsRow: checkCsmsRow16,
    checkFrames: checkFrames16,
  },
  '2.0.1': {
    // The same behaviour as the 1.6 run, by the 2.0.1 names of the same settings.
    ocppConfig: {
      'SampledDataCtrlr.TxUpdatedInterval': '1',
      'TxCtrlr.EVConnectionTimeOut': '30',
      'AuthCtrlr.LocalPreAuthorize': 'true',
      'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'true',
      'OCPPCommCtrlr.WebSocketPingInterval': '2',
    },
    txCall: {
      start: (action, p) => action === 'TransactionEvent' && p.eventType === 'Started',
      stop: (action, p) => action === 'TransactionEvent' && p.eventType === 'Ended',
      meter: (action, p) => action === 'TransactionEvent' && p.triggerReason === 'MeterValuePeriodic',
    },
    transactionActions: ['TransactionEvent', 'MeterValues'],
    label: (action, p) => (action === 'TransactionEvent' ? `TransactionEvent ${p.eventType}` : action),
    // 2.0.1 has only Occupied while a session runs: it comes before the Started and with every
    // change of charging state (the TransactionEvent Updated right behind it).
    busyStatus: (action, p) => (action === 'StatusNotification' && p.connectorStatus === 'Occupied'
      ? p.connectorStatus : null),
    checkCsmsRow: checkCsmsRow201,
    checkFrames: checkFrames201,
  },
};
const V = PROTOCOLS[OCPP];

// The call predicate of a list of kinds (start, stop, meter), for LinkProxy.armOnCall.
function txCalls(kinds) {
  return (action, payload) => kinds.some((k) => V.txCall[k](action, payload));
}

// The label of a call that LinkProxy.armOnCall reports ({action, frame}), for the statistics.
function labelOf(call) {
  return V.label(call.action, JSON.parse(call.frame)[3]);
}

// --- the world: two programs, a proxy, and their logs ---

const CP_ID = 'FAULT-1';
const TAGS = { 1: 'FI-TAG-1', 2: 'FI-TAG-2' };
const auth = { Authorization: 'Basic ' + Buffer.from('operator:op-secret').toString('base64') };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const world = {
  dir: null,
  cfg: null,
  proxy: null,
  ports: { ocpp: 0, http: 0 },
  csms: null,
  csmsRuns: [],  // every CSMS process, in order: their logs hold every frame received
  cp: null,
  cpRuns: [],    // every charge point process, in order
  finishing: false,
};

const stats = {
  kills: { timed: 0, targeted: 0, early: 0, targetedByAction: {}, targetedMissed: 0 },
  cuts: 0,
  outages: 0,
  freezes: 0,
  answerLossCuts: 0,
  survived: {},
  ms: { life: 0, survive: 0, targeted: 0, restart: 0 },
  stalls: 0,
  stalledAfter: {},
  recoveries: 0,
  recoveriesTimedOut: 0,
  csmsRestarts: { kill: 0, term: 0 },
  sessions: { begun: 0, charged: 0, refused: 0, refusedWhy: {}, interrupted: 0, stoppedBy: {} },
};

function failureContext() {
  const kept = world.dir ? `; logs kept in ${world.dir}` : '';
  return `\n(reproduce with ${REPRODUCE}${kept})`;
}

async function startCsms() {
  const p = start('ocpp-csms-sim', ['--ocpp-listen', `127.0.0.1:${world.ports.ocpp}`,
    '--http-listen', `127.0.0.1:${world.ports.http}`, '--database', path.join(world.dir, 'csms.db'),
    '--user', 'operator:op-secret', '--heartbeat-interval', '30']);
  world.csmsRuns.push(p);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(p.out) || p.exitCode !== null, 'the CSMS to listen', 15000);
  if (p.exitCode !== null) throw new Error(`the CSMS did not start: ${p.err}`);
  const [, ocpp, http] = p.out.match(/listening ocpp=(\d+) http=(\d+)/);
  world.ports = { ocpp: Number(ocpp), http: Number(http) };
  world.csms = p;
  return p;
}

async function api(route) {
  const res = await fetch(`http://127.0.0.1:${world.ports.http}/api${route}`, { headers: auth });
  return { status: res.status, body: await res.json() };
}

// Charge point processes that ended without being told to (a crash is a finding, not a fault we made).
const unexpectedExits = [];

function startChargePoint() {
  const p = start('ocpp-chargepoint', ['--config', world.cfg.file]);
  p.on('exit', (code, signal) => {
    if (!p.endedByUs) unexpectedExits.push(`charge point run ${world.cpRuns.indexOf(p) + 1} exited by itself (code ${code}, signal ${signal})`);
  });
  world.cpRuns.push(p);
  world.cp = p;
  return p;
}

const cp = (...args) => cpctl(world.cfg.socket, ...args);

// A command that must succeed; throws (and the session loop starts over) when it does not, which
// is what happens while the charge point is down.
async function cpOk(...args) {
  const r = await cp(...args);
  if (r.code !== 0 || !r.json || r.json.ok !== true) {
    const e = new Error(`ocpp-cpctl ${args.join(' ')}: ${r.stdout.trim()}${r.stderr.trim()}`);
    // Refused by the charge point, not "cannot connect" from ocpp-cpctl while it is down.
    e.refused = r.json && r.json.ok === false && !/cannot connect|connection|socket/i.test(r.json.reason || '');
    throw e;
  }
  return r.json;
}

const connectorOf = (status, id) => status.connectors.find((c) => c.id === id);

// Waits until the control socket of the charge point process `p` answers.
async function controlSocketUp(p) {
  await waitForAsync(async () => {
    if (p.exitCode !== null || p.signalCode !== null) throw new Error(`the charge point exited at start: ${p.err.slice(-3000)}`);
    const r = await cp('status');
    return r.code === 0 && r.json && r.json.ok !== false;
  }, 'the charge point\'s control socket', 20000);
}

// --- the sessions: one loop per connector, as a driver would, for as long as the run lasts ---

async function session(id, rng) {
  const tag = TAGS[id];
  const status = await cpOk('status');
  const c = connectorOf(status, id);
  // Whatever an earlier session (or the kill that ended it) left behind is tidied up first; the
  // pile keeps its cable and EV state across restarts.
  if (c.transaction) await cpOk('stop', id);
  if (c.cable_plugged) await cpOk('unplug', id);
  stats.sessions.begun += 1;
  const plugFirst = rng.chance(0.6);
  if (plugFirst) await cpOk('plug', id);
  await sleep(rng.int(0, 300));
  try {
    await cpOk('present-id', id, tag);
  } catch (e) {
    if (!e.refused) throw e;
    stats.sessions.refused += 1;
    const why = e.message.replace(/^[^{]*/, '').slice(0, 120);
    stats.sessions.refusedWhy[why] = (stats.sessions.refusedWhy[why] || 0) + 1;
    await cp('unplug', id);
    return;
  }
  if (!plugFirst) await cpOk('plug', id);
  const charges = rng.chance(0.9);
  if (charges) await cpOk('ev', id, 'charge');
  const chargeMs = rng.int(400, 4000);
  const began = Date.now();
  // Sometimes the EV pauses and resumes during the session.
  if (charges && rng.chance(0.25)) {
    await sleep(rng.int(100, chargeMs / 2));
    await cpOk('ev', id, 'suspend');
    await sleep(rng.int(100, 600));
    await cpOk('ev', id, 'charge');
  }
  await sleep(Math.max(0, chargeMs - (Date.now() - began)));
  const now = connectorOf(await cpOk('status'), id);
  if (!now.transaction) {
    stats.sessions.interrupted += 1;  // a kill ended it (PowerLoss at the next start)
    if (now.cable_plugged) await cpOk('unplug', id);
    return;
  }
  stats.sessions.charged += 1;
  const how = rng.pick(['stop', 'stop', 'unplug', 'present-id', 'suspend-stop']);
  stats.sessions.stoppedBy[how] = (stats.sessions.stoppedBy[how] || 0) + 1;
  switch (how) {
    case 'stop': await cpOk('stop', id); break;
    case 'unplug': await cpOk('unplug', id); break;  // StopTransactionOnEVSideDisconnect
    case 'present-id': await cpOk('present-id', id, tag); break;  // the same card stops it
    case 'suspend-stop':
      await cpOk('ev', id, 'suspend');
      await sleep(rng.int(50, 500));
      await cpOk('stop', id);
      break;
    default: break;
  }
  await sleep(rng.int(0, 400));
  if (how !== 'unplug') await cpOk('unplug', id);
  await sleep(rng.int(50, 500));
}

async function sessionLoop(id) {
  const rng = sessionRng[id];
  while (!world.finishing) {
    try {
      await session(id, rng);
    } catch {
      // The charge point went down in the middle (or refused a step because of it): start over
      // once it answers again.
      await sleep(rng.int(100, 300));
    }
  }
}

// --- the faults ---

// Faults of the link and of the CSMS run on their own schedule, overlapping the kills; at most one
// of each kind at a time.
const active = { cut: null, freeze: null, csms: null };

function launch(kind, fn) {
  if (active[kind]) return;
  active[kind] = fn().finally(() => { active[kind] = null; });
}

// The spans in which the charge point cannot have been connected to a CSMS (a cut link, a CSMS that
// is down): what happens then happens offline, and 2.0.1 says so in each event.
const unreachable = [];

async function unreachableWhile(fn) {
  const span = { from: Date.now(), to: null };
  unreachable.push(span);
  try {
    await fn();
  } finally {
    span.to = Date.now();
  }
}

async function cutLink(delay, downMs) {
  await sleep(delay);
  stats.cuts += 1;
  await unreachableWhile(async () => {
    world.proxy.cut();
    await sleep(downMs);
  });
  world.proxy.restore();
}

async function freezeLink(delay, frozenMs) {
  await sleep(delay);
  stats.freezes += 1;
  world.proxy.freeze();
  await sleep(frozenMs);
  world.proxy.thaw();
}

async function restartCsms(delay, how, downMs) {
  await sleep(delay);
  stats.csmsRestarts[how] += 1;
  if (how === 'kill') {
    await kill(world.csms);
  } else {
    const code = await stop(world.csms);
    if (code !== 0) unexpectedExits.push(`CSMS run ${world.csmsRuns.length} exited with ${code} on SIGTERM`);
  }
  // From the moment it is gone until the new one listens (a SIGTERM may take its time).
  await unreachableWhile(async () => {
    await sleep(downMs);
    await startCsms();
  });
}

// The CSMS answers a transaction message and the link breaks before the answer arrives: the charge
// point, alive, must send the same message again once it is back.
function loseAnswer(calls) {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      world.proxy.disarm();
      world.proxy.thaw();
      resolve(false);
    }, 3000);
    world.proxy.armOnCall(calls, () => {
      clearTimeout(deadline);
      stats.answerLossCuts += 1;
      world.proxy.cut();
      setTimeout(() => world.proxy.restore(), 300);
      resolve(true);
    });
  });
}

// The CSMS's answer to a StatusNotification with transaction messages right behind it
// (V.busyStatus) is held, and so is everything after it (pongs too): the charge point queues its
// next calls behind the unanswered one until its pong deadline drops the connection. Whatever was
// queued must then be sent once, not once per connection.
function stallAfterStatus(ms) {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      world.proxy.disarm();
      resolve(false);
    }, 5000);
    const busy = (action, payload) => V.busyStatus(action, payload) !== null;
    world.proxy.armOnCall(busy, () => {}, (call) => {
      clearTimeout(deadline);
      stats.stalls += 1;
      const status = V.busyStatus(call.action, JSON.parse(call.frame)[3]);
      stats.stalledAfter[status] = (stats.stalledAfter[status] || 0) + 1;
      setTimeout(() => {
        world.proxy.thaw();
        resolve(true);
      }, ms);
    });
  });
}

async function killChargePoint() {
  world.cp.endedByUs = true;
  await kill(world.cp);
}

// Kills the charge point when the CSMS has answered one of `calls` (a predicate) and the answer is
// held at the proxy, or at the deadline if no such call comes.
function killOnAnswer(calls, deadlineMs) {
  return new Promise((resolve) => {
    const victim = world.cp;
    const deadline = setTimeout(() => {
      world.proxy.disarm();
      stats.kills.targetedMissed += 1;
      resolve(null);
    }, deadlineMs);
    world.proxy.armOnCall(calls, (call) => {
      clearTimeout(deadline);
      victim.endedByUs = true;
      victim.kill('SIGKILL');  // now, before anything else runs
      resolve(labelOf(call));
    });
  });
}

// Waits until the charge point is connected again and has delivered its outbox (after a link fault
// it reconnects only after its reconnect backoff, RetryBackOffWaitMinimum and RandomRange).
async function recovered(ms) {
  try {
    await waitForAsync(async () => {
      const r = await cp('status');
      return r.code === 0 && r.json.connected && r.json.registration === 'Accepted' && r.json.outbox === 0;
    }, 'the charge point to reconnect and drain', ms);
    stats.recoveries += 1;
  } catch {
    stats.recoveriesTimedOut += 1;
  }
}

// The cycles in which the charge point lives through a fault and reconnects by itself: a fixed
// share of the kills (each costs the reconnect backoff, 5 to 15 s), every kind of fault at least
// once, placed at seeded random cycles.
const SURVIVE_KINDS = ['stall', 'lost-answer', 'freeze', 'cut', 'csms', 'stall', 'lost-answer', 'freeze'];
const surviveAt = new Map();
{
  const count = Math.min(KILLS, Math.max(SURVIVE_KINDS.length, Math.round(KILLS * 0.08)));
  const cycles = Array.from({ length: KILLS }, (_, i) => i + 1);
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(chaosRng.float() * (cycles.length - i));
    [cycles[i], cycles[j]] = [cycles[j], cycles[i]];
    surviveAt.set(cycles[i], SURVIVE_KINDS[i % SURVIVE_KINDS.length]);
  }
}

async function chaosCycle(n) {
  const rng = chaosRng;
  // How long this charge point process lives: mostly short, sometimes long enough for sessions to
  // end on their own.
  const life = rng.chance(0.75) ? rng.int(250, 1500) : rng.int(1500, 4000);
  // Link and CSMS faults in the background, overlapping the kills.
  if (rng.chance(0.12)) launch('cut', () => cutLink(rng.int(0, life), rng.int(200, 2500)));
  // A long outage: several kills and restarts, and whole sessions, while the CSMS is unreachable.
  if (rng.chance(0.025)) launch('cut', () => { stats.outages += 1; return cutLink(rng.int(0, life), rng.int(8000, 20000)); });
  if (rng.chance(0.1)) launch('freeze', () => freezeLink(rng.int(0, life), rng.int(300, 5000)));
  if (rng.chance(0.05)) launch('csms', () => restartCsms(rng.int(0, life), rng.pick(['kill', 'term']), rng.int(0, 1500)));
  const style = rng.float();
  const targets = txCalls(rng.pick([['start'], ['stop'], ['start', 'stop'], ['meter'], ['start', 'stop', 'meter']]));
  let t0 = Date.now();
  await sleep(life);
  stats.ms.life += Date.now() - t0;
  t0 = Date.now();
  if (surviveAt.has(n)) {
    // A fault the charge point lives through: it must reconnect by itself and deliver everything
    // (again, where an answer was lost) before it is killed like the others.
    const fault = surviveAt.get(n);
    stats.survived[fault] = (stats.survived[fault] || 0) + 1;
    await Promise.all(Object.values(active).filter(Boolean));  // the background faults are over
    if (fault === 'lost-answer') {
      await loseAnswer(targets);
    } else if (fault === 'stall') {
      await stallAfterStatus(rng.int(4200, 5500));
    } else if (fault === 'freeze') {
      // Longer than the ping interval and the pong deadline: the charge point must drop the
      // connection itself and reconnect (libocpp does not reconnect after a pong timeout).
      await freezeLink(0, rng.int(4200, 6000));
    } else if (fault === 'cut') {
      await cutLink(0, rng.int(200, 2000));
    } else {
      await restartCsms(0, rng.pick(['kill', 'term']), rng.int(0, 1000));
    }
    await recovered(20000);
    await sleep(rng.int(0, 1000));
    stats.kills.timed += 1;
    await killChargePoint();
    stats.ms.survive += Date.now() - t0;
  } else if (style < 0.35) {
    const action = await killOnAnswer(targets, 2000);
    if (action) {
      stats.kills.targeted += 1;
      stats.kills.targetedByAction[action] = (stats.kills.targetedByAction[action] || 0) + 1;
    } else {
      stats.kills.timed += 1;
    }
    await killChargePoint();
    world.proxy.thaw();  // what was held for the dead process goes nowhere
    stats.ms.targeted += Date.now() - t0;
  } else {
    stats.kills.timed += 1;
    await killChargePoint();
  }
  await sleep(rng.int(0, 400));
  t0 = Date.now();
  if (rng.chance(0.1)) {
    // Killed again while starting: opening and checking the database, closing what the last
    // kill left open, restoring the pile, booting.
    startChargePoint();
    await sleep(rng.int(0, 250));
    stats.kills.early += 1;
    await killChargePoint();
  }
  const p = startChargePoint();
  await controlSocketUp(p);
  stats.ms.restart += Date.now() - t0;
  if (n % 10 === 0 || n === KILLS) {
    console.log(`fault_injection: ${n}/${KILLS} kills, ${stats.cuts} cuts, ${stats.freezes} freezes, ` +
      `${stats.answerLossCuts} lost answers, ${stats.csmsRestarts.kill + stats.csmsRestarts.term} CSMS restarts, ` +
      `${stats.sessions.begun} sessions begun`);
  }
}

// --- what the CSMS received, from its frame log ---

// Every frame each CSMS process logged, in order, with the connection it came on.
function framesReceived() {
  const calls = [];
  const answers = new Map();  // message id -> the CSMS's CALLRESULT payload
  let connection = 0;
  world.csmsRuns.forEach((p, run) => {
    for (const line of p.err.split('\n')) {
      if (line.includes(`csms: ${CP_ID} connected`)) {
        connection += 1;
        continue;
      }
      const m = line.match(/^(\S+) INFO\s+(\S+): (<-|->) (\[.*)$/);
      if (!m || m[2] !== CP_ID) continue;
      let frame;
      try {
        frame = JSON.parse(m[4]);
      } catch {
        continue;  // a line cut by a kill
      }
      if (m[3] === '<-' && frame[0] === 2) {
        calls.push({ run, connection, id: frame[1], action: frame[2], payload: frame[3], at: m[1] });
      } else if (m[3] === '->' && frame[0] === 3) {
        answers.set(frame[1], frame[2]);
      }
    }
  });
  for (const c of calls) c.answer = answers.get(c.id);
  return calls;
}

function energyOf(meterValue) {
  for (const sv of meterValue.sampledValue) {
    if (!sv.measurand || sv.measurand === 'Energy.Active.Import.Register') return Number(sv.value);
  }
  return undefined;
}

const short = (payload) => JSON.stringify(payload).slice(0, 200);

// --- the checks shared by both versions ---

// The pile's record, the CSMS's record (HTTP API), the register, and no copy of a transaction
// message on a connection that already carried its answer; the frames of each transaction are the
// version's part (V.checkFrames).
function analyse({ cpTransactions, csmsTransactions, calls }) {
  const problems = [];
  const ctx = {
    problem: (text) => { if (problems.length < 60) problems.push(text); },
    report: {},
    byCsmsId: new Map(),  // the CSMS's transactionId -> the pile's transaction
    csmsRows: new Map(),  // the CSMS's transactionId -> its row in the HTTP API
    csmsTransactions,
  };
  checkPileRecord(ctx, cpTransactions);
  checkCsmsRecord(ctx, cpTransactions);
  checkRegister(ctx, cpTransactions);
  V.checkFrames(ctx, cpTransactions, calls);
  checkSameConnection(ctx, calls);
  const { report } = ctx;
  report.transactions = cpTransactions.length;
  report.powerLossStops = cpTransactions.filter((t) => t.stop_reason === 'PowerLoss').length;
  report.stopReasons = {};
  for (const t of cpTransactions) report.stopReasons[t.stop_reason] = (report.stopReasons[t.stop_reason] || 0) + 1;
  return { problems, report };
}

// The charge point's record: every transaction stopped and known to the CSMS by an id.
function checkPileRecord({ problem, byCsmsId }, cpTransactions) {
  for (const t of cpTransactions) {
    if (t.csms_transaction_id === null) problem(`charge point transaction ${t.pk} never got a CSMS transactionId`);
    if (t.stop_reason === null || t.meter_stop_wh === null) problem(`charge point transaction ${t.pk} is still open`);
    if (t.csms_transaction_id !== null) {
      if (byCsmsId.has(t.csms_transaction_id)) {
        problem(`charge point transactions ${byCsmsId.get(t.csms_transaction_id).pk} and ${t.pk} share CSMS transactionId ${t.csms_transaction_id}`);
      }
      byCsmsId.set(t.csms_transaction_id, t);
    }
  }
}

// The CSMS's record (HTTP API): exactly one row per charge point transaction, no other, started
// and stopped at least once (more: replays), with the pile's values (V.checkCsmsRow).
function checkCsmsRecord(ctx, cpTransactions) {
  const { problem, byCsmsId, csmsRows, report } = ctx;
  for (const r of ctx.csmsTransactions) {
    if (csmsRows.has(r.transaction_id)) problem(`the CSMS lists transaction ${r.transaction_id} twice`);
    csmsRows.set(r.transaction_id, r);
    if (!byCsmsId.has(r.transaction_id)) problem(`the CSMS has transaction ${r.transaction_id} that the charge point does not know: ${JSON.stringify(r)}`);
  }
  let startReplays = 0;
  let stopReplays = 0;
  for (const t of cpTransactions) {
    if (t.csms_transaction_id === null) continue;
    const r = csmsRows.get(t.csms_transaction_id);
    const who = `transaction ${t.pk} (CSMS ${t.csms_transaction_id})`;
    if (!r) {
      problem(`${who} never reached the CSMS`);
      continue;
    }
    if (r.start_count < 1) problem(`${who}: start_count ${r.start_count}`);
    if (r.stop_count < 1) problem(`${who}: stop_count ${r.stop_count}`);
    startReplays += Math.max(0, r.start_count - 1);
    stopReplays += Math.max(0, r.stop_count - 1);
    if (r.id_tag !== t.id_tag) problem(`${who}: idTag ${r.id_tag} at the CSMS, ${t.id_tag} at the charge point`);
    V.checkCsmsRow(ctx, t, r, who);
  }
  report.startReplaysCounted = startReplays;
  report.stopReplaysCounted = stopReplays;
}

// The register never goes backwards, on the charge point and at the CSMS.
function checkRegister({ problem, csmsRows }, cpTransactions) {
  for (const id of [1, 2]) {
    const txs = cpTransactions.filter((t) => t.connector_id === id && t.meter_stop_wh !== null);
    let last = null;
    for (const t of txs) {
      if (t.meter_stop_wh < t.meter_start_wh) problem(`transaction ${t.pk}: stop ${t.meter_stop_wh} Wh below start ${t.meter_start_wh} Wh`);
      if (last && t.meter_start_wh < last.meter_stop_wh - 1e-6) {
        problem(`connector ${id}: transaction ${t.pk} starts at ${t.meter_start_wh} Wh, below the stop of transaction ${last.pk} (${last.meter_stop_wh} Wh): the register went backwards`);
      }
      const r = csmsRows.get(t.csms_transaction_id);
      const lr = last && csmsRows.get(last.csms_transaction_id);
      if (r && lr && r.meter_stop_wh < lr.meter_stop_wh) {
        problem(`connector ${id}: meterStop ${r.meter_stop_wh} of CSMS transaction ${r.transaction_id} below ${lr.meter_stop_wh} of ${lr.transaction_id}`);
      }
      last = t;
    }
  }
}

// A copy on the connection that already carried the answer to the first one is not a replay
// across a kill or a lost link: the charge point sent the same message twice.
function checkSameConnection({ problem, report }, calls) {
  const seenOnConnection = new Map();
  let sameConnectionDuplicates = 0;
  for (const c of calls) {
    if (!V.transactionActions.includes(c.action)) continue;
    const key = `${c.connection}|${c.action}|${JSON.stringify(c.payload)}`;
    const first = seenOnConnection.get(key);
    if (first && first.answer !== undefined) {
      sameConnectionDuplicates += 1;
      problem(`${c.action} sent again on the connection on which the CSMS had already answered it (run ${c.run}, connection ${c.connection}): ${short(c.payload)}`);
    }
    if (!first) seenOnConnection.set(key, c);
  }
  report.sameConnectionDuplicates = sameConnectionDuplicates;
}

// --- the checks of OCPP 1.6 ---

function checkCsmsRow16({ problem }, t, r, who) {
  if (r.connector_id !== t.connector_id) problem(`${who}: connector ${r.connector_id} at the CSMS, ${t.connector_id} at the charge point`);
  if (t.meter_stop_wh === null) return;
  const start = Math.round(t.meter_start_wh);
  const stopWh = Math.round(t.meter_stop_wh);
  if (r.meter_start_wh !== start || r.meter_stop_wh !== stopWh) {
    problem(`${who}: the CSMS has ${r.meter_start_wh}..${r.meter_stop_wh} Wh (${r.meter_stop_wh - r.meter_start_wh} Wh), ` +
      `the charge point ${t.meter_start_wh}..${t.meter_stop_wh} Wh (${stopWh - start} Wh)`);
  }
  if (r.stop_reason !== t.stop_reason) problem(`${who}: stop reason ${r.stop_reason} at the CSMS, ${t.stop_reason} at the charge point`);
}

// Every transaction message received, as logged by the CSMS: each copy equal to what the charge
// point recorded; extra copies only as identical replays; meter values in order, under an id the
// CSMS assigned, within their transaction and before its stop.
function checkFrames16(ctx, cpTransactions, calls) {
  const { problem, report, byCsmsId } = ctx;
  const assigned = new Set(ctx.csmsTransactions.filter((r) => r.start_count > 0).map((r) => r.transaction_id));
  for (const c of calls) {
    if (c.action === 'StartTransaction' && c.answer && c.answer.transactionId !== undefined) assigned.add(String(c.answer.transactionId));
  }
  const expectedStart = (t) => ({ connectorId: t.connector_id, idTag: t.id_tag, meterStart: Math.round(t.meter_start_wh), timestamp: t.started_at });
  const expectedStop = (t) => {
    const s = { meterStop: Math.round(t.meter_stop_wh), timestamp: t.stopped_at, transactionId: Number(t.csms_transaction_id), reason: t.stop_reason };
    if (t.stop_id_tag !== null) s.idTag = t.stop_id_tag;
    return s;
  };
  const copies = { StartTransaction: new Map(), StopTransaction: new Map(), MeterValues: new Map() };
  let replayDiffers = 0;
  const firstCopy = new Map();
  const noteCopy = (action, key) => {
    const m = copies[action];
    m.set(key, (m.get(key) || 0) + 1);
  };
  for (const c of calls) {
    if (c.action === 'StartTransaction') {
      const t = cpTransactions.find((x) => isDeepStrictEqual(expectedStart(x), c.payload));
      if (!t) {
        problem(`StartTransaction that matches no charge point transaction (a start it does not know, or a replay that differs): ${JSON.stringify(c.payload)}`);
        continue;
      }
      noteCopy(c.action, t.pk);
      if (c.answer && String(c.answer.transactionId) !== t.csms_transaction_id) {
        problem(`StartTransaction of transaction ${t.pk} answered with transactionId ${c.answer.transactionId}, the charge point stored ${t.csms_transaction_id}`);
      }
    } else if (c.action === 'StopTransaction') {
      const id = String(c.payload.transactionId);
      if (!assigned.has(id)) problem(`StopTransaction with transactionId ${id}, which the CSMS never assigned: ${JSON.stringify(c.payload)}`);
      const key = `stop:${id}`;
      if (firstCopy.has(key) && !isDeepStrictEqual(firstCopy.get(key), c.payload)) {
        replayDiffers += 1;
        problem(`a replayed StopTransaction differs from the original: ${JSON.stringify(firstCopy.get(key))} then ${JSON.stringify(c.payload)}`);
      }
      if (!firstCopy.has(key)) firstCopy.set(key, c.payload);
      noteCopy(c.action, id);
      const t = byCsmsId.get(id);
      if (t && t.meter_stop_wh !== null && !isDeepStrictEqual(expectedStop(t), c.payload)) {
        problem(`StopTransaction ${JSON.stringify(c.payload)} differs from the charge point's record ${JSON.stringify(expectedStop(t))}`);
      }
    } else if (c.action === 'MeterValues') {
      noteCopy(c.action, JSON.stringify(c.payload));
    }
  }
  const extra = (m) => [...m.values()].reduce((n, k) => n + k - 1, 0);
  report.replays = {
    StartTransaction: extra(copies.StartTransaction),
    StopTransaction: extra(copies.StopTransaction),
    MeterValues: extra(copies.MeterValues),
  };
  report.replayDiffers = replayDiffers;
  for (const t of cpTransactions) {
    if (!copies.StartTransaction.has(t.pk)) problem(`no StartTransaction of transaction ${t.pk} in the CSMS's log`);
    if (t.csms_transaction_id !== null && !copies.StopTransaction.has(t.csms_transaction_id)) {
      problem(`no StopTransaction of transaction ${t.pk} (CSMS ${t.csms_transaction_id}) in the CSMS's log`);
    }
  }
  checkMeterValues16(ctx, calls, assigned);
}

// Meter values: under an id the CSMS assigned, of the right connector, within the transaction,
// timestamps and register non-decreasing.
function checkMeterValues16({ problem, report, byCsmsId }, calls, assigned) {
  const lastSample = new Map();
  const stopSeen = new Set();
  let meterValues = 0;
  for (const c of calls) {
    if (c.action === 'StopTransaction') stopSeen.add(String(c.payload.transactionId));
    if (c.action !== 'MeterValues') continue;
    meterValues += 1;
    const p = c.payload;
    if (p.transactionId === undefined) {
      problem(`MeterValues without a transactionId (every sample here is of a transaction): ${JSON.stringify(p)}`);
      continue;
    }
    const id = String(p.transactionId);
    if (!assigned.has(id)) problem(`MeterValues with transactionId ${id}, which the CSMS never assigned`);
    // 1.6 §3.7: transaction messages in the order they happened; the stop is the last of them.
    if (stopSeen.has(id)) problem(`MeterValues of transaction ${id} after its StopTransaction: ${short(p)}`);
    const t = byCsmsId.get(id);
    if (!t) continue;
    if (p.connectorId !== t.connector_id) problem(`MeterValues of transaction ${id} on connector ${p.connectorId}, the transaction is on ${t.connector_id}`);
    for (const mv of p.meterValue) {
      const at = Date.parse(mv.timestamp);
      const wh = energyOf(mv);
      if (at < Date.parse(t.started_at) || (t.stopped_at && at > Date.parse(t.stopped_at))) {
        problem(`MeterValues of transaction ${id} at ${mv.timestamp}, outside ${t.started_at}..${t.stopped_at}`);
      }
      if (wh !== undefined && (wh < t.meter_start_wh - 0.01 || (t.meter_stop_wh !== null && wh > t.meter_stop_wh + 0.01))) {
        problem(`MeterValues of transaction ${id}: ${wh} Wh outside the transaction's ${t.meter_start_wh}..${t.meter_stop_wh} Wh`);
      }
      const prev = lastSample.get(id);
      if (prev && (at < prev.at || (wh !== undefined && prev.wh !== undefined && wh < prev.wh))) {
        problem(`MeterValues of transaction ${id} out of order: ${prev.timestamp} ${prev.wh} Wh, then ${mv.timestamp} ${wh} Wh`);
      }
      lastSample.set(id, { at, wh, timestamp: mv.timestamp });
    }
  }
  report.meterValuesFrames = meterValues;
}

// --- the checks of OCPP 2.0.1 ---

const stoppedReason201 = (reason) => V201_REASONS[reason] || reason;

// An event stamped this long after a span without a CSMS began was surely recorded offline (the
// pile sees a reset link at once; this leaves room for the timestamps' milliseconds).
const OFFLINE_MARGIN_MS = 1000;

function checkCsmsRow201({ problem }, t, r, who) {
  // The CSMS knows a 2.0.1 transaction by its EVSE; each EVSE of this pile has one connector.
  if (r.evse_id !== t.connector_id || r.connector_id !== 1) {
    problem(`${who}: EVSE ${r.evse_id} connector ${r.connector_id} at the CSMS, EVSE ${t.connector_id} connector 1 at the charge point`);
  }
  if (t.meter_stop_wh === null) return;
  // 2.0.1 carries the register as a decimal; the reference CSMS keeps whole Wh. The exact values
  // are checked on the frames (checkEnergy201).
  const off = (csms, pile) => typeof csms !== 'number' || Math.abs(csms - pile) >= 1;
  if (off(r.meter_start_wh, t.meter_start_wh) || off(r.meter_stop_wh, t.meter_stop_wh)) {
    problem(`${who}: the CSMS has ${r.meter_start_wh}..${r.meter_stop_wh} Wh, the charge point ${t.meter_start_wh}..${t.meter_stop_wh} Wh`);
  }
  const reason = stoppedReason201(t.stop_reason);
  if (r.stop_reason !== reason) problem(`${who}: stoppedReason ${r.stop_reason} at the CSMS, ${reason} (${t.stop_reason}) at the charge point`);
}

// Every TransactionEvent the CSMS logged, grouped by the station's transactionId (P0 §2.8.2: the
// station names its transactions), each group checked in arrival order.
function checkFrames201(ctx, cpTransactions, calls) {
  const { problem, report, byCsmsId } = ctx;
  const byTx = new Map();
  for (const c of calls) {
    // J01 MeterValues carry no transaction: a sample of one sent that way has lost it.
    if (c.action === 'MeterValues') problem(`MeterValues outside a transaction (every sample here is of a transaction): ${short(c.payload)}`);
    if (c.action !== 'TransactionEvent') continue;
    const id = c.payload.transactionInfo.transactionId;
    if (!byTx.has(id)) byTx.set(id, []);
    byTx.get(id).push(c.payload);
  }
  const replays = { Started: 0, Updated: 0, Ended: 0, differ: 0 };
  report.offline = { marked: 0, whileUnreachable: 0 };  // of the first copies
  let events = 0;
  for (const [id, list] of byTx) {
    events += list.length;
    const t = byCsmsId.get(id);
    if (t) checkTransactionEvents(ctx, t, list, replays);
    else problem(`TransactionEvent of transaction ${id}, which the charge point does not know: ${short(list[0])}`);
  }
  for (const t of cpTransactions) {
    if (t.csms_transaction_id !== t.station_transaction_id) {
      problem(`transaction ${t.pk}: the CSMS knows it as ${t.csms_transaction_id}, the station named it ${t.station_transaction_id}`);
    }
    if (!byTx.has(t.csms_transaction_id)) problem(`no TransactionEvent of transaction ${t.pk} (${t.csms_transaction_id}) in the CSMS's log`);
  }
  report.replays = replays;
  report.transactionEvents = events;
}

// One transaction's events in arrival order. The outbox sends in order, so each seqNo first
// arrives in turn (0, 1, 2, ...: E01.FR.07 and TC_E_53's per-transaction numbering, without gaps);
// any further copy of a seqNo is identical to the first (a resend across a kill or a lost
// connection); nothing but a copy of the Ended comes after the Ended.
function checkTransactionEvents(ctx, t, list, replays) {
  const { problem } = ctx;
  const who = `transaction ${t.pk} (${t.csms_transaction_id})`;
  const first = new Map();  // seqNo -> its first copy
  const order = { next: 0, ended: null, lastAt: -Infinity, lastSample: null };
  for (const p of list) {
    const copyOf = first.get(p.seqNo);
    if (copyOf) {
      if (isDeepStrictEqual(copyOf, p)) {
        replays[p.eventType] += 1;
      } else {
        replays.differ += 1;
        problem(`${who}: seqNo ${p.seqNo} again with other content: ${short(copyOf)} then ${short(p)}`);
      }
      if (order.ended && p.seqNo !== order.ended.seqNo) problem(`${who}: seqNo ${p.seqNo} (${p.eventType}) sent again after the Ended`);
      continue;
    }
    if (order.ended) problem(`${who}: seqNo ${p.seqNo} (${p.eventType}) after the Ended (seqNo ${order.ended.seqNo})`);
    if (p.seqNo !== order.next) problem(`${who}: seqNo ${p.seqNo} arrived when ${order.next} was due (${p.seqNo > order.next ? 'a gap' : 'out of order'})`);
    order.next = Math.max(order.next, p.seqNo + 1);
    first.set(p.seqNo, p);
    if (p.eventType === 'Ended') order.ended = p;
    checkEventFields(ctx, who, t, p);
    checkEventTime(ctx, who, t, p, order);
    checkEventSamples(ctx, who, t, p, order);
  }
  checkNumbering(ctx, who, t, first);
  checkEnergy201(ctx, who, t, first.get(0), order.ended);
}

// What an event carries by its place in the transaction: Started first and Ended last of the
// pile's numbering; evse in the first event only (E01.FR.16); the idToken in Started, and in Ended
// only when an id ended the transaction (C01, E06; ocpp201-scope.md section 4 #1); stoppedReason
// in Ended only.
function checkEventFields({ problem }, who, t, p) {
  const last = t.next_seq_no - 1;
  const type = p.seqNo === 0 ? 'Started' : (p.seqNo === last ? 'Ended' : 'Updated');
  const where = `${who} seqNo ${p.seqNo} (${p.eventType})`;
  if (p.eventType !== type) problem(`${where}: a ${type} was due (the pile numbered its events 0..${last})`);
  const evse = p.eventType === 'Started' ? { id: t.connector_id, connectorId: 1 } : undefined;
  if (!isDeepStrictEqual(p.evse, evse)) problem(`${where}: evse ${JSON.stringify(p.evse)}, expected ${JSON.stringify(evse)}`);
  // The harness stops by id only with the card that started the session.
  let token;
  if (p.eventType === 'Started') token = { idToken: t.id_tag, type: t.id_token_type };
  if (p.eventType === 'Ended' && t.stop_id_tag !== null) token = { idToken: t.stop_id_tag, type: t.id_token_type };
  if (!isDeepStrictEqual(p.idToken, token)) problem(`${where}: idToken ${JSON.stringify(p.idToken)}, expected ${JSON.stringify(token)}`);
  const reason = p.eventType === 'Ended' ? stoppedReason201(t.stop_reason) : undefined;
  if (p.transactionInfo.stoppedReason !== reason) problem(`${where}: stoppedReason ${p.transactionInfo.stoppedReason}, expected ${reason}`);
}

// Started at the pile's start and Ended at its stop, non-decreasing in between; an event of a span
// in which no CSMS was reachable says offline (ocpp201-scope.md section 4 #2: offline events
// applied as live).
function checkEventTime({ problem, report }, who, t, p, order) {
  const at = Date.parse(p.timestamp);
  const where = `${who} seqNo ${p.seqNo} (${p.eventType}) at ${p.timestamp}`;
  if (p.eventType === 'Started' && at !== Date.parse(t.started_at)) problem(`${where}: the pile started the transaction at ${t.started_at}`);
  if (p.eventType === 'Ended' && at !== Date.parse(t.stopped_at)) problem(`${where}: the pile stopped the transaction at ${t.stopped_at}`);
  if (at < order.lastAt) problem(`${where}: earlier than the event before it`);
  order.lastAt = Math.max(order.lastAt, at);
  const span = unreachable.find((s) => at >= s.from + OFFLINE_MARGIN_MS && at <= s.to);
  if (p.offline === true) report.offline.marked += 1;
  if (span) report.offline.whileUnreachable += 1;
  if (span && p.offline !== true) {
    problem(`${where}: no CSMS was reachable from ${new Date(span.from).toISOString()} to ${new Date(span.to).toISOString()}, yet not marked offline`);
  }
}

// Meter values within the transaction's times and registers; the periodic ones (E02, Updated) in
// order, none without a sample.
function checkEventSamples({ problem }, who, t, p, order) {
  const values = p.meterValue || [];
  if (p.triggerReason === 'MeterValuePeriodic' && values.length === 0) problem(`${who} seqNo ${p.seqNo}: MeterValuePeriodic without a meter value`);
  for (const mv of values) {
    const at = Date.parse(mv.timestamp);
    const wh = energyOf(mv);
    const where = `${who} seqNo ${p.seqNo} (${p.eventType}): ${mv.timestamp} ${wh} Wh`;
    if (at < Date.parse(t.started_at) || (t.stopped_at && at > Date.parse(t.stopped_at))) problem(`${where}, outside ${t.started_at}..${t.stopped_at}`);
    if (wh !== undefined && (wh < t.meter_start_wh - 0.01 || (t.meter_stop_wh !== null && wh > t.meter_stop_wh + 0.01))) {
      problem(`${where}, outside the transaction's ${t.meter_start_wh}..${t.meter_stop_wh} Wh`);
    }
    if (p.eventType !== 'Updated') continue;  // Ended may repeat the reading at the start
    const prev = order.lastSample;
    if (prev && (at < prev.at || (wh !== undefined && prev.wh !== undefined && wh < prev.wh))) {
      problem(`${where}: out of order after ${prev.timestamp} ${prev.wh} Wh`);
    }
    order.lastSample = { at, wh, timestamp: mv.timestamp };
  }
}

// The pile numbered the transaction's events 0..next_seq_no-1 when it stored them: the CSMS got
// each of those numbers, and no other.
function checkNumbering({ problem }, who, t, first) {
  const missing = [];
  for (let k = 0; k < t.next_seq_no; k += 1) if (!first.has(k)) missing.push(k);
  if (missing.length > 0) problem(`${who}: seqNo ${missing.slice(0, 10).join(', ')} never arrived (the pile numbered 0..${t.next_seq_no - 1})`);
  const beyond = [...first.keys()].filter((k) => !Number.isInteger(k) || k < 0 || k >= t.next_seq_no);
  if (beyond.length > 0) problem(`${who}: seqNo ${beyond.slice(0, 10).join(', ')} outside the pile's numbering 0..${t.next_seq_no - 1}`);
}

// The register an event carries at `context` (the reading at the start or at the end), else its
// last one.
function registerIn(p, context) {
  const values = (p.meterValue || []).filter((mv) => energyOf(mv) !== undefined);
  const at = values.filter((mv) => mv.sampledValue.some((sv) => sv.context === context));
  const mv = (at.length > 0 ? at : values).at(-1);
  return mv && energyOf(mv);
}

// 2.0.1 has no meterStart or meterStop: the energy billed is Ended's register minus Started's,
// which must be the pile's meter at those moments.
function checkEnergy201({ problem }, who, t, started, ended) {
  if (!started || !ended) {
    problem(`${who}: ${started ? 'Started' : 'no Started'} and ${ended ? 'Ended' : 'no Ended'} at the CSMS`);
    return;
  }
  const from = registerIn(started, 'Transaction.Begin');
  const to = registerIn(ended, 'Transaction.End');
  const same = (wire, pile) => typeof wire === 'number' && Math.abs(wire - pile) < 0.001;
  if (!same(from, t.meter_start_wh) || !same(to, t.meter_stop_wh)) {
    problem(`${who}: Started and Ended carry ${from}..${to} Wh (${to - from} Wh), ` +
      `the pile recorded ${t.meter_start_wh}..${t.meter_stop_wh} Wh (${t.meter_stop_wh - t.meter_start_wh} Wh)`);
  }
}

// --- the run ---

after(async () => {
  world.finishing = true;
  for (const p of [world.cp, world.csms]) if (p) await kill(p);
  if (world.proxy) await world.proxy.close();
});

test(`fault injection (OCPP ${OCPP}): ${KILLS} kills of the charge point, link cuts and freezes, CSMS restarts (${REPRODUCE})`, async () => {
  const began = Date.now();
  world.dir = tempDir();
  let passed = false;
  try {
    await startCsms();
    world.proxy = await startProxy(world.ports.ocpp);
    world.cfg = writeChargePointConfig(world.dir, {
      id: CP_ID,
      csmsUrl: `ws://127.0.0.1:${world.proxy.port}`,
      connectors: 2,
      ocppConfig: V.ocppConfig,
      extra: {
        ocpp_version: OCPP,
        hal: { driver: 'sim', state_file: path.join(world.dir, 'pile.json'), start_energy_wh: 1000 },
      },
    });
    await controlSocketUp(startChargePoint());
    await waitForAsync(async () => {
      const r = await cp('status');
      return r.code === 0 && r.json.registration === 'Accepted' && r.json.connected;
    }, 'the first registration', 20000);

    const loops = [sessionLoop(1), sessionLoop(2)];
    for (let n = 1; n <= KILLS; n += 1) await chaosCycle(n);

    // Everything restored: the link, the CSMS, and a charge point that starts cleanly (it
    // connects at once instead of after its reconnect backoff).
    world.finishing = true;
    await Promise.all(loops);
    await Promise.all(Object.values(active).filter(Boolean));
    world.proxy.restore();
    world.cp.endedByUs = true;
    assert.equal(await stop(world.cp), 0, `the charge point stops cleanly on SIGTERM${failureContext()}`);
    await controlSocketUp(startChargePoint());
    await waitForAsync(async () => {
      const r = await cp('status');
      return r.code === 0 && r.json.registration === 'Accepted' && r.json.connected;
    }, 'the charge point to be registered at the end', 30000);
    for (const id of [1, 2]) {
      const c = connectorOf(await cpOk('status'), id);
      if (c.transaction) await cpOk('stop', id);
      if (c.cable_plugged) await cpOk('unplug', id);
    }
    const drained = await waitForAsync(async () => {
      const r = await cp('status');
      return r.code === 0 && r.json.connected && r.json.outbox === 0 && r.json.connectors.every((c) => !c.transaction) ? r.json : null;
    }, 'the outbox to drain', 90000);
    const csmsTransactions = (await api(`/transactions?charge_point_id=${CP_ID}`)).body;
    world.cp.endedByUs = true;
    assert.equal(await stop(world.cp), 0, `the charge point stops cleanly on SIGTERM${failureContext()}`);
    assert.equal(await stop(world.csms), 0, `the CSMS stops cleanly on SIGTERM${failureContext()}`);

    const cpTransactions = await sqliteRows(world.cfg.database,
      'SELECT pk, connector_id, id_tag, csms_transaction_id, meter_start_wh, started_at, meter_stop_wh, stopped_at, ' +
      'stop_reason, stop_id_tag, station_transaction_id, next_seq_no, id_token_type FROM transactions ORDER BY pk');
    const outboxLeft = await sqliteRows(world.cfg.database, 'SELECT seq, kind, transaction_pk FROM outbox');
    const calls = framesReceived();
    const { problems, report } = analyse({ cpTransactions, csmsTransactions, calls });
    problems.push(...unexpectedExits);
    if (outboxLeft.length > 0) problems.push(`${outboxLeft.length} events left in the outbox (kept, never delivered): ${JSON.stringify(outboxLeft.slice(0, 5))}`);
    if (drained.outbox_discarded) problems.push(`${drained.outbox_discarded} outbox events were discarded`);
    for (const p of [...world.cpRuns, ...world.csmsRuns]) {
      const bad = (p.out + p.err).split('\n').filter((l) => /Sanitizer|runtime error:|BUG:|is corrupt|cannot be rendered|not sent again|cannot be reported/.test(l));
      for (const l of bad.slice(0, 3)) problems.push(`${path.basename(p.spawnfile)} logged: ${l}`);
    }
    if (report.transactions < 10) problems.push(`only ${report.transactions} transactions: the run exercised too little`);

    const seconds = Math.round((Date.now() - began) / 1000);
    const summary = {
      ocpp: OCPP, seed: SEED, seconds, kills: stats.kills, cuts: stats.cuts, outages: stats.outages, freezes: stats.freezes, lostAnswers: stats.answerLossCuts, stalls: stats.stalls, stalledAfter: stats.stalledAfter,
      csmsRestarts: stats.csmsRestarts, survived: stats.survived, recoveries: stats.recoveries,
      recoveriesTimedOut: stats.recoveriesTimedOut, ms: stats.ms, proxy: world.proxy.stats, sessions: stats.sessions, chargePointRuns: world.cpRuns.length,
      ...report,
    };
    console.log(`fault_injection: ${JSON.stringify(summary)}`);
    assert.deepEqual(problems, [], `${problems.length} problem(s):\n  ${problems.join('\n  ')}${failureContext()}`);
    assert.ok(stats.kills.timed + stats.kills.targeted >= KILLS);
    passed = true;
  } catch (e) {
    e.message += failureContext();
    throw e;
  } finally {
    if (world.dir) {
      for (const [i, p] of world.cpRuns.entries()) fs.writeFileSync(path.join(world.dir, `chargepoint-${i + 1}.log`), p.out + p.err);
      for (const [i, p] of world.csmsRuns.entries()) fs.writeFileSync(path.join(world.dir, `csms-${i + 1}.log`), p.out + p.err);
      if (passed && !process.env.FAULT_KEEP) fs.rmSync(world.dir, { recursive: true, force: true });
      else if (passed) console.log(`fault_injection: databases and logs kept in ${world.dir} (FAULT_KEEP)`);
      else console.log(`fault_injection: failed (${REPRODUCE}); databases and logs kept in ${world.dir}`);
    }
  }
});
