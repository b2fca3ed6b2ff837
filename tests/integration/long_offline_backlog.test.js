// A long offline period (issue 5): a pile that charged on both connectors for BACKLOG_DAYS days
// (default 7) with MeterValueSampleInterval BACKLOG_INTERVAL seconds (default 60) while its CSMS
// was unreachable, then reconnects. About 20,000 MeterValues are waiting; all of them must reach
// the CSMS once, in order, under the transactionId the CSMS assigned on reconnection, between the
// transaction's start and its stop (1.6 §3.7; DESIGN.md principle 3).
//
// The database is written by ocpp-make-backlog, which runs the real core on a simulated clock (no
// row is written by the test), and is replayed by the real ocpp-chargepoint against the real
// ocpp-csms-sim on loopback. What was queued is read from the pile's database (sqlite3 shell)
// before the daemon starts; what arrived is read from the CSMS: its HTTP API (transactions, start
// and stop counts, meterStop), its database (every stored MeterValue, in arrival order) and its
// frame log (the order of all calls). The time the drain took is printed, not asserted: the
// throughput figure is bench/run_replay.sh's business (bench/RESULTS.md).
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
        '--connectors', String(CONNECTORS), '--charge-point-id', CP_ID],
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

test(`a ${DAYS}-day offline backlog of ${CONNECTORS} connectors at ${INTERVAL} s reaches the CSMS once and in order`,
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
    const queued = await sqliteRows(database, 'SELECT seq, kind, transaction_pk, payload FROM outbox ORDER BY seq');
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
      extra: { database, log: { level: 'warn' } },
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
    console.log(`backlog: ${messages} events (${made.outbox.meter} MeterValues) made in ${(madeMs / 1000).toFixed(1)} s, ` +
      `drained in ${(drainMs / 1000).toFixed(1)} s (${Math.round(messages / (drainMs / 1000))} messages/s, ` +
      'daemon start and BootNotification included)');
    assert.equal(status.outbox_discarded, 0, 'nothing was given up on');
    assert.equal(status.outbox_thinned, 0, 'nothing was thinned');

    // The CSMS's view: each transaction once, started and stopped once, with the pile's values.
    const txs = await api(`/transactions?charge_point_id=${CP_ID}`);
    assert.equal(txs.length, CONNECTORS, `one transaction per connector at the CSMS: ${JSON.stringify(txs)}`);
    const pileTx = await sqliteRows(database, 'SELECT pk, connector_id, csms_transaction_id FROM transactions ORDER BY pk');
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
      const row = pileTx.find((r) => r.pk === made1.local_id);
      assert.equal(row.csms_transaction_id, t.transaction_id, 'the pile stored the transactionId the CSMS assigned');
    }

    // Every stored MeterValue, in the order the CSMS stored them: under the transactionId the CSMS
    // assigned to that connector's transaction, and exactly the samples the pile queued, in order.
    const stored = await sqliteRows(path.join(dir, 'csms.db'),
      `SELECT transaction_id, connector_id, payload FROM meter_values WHERE charge_point_id='${CP_ID}' ORDER BY pk`);
    assert.equal(stored.length, CONNECTORS * perConnector);
    for (const made1 of made.transactions) {
      const txId = txs.find((x) => x.connector_id === made1.connector).transaction_id;
      const rows = stored.filter((r) => r.connector_id === made1.connector);
      assert.ok(rows.every((r) => r.transaction_id === txId),
        `every MeterValues of connector ${made1.connector} carries transactionId ${txId}`);
      const got = rows.map((r) => JSON.parse(r.payload));
      const expected = samplesOf.get(made1.local_id);
      assert.equal(got.length, expected.length);
      for (let i = 0; i < got.length; i += 1) {
        const at = Date.parse(got[i].timestamp);
        if (i > 0) assert.ok(at > Date.parse(got[i - 1].timestamp), `timestamps increase (connector ${made1.connector}, #${i})`);
        assert.equal(at, expected[i].at, `sample #${i} of connector ${made1.connector} is the one queued`);
        assert.ok(Math.abs(Number(got[i].sampledValue[0].value) - expected[i].wh) < 0.001,
          `the register of sample #${i} of connector ${made1.connector}`);
      }
    }

    // The order of all calls, from the frame log: per transaction its start, then its samples,
    // then its stop; nothing sent twice.
    const calls = receivedCalls(csms).filter((c) => ['StartTransaction', 'MeterValues', 'StopTransaction'].includes(c.action));
    assert.equal(calls.length, messages, 'each queued event was sent exactly once');
    for (const made1 of made.transactions) {
      const txId = Number(txs.find((x) => x.connector_id === made1.connector).transaction_id);
      const mine = calls.filter((c) => (c.action === 'StartTransaction' ? c.payload.connectorId === made1.connector
        : c.payload.transactionId === txId));
      assert.equal(mine[0].action, 'StartTransaction');
      assert.equal(mine[mine.length - 1].action, 'StopTransaction');
      assert.equal(mine.length, perConnector + 2);
      assert.ok(mine.slice(1, -1).every((c) => c.action === 'MeterValues'));
    }
    // Across transactions too, the calls follow the queue (1.6 §3.7: in the order they happened).
    const queuedKinds = queued.map((r) => r.kind);
    const sentKinds = calls.map((c) => ({ StartTransaction: 'start', MeterValues: 'meter', StopTransaction: 'stop' }[c.action]));
    assert.deepEqual(sentKinds, queuedKinds);
  });
