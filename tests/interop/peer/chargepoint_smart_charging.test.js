// Smart charging (1.6 §3.13, feature profile SmartCharging) on the daemon, against the strict
// ocpp-rpc peer. What a user notices is the power the EV draws: the simulated EV asks for 20 kW
// (more than any limit here) and `ocpp-cpctl status` shows `power_w`, which must follow the
// profiles the CSMS installs, over time, through a restart and while the CSMS is unreachable.
// 3 phases at 230 V: 10 A per phase is 6900 W.
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const {
  start, waitFor, waitForAsync, stop, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail,
} = require('./support');

const CP_ID = 'SMART-1';
const W_PER_A = 230 * 3;

class Csms {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.client = null;
    this.nextTransactionId = 500;
    this.server.on('client', (c) => this.attach(c));
  }

  async listen(port = 0) {
    const http = await this.server.listen(port, '127.0.0.1');
    this.port = http.address().port;
    return this.port;
  }

  attach(c) {
    this.client = c;
    c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
    c.on('close', () => { if (this.client === c) this.client = null; });
    const now = () => new Date().toISOString();
    const answers = {
      BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 60 }),
      Heartbeat: () => ({ currentTime: now() }),
      Authorize: () => ({ idTagInfo: { status: 'Accepted' } }),
      StartTransaction: () => ({ transactionId: this.nextTransactionId++, idTagInfo: { status: 'Accepted' } }),
      StopTransaction: () => ({}),
      StatusNotification: () => ({}),
      MeterValues: () => ({}),
    };
    for (const [method, answer] of Object.entries(answers)) {
      c.handle(method, ({ params }) => {
        const result = answer(params);
        this.calls.push({ method, params, result });
        return result;
      });
    }
  }

  async next(method, pred = () => true, from = 0, ms = 10000) {
    let found;
    await waitFor(() => (found = this.calls.slice(from).find((c) => c.method === method && pred(c.params))),
      `${method} from the charge point`, ms);
    return found;
  }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the charge point to be connected', 20000);
    return this.client.call(method, params);
  }
}

let csms = new Csms();
let dir;
let cfg;
let daemon;
const ctl = (...args) => cpctlOk(cfg.socket, ...args);
const powerOf = async (id) => (await ctl('status')).connectors.find((c) => c.id === id).power_w;

// Waits until connector `id` draws `watts` (within 1 W) and returns when it did.
async function drawing(id, watts, what, ms = 10000) {
  let last;
  await waitForAsync(async () => {
    last = await powerOf(id);
    return Math.abs(last - watts) < 1;
  }, `${what}: connector ${id} to draw ${watts} W (last ${last} W)`, ms);
}

function profile(id, purpose, stackLevel, periods, extra = {}) {
  return {
    chargingProfileId: id,
    stackLevel,
    chargingProfilePurpose: purpose,
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      startSchedule: new Date(Date.now() - 1000).toISOString(),
      chargingRateUnit: 'A',
      chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
    },
    ...extra,
  };
}

const set = (connectorId, p) => csms.call('SetChargingProfile', { connectorId, csChargingProfiles: p });

function startDaemon() {
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
}

function withLog(fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (e) {
      e.message += tail(daemon, 80);
      throw e;
    }
  };
}

before(async () => {
  const port = await csms.listen();
  dir = tempDir();
  cfg = writeChargePointConfig(dir, { id: CP_ID, csmsUrl: `ws://127.0.0.1:${port}`, connectors: 2 });
  startDaemon();
  await csms.next('BootNotification');
});

after(async () => {
  if (daemon) await stop(daemon);
  await csms.server.close({ awaitPending: false, force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// An EV on `id` that wants 20 kW, charging in a transaction; returns the CSMS's transactionId.
async function charge(id, tag) {
  const m = csms.calls.length;
  await ctl('set-power', id, 20000);
  await ctl('plug', id);
  await ctl('present-id', id, tag);
  const startCall = await csms.next('StartTransaction', (p) => p.connectorId === id, m);
  await ctl('ev', id, 'charge');
  return startCall.result.transactionId;
}

test('the pile says it supports SmartCharging, with the limits of §9.4', withLog(async () => {
  const r = await csms.call('GetConfiguration', {});
  const value = (k) => r.configurationKey.find((c) => c.key === k);
  assert.match(value('SupportedFeatureProfiles').value, /SmartCharging/);
  assert.equal(value('ChargeProfileMaxStackLevel').value, '8');
  assert.equal(value('ChargingScheduleAllowedChargingRateUnit').value, 'Current,Power');
  assert.equal(value('ChargingScheduleMaxPeriods').value, '24');
  assert.equal(value('MaxChargingProfilesInstalled').value, '32');
  assert.equal(value('MaxChargingProfilesInstalled').readonly, true);
}));

let tx1;
test('without a profile the EV draws what it asks, up to the EVSE maximum', withLog(async () => {
  tx1 = await charge(1, 'TAG-1');
  await drawing(1, 20000, 'no profile');
}));

test('a TxDefaultProfile for the whole pile limits the running transaction', withLog(async () => {
  assert.deepEqual(await set(0, profile(1, 'TxDefaultProfile', 0, [[0, 10]])), { status: 'Accepted' });
  await drawing(1, 10 * W_PER_A, 'TxDefault 10 A');
}));

test('a TxProfile of a higher stack level wins, and its next period applies when it starts', withLog(async () => {
  const p = profile(2, 'TxProfile', 1, [[0, 16], [5, 8]], { transactionId: tx1 });
  assert.deepEqual(await set(1, p), { status: 'Accepted' });
  await drawing(1, 16 * W_PER_A, 'TxProfile first period');
  await drawing(1, 8 * W_PER_A, 'TxProfile second period, 5 s in', 10000);
  const composite = await csms.call('GetCompositeSchedule', { connectorId: 1, duration: 60, chargingRateUnit: 'A' });
  assert.equal(composite.status, 'Accepted');
  assert.equal(composite.connectorId, 1);
  assert.equal(composite.chargingSchedule.chargingRateUnit, 'A');
  assert.equal(composite.chargingSchedule.chargingSchedulePeriod[0].startPeriod, 0);
  assert.equal(composite.chargingSchedule.chargingSchedulePeriod[0].limit, 8, JSON.stringify(composite));
}));

test('invalid profiles are Rejected and change nothing', withLog(async () => {
  const rejected = { status: 'Rejected' };
  assert.deepEqual(await set(1, profile(10, 'TxDefaultProfile', 9, [[0, 6]])), rejected, 'stack level above 8');
  assert.deepEqual(await set(2, profile(11, 'TxProfile', 2, [[0, 6]])), rejected, 'TxProfile without a transaction');
  assert.deepEqual(await set(1, profile(12, 'ChargePointMaxProfile', 0, [[0, 6]])), rejected,
    'a ChargePointMaxProfile is for connector 0');
  assert.deepEqual(await set(1, profile(13, 'TxDefaultProfile', 3, [[10, 6], [0, 7]])), rejected, 'periods out of order');
  const tooMany = Array.from({ length: 25 }, (_, i) => [i * 60, 6]);
  assert.deepEqual(await set(1, profile(14, 'TxDefaultProfile', 3, tooMany)), rejected, 'more than 24 periods');
  assert.deepEqual(await set(7, profile(15, 'TxDefaultProfile', 3, [[0, 6]])), rejected, 'no connector 7');
  await drawing(1, 8 * W_PER_A, 'still the TxProfile');
}));

test('ClearChargingProfile removes the TxProfile: the TxDefaultProfile applies again', withLog(async () => {
  assert.deepEqual(await csms.call('ClearChargingProfile', { id: 2 }), { status: 'Accepted' });
  await drawing(1, 10 * W_PER_A, 'back to TxDefault');
  assert.deepEqual(await csms.call('ClearChargingProfile', { id: 99 }), { status: 'Unknown' });
}));

test('a ChargePointMaxProfile is shared by the connectors that charge', withLog(async () => {
  assert.deepEqual(await set(0, profile(3, 'ChargePointMaxProfile', 0, [[0, 14]])), { status: 'Accepted' });
  await drawing(1, 10 * W_PER_A, 'alone: its TxDefault 10 A is below the 14 A maximum');
  await charge(2, 'TAG-2');
  await drawing(1, 7 * W_PER_A, 'two charging: 7 A each');
  await drawing(2, 7 * W_PER_A, 'two charging: 7 A each');
  await ctl('stop', 2);
  await ctl('unplug', 2);
  await drawing(1, 10 * W_PER_A, 'alone again');
}));

test('a RemoteStartTransaction with a TxProfile limits the transaction it starts, and only that one', withLog(async () => {
  const m = csms.calls.length;
  await ctl('set-power', 2, 20000);
  const p = profile(4, 'TxProfile', 2, [[0, 6]]);
  delete p.chargingSchedule.startSchedule;
  p.chargingProfileKind = 'Relative';
  assert.deepEqual(await csms.call('RemoteStartTransaction', { connectorId: 2, idTag: 'APP-1', chargingProfile: p }),
    { status: 'Accepted' });
  await ctl('plug', 2);
  const started = await csms.next('StartTransaction', (x) => x.connectorId === 2, m);
  await ctl('ev', 2, 'charge');
  await drawing(2, 6 * W_PER_A, 'the remote start profile');
  await ctl('stop', 2);
  await csms.next('StopTransaction', (x) => x.transactionId === started.result.transactionId, m);
  await ctl('unplug', 2);
  const composite = await csms.call('GetCompositeSchedule', { connectorId: 2, duration: 10 });
  // Its TxDefault 10 A, shared with connector 1's transaction under the 14 A maximum: 7 A, not 6.
  assert.equal(composite.chargingSchedule.chargingSchedulePeriod[0].limit, 7, 'the TxProfile ended with its transaction');
}));

test("a site energy manager's limit (ocpp-cpctl external-limit) caps the pile; the CSMS cannot clear it", withLog(async () => {
  await ctl('external-limit', 0, `${8 * W_PER_A}W`);
  await drawing(1, 8 * W_PER_A, 'the external limit, in watts');
  const st = await ctl('status');
  assert.deepEqual(st.external_limits, [{ evse: 0, limit: 8 * W_PER_A, unit: 'W' }]);
  assert.equal(st.connectors.find((c) => c.id === 1).limit_a, 8);
  const composite = await csms.call('GetCompositeSchedule', { connectorId: 1, duration: 30, chargingRateUnit: 'A' });
  assert.equal(composite.chargingSchedule.chargingSchedulePeriod[0].limit, 8, 'the CSMS sees it in the composite');
  assert.deepEqual(await csms.call('ClearChargingProfile', { chargingProfilePurpose: 'ChargePointMaxProfile' }),
    { status: 'Accepted' }, 'the 14 A maximum goes');
  await drawing(1, 8 * W_PER_A, 'the external limit stays');
  await ctl('external-limit', 0, 'clear');
  await drawing(1, 10 * W_PER_A, 'back to TxDefault 10 A');
  assert.deepEqual(await set(0, profile(3, 'ChargePointMaxProfile', 0, [[0, 14]])), { status: 'Accepted' });
  const bad = await cpctl(cfg.socket, 'external-limit', 9, '10A');
  assert.equal(bad.code, 1);
  assert.match(bad.json.reason, /no EVSE 9/);
}));

test('while the CSMS is unreachable the pile keeps to its plan, schedule changes included', withLog(async () => {
  // A profile whose limit drops 8 s from now, installed online; the CSMS then goes away.
  const p = profile(5, 'TxProfile', 3, [[0, 12], [8, 9]], { transactionId: tx1 });
  assert.deepEqual(await set(1, p), { status: 'Accepted' });
  await drawing(1, 12 * W_PER_A, 'TxProfile 12 A');
  await csms.server.close({ awaitPending: false, force: true });
  await waitForAsync(async () => !(await ctl('status')).connected, 'the pile to notice the CSMS is gone');
  await drawing(1, 9 * W_PER_A, 'the second period, offline', 15000);
}));

test('profiles survive a restart: a new transaction gets the stored TxDefaultProfile', withLog(async () => {
  await stop(daemon);
  csms = new Csms();
  await csms.listen(Number(new URL(cfg.config.csms_url).port));
  startDaemon();
  await csms.next('BootNotification');
  await waitForAsync(async () => (await ctl('status')).connectors.every((c) => c.transaction === undefined ||
    c.transaction === null), 'the interrupted transaction to be closed');
  await ctl('unplug', 1);
  await charge(1, 'TAG-3');
  // Alone on the pile: its TxDefault 10 A is below the stored 14 A maximum.
  await drawing(1, 10 * W_PER_A, 'the stored TxDefaultProfile');
  assert.deepEqual(csms.failures, []);
}));
