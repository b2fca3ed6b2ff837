// The charge point daemon (ocpp-chargepoint) with `ocpp_version: "2.0.1"` against an independent
// CSMS: the npm package ocpp-rpc in strict mode on subprotocol ocpp2.0.1, which checks every frame
// the daemon sends and every answer it gives against the OCA 2.0.1 schemas. The daemon runs as a
// real process on a simulated pile, driven with ocpp-cpctl exactly as a 1.6 pile is. The tests run
// in order against one daemon.
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const {
  start, waitFor, waitForAsync, stop, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail,
} = require('./support');

const CP_ID = 'V201-DAEMON-1';
const HEARTBEAT_S = 2;

class StrictCsms201 {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.badMessages = [];
    this.identities = [];
    this.client = null;
    this.server.on('client', (c) => this.attach(c));
  }

  async listen() {
    const http = await this.server.listen(0, '127.0.0.1');
    this.port = http.address().port;
    return this.port;
  }

  answer(method, params) {
    const now = new Date().toISOString();
    const judged = (token) => ({ status: token.idToken.startsWith('BLOCKED') ? 'Blocked' : 'Accepted' });
    switch (method) {
      case 'BootNotification': return { status: 'Accepted', currentTime: now, interval: HEARTBEAT_S };
      case 'Heartbeat': return { currentTime: now };
      case 'Authorize': return { idTokenInfo: judged(params.idToken) };
      case 'TransactionEvent': return params.idToken ? { idTokenInfo: judged(params.idToken) } : {};
      default: return {};  // StatusNotification, MeterValues, NotifyReport, SecurityEventNotification
    }
  }

  attach(c) {
    this.client = c;
    this.identities.push(c.identity);
    c.on('strictValidationFailure', (e) => {
      this.failures.push(`${e.outbound ? 'CSMS->CP' : 'CP->CSMS'} ${e.method} ${e.isCall ? 'req' : 'conf'}: ` +
        `${e.error.message} ${JSON.stringify(e.isCall ? e.params : e.result)}`);
    });
    c.on('badMessage', (e) => this.badMessages.push({ frame: e.buffer.toString(), error: e.error.message }));
    c.on('close', () => {
      if (this.client === c) this.client = null;
    });
    for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'TransactionEvent',
      'MeterValues', 'NotifyReport', 'SecurityEventNotification', 'NotifyEvent']) {
      c.handle(method, ({ params }) => {
        const result = this.answer(method, params);
        this.calls.push({ method, params, result, at: Date.now() });
        return result;
      });
    }
  }

  mark() { return this.calls.length; }

  all(method, pred = () => true, from = 0) {
    return this.calls.slice(from).filter((c) => c.method === method && pred(c.params, c));
  }

  async next(method, pred = () => true, from = 0, ms = 10000) {
    let found;
    await waitFor(() => (found = this.calls.slice(from).find((c) => c.method === method && pred(c.params, c))),
      `${method} from the charge point (after call #${from})`, ms);
    return found;
  }

  // The TransactionEvents of one transaction, in the order they arrived.
  events(transactionId) {
    return this.all('TransactionEvent', (p) => p.transactionInfo.transactionId === transactionId).map((c) => c.params);
  }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the charge point to be connected');
    return this.client.call(method, params);
  }

  async close() { await this.server.close({ awaitPending: false, force: true }); }
}

const csms = new StrictCsms201();
let dir;
let cfg;
let daemon;

const ctl = (...args) => cpctlOk(cfg.socket, ...args);

function energyOf(meterValues) {
  for (const mv of meterValues || []) {
    for (const sv of mv.sampledValue) {
      if ((!sv.measurand || sv.measurand === 'Energy.Active.Import.Register') && !sv.phase) return Number(sv.value);
    }
  }
  return undefined;
}

// E01.FR.16, C01 and E01.FR.07, as ocpp201-scope's interop pitfalls list them: seqNo runs 0..n, the
// first event is Started and the last Ended, evse is only in the first, idToken once after
// authorization (and in Ended only when an id ended it).
function checkTransactionShape(events, { stoppedById = false } = {}) {
  assert.ok(events.length >= 2, `a transaction has at least Started and Ended, got ${events.length}`);
  assert.deepEqual(events.map((e) => e.seqNo), events.map((_, i) => i), 'seqNo runs 0..n without gaps');
  assert.equal(events[0].eventType, 'Started');
  assert.equal(events.at(-1).eventType, 'Ended');
  for (const e of events.slice(1, -1)) assert.equal(e.eventType, 'Updated');
  assert.ok(events[0].evse, 'the first event carries the EVSE');
  for (const e of events.slice(1)) assert.equal(e.evse, undefined, `evse only in the first event (seqNo ${e.seqNo})`);
  if (events[0].idToken) {
    for (const e of events.slice(1, -1)) assert.equal(e.idToken, undefined, `idToken once (seqNo ${e.seqNo})`);
  }
  assert.equal(Boolean(events.at(-1).idToken), stoppedById, 'Ended carries an idToken only when one ended it');
}

before(async () => {
  const port = await csms.listen();
  dir = tempDir();
  cfg = writeChargePointConfig(dir, {
    id: CP_ID,
    csmsUrl: `ws://127.0.0.1:${port}/ocpp`,
    connectors: 2,
    ocppConfig: {
      'SampledDataCtrlr.TxUpdatedInterval': '1',
      'SampledDataCtrlr.TxUpdatedMeasurands': 'Energy.Active.Import.Register,Power.Active.Import',
      'TxCtrlr.EVConnectionTimeOut': '5',
    },
    extra: { ocpp_version: '2.0.1' },
  });
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
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

test('boots over ocpp2.0.1, reports each EVSE connector Available, and heartbeats', withLog(async () => {
  const boot = await csms.next('BootNotification');
  assert.equal(boot.params.chargingStation.vendorName, 'OcppStack');
  assert.equal(boot.params.reason, 'PowerUp');
  assert.equal(csms.identities[0], CP_ID, 'the identity is the last path segment of the URL');
  for (const evseId of [1, 2]) {
    await csms.next('StatusNotification', (p) => p.evseId === evseId && p.connectorId === 1 &&
      p.connectorStatus === 'Available', 0);
  }
  const s = await waitForAsync(async () => {
    const r = await cpctl(cfg.socket, 'status');
    return r.code === 0 && r.json.registration === 'Accepted' && r.json.connected ? r.json : null;
  }, 'cpctl status to show the registration');
  assert.equal(s.connectors.length, 2);
  const m = csms.mark();
  await csms.next('Heartbeat', () => true, m, (HEARTBEAT_S + 3) * 1000);
}));

test('a card session: Authorize ISO14443, TransactionEvent Started/Updated/Ended with the station id', withLog(async () => {
  const m = csms.mark();
  await ctl('plug', 1);
  await csms.next('StatusNotification', (p) => p.evseId === 1 && p.connectorStatus === 'Occupied', m);
  await ctl('present-id', 1, 'TAG-1');
  const auth = await csms.next('Authorize', (p) => p.idToken.idToken === 'TAG-1', m);
  assert.equal(auth.params.idToken.type, 'ISO14443');
  const started = await csms.next('TransactionEvent', (p) => p.eventType === 'Started', m);
  const txId = started.params.transactionInfo.transactionId;
  assert.match(txId, /^[0-9a-f-]{36}$/, 'a station-made transactionId of 36 characters');
  assert.deepEqual(started.params.evse, { id: 1, connectorId: 1 });
  assert.deepEqual(started.params.idToken, { idToken: 'TAG-1', type: 'ISO14443' });
  assert.equal(started.params.triggerReason, 'Authorized', 'the card after the cable completed the start');
  assert.equal(started.params.offline, undefined);
  const meterStart = energyOf(started.params.meterValue);
  assert.equal(typeof meterStart, 'number', 'Started carries the register (TxStartedMeasurands)');

  await ctl('ev', 1, 'charge');
  await csms.next('TransactionEvent', (p) => p.transactionInfo.transactionId === txId &&
    p.triggerReason === 'ChargingStateChanged' && p.transactionInfo.chargingState === 'Charging', m);
  await csms.next('TransactionEvent', (p) => p.transactionInfo.transactionId === txId &&
    p.triggerReason === 'MeterValuePeriodic', m, 5000);
  const status = await ctl('status');
  assert.equal(status.connectors[0].transaction.id, txId, 'cpctl shows the transaction by its 2.0.1 id');

  await ctl('present-id', 1, 'TAG-1');  // the same card ends it
  const ended = await csms.next('TransactionEvent', (p) => p.eventType === 'Ended', m);
  assert.equal(ended.params.triggerReason, 'StopAuthorized');
  assert.equal(ended.params.transactionInfo.stoppedReason, 'Local');
  assert.ok(energyOf(ended.params.meterValue) > meterStart, 'Ended carries the register, above the start');
  checkTransactionShape(csms.events(txId), { stoppedById: true });
  await ctl('unplug', 1);
  await csms.next('StatusNotification', (p) => p.evseId === 1 && p.connectorStatus === 'Available', m);
}));

test('RequestStartTransaction and RequestStopTransaction (F01, F03) with the remoteStartId', withLog(async () => {
  const m = csms.mark();
  const res = await csms.call('RequestStartTransaction', {
    evseId: 2, remoteStartId: 42, idToken: { idToken: 'REMOTE-1', type: 'Central' },
  });
  assert.equal(res.status, 'Accepted');
  await ctl('plug', 2);
  const started = await csms.next('TransactionEvent', (p) => p.eventType === 'Started', m);
  assert.equal(started.params.triggerReason, 'RemoteStart');
  assert.equal(started.params.transactionInfo.remoteStartId, 42);
  assert.deepEqual(started.params.idToken, { idToken: 'REMOTE-1', type: 'Central' });
  assert.deepEqual(started.params.evse, { id: 2, connectorId: 1 });
  const txId = started.params.transactionInfo.transactionId;

  const status = await csms.call('GetTransactionStatus', { transactionId: txId });
  assert.equal(status.ongoingIndicator, true);
  const unknown = await csms.call('RequestStopTransaction', { transactionId: 'no-such-transaction' });
  assert.equal(unknown.status, 'Rejected');
  const stopRes = await csms.call('RequestStopTransaction', { transactionId: txId });
  assert.equal(stopRes.status, 'Accepted');
  const ended = await csms.next('TransactionEvent', (p) => p.eventType === 'Ended' &&
    p.transactionInfo.transactionId === txId, m);
  assert.equal(ended.params.triggerReason, 'RemoteStop');
  assert.equal(ended.params.transactionInfo.stoppedReason, 'Remote');
  checkTransactionShape(csms.events(txId));
  const after = await csms.call('GetTransactionStatus', { transactionId: txId });
  assert.equal(after.ongoingIndicator, false);
  await ctl('unplug', 2);
}));

test('Get/SetVariables and GetBaseReport FullInventory (B05-B07)', withLog(async () => {
  const set = await csms.call('SetVariables', { setVariableData: [
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '7' },
    { component: { name: 'NoSuchCtrlr' }, variable: { name: 'X' }, attributeValue: '1' },
    { component: { name: 'ChargingStation' }, variable: { name: 'AvailabilityState' }, attributeValue: 'Faulted' },
  ] });
  assert.deepEqual(set.setVariableResult.map((r) => r.attributeStatus), ['Accepted', 'UnknownComponent', 'Rejected']);
  const got = await csms.call('GetVariables', { getVariableData: [
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
    { component: { name: 'OfflineCodeCtrlr' }, variable: { name: 'Key' } },
  ] });
  assert.equal(got.getVariableResult[0].attributeValue, '7');
  assert.equal(got.getVariableResult[1].attributeStatus, 'Rejected', 'a WriteOnly value is never read');

  const m = csms.mark();
  const base = await csms.call('GetBaseReport', { requestId: 5, reportBase: 'FullInventory' });
  assert.equal(base.status, 'Accepted');
  await csms.next('NotifyReport', (p) => p.requestId === 5 && !p.tbc, m);
  const reports = csms.all('NotifyReport', (p) => p.requestId === 5, m).map((c) => c.params);
  assert.deepEqual(reports.map((r) => r.seqNo), reports.map((_, i) => i));
  const items = reports.flatMap((r) => r.reportData || []);
  const has = (component, variable) => items.some((i) => i.component.name === component && i.variable.name === variable);
  for (const [c, v] of [['TxCtrlr', 'TxStartPoint'], ['TxCtrlr', 'TxStopPoint'], ['OCPPCommCtrlr', 'OfflineThreshold'],
    ['SampledDataCtrlr', 'TxUpdatedInterval'], ['AuthCtrlr', 'LocalPreAuthorize'], ['EVSE', 'AvailabilityState'],
    ['Connector', 'ConnectorType'], ['OfflineCodeCtrlr', 'Key'], ['LocalAuthListCtrlr', 'Entries']]) {
    assert.ok(has(c, v), `FullInventory reports ${c}.${v}`);
  }
  const key = items.find((i) => i.component.name === 'OfflineCodeCtrlr' && i.variable.name === 'Key');
  for (const a of key.variableAttribute) assert.equal(a.value, undefined, 'WriteOnly values are not reported');
}));

// E01 S2/S3/S5/S6: a session that begins at each TxStartPoint, set over SetVariables. Each is
// cable first, then card, then the EV draws; the Started event comes at the point configured.
test('a session begins at each start point the CSMS configures (TxCtrlr.TxStartPoint)', withLog(async () => {
  const expected = {
    EVConnected: { after: 'plug', trigger: 'CablePluggedIn' },
    Authorized: { after: 'card', trigger: 'Authorized' },
    PowerPathClosed: { after: 'card', trigger: 'Authorized' },
    EnergyTransfer: { after: 'ev', trigger: 'ChargingStateChanged' },
  };
  for (const [point, want] of Object.entries(expected)) {
    const set = await csms.call('SetVariables', { setVariableData: [
      { component: { name: 'TxCtrlr' }, variable: { name: 'TxStartPoint' }, attributeValue: point }] });
    assert.equal(set.setVariableResult[0].attributeStatus, 'Accepted', point);
    const m = csms.mark();
    const startedSince = () => csms.all('TransactionEvent', (p) => p.eventType === 'Started', m);
    for (const action of ['plug', 'card', 'ev']) {
      if (action === 'plug') await ctl('plug', 1);
      if (action === 'card') {
        await ctl('present-id', 1, 'TAG-2');
        await csms.next('Authorize', (p) => p.idToken.idToken === 'TAG-2', m);
      }
      if (action === 'ev') await ctl('ev', 1, 'charge');
      if (action === want.after) {
        await csms.next('TransactionEvent', (p) => p.eventType === 'Started', m);
      } else if (['plug', 'card', 'ev'].indexOf(action) < ['plug', 'card', 'ev'].indexOf(want.after)) {
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(startedSince().length, 0, `${point}: no transaction yet after ${action}`);
      }
    }
    const [started] = startedSince();
    assert.equal(started.params.triggerReason, want.trigger, point);
    const txId = started.params.transactionInfo.transactionId;
    await ctl('stop', 1);
    await csms.next('TransactionEvent', (p) => p.eventType === 'Ended' && p.transactionInfo.transactionId === txId, m);
    await ctl('unplug', 1);
    await csms.next('StatusNotification', (p) => p.evseId === 1 && p.connectorStatus === 'Available', m);
    const events = csms.events(txId);
    checkTransactionShape(events);
    // The idToken comes once: in Started, or in the Updated event of the authorization after it.
    assert.equal(events.filter((e) => e.idToken).length, 1, `${point}: idToken once`);
  }
  await csms.call('SetVariables', { setVariableData: [
    { component: { name: 'TxCtrlr' }, variable: { name: 'TxStartPoint' }, attributeValue: 'PowerPathClosed' }] });
  const refused = await csms.call('SetVariables', { setVariableData: [
    { component: { name: 'TxCtrlr' }, variable: { name: 'TxStartPoint' }, attributeValue: 'DataSigned' }] });
  assert.equal(refused.setVariableResult[0].attributeStatus, 'Rejected', 'DataSigned is not supported');
}));

test('the strict peer saw no schema failures and no unreadable frames', () => {
  assert.deepEqual(csms.failures, []);
  assert.deepEqual(csms.badMessages, []);
});
