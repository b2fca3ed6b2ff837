// The fleet test of issue 16: 200 simulated piles (ocpp-fleet, one process) lose their link to the
// reference CSMS together. Each driver gets an offline code from the CSMS's HTTP API, as the
// phone would, while the pile is offline, types it and charges; the piles reconnect at once and
// replay. Every session is settled exactly once, for the energy the pile metered, and neither the
// CSMS nor the piles saw a request fail. FLEET_PILES and FLEET_OCPP change the size and version.
// FLEET_BACKEND=postgresql runs two CSMS instances on one throwaway PostgreSQL database: the piles
// connect to the first (keys, replays, settlement), the drivers get their codes from the second,
// and no instance may fail a request (skipped with the reason where no cluster can start).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { tempDir } = require('./support');
const { startCsms, api, runFleet, DRIVER } = require('./fleet_support');
const { startCluster } = require('../../support/pg_cluster');

const PILES = Number(process.env.FLEET_PILES || 200);
const VERSION = process.env.FLEET_OCPP || '1.6';
const POSTGRES = process.env.FLEET_BACKEND === 'postgresql';
const world = {};

before(async () => {
  world.dir = tempDir();
  if (!POSTGRES) {
    world.csms = await startCsms(world.dir);
    world.codes = world.csms;
    return;
  }
  world.cluster = startCluster();
  if (!world.cluster.ok) return;
  const database = world.cluster.createDatabase('fleet');
  world.csms = await startCsms(world.dir, { database });
  world.codes = await startCsms(world.dir, { database });  // after the first made the master key
});

after(async () => {
  if (world.codes && world.codes !== world.csms) await world.codes.stop();
  if (world.csms) await world.csms.stop();
  if (world.cluster && world.cluster.ok) world.cluster.destroy();
});

const where = POSTGRES ? ', two CSMS instances on PostgreSQL' : '';
test(`${PILES} piles (OCPP ${VERSION}${where}) offline together: every code session is settled exactly once`, async (t) => {
  if (POSTGRES && !world.cluster.ok) {
    t.skip(`no throwaway PostgreSQL cluster: ${world.cluster.why}`);
    return;
  }
  // Cut 2 s after every pile is registered and holds its key; each driver arrives 3-4 s after
  // that, i.e. offline, and charges 1-2 s (meters 50 times faster); the links return at 10 s.
  const offlineThreshold = VERSION === '1.6' ? 'OfflineThreshold=1' : 'OCPPCommCtrlr.OfflineThreshold=1';
  const run = await runFleet(world.csms, world.dir, [
    '--count', String(PILES), '--ocpp', VERSION, '--sessions', '1', '--auth', 'code',
    '--offline-at', '2', '--offline-for', '8', '--gap', '3-4', '--charge-time', '1-2', '--meter-interval', '1',
    '--meter-speedup', '50', '--ocpp-config', offlineThreshold, '--seed', '16', '--ready-timeout', '100'], 240000,
    world.codes);
  assert.equal(run.code, 0, run.out + run.err.slice(-3000));
  const { report } = run;
  assert.equal(report.total.sessions, PILES, run.out);
  assert.equal(report.total.sessions_refused, 0);
  assert.equal(report.total.code_fetch_failures, 0);
  // No request of any pile failed: no CALLERROR, no timeout, nothing rejected.
  assert.equal(report.total.errors.call_errors, 0);
  assert.equal(report.total.errors.timeouts, 0);
  assert.equal(report.total.errors.rejected, 0);
  assert.ok(report.fleet.replay_s > 0);

  // A code is unique for its pile only: two piles' first codes differ in their 21-bit MAC alone
  // (same serial, hour, connector and key version), so among 200 piles two may be equal (about 1 %
  // of runs). Sessions and settlements are therefore matched by pile and code, as the server
  // settles them (UNIQUE(charge_point_id, code)).
  const key = (pile, code) => `${pile}/${code}`;
  const sessions = new Map();
  for (const pile of report.piles) {
    for (const s of pile.session_log) {
      assert.ok(s.offline_code && s.started_offline, `${pile.id}: a code session started offline`);
      assert.ok(s.energy_wh > 0);
      sessions.set(key(pile.id, s.id_tag), { pile: pile.id, ...s });
    }
  }
  assert.equal(sessions.size, PILES, 'one distinct code per session of each pile');
  // In the PostgreSQL run, asked of the instance the piles never spoke to.
  const settlements = await api(world.codes, '/api/settlements', DRIVER);
  const byCode = new Map();
  for (const s of settlements) {
    const k = key(s.charge_point_id, s.code);
    byCode.set(k, (byCode.get(k) || []).concat([s]));
  }
  for (const [k, session] of sessions) {
    const settled = byCode.get(k) || [];
    assert.equal(settled.length, 1, `code of ${session.pile}: settled exactly once`);
    assert.equal(settled[0].energy_wh, session.energy_wh, `${session.pile}: settled for the metered energy`);
  }
  assert.equal(settlements.length, PILES);
  // No CSMS instance logged a failure of its own (they run at level warn).
  assert.doesNotMatch(world.csms.process.err, /ERROR/);
  assert.doesNotMatch(world.codes.process.err, /ERROR/);
});
