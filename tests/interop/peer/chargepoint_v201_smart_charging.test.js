// Smart charging on a 2.0.1 pile (Part 2 block K) against an independent CSMS: the npm package
// ocpp-rpc in strict mode on ocpp2.0.1, which checks every frame against the OCA schemas. What is
// asserted is what a user sees: the power the simulated EV draws (`ocpp-cpctl status`), which is
// min(what the EV wants, limit x 230 V x 3 phases), follows the profiles the CSMS installs, clears,
// and sends with a remote start, across a restart of the daemon and while the CSMS is gone. The
// tests run in order against one daemon.
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, waitForAsync, stop, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail } = require('./support');

const CP_ID = 'V201-SMART-1';
const WANTED_W = 11000;  // what the simulated EV asks for: above every limit used here
const watts = (amps) => amps * 230 * 3;

class StrictCsms201 {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.badMessages = [];
    this.client = null;
    this.server.on('client', (c) => this.attach(c));
  }

  async listen() {
    const http = await this.server.listen(0, '127.0.0.1');
    this.port = http.address().port;
  }

  attach(c) {
    this.client = c;
    c.on('strictValidationFailure', (e) => {
      this.failures.push(`${e.outbound ? 'CSMS->CP' : 'CP->CSMS'} ${e.method} ${e.isCall ? 'req' : 'conf'}: ` +
        `${e.error.message} ${JSON.stringify(e.isCall ? e.params : e.result)}`);
    });
    c.on('badMessage', (e) => this.badMessages.push({ frame: e.buffer.toString(), error: e.error.message }));
    c.on('close', () => {
      if (this.client === c) this.client = null;
    });
    const now = () => new Date().toISOString();
    const answers = {
      BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 30 }),
      Heartbeat: () => ({ currentTime: now() }),
      Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
      TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: 'Accepted' } } : {}),
    };
    for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'TransactionEvent',
      'MeterValues', 'NotifyReport', 'SecurityEventNotification', 'NotifyEvent', 'ReportChargingProfiles',
      'NotifyChargingLimit', 'ClearedChargingLimit']) {
      c.handle(method, ({ params }) => {
        const result = answers[method] ? answers[method](params) : {};
        this.calls.push({ method, params });
        return result;
      });
    }
  }

  mark() { return this.calls.length; }

  all(method, pred = () => true, from = 0) {
    return this.calls.slice(from).filter((c) => c.method === method && pred(c.params));
  }

  async next(method, pred = () => true, from = 0, ms = 10000) {
    let found;
    await waitFor(() => (found = this.calls.slice(from).find((c) => c.method === method && pred(c.params))),
      `${method} from the charge point (after call #${from})`, ms);
    return found;
  }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the charge point to be connected');
    return this.client.call(method, params);
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.server.close({ awaitPending: false, force: true });
  }
}

const csms = new StrictCsms201();
let dir;
let cfg;
let daemon;

const ctl = (...args) => cpctlOk(cfg.socket, ...args);

async function connector(n) {
  return (await ctl('status')).connectors[n - 1];
}

// Waits until connector n draws `w` watts (what the user sees in `ocpp-cpctl status`).
async function powerBecomes(n, w, ms = 8000) {
  let last;
  try {
    await waitForAsync(async () => {
      last = (await connector(n)).power_w;
      return Math.abs(last - w) < 1;
    }, `connector ${n} to draw ${w} W`, ms);
  } catch (e) {
    e.message += ` (it draws ${last} W)`;
    throw e;
  }
}

// A whole second, as ISO text: the schedules here start on one so that their periods are exact.
function isoSecond(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function profile(id, { purpose = 'TxDefaultProfile', stackLevel = 0, periods = [[0, 10]], unit = 'A', start,
  kind = 'Absolute', transactionId } = {}) {
  const schedule = {
    id,
    chargingRateUnit: unit,
    chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
  };
  if (kind !== 'Relative') schedule.startSchedule = start || isoSecond(Date.now() - 60000);
  const p = { id, stackLevel, chargingProfilePurpose: purpose, chargingProfileKind: kind, chargingSchedule: [schedule] };
  if (transactionId) p.transactionId = transactionId;
  return p;
}

async function setProfile(evseId, chargingProfile) {
  return csms.call('SetChargingProfile', { evseId, chargingProfile });
}

async function entries() {
  const r = await csms.call('GetVariables', { getVariableData: [
    { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Entries', instance: 'ChargingProfiles' } }] });
  return Number(r.getVariableResult[0].attributeValue);
}

// Plug, card, EV charging: the transaction's id.
async function startSession(n, tag) {
  const m = csms.mark();
  await ctl('set-power', n, WANTED_W);
  await ctl('plug', n);
  await ctl('present-id', n, tag);
  const started = await csms.next('TransactionEvent', (p) => p.eventType === 'Started' && p.evse.id === n, m);
  await ctl('ev', n, 'charge');
  return started.params.transactionInfo.transactionId;
}

async function endSession(n, txId) {
  const m = csms.mark();
  await ctl('stop', n);
  await csms.next('TransactionEvent', (p) => p.eventType === 'Ended' && p.transactionInfo.transactionId === txId, m);
  await ctl('unplug', n);
}

function startDaemon() {
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
}

before(async () => {
  await csms.listen();
  dir = tempDir();
  cfg = writeChargePointConfig(dir, {
    id: CP_ID,
    csmsUrl: `ws://127.0.0.1:${csms.port}/ocpp`,
    connectors: 2,
    ocppConfig: { 'TxCtrlr.EVConnectionTimeOut': '30' },
    extra: { ocpp_version: '2.0.1' },
  });
  startDaemon();
});

after(async () => {
  if (daemon) await stop(daemon);
  await csms.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

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

test('SmartChargingCtrlr says what the station accepts', withLog(async () => {
  await csms.next('BootNotification');
  const r = await csms.call('GetVariables', { getVariableData: [
    ['Available'], ['Enabled'], ['Entries', 'ChargingProfiles'], ['ProfileStackLevel'], ['PeriodsPerSchedule'],
    ['RateUnit'], ['LimitChangeSignificance'],
  ].map(([name, instance]) => ({ component: { name: 'SmartChargingCtrlr' }, variable: instance ? { name, instance } : { name } })) });
  assert.deepEqual(r.getVariableResult.map((v) => v.attributeValue), ['true', 'true', '0', '8', '24', 'A,W', '10']);
}));

let tx1;

test('a TxDefaultProfile of 10 A limits the transaction: the EV draws 10 A x 230 V x 3', withLog(async () => {
  const res = await setProfile(0, profile(1, { periods: [[0, 10]] }));
  assert.equal(res.status, 'Accepted');
  assert.equal(await entries(), 1);
  tx1 = await startSession(1, 'TAG-1');
  await powerBecomes(1, watts(10));
}));

test('a schedule whose limit changes after 3 s moves the power with it; GetCompositeSchedule shows both', withLog(async () => {
  const begin = Date.now() + 1000;
  const res = await setProfile(1, profile(2, { stackLevel: 1, start: isoSecond(begin), periods: [[0, 6], [3, 8]] }));
  assert.equal(res.status, 'Accepted');
  const composite = await csms.call('GetCompositeSchedule', { evseId: 1, duration: 60, chargingRateUnit: 'A' });
  assert.equal(composite.status, 'Accepted');
  const s = composite.schedule;
  assert.equal(s.evseId, 1);
  assert.equal(s.duration, 60);
  assert.equal(s.chargingRateUnit, 'A');
  // From now: the station-wide 10 A until the schedule starts, then 6 A, then 8 A 3 s later.
  const at = (ms) => Math.round((Math.floor(ms / 1000) * 1000 - Date.parse(s.scheduleStart)) / 1000);
  const limits = s.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit, p.numberPhases]);
  const expected = [[at(begin), 6, 3], [at(begin) + 3, 8, 3]];
  if (at(begin) > 0) expected.unshift([0, 10, 3]);
  assert.deepEqual(limits, expected);
  await powerBecomes(1, watts(6), 4000);
  await powerBecomes(1, watts(8), 6000);
  const inWatts = await csms.call('GetCompositeSchedule', { evseId: 1, duration: 30, chargingRateUnit: 'W' });
  assert.deepEqual(inWatts.schedule.chargingSchedulePeriod.map((p) => p.limit), [watts(8)]);
  const unknown = await csms.call('GetCompositeSchedule', { evseId: 9, duration: 60 });
  assert.equal(unknown.status, 'Rejected');
  assert.equal(unknown.statusInfo.reasonCode, 'UnknownEvse');
}));

test('invalid profiles are Rejected with the reason, and change nothing', withLog(async () => {
  const cases = [
    ['stack level above ProfileStackLevel', 1, profile(10, { stackLevel: 99 }), 'InvalidStackLevel'],
    ['TxProfile without transactionId (K01.FR.03)', 1, profile(11, { purpose: 'TxProfile' }), 'MissingParam'],
    ['TxProfile for no running transaction', 1, profile(12, { purpose: 'TxProfile', transactionId: 'nope' }),
      'TxNotFound'],
    ['TxProfile on EVSE 0 (K01.FR.16)', 0, profile(13, { purpose: 'TxProfile', transactionId: tx1 }), 'InvalidPurpose'],
    ['ChargingStationExternalConstraints (K01.FR.22)', 0,
      profile(14, { purpose: 'ChargingStationExternalConstraints' }), 'InvalidPurpose'],
    ['periods out of order', 1, profile(15, { stackLevel: 2, periods: [[0, 6], [20, 8], [10, 7]] }), 'InvalidSchedule'],
    ['same purpose, stack level and EVSE as profile 2 (K01.FR.06)', 1, profile(16, { stackLevel: 1 }),
      'DuplicateProfile'],
    ['Relative with startSchedule (K01.FR.41)', 1,
      { ...profile(17, { stackLevel: 3 }), chargingProfileKind: 'Relative' }, 'InvalidSchedule'],
  ];
  for (const [what, evseId, p, reason] of cases) {
    const res = await setProfile(evseId, p);
    assert.equal(res.status, 'Rejected', what);
    assert.equal(res.statusInfo.reasonCode, reason, `${what}: ${res.statusInfo.additionalInfo}`);
    assert.ok(res.statusInfo.additionalInfo, `${what}: the detail is in additionalInfo`);
  }
  const two = profile(18, { stackLevel: 4 });
  two.chargingSchedule.push({ ...two.chargingSchedule[0], id: 19 });
  const res = await setProfile(1, two);
  assert.equal(res.status, 'Rejected', 'two schedules are for ISO 15118, which the station does not do');
  assert.equal(res.statusInfo.reasonCode, 'UnsupportedParam');
  assert.equal(await entries(), 2);
  assert.equal((await connector(1)).power_w, watts(8));
}));

test('GetChargingProfiles reports per EVSE with the requestId; criteria select', withLog(async () => {
  const m = csms.mark();
  const res = await csms.call('GetChargingProfiles', { requestId: 7, chargingProfile: {} });
  assert.equal(res.status, 'Accepted');
  await csms.next('ReportChargingProfiles', (p) => p.requestId === 7 && !p.tbc, m);
  const reports = csms.all('ReportChargingProfiles', (p) => p.requestId === 7, m).map((c) => c.params);
  assert.deepEqual(reports.map((r) => [r.evseId, r.chargingLimitSource, r.tbc === true]),
    [[0, 'CSO', true], [1, 'CSO', false]]);
  assert.deepEqual(reports.map((r) => r.chargingProfile.map((p) => p.id)), [[1], [2]]);
  const two = reports[1].chargingProfile[0];
  assert.equal(two.stackLevel, 1);
  assert.deepEqual(two.chargingSchedule[0].chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]), [[0, 6], [3, 8]]);

  const byEvse = await csms.call('GetChargingProfiles', { requestId: 8, evseId: 1, chargingProfile: {} });
  assert.equal(byEvse.status, 'Accepted');
  const only = await csms.next('ReportChargingProfiles', (p) => p.requestId === 8, m);
  assert.deepEqual(only.params.chargingProfile.map((p) => p.id), [2]);
  const none = [
    { requestId: 9, chargingProfile: { chargingProfilePurpose: 'TxProfile' } },
    { requestId: 10, chargingProfile: { stackLevel: 5 } },
    { requestId: 11, chargingProfile: { chargingProfileId: [42] } },
    { requestId: 12, chargingProfile: { chargingLimitSource: ['EMS', 'SO'] } },
  ];
  for (const req of none) {
    assert.equal((await csms.call('GetChargingProfiles', req)).status, 'NoProfiles', JSON.stringify(req));
  }
  const byId = await csms.call('GetChargingProfiles', { requestId: 13, chargingProfile: { chargingProfileId: [1] } });
  assert.equal(byId.status, 'Accepted');
  const one = await csms.next('ReportChargingProfiles', (p) => p.requestId === 13, m);
  assert.deepEqual([one.params.evseId, one.params.chargingProfile.map((p) => p.id)], [0, [1]]);
}));

test('ClearChargingProfile removes profiles and the power goes back up', withLog(async () => {
  assert.equal((await csms.call('ClearChargingProfile', { chargingProfileId: 2 })).status, 'Accepted');
  await powerBecomes(1, watts(10));
  assert.equal((await csms.call('ClearChargingProfile', { chargingProfileId: 2 })).status, 'Unknown');
  const wrongEvse = { chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile' } };
  assert.equal((await csms.call('ClearChargingProfile', wrongEvse)).status, 'Unknown');
  const station = { chargingProfileCriteria: { evseId: 0, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 } };
  assert.equal((await csms.call('ClearChargingProfile', station)).status, 'Accepted');
  await powerBecomes(1, WANTED_W);
  assert.equal(await entries(), 0);
}));

test("a site energy manager's limit is told with NotifyChargingLimit and ClearedChargingLimit (K12, K13)", withLog(async () => {
  let m = csms.mark();
  await ctl('external-limit', 1, '9A');
  const told = await csms.next('NotifyChargingLimit', () => true, m);
  assert.equal(told.params.chargingLimit.chargingLimitSource, 'EMS');
  assert.equal(told.params.evseId, 1);
  assert.equal(told.params.chargingSchedule[0].chargingRateUnit, 'A');
  assert.equal(told.params.chargingSchedule[0].chargingSchedulePeriod[0].limit, 9);
  await powerBecomes(1, watts(9));
  // 9.5 A is within LimitChangeSignificance (10 %): applied, not worth a message.
  m = csms.mark();
  await ctl('external-limit', 1, '9.5A');
  await ctl('external-limit', 1, '6A');
  const moved = await csms.next('NotifyChargingLimit', () => true, m);
  assert.equal(moved.params.chargingSchedule[0].chargingSchedulePeriod[0].limit, 6, 'the 9.5 A step was not told');
  assert.equal(csms.all('NotifyChargingLimit', () => true, m).length, 1);
  await powerBecomes(1, watts(6));
  const got = await csms.call('GetChargingProfiles', { requestId: 40, chargingProfile: { chargingLimitSource: ['EMS'] } });
  assert.equal(got.status, 'Accepted');
  const report = await csms.next('ReportChargingProfiles', (p) => p.requestId === 40, m);
  assert.equal(report.params.chargingLimitSource, 'EMS');
  assert.equal(report.params.chargingProfile[0].chargingProfilePurpose, 'ChargingStationExternalConstraints');
  const cso = await csms.call('GetChargingProfiles', { requestId: 41, chargingProfile: { chargingLimitSource: ['CSO'] } });
  assert.equal(cso.status, 'NoProfiles', 'the CSMS installed none now');
  assert.equal((await csms.call('ClearChargingProfile', {})).status, 'Unknown', 'the CSMS cannot clear it');
  m = csms.mark();
  await ctl('external-limit', 1, 'clear');
  const cleared = await csms.next('ClearedChargingLimit', () => true, m);
  assert.deepEqual(cleared.params, { chargingLimitSource: 'EMS', evseId: 1 });
  await powerBecomes(1, WANTED_W);
}));

test('a TxProfile for the running transaction limits it and ends with it', withLog(async () => {
  const res = await setProfile(1, profile(20, { purpose: 'TxProfile', transactionId: tx1, periods: [[0, 7]] }));
  assert.equal(res.status, 'Accepted');
  await powerBecomes(1, watts(7));
  await endSession(1, tx1);
  await waitForAsync(async () => (await entries()) === 0, 'the TxProfile to end with its transaction');
}));

test('RequestStartTransaction with a TxProfile limits the transaction it starts (K05)', withLog(async () => {
  const txProfile = profile(30, { purpose: 'TxProfile', kind: 'Relative', periods: [[0, 8]] });
  const refused = [
    ['a TxDefaultProfile', { ...txProfile, chargingProfilePurpose: 'TxDefaultProfile' }],
    ['a transactionId', { ...txProfile, transactionId: 'x' }],
    ['a stack level too high', { ...txProfile, stackLevel: 99 }],
  ];
  for (const [what, chargingProfile] of refused) {
    const r = await csms.call('RequestStartTransaction', {
      evseId: 2, remoteStartId: 1, idToken: { idToken: 'REMOTE-X', type: 'Central' }, chargingProfile,
    });
    assert.equal(r.status, 'Rejected', what);
    assert.ok(r.statusInfo.reasonCode, what);
  }
  const m = csms.mark();
  const res = await csms.call('RequestStartTransaction', {
    evseId: 2, remoteStartId: 2, idToken: { idToken: 'REMOTE-1', type: 'Central' }, chargingProfile: txProfile,
  });
  assert.equal(res.status, 'Accepted');
  await ctl('set-power', 2, WANTED_W);
  await ctl('plug', 2);
  const started = await csms.next('TransactionEvent', (p) => p.eventType === 'Started' && p.evse.id === 2, m);
  const txId = started.params.transactionInfo.transactionId;
  await ctl('ev', 2, 'charge');
  await powerBecomes(2, watts(8));
  const got = await csms.call('GetChargingProfiles', { requestId: 20, chargingProfile: { chargingProfilePurpose: 'TxProfile' } });
  assert.equal(got.status, 'Accepted');
  const report = await csms.next('ReportChargingProfiles', (p) => p.requestId === 20, m);
  assert.equal(report.params.evseId, 2);
  assert.equal(report.params.chargingProfile[0].transactionId, txId, 'the profile is the transaction\'s');
  await endSession(2, txId);
  await waitForAsync(async () => (await entries()) === 0, 'the TxProfile to end with its transaction');
}));

test('profiles survive a restart and keep applying while the CSMS is gone', withLog(async () => {
  // 7 A now, 9 A from 20 s on: the change comes after the CSMS has gone.
  const begin = Date.now();
  const res = await setProfile(0, profile(40, { start: isoSecond(begin), periods: [[0, 7], [20, 9]] }));
  assert.equal(res.status, 'Accepted');
  await stop(daemon);
  const m = csms.mark();
  startDaemon();
  await csms.next('BootNotification', () => true, m);
  await waitForAsync(async () => (await ctl('status')).registration === 'Accepted', 'the registration');
  assert.equal(await entries(), 1, 'the profile is still installed');
  const tx = await startSession(1, 'TAG-2');
  await powerBecomes(1, watts(7));
  await csms.close();
  await waitForAsync(async () => (await ctl('status')).connected === false, 'the link to drop');
  assert.ok(Date.now() - begin < 19000, 'the CSMS went before the schedule\'s second period');
  assert.equal((await connector(1)).power_w, watts(7));
  await powerBecomes(1, watts(9), 25000);
  await ctl('stop', 1);
  await waitForAsync(async () => !(await connector(1)).transaction, 'the transaction to end offline');
  assert.ok(tx);
}));

test('the strict peer saw no schema failures and no unreadable frames', () => {
  assert.deepEqual(csms.failures, []);
  assert.deepEqual(csms.badMessages, []);
});
