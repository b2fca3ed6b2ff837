// ocpp-fleet against the reference CSMS (issue 16): a small fleet of each version plays a few card
// sessions; every pile registers, the CSMS records every session the fleet reports, with the energy
// each pile metered, and the report's counts are the CSMS's.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { tempDir } = require('./support');
const { startCsms, api, runFleet } = require('./fleet_support');

const PILES = 10;
const SESSIONS = 2;
const world = {};

before(async () => {
  world.dir = tempDir();
  world.csms = await startCsms(world.dir);
});

after(async () => {
  if (world.csms) await world.csms.stop();
});

for (const version of ['1.6', '2.0.1']) {
  test(`${PILES} piles of OCPP ${version}, ${SESSIONS} sessions each: the CSMS saw what the fleet reports`, async () => {
    const prefix = version === '1.6' ? 'SMALL16-' : 'SMALL201-';
    const run = await runFleet(world.csms, world.dir, [
      '--count', String(PILES), '--ocpp', version, '--id-prefix', prefix, '--sessions', String(SESSIONS),
      '--auth', 'card', '--charge-time', '1-2', '--gap', '0.2-1', '--meter-interval', '1', '--meter-speedup', '50',
      '--seed', '7'], 90000);
    assert.equal(run.code, 0, run.out + run.err.slice(-3000));
    const { report } = run;
    assert.equal(report.fleet.ok, true);
    assert.equal(report.piles.length, PILES);
    assert.equal(report.total.sessions, PILES * SESSIONS);
    assert.deepEqual(report.total.errors, { call_errors: 0, timeouts: 0, disconnected: 0, rejected: 0 });
    // Every pile booted and was accepted, once.
    assert.equal(report.total.actions.BootNotification.calls, PILES);
    const transactions = await api(world.csms, '/api/transactions');
    for (const pile of report.piles) {
      assert.equal(pile.registration, 'Accepted', pile.id);
      const seen = transactions.filter((t) => t.charge_point_id === pile.id)
        .sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
      assert.equal(seen.length, pile.sessions, `${pile.id}: sessions the CSMS recorded`);
      pile.session_log.forEach((s, i) => {
        assert.equal(seen[i].id_tag, s.id_tag, pile.id);
        assert.equal(seen[i].stop_count, 1, `${pile.id}: one stop per session`);
        assert.equal(seen[i].meter_stop_wh - seen[i].meter_start_wh, s.energy_wh, `${pile.id}: energy of session ${i + 1}`);
        assert.ok(s.energy_wh > 0);
      });
    }
    // The transaction messages the piles counted are the ones the CSMS recorded.
    if (version === '1.6') {
      assert.equal(report.total.actions.StartTransaction.calls, PILES * SESSIONS);
      assert.equal(report.total.actions.StopTransaction.calls, PILES * SESSIONS);
    } else {
      assert.ok(report.total.actions.TransactionEvent.calls >= 2 * PILES * SESSIONS);
    }
    const calls = Object.values(report.total.actions).reduce((n, a) => n + a.calls, 0);
    assert.ok(report.total.messages_sent >= calls && report.total.messages_received >= calls);
    assert.match(run.out, /p50 ms +p99 ms/);
  });
}
