// A long offline period (issue 5): a pile that charged on both connectors for BACKLOG_DAYS days
// (default 7) with MeterValueSampleInterval BACKLOG_INTERVAL seconds (default 60) while its CSMS
// was unreachable, then reconnects. About 20,000 meter values are waiting; all of them must reach
// the CSMS once, in order, under the right transactionId, between the transaction's start and its
// stop (DESIGN.md principle 3). In OCPP 1.6 (the default) that is StartTransaction, MeterValues
// under the transactionId the CSMS assigned on reconnection, and StopTransaction (1.6 §3.7); with
// BACKLOG_OCPP=2.0.1 it is TransactionEvent Started, Updated and Ended under the transactionId the
// station made, each with the seqNo the pile stored with it and `offline: true` (E01.FR.07, E02,
// ocpp201-scope.md section 3).
//
// The database is written by ocpp-make-backlog (with --ocpp for the version), which runs the real
// core on a simulated clock (no row is written by the test), and is replayed by the real
// ocpp-chargepoint against the real ocpp-csms-sim on loopback. What was queued is read from the
// pile's database (sqlite3 shell) before the daemon starts; what arrived is read from the CSMS: its
// HTTP API (transactions, start and stop counts, registers), its database (every stored meter
// value, in arrival order) and its frame log (the order of all calls). The time the drain took is
// printed, not asserted: the throughput figure is bench/run_replay.sh's business (bench/RESULTS.md).
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const {
  start, waitFor, waitForAsync, stop, tempDir, binDir, writeChargePointConfig, cpctl, tail,
} = require('../interop/peer/support');

const DAYS = Number(process.env.BACKLOG_DAYS || 7);
const INTERVAL = Number(process.env.BACKLOG_INTERVAL || 60);
const OCPP = process.env.BACKLOG_OCPP || '1.6';
if (OCPP !== '1.6' && OCPP !== '2.0.1') throw new Error(`BACKLOG_OCPP must be 1.6 or 2.0.1, got "${OCPP}"`);
// How long the drain may take before the test gives up (not a performance assertion: a stuck
// queue must fail the test rather than hang CI).
const DRAIN_LIMIT_MS = Number(process.env.BACKLOG_DRAIN_LIMIT_S || 400) * 1000;
const CP_ID = 'LONG-OFFLINE-1';
const CONNECTORS = 2;
const auth = { Authorization: 'Basic ' + Buffer.from('operator:op-secret').toString('base64') };

let dir;
let csms;
let daemon;

after(async () => {
  if (daemon) await stop(daemon);
  if (csms) await stop(csms);
  if (dir && !process.env.BACKLOG_KEEP) fs.rmSync(dir, { recursive: true, force: true });
});

function makeBacklog(output) {
  return new Promise((resolve, reject) => {
    execFile(path.join(binDir, 'ocpp-make-backlog'),
      ['--output', output, '--days', String(DAYS), '--interval', String(INTERVAL),
        '--connectors', String(CONNECTORS), '--charge-point-id', CP_ID, '--ocpp', OCPP],
      { timeout: 600000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`ocpp-make-backlog failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout));
      });
  });
}

// Rows of an SQLite file, read with the sqlite3 shell (a reader that is not our code); the
// backlog's tables are megabytes of JSON, more than support.js's sqliteRows buffers.
function sqliteRows(file, sql) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-json', '-readonly', file, sql], { timeout: 60000, maxBuffer: 256 << 20 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`sqlite3 ${file} "${sql}" failed: ${stderr || error.message}`));
        const text = stdout.trim();
        resolve(text ? JSON.parse(text) : []);
      });
  });
}

// Every CALL the CSMS received, in order, from its frame log ("<- [2,...]").
function receivedCalls(p) {
  const calls = [];
  for (const line of (p.out + p.err).split('\n')) {
    const m = line.match(/<- (\[2,.*)$/);
    if (!m) continue;
    const [, , action, payload] = JSON.parse(m[1]);
    calls.push({ action, payload });
  }
  return calls;
}

function energyOf(meterValue) {
  const sv = meterValue.sampledValue.find((v) => (!v.measurand || v.measurand === 'Energy.Active.Import.Register') && !v.phase);
  return sv && Number(sv.value);
}

// --- what arrived, checked by version; `r` holds what was made, queued, received and stored ---

// 1.6: per transaction its StartTransaction, then its MeterValues under the id the CSMS assigned,
// then its StopTransaction; nothing sent twice.
function check16(r) {
  const { made, txs, pileTx, stored, calls, queued, samplesOf, perConnector } = r;
  for (const made1 of made.transactions) {
    const t = txs.find((x) => x.connector_id === made1.connector);
    assert.ok(t, `the CSMS has the transaction of connector ${made1.connector}`);
    assert.equal(t.start_count, 1, `one StartTransaction for connector ${made1.connector}`);
    assert.equal(t.stop_count, 1, `one StopTransaction for connector ${made1.connector}`);
    assert.equal(t.id_tag, made1.id_tag);
    assert.equal(t.meter_start_wh, Math.round(made1.meter_start_wh));
    assert.equal(t.meter_stop_wh, Math.round(made1.meter_stop_wh), 'meterStop is the register at the stop');
    assert.equal(t.stop_reason, 'Local');
    assert.equal(Date.parse(t.stopped_at), Date.parse(made1.stopped_at));
    assert.equal(t.meter_values, perConnector, `every MeterValues of connector ${made1.connector} is stored once`);
    const row = pileTx.find((x) => x.pk === made1.local_id);
    assert.equal(row.csms_transaction_id, t.transaction_id, 'the pile stored the transactionId the CSMS assigned');
  }

  // Every stored MeterValue, in the order the CSMS stored them: under the transactionId the CSMS
  // assigned to that connector's transaction, and exactly the samples the pile queued, in order.
  assert.equal(stored.length, CONNECTORS * perConnector);
  for (const made1 of made.transactions) {
    const txId = txs.find((x) => x.connector_id === made1.connector).transaction_id;
    const rows = stored.filter((x) => x.connector_id === made1.connector);
    assert.ok(rows.every((x) => x.transaction_id === txId),
      `every MeterValues of connector ${made1.connector} carries transactionId ${txId}`);
    checkSamples(rows.map((x) => JSON.parse(x.payload)), samplesOf.get(made1.local_id), `connector ${made1.connector}`);
  }

  // The order of all calls, from the frame log: per transaction its start, then its samples,
  // then its stop; nothing sent twice.
  const mine16 = calls.filter((c) => ['StartTransaction', 'MeterValues', 'StopTransaction'].includes(c.action));
  assert.equal(mine16.length, queued.length, 'each queued event was sent exactly once');
  for (const made1 of made.transactions) {
    const txId = Number(txs.find((x) => x.connector_id === made1.connector).transaction_id);
    const mine = mine16.filter((c) => (c.action === 'StartTransaction' ? c.payload.connectorId === made1.connector
      : c.payload.transactionId === txId));
    assert.equal(mine[0].action, 'StartTransaction');
    assert.equal(mine[mine.length - 1].action, 'StopTransaction');
    assert.equal(mine.length, perConnector + 2);
    assert.ok(mine.slice(1, -1).every((c) => c.action === 'MeterValues'));
  }
  // Across transactions too, the calls follow the queue (1.6 §3.7: in the order they happened).
  const sentKinds = mine16.map((c) => ({ StartTransaction: 'start', MeterValues: 'meter', StopTransaction: 'stop' }[c.action]));
  assert.deepEqual(sentKinds, queued.map((x) => x.kind));
}

// 2.0.1: each queued event arrived once as a TransactionEvent, in queue order, under the station's
// transactionId with the seqNo stored with it (0..n per transaction) and `offline: true`; Started
// and Ended carry the registers the pile recorded.
function check201(r) {
  const { made, txs, pileTx, stored, calls, queued, samplesOf, perConnector } = r;
  assert.deepEqual(calls.filter((c) => c.action === 'MeterValues'), [],
    'every sample is of a transaction: none is sent as MeterValues (J01)');
  const events = calls.filter((c) => c.action === 'TransactionEvent').map((c) => c.payload);
  const stationId = new Map(pileTx.map((x) => [x.pk, x.station_transaction_id]));
  // The whole replay, event for event: the queue's order, transaction, seqNo and kind.
  const kindOf = (e) => (e.eventType === 'Started' ? 'start' : e.eventType === 'Ended' ? 'stop'
    : e.triggerReason === 'MeterValuePeriodic' ? 'meter' : 'update');
  assert.deepEqual(events.map((e) => [e.transactionInfo.transactionId, e.seqNo, kindOf(e)]),
    queued.map((q) => [stationId.get(q.transaction_pk), q.seq_no, q.kind]),
    'each queued event was sent exactly once, in queue order, with its transaction and seqNo');
  assert.ok(events.every((e) => e.offline === true), 'every event happened offline and says so');
  assert.ok(queued.every((q) => q.offline === 1), 'the pile stored every event as offline');

  for (const made1 of made.transactions) {
    const row = pileTx.find((x) => x.pk === made1.local_id);
    const txId = made1.station_id;
    assert.equal(row.station_transaction_id, txId);
    assert.equal(row.csms_transaction_id, txId, 'the CSMS knows the transaction by the station\'s id');
    const t = txs.find((x) => x.transaction_id === txId);
    assert.ok(t, `the CSMS has transaction ${txId} of EVSE ${made1.connector}`);
    assert.equal(t.evse_id, made1.connector);
    assert.equal(t.start_count, 1, `one Started for EVSE ${made1.connector}`);
    assert.equal(t.stop_count, 1, `one Ended for EVSE ${made1.connector}`);
    assert.equal(t.id_tag, made1.id_tag);
    assert.equal(t.stop_reason, 'Local');
    assert.equal(Date.parse(t.stopped_at), Date.parse(made1.stopped_at));
    // The reference CSMS keeps whole Wh of 2.0.1's decimal registers: the exact ones are checked
    // on the frames below.
    assert.ok(Math.abs(t.meter_start_wh - made1.meter_start_wh) < 1 && Math.abs(t.meter_stop_wh - made1.meter_stop_wh) < 1,
      `the CSMS's registers ${t.meter_start_wh}..${t.meter_stop_wh} Wh are the pile's ${made1.meter_start_wh}..${made1.meter_stop_wh}`);
    checkTransaction201(events.filter((e) => e.transactionInfo.transactionId === txId), made1, row,
      samplesOf.get(made1.local_id));
    // What the CSMS stored of it: exactly the samples the pile queued, in order.
    const periodic = stored.filter((x) => x.transaction_id === txId).map((x) => JSON.parse(x.payload))
      .filter((mv) => mv.sampledValue.every((sv) => sv.context === 'Sample.Periodic'));
    assert.equal(periodic.length, perConnector, `every sample of EVSE ${made1.connector} is stored once`);
    checkSamples(periodic, samplesOf.get(made1.local_id), `EVSE ${made1.connector}`);
  }
}

// One transaction's events: Started, then Updated, then Ended (seqNo 0..n as the pile numbered
// them); evse only in Started (E01.FR.16); the idToken only in Started (the stop button ended it,
// C01/E06); Started's and Ended's registers and times are the pile's; the samples are the queued
// ones, in order.
function checkTransaction201(mine, made1, row, samples) {
  const who = `EVSE ${made1.connector}`;
  assert.deepEqual(mine.map((e) => e.seqNo), [...Array(row.next_seq_no).keys()], `${who}: seqNo 0..${row.next_seq_no - 1} in order`);
  assert.equal(mine[0].eventType, 'Started');
  assert.equal(mine.at(-1).eventType, 'Ended');
  assert.ok(mine.slice(1, -1).every((e) => e.eventType === 'Updated'), `${who}: Updated between Started and Ended`);
  assert.deepEqual(mine[0].evse, { id: made1.connector, connectorId: 1 });
  assert.ok(mine.slice(1).every((e) => e.evse === undefined), `${who}: evse only in the first event`);
  assert.deepEqual(mine[0].idToken, { idToken: made1.id_tag, type: 'ISO14443' });
  assert.ok(mine.slice(1).every((e) => e.idToken === undefined), `${who}: no idToken after Started (no id ended it)`);
  assert.equal(Date.parse(mine[0].timestamp), Date.parse(made1.started_at));
  assert.equal(Date.parse(mine.at(-1).timestamp), Date.parse(made1.stopped_at));
  assert.equal(mine.at(-1).transactionInfo.stoppedReason, 'Local');
  const register = (e, context) => energyOf(e.meterValue.find((mv) => mv.sampledValue.some((sv) => sv.context === context)));
  const from = register(mine[0], 'Transaction.Begin');
  const to = register(mine.at(-1), 'Transaction.End');
  assert.ok(Math.abs(from - made1.meter_start_wh) < 0.001 && Math.abs(to - made1.meter_stop_wh) < 0.001,
    `${who}: Started..Ended carry ${from}..${to} Wh, the pile recorded ${made1.meter_start_wh}..${made1.meter_stop_wh} Wh`);
  const periodic = mine.filter((e) => e.triggerReason === 'MeterValuePeriodic');
  assert.ok(periodic.every((e) => e.meterValue.length === 1), `${who}: one sample per periodic event`);
  checkSamples(periodic.map((e) => e.meterValue[0]), samples, who);
}

// Meter values as the CSMS got them against the pile's queue: the same timestamps and registers,
// in the same order.
function checkSamples(got, expected, who) {
  assert.equal(got.length, expected.length, `${who}: as many samples as queued`);
  for (let i = 0; i < got.length; i += 1) {
    const at = Date.parse(got[i].timestamp);
    if (i > 0) assert.ok(at > Date.parse(got[i - 1].timestamp), `timestamps increase (${who}, #${i})`);
    assert.equal(at, expected[i].at, `sample #${i} of ${who} is the one queued`);
    assert.ok(Math.abs(energyOf(got[i]) - expected[i].wh) < 0.001, `the register of sample #${i} of ${who}`);
  }
}

test(`OCPP ${OCPP}: a ${DAYS}-day offline backlog of ${CONNECTORS} connectors at ${INTERVAL} s reaches the CSMS once and in order`,
  { timeout: DRAIN_LIMIT_MS + 600000 }, async () => {
    dir = tempDir();
    const database = path.join(dir, 'chargepoint.db');
    const t0 = Date.now();
    const made = await makeBacklog(database);
    const madeMs = Date.now() - t0;
    const perConnector = Math.floor((DAYS * 86400) / INTERVAL);
    assert.equal(made.transactions.length, CONNECTORS);
    assert.equal(made.outbox.meter, CONNECTORS * perConnector,
      `the generator queued one sample per interval and connector (${perConnector} each)`);

    // What the pile queued, read before the daemon starts (delivered events leave the outbox).
    const queued = await sqliteRows(database,
      'SELECT seq, kind, transaction_pk, payload, seq_no, offline FROM outbox ORDER BY seq');
    assert.equal(queued.length, made.outbox.events);
    const samplesOf = new Map();  // local pk -> [{at, wh}] in queue order
    for (const row of queued) {
      if (row.kind !== 'meter') continue;
      const { sample } = JSON.parse(row.payload);
      const energy = sample.values.find((v) => v.measurand === 'Energy.Active.Import.Register');
      if (!samplesOf.has(row.transaction_pk)) samplesOf.set(row.transaction_pk, []);
      samplesOf.get(row.transaction_pk).push({ at: Date.parse(sample.at), wh: energy.value });
    }

    csms = start('ocpp-csms-sim', ['--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
      '--database', path.join(dir, 'csms.db'), '--user', 'operator:op-secret', '--heartbeat-interval', '300']);
    await waitFor(() => /listening ocpp=\d+ http=\d+/.test(csms.out) || csms.exitCode !== null, 'the CSMS to listen');
    assert.equal(csms.exitCode, null, `the CSMS runs${tail(csms)}`);
    const [, ocppPort, httpPort] = csms.out.match(/listening ocpp=(\d+) http=(\d+)/);
    const api = async (route) => (await fetch(`http://127.0.0.1:${httpPort}/api${route}`, { headers: auth })).json();

    const cfg = writeChargePointConfig(dir, {
      id: CP_ID, csmsUrl: `ws://127.0.0.1:${ocppPort}`, connectors: CONNECTORS,
      extra: { database, ocpp_version: OCPP, log: { level: 'warn' } },
    });
    const t1 = Date.now();
    daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
    let status;
    try {
      status = await waitForAsync(async () => {
        const r = await cpctl(cfg.socket, 'status');
        if (daemon.exitCode !== null) throw new Error(`the daemon exited with ${daemon.exitCode}`);
        const s = r.code === 0 ? r.json : null;
        return s && s.connected && s.registration === 'Accepted' && s.outbox === 0 ? s : null;
      }, 'the outbox to drain', DRAIN_LIMIT_MS);
    } catch (e) {
      e.message += tail(daemon, 40) + tail(csms, 20);
      throw e;
    }
    const drainMs = Date.now() - t1;
    const messages = queued.length;
    console.log(`backlog (OCPP ${OCPP}): ${messages} events (${made.outbox.meter} samples) made in ${(madeMs / 1000).toFixed(1)} s, ` +
      `drained in ${(drainMs / 1000).toFixed(1)} s (${Math.round(messages / (drainMs / 1000))} messages/s, ` +
      'daemon start and BootNotification included)');
    assert.equal(status.outbox_discarded, 0, 'nothing was given up on');
    assert.equal(status.outbox_thinned, 0, 'nothing was thinned');

    // The CSMS's view (HTTP API, database, frame log), checked by the version's rules.
    const txs = await api(`/transactions?charge_point_id=${CP_ID}`);
    assert.equal(txs.length, CONNECTORS, `one transaction per connector at the CSMS: ${JSON.stringify(txs)}`);
    const pileTx = await sqliteRows(database,
      'SELECT pk, connector_id, csms_transaction_id, station_transaction_id, next_seq_no FROM transactions ORDER BY pk');
    const stored = await sqliteRows(path.join(dir, 'csms.db'),
      `SELECT transaction_id, connector_id, payload FROM meter_values WHERE charge_point_id='${CP_ID}' ORDER BY pk`);
    const check = OCPP === '2.0.1' ? check201 : check16;
    check({ made, txs, pileTx, stored, calls: receivedCalls(csms), queued, samplesOf, perConnector });
  });
