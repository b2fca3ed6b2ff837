// The charge point daemon (ocpp-chargepoint, OCPP 1.6J) against our reference CSMS (ocpp-csms-sim),
// both as real processes: what the CSMS records of the daemon's sessions (GET /api/transactions)
// must match what the pile reported (ocpp-cpctl), exactly once each, also when the CSMS went down
// in the middle of a session and came back on the same port and database.
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const path = require('node:path');
const {
  start, waitFor, waitForAsync, stop, kill, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail,
} = require('./support');

const CP_ID = 'REF-1';
const auth = { Authorization: 'Basic ' + Buffer.from('operator:op-secret').toString('base64') };

let dir;
let cfg;
let daemon;
let csms;
let ports = { ocpp: 0, http: 0 };
// Every CSMS process of the run: its log holds every frame it received.
const csmsRuns = [];

async function startCsms() {
  const p = start('ocpp-csms-sim', ['--ocpp-listen', `127.0.0.1:${ports.ocpp}`, '--http-listen', `127.0.0.1:${ports.http}`,
    '--database', path.join(dir, 'csms.db'), '--user', 'operator:op-secret', '--heartbeat-interval', '30',
    '--call-timeout', '10']);
  csmsRuns.push(p);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(p.out) || p.exitCode !== null, 'the CSMS to listen');
  assert.equal(p.exitCode, null, `the CSMS runs${tail(p)}`);
  const [, ocpp, http] = p.out.match(/listening ocpp=(\d+) http=(\d+)/);
  ports = { ocpp: Number(ocpp), http: Number(http) };
  return p;
}

async function api(method, route, body) {
  const res = await fetch(`http://127.0.0.1:${ports.http}/api${route}`, {
    method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const operatorCall = (action, payload) => api('POST', `/charge-points/${CP_ID}/call`, { action, payload });
const transactions = async () => (await api('GET', `/transactions?charge_point_id=${CP_ID}`)).body;
const ctl = (...args) => cpctlOk(cfg.socket, ...args);
const connector = (status, id) => status.connectors.find((c) => c.id === id);

// Every CALL the CSMS received from the charge point, as logged by every CSMS process of the run.
function receivedCalls() {
  const calls = [];
  for (const p of csmsRuns) {
    for (const line of (p.out + p.err).split('\n')) {
      const m = line.match(/<- (\[2,.*)$/);
      if (!m) continue;
      try {
        const [, , action, payload] = JSON.parse(m[1]);
        calls.push({ action, payload });
      } catch {
        // a line cut by the kill
      }
    }
  }
  return calls;
}

// The meter values the CSMS stores for a transaction: MeterValues entries and StopTransaction
// transactionData, as received.
function meterValuesSent(transactionId) {
  let n = 0;
  for (const { action, payload } of receivedCalls()) {
    if (action === 'MeterValues' && payload.transactionId === transactionId) n += payload.meterValue.length;
    if (action === 'StopTransaction' && payload.transactionId === transactionId) n += (payload.transactionData || []).length;
  }
  return n;
}

// Charges on a connector until the CSMS has its transaction id and `samples` meter values, then
// suspends the EV so the register stands still: the status cpctl then shows is final.
async function chargeAndSuspend(id, tag, samples) {
  await ctl('plug', id);
  await ctl('present-id', id, tag);
  await ctl('ev', id, 'charge');
  const s = await waitForAsync(async () => {
    const c = connector(await ctl('status'), id);
    return c.transaction && !c.transaction.id.startsWith('local-') ? c : null;
  }, `the CSMS transaction id on connector ${id}`);
  const txId = Number(s.transaction.id);
  await waitForAsync(async () => {
    const t = (await transactions()).find((x) => x.transaction_id === String(txId));
    return t && t.meter_values >= samples;
  }, `${samples} meter values of transaction ${txId} at the CSMS`);
  await ctl('ev', id, 'suspend');
  return txId;
}

function withLog(fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (e) {
      e.message += tail(daemon, 60) + csmsRuns.map((p) => tail(p, 30)).join('');
      throw e;
    }
  };
}

before(async () => {
  dir = tempDir();
  csms = await startCsms();
  cfg = writeChargePointConfig(dir, {
    id: CP_ID,
    csmsUrl: `ws://127.0.0.1:${ports.ocpp}`,
    connectors: 2,
    ocppConfig: { MeterValueSampleInterval: '1', ConnectionTimeOut: '10' },
    extra: { hal: { driver: 'sim', state_file: path.join(dir, 'pile.json'), start_energy_wh: 0 } },
  });
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
});

after(async () => {
  if (daemon) await stop(daemon);
  if (csms) await stop(csms);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the daemon boots at the reference CSMS and reports its connectors', withLog(async () => {
  await waitForAsync(async () => {
    const r = await cpctl(cfg.socket, 'status');
    return r.code === 0 && r.json.registration === 'Accepted' && r.json.connected;
  }, 'the registration');
  const cp = await waitForAsync(async () => {
    const r = await api('GET', `/charge-points/${CP_ID}`);
    return r.status === 200 && r.body.connectors.length === 3 ? r.body : null;
  }, 'the CSMS to know connectors 0, 1 and 2');
  assert.equal(cp.connected, true);
  assert.equal(cp.ocpp_version, '1.6');
  assert.equal(cp.vendor, 'OcppStack');
  assert.equal(cp.boot_count, 1);
  assert.deepEqual(cp.connectors.map((c) => [c.connector_id, c.status]).sort(), [[0, 'Available'], [1, 'Available'], [2, 'Available']]);
}));

test('a full session reaches the CSMS exactly once, with the energy cpctl showed', withLog(async () => {
  const txId = await chargeAndSuspend(1, 'TAG-R1', 2);
  const shown = connector(await ctl('status'), 1);
  assert.equal(shown.power_w, 0, 'suspended: the register stands still');
  await ctl('stop', 1);
  await ctl('unplug', 1);
  await waitForAsync(async () => (await ctl('status')).outbox === 0, 'the outbox to drain');

  const txs = await transactions();
  assert.equal(txs.length, 1, JSON.stringify(txs));
  const t = txs[0];
  assert.equal(t.transaction_id, String(txId));
  assert.equal(t.connector_id, 1);
  assert.equal(t.id_tag, 'TAG-R1');
  assert.equal(t.start_count, 1);
  assert.equal(t.stop_count, 1);
  assert.equal(t.stop_reason, 'Local');
  assert.equal(t.meter_start_wh, 0, 'hal.start_energy_wh');
  assert.equal(t.meter_stop_wh - t.meter_start_wh, Math.round(shown.transaction.energy_wh),
    `energy at the CSMS vs ${shown.transaction.energy_wh} Wh shown by cpctl`);
  assert.equal(t.meter_stop_wh, Math.round(shown.meter_wh));
  assert.ok(t.meter_values >= 2);
  assert.equal(t.meter_values, meterValuesSent(txId), 'every meter value sent is stored once');
  // 1.6 §7.31: a MeterValue holds one or more sampled values, also in StopTransaction's
  // transactionData (StopTxnSampledData is empty here: nothing to carry, no empty entries).
  for (const { action, payload } of receivedCalls()) {
    for (const mv of action === 'StopTransaction' ? payload.transactionData || [] : action === 'MeterValues' ? payload.meterValue : []) {
      assert.ok(mv.sampledValue.length >= 1, `${action} with an empty MeterValue: ${JSON.stringify(payload)}`);
    }
  }
}));

test('operator calls through the CSMS API: GetConfiguration, remote start and stop', withLog(async () => {
  const cfgAnswer = await operatorCall('GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] });
  assert.equal(cfgAnswer.status, 200);
  assert.deepEqual(cfgAnswer.body.configurationKey, [{ key: 'HeartbeatInterval', readonly: false, value: '30' }],
    'the interval of the CSMS\'s boot response');
  assert.deepEqual(cfgAnswer.body.unknownKey, ['NoSuchKey']);
  assert.deepEqual((await operatorCall('UnlockConnector', { connectorId: 9 })).body, { status: 'NotSupported' });
  assert.equal((await operatorCall('Reset', { type: 'Sideways' })).status, 400);

  assert.deepEqual((await operatorCall('RemoteStartTransaction', { connectorId: 2, idTag: 'REMOTE-R' })).body,
    { status: 'Accepted' });
  await ctl('plug', 2);
  const t = await waitForAsync(async () => (await transactions()).find((x) => x.connector_id === 2),
    'the remote transaction at the CSMS');
  assert.equal(t.id_tag, 'REMOTE-R');
  assert.equal(connector(await ctl('status'), 2).transaction.id, t.transaction_id);
  assert.deepEqual((await operatorCall('RemoteStopTransaction', { transactionId: Number(t.transaction_id) })).body,
    { status: 'Accepted' });
  const stopped = await waitForAsync(async () => (await transactions()).find((x) => x.connector_id === 2 && x.stop_count > 0),
    'the remote stop at the CSMS');
  assert.equal(stopped.stop_reason, 'Remote');
  assert.equal(stopped.start_count, 1);
  assert.equal(stopped.stop_count, 1);
  await ctl('unplug', 2);
}));

test('an operator reserves a connector and limits its power through the CSMS API', withLog(async () => {
  const expiryDate = new Date(Date.now() + 120000).toISOString();
  assert.deepEqual((await operatorCall('ReserveNow', { connectorId: 1, expiryDate, idTag: 'RES-R', reservationId: 7 })).body,
    { status: 'Accepted' });
  await waitForAsync(async () => {
    const cp = (await api('GET', `/charge-points/${CP_ID}`)).body;
    return cp.connectors.find((c) => c.connector_id === 1).status === 'Reserved';
  }, 'the CSMS to see connector 1 Reserved');
  assert.equal((await cpctl(cfg.socket, 'present-id', 1, 'TAG-R1')).code, 1, 'another id is refused there');

  const profile = {
    chargingProfileId: 70, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
  };
  assert.deepEqual((await operatorCall('SetChargingProfile', { connectorId: 0, csChargingProfiles: profile })).body,
    { status: 'Accepted' });
  await ctl('set-power', 1, 20000);
  await ctl('plug', 1);
  await ctl('present-id', 1, 'RES-R');
  await ctl('ev', 1, 'charge');
  await waitForAsync(async () => connector(await ctl('status'), 1).power_w === 10 * 230 * 3, 'the EV to draw 10 A');
  const composite = (await operatorCall('GetCompositeSchedule', { connectorId: 1, duration: 60 })).body;
  assert.equal(composite.status, 'Accepted');
  assert.equal(composite.chargingSchedule.chargingSchedulePeriod[0].limit, 10);
  const t = await waitForAsync(async () => (await transactions()).find((x) => x.id_tag === 'RES-R'), 'the transaction');
  assert.deepEqual((await operatorCall('ClearChargingProfile', { id: 70 })).body, { status: 'Accepted' });
  await waitForAsync(async () => connector(await ctl('status'), 1).power_w === 20000, 'the limit to go');
  await ctl('stop', 1);
  await ctl('unplug', 1);
  await waitForAsync(async () => (await transactions()).find((x) => x.transaction_id === t.transaction_id && x.stop_count > 0),
    'the stop at the CSMS');
  assert.deepEqual((await operatorCall('CancelReservation', { reservationId: 7 })).body, { status: 'Rejected' },
    'the reservation was used by its transaction');
}));

test('the CSMS goes down mid-session: the daemon reconnects and the stop reaches it once', withLog(async () => {
  const txId = await chargeAndSuspend(1, 'TAG-R2', 1);
  await kill(csms);
  await waitForAsync(async () => !(await ctl('status')).connected, 'the daemon to notice the CSMS is gone');

  const shown = connector(await ctl('status'), 1);
  await ctl('stop', 1);
  await ctl('unplug', 1);

  // A whole session while the CSMS is down: the id is known from the authorization cache
  // (LocalAuthorizeOffline); the transaction has no CSMS id yet.
  await ctl('plug', 2);
  await ctl('present-id', 2, 'TAG-R1');
  await ctl('ev', 2, 'charge');
  const local = connector(await ctl('status'), 2).transaction;
  assert.match(local.id, /^local-\d+$/, 'no CSMS id while offline');
  // A periodic sample taken offline joins the outbox.
  const queued = (await ctl('status')).outbox;
  await waitForAsync(async () => (await ctl('status')).outbox > queued, 'a sample of the offline session');
  await ctl('ev', 2, 'suspend');
  const shownOffline = connector(await ctl('status'), 2);
  await ctl('stop', 2);
  await ctl('unplug', 2);

  const offline = await ctl('status');
  assert.equal(offline.connected, false);
  assert.ok(offline.outbox >= 3, 'the stops and the offline start wait in the outbox');
  assert.equal(connector(offline, 1).transaction, null);
  assert.equal(connector(offline, 2).transaction, null);

  csms = await startCsms();  // same ports, same database
  await waitForAsync(async () => {
    const s = await ctl('status');
    return s.connected && s.registration === 'Accepted' && s.outbox === 0;
  }, 'the daemon to reconnect and drain its outbox', 40000);
  const cp = (await api('GET', `/charge-points/${CP_ID}`)).body;
  assert.equal(cp.connected, true);

  const txs = await transactions();
  // The full session, the remote one, the reserved one, and the two of this test.
  assert.equal(txs.length, 5, JSON.stringify(txs));
  for (const t of txs) {
    assert.equal(t.start_count, 1, `transaction ${t.transaction_id} started once`);
    assert.equal(t.stop_count, 1, `transaction ${t.transaction_id} stopped once`);
  }
  const t = txs.find((x) => x.transaction_id === String(txId));
  assert.equal(t.stop_reason, 'Local');
  assert.equal(t.id_tag, 'TAG-R2');
  // Both register values are rounded to whole Wh on the wire.
  assert.ok(Math.abs(t.meter_stop_wh - t.meter_start_wh - shown.transaction.energy_wh) <= 1,
    `energy at the CSMS ${t.meter_stop_wh - t.meter_start_wh} vs ${shown.transaction.energy_wh} Wh shown by cpctl`);
  assert.equal(t.meter_stop_wh, Math.round(shown.meter_wh));
  assert.ok(t.meter_values >= 1);

  // The offline session: started and stopped at the CSMS once, under the id the CSMS gave it on
  // reconnect, which every later message of it carries (the outbox renders at send time).
  const o = txs.find((x) => x.connector_id === 2 && x.id_tag === 'TAG-R1');
  assert.ok(o, JSON.stringify(txs));
  assert.equal(o.stop_reason, 'Local');
  assert.ok(Math.abs(o.meter_stop_wh - o.meter_start_wh - shownOffline.transaction.energy_wh) <= 1,
    `energy at the CSMS ${o.meter_stop_wh - o.meter_start_wh} vs ${shownOffline.transaction.energy_wh} Wh shown by cpctl`);
  assert.ok(Date.parse(o.started_at) < Date.parse(o.stopped_at));
  const late = receivedCalls().filter((c) => c.action === 'MeterValues' && c.payload.connectorId === 2 &&
    Date.parse(c.payload.meterValue[0].timestamp) >= Date.parse(o.started_at) &&
    Date.parse(c.payload.meterValue[0].timestamp) <= Date.parse(o.stopped_at));
  assert.ok(late.length >= 1, 'samples taken offline are sent after the reconnect');
  for (const c of late) assert.equal(c.payload.transactionId, Number(o.transaction_id), JSON.stringify(c.payload));
  assert.equal(o.meter_values, meterValuesSent(Number(o.transaction_id)));

  // The statuses that changed while the link was down reached the CSMS: the latest of each.
  await waitForAsync(async () => {
    const c = (await api('GET', `/charge-points/${CP_ID}`)).body.connectors;
    return c.find((x) => x.connector_id === 1).status === 'Available' && c.find((x) => x.connector_id === 2).status === 'Available';
  }, 'connectors 1 and 2 Available at the CSMS');
}));

test('both stop cleanly on SIGTERM: exit status 0, no sanitizer report', withLog(async () => {
  assert.equal(await stop(daemon), 0);
  assert.equal(await stop(csms), 0);
  for (const p of [daemon, ...csmsRuns]) assert.doesNotMatch(p.err, /Sanitizer|runtime error:/);
}));
