// The charge point daemon (ocpp-chargepoint, OCPP 1.6J) against an independent CSMS: the npm
// package ocpp-rpc in strict mode, which checks every frame the daemon sends (and every answer it
// gives) against the OCA schemas. The daemon runs as a real process on a simulated pile and is
// driven like an integrator drives it: with ocpp-cpctl over its control socket. The tests run in
// order against one daemon (one pile that lives through a Reset).
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const {
  start, waitFor, waitForAsync, stop, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail,
} = require('./support');

const CP_ID = 'DAEMON-1';
const HEARTBEAT_S = 2;

// --- the strict CSMS: answers, and a journal of every call the charge point made ---

class StrictCsms {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    this.calls = [];        // {method, params, result, session, at}
    this.failures = [];     // strictValidationFailure events, either direction
    this.badMessages = [];  // frames of the charge point the peer could not process
    this.identities = [];
    this.sessions = 0;
    this.client = null;
    this.nextTransactionId = 1000;
    this.server.on('client', (c) => this.attach(c));
  }

  async listen() {
    const http = await this.server.listen(0, '127.0.0.1');
    this.port = http.address().port;
    return this.port;
  }

  answer(method, params) {
    const now = new Date().toISOString();
    switch (method) {
      case 'BootNotification': return { status: 'Accepted', currentTime: now, interval: HEARTBEAT_S };
      case 'Heartbeat': return { currentTime: now };
      case 'Authorize':
        return { idTagInfo: { status: params.idTag.startsWith('BLOCKED') ? 'Blocked' : 'Accepted' } };
      case 'StartTransaction':
        return {
          transactionId: this.nextTransactionId++,
          idTagInfo: { status: params.idTag.startsWith('BLOCKED') ? 'Blocked' : 'Accepted' },
        };
      case 'StopTransaction': return params.idTag ? { idTagInfo: { status: 'Accepted' } } : {};
      case 'DataTransfer': return { status: 'UnknownVendorId' };
      default: return {};  // StatusNotification, MeterValues, Diagnostics/FirmwareStatusNotification
    }
  }

  attach(c) {
    this.sessions += 1;
    const session = this.sessions;
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
    for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction',
      'MeterValues', 'StopTransaction', 'DataTransfer', 'DiagnosticsStatusNotification',
      'FirmwareStatusNotification']) {
      c.handle(method, ({ params }) => {
        const result = this.answer(method, params);
        this.calls.push({ method, params, result, session, at: Date.now() });
        return result;
      });
    }
  }

  mark() { return this.calls.length; }

  all(method, pred = () => true, from = 0) {
    return this.calls.slice(from).filter((c) => c.method === method && pred(c.params, c));
  }

  // The first call `method` from index `from` on for which pred(params) holds, waited for.
  async next(method, pred = () => true, from = 0, ms = 10000) {
    let found;
    await waitFor(() => (found = this.calls.slice(from).find((c) => c.method === method && pred(c.params, c))),
      `${method} from the charge point (after call #${from})`, ms);
    return found;
  }

  status(connectorId, status, from) {
    return this.next('StatusNotification', (p) => p.connectorId === connectorId && p.status === status, from);
  }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the charge point to be connected');
    return this.client.call(method, params);
  }

  async close() { await this.server.close({ awaitPending: false, force: true }); }
}

// --- the run ---

const csms = new StrictCsms();
let dir;
let cfg;
let daemon;
// Raw frames sent on purpose: their CALLERROR answers reach the peer as "unrecognised message ID".
const rawIds = new Set();

const ctl = (...args) => cpctlOk(cfg.socket, ...args);
const statusOf = async () => ctl('status');
const connector = (status, id) => status.connectors.find((c) => c.id === id);

// The energy register value of a sampled meter value (the Energy.Active.Import.Register sample).
function energyOf(meterValues) {
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue) {
      if (!sv.measurand || sv.measurand === 'Energy.Active.Import.Register') return Number(sv.value);
    }
  }
  return undefined;
}

before(async () => {
  const port = await csms.listen();
  dir = tempDir();
  cfg = writeChargePointConfig(dir, {
    id: CP_ID,
    csmsUrl: `ws://127.0.0.1:${port}`,
    connectors: 2,
    ocppConfig: {
      MeterValueSampleInterval: '1',
      MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import',
      StopTxnSampledData: 'Energy.Active.Import.Register',
      ConnectionTimeOut: '5',
    },
  });
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
});

after(async () => {
  if (daemon) await stop(daemon);
  await csms.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Wraps a test body so that a failure shows what the daemon logged.
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

test('boots, reports connectors 0, 1 and 2, and heartbeats at the interval the CSMS gave', withLog(async () => {
  const boot = await csms.next('BootNotification');
  assert.equal(boot.params.chargePointVendor, 'OcppStack');
  assert.equal(csms.identities[0], CP_ID, 'the charge point id is the last path segment of the URL');
  for (const id of [0, 1, 2]) await csms.status(id, 'Available', 0);
  const s = await waitForAsync(async () => {
    const r = await cpctl(cfg.socket, 'status');
    return r.code === 0 && r.json.registration === 'Accepted' && r.json.connected ? r.json : null;
  }, 'cpctl status to show the registration');
  assert.equal(s.connectors.length, 2);
  for (const c of s.connectors) {
    assert.equal(c.status, 'Available');
    assert.equal(c.transaction, null);
  }
  const m = csms.mark();
  await csms.next('Heartbeat', () => true, m, (HEARTBEAT_S + 3) * 1000);

  // Refused commands say why and exit non-zero.
  const bad = await cpctl(cfg.socket, 'plug', 9);
  assert.equal(bad.code, 1);
  assert.equal(bad.json.ok, false);
  assert.match(bad.json.reason, /9/);
  const blocked = await cpctl(cfg.socket, 'present-id', 1, 'BLOCKED-1');
  assert.equal(blocked.code, 1, 'an id the CSMS blocks is refused');
  assert.equal(blocked.json.ok, false);
  assert.ok(csms.all('Authorize', (p) => p.idTag === 'BLOCKED-1').length === 1);
}));

test('an RFID session: Authorize, StartTransaction, MeterValues with the CSMS id, StopTransaction Local', withLog(async () => {
  const m = csms.mark();
  await ctl('plug', 1);
  await csms.status(1, 'Preparing', m);
  await ctl('present-id', 1, 'TAG-1');
  await csms.next('Authorize', (p) => p.idTag === 'TAG-1', m);
  const startCall = await csms.next('StartTransaction', (p) => p.connectorId === 1, m);
  assert.equal(startCall.params.idTag, 'TAG-1');
  const txId = startCall.result.transactionId;
  await ctl('ev', 1, 'charge');
  const charging = csms.calls.indexOf(await csms.status(1, 'Charging', m));

  // Periodic samples (MeterValueSampleInterval 1): each with the CSMS's transactionId, and the
  // energy rising while the EV charges.
  const sampled = (p) => p.connectorId === 1 && p.meterValue[0].sampledValue[0].context === 'Sample.Periodic';
  await waitFor(() => csms.all('MeterValues', sampled, charging).length >= 3, 'three periodic MeterValues', 10000);
  for (const s of csms.all('MeterValues', sampled, m)) assert.equal(s.params.transactionId, txId, JSON.stringify(s.params));
  const samples = csms.all('MeterValues', sampled, charging);
  const energies = samples.map((s) => energyOf(s.params.meterValue));
  for (let i = 1; i < energies.length; i++) assert.ok(energies[i] > energies[i - 1], `energy rises: ${energies}`);
  assert.ok(energies[0] >= startCall.params.meterStart);

  const shownAt = Date.now();
  const before1 = await statusOf();
  const c1 = connector(before1, 1);
  assert.equal(c1.status, 'Charging');
  assert.equal(c1.transaction.id, String(txId), 'cpctl shows the CSMS transaction id');
  assert.equal(c1.transaction.id_tag, 'TAG-1');
  assert.equal(c1.transaction.offline_code, false);
  assert.ok(c1.transaction.energy_wh > 0);
  assert.ok(c1.power_w > 0);

  await ctl('stop', 1);
  const stoppedAt = Date.now();
  const stopCall = await csms.next('StopTransaction', (p) => p.transactionId === txId, m);
  assert.equal(stopCall.params.reason, 'Local');
  // The register as cpctl showed it, plus at most the energy of one more second (of as many as
  // the two cpctl runs took, if more), and rounding to whole Wh.
  const slackWh = (c1.power_w / 3600) * Math.max(1, (stoppedAt - shownAt) / 1000);
  assert.ok(stopCall.params.meterStop >= Math.round(c1.meter_wh) - 1 &&
            stopCall.params.meterStop <= c1.meter_wh + slackWh + 1,
  `meterStop ${stopCall.params.meterStop} vs register ${c1.meter_wh} shown before the stop`);
  // The contactor is open now: the register stands still and is what was reported.
  const after1 = connector(await statusOf(), 1);
  assert.equal(after1.transaction, null);
  assert.equal(after1.power_w, 0);
  assert.equal(stopCall.params.meterStop, Math.round(after1.meter_wh));
  const delivered = stopCall.params.meterStop - startCall.params.meterStart;
  assert.ok(Math.abs(delivered - c1.transaction.energy_wh) <= slackWh + 1,
    `delivered ${delivered} Wh vs ${c1.transaction.energy_wh} Wh shown`);
  // StopTxnSampledData: the register at the begin and the end of the transaction.
  const contexts = stopCall.params.transactionData.map((d) => d.sampledValue[0].context);
  assert.equal(contexts[0], 'Transaction.Begin');
  assert.equal(contexts[contexts.length - 1], 'Transaction.End');

  await csms.status(1, 'Finishing', m);
  const m2 = csms.mark();
  await ctl('unplug', 1);
  await csms.status(1, 'Available', m2);

  // Order (1.6 §3.7): start, then the samples, then the stop; none of them sent twice.
  const txCalls = csms.calls.slice(m).filter((c) => ['StartTransaction', 'MeterValues', 'StopTransaction'].includes(c.method) &&
    (c.method === 'StartTransaction' ? c.params.connectorId === 1 : c.params.transactionId === txId));
  assert.equal(txCalls[0].method, 'StartTransaction');
  assert.equal(txCalls[txCalls.length - 1].method, 'StopTransaction');
  assert.equal(txCalls.filter((c) => c.method === 'StopTransaction').length, 1);
  await waitForAsync(async () => (await statusOf()).outbox === 0, 'the outbox to drain');
}));

test('remote start and remote stop; ChangeAvailability during a transaction is Scheduled', withLog(async () => {
  // Nothing in the stop's transaction data from here on.
  assert.deepEqual(await csms.call('ChangeConfiguration', { key: 'StopTxnSampledData', value: '' }), { status: 'Accepted' });
  assert.deepEqual(await csms.call('RemoteStartTransaction', { connectorId: 9, idTag: 'REMOTE-1' }), { status: 'Rejected' });
  const m = csms.mark();
  assert.deepEqual(await csms.call('RemoteStartTransaction', { connectorId: 2, idTag: 'REMOTE-1' }), { status: 'Accepted' });
  await csms.status(2, 'Preparing', m);
  await ctl('plug', 2);
  const startCall = await csms.next('StartTransaction', (p) => p.connectorId === 2, m);
  assert.equal(startCall.params.idTag, 'REMOTE-1');
  const txId = startCall.result.transactionId;
  assert.equal(connector(await statusOf(), 2).transaction.id, String(txId));
  await ctl('ev', 2, 'charge');
  await csms.status(2, 'Charging', m);

  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 2, type: 'Inoperative' }), { status: 'Scheduled' });
  assert.deepEqual(await csms.call('RemoteStopTransaction', { transactionId: 999999 }), { status: 'Rejected' });
  assert.deepEqual(await csms.call('RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
  const stopCall = await csms.next('StopTransaction', (p) => p.transactionId === txId, m);
  assert.equal(stopCall.params.reason, 'Remote');
  assert.equal(stopCall.params.transactionData, undefined, 'no empty MeterValue entries (1.6 §7.31: 1..* sampled values)');
  // The scheduled change applies once the transaction is over.
  await csms.status(2, 'Unavailable', m);
  const m2 = csms.mark();
  await ctl('unplug', 2);
  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 2, type: 'Operative' }), { status: 'Accepted' });
  await csms.status(2, 'Available', m2);
  assert.equal(connector(await statusOf(), 2).status, 'Available');

  // A remote start is trusted (AuthorizeRemoteTxRequests false), but the CSMS refuses the id in
  // StartTransaction.conf: StopTransactionOnInvalidId stops it with DeAuthorized.
  const m3 = csms.mark();
  assert.deepEqual(await csms.call('RemoteStartTransaction', { connectorId: 2, idTag: 'BLOCKED-2' }), { status: 'Accepted' });
  await ctl('plug', 2);
  const refused = await csms.next('StartTransaction', (p) => p.connectorId === 2, m3);
  assert.equal(refused.result.idTagInfo.status, 'Blocked');
  const deauthorized = await csms.next('StopTransaction', (p) => p.transactionId === refused.result.transactionId, m3);
  assert.equal(deauthorized.params.reason, 'DeAuthorized');
  assert.equal(csms.all('Authorize', (p) => p.idTag === 'BLOCKED-2').length, 0);
  const m4 = csms.mark();
  await ctl('unplug', 2);
  await csms.status(2, 'Available', m4);
  await waitForAsync(async () => (await statusOf()).outbox === 0, 'the outbox to drain');
}));

test('ChangeAvailability: Accepted for a connector and the pile, Rejected for connector 9', withLog(async () => {
  let m = csms.mark();
  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 1, type: 'Inoperative' }), { status: 'Accepted' });
  await csms.status(1, 'Unavailable', m);
  const refused = await cpctl(cfg.socket, 'present-id', 1, 'TAG-1');
  assert.equal(refused.code, 1, 'an unavailable connector refuses ids');
  m = csms.mark();
  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 1, type: 'Operative' }), { status: 'Accepted' });
  await csms.status(1, 'Available', m);

  m = csms.mark();
  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 0, type: 'Inoperative' }), { status: 'Accepted' });
  for (const id of [0, 1, 2]) await csms.status(id, 'Unavailable', m);
  m = csms.mark();
  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 0, type: 'Operative' }), { status: 'Accepted' });
  for (const id of [0, 1, 2]) await csms.status(id, 'Available', m);

  assert.deepEqual(await csms.call('ChangeAvailability', { connectorId: 9, type: 'Inoperative' }), { status: 'Rejected' });
}));

test('UnlockConnector: Unlocked, and NotSupported for a connector that does not exist', withLog(async () => {
  assert.deepEqual(await csms.call('UnlockConnector', { connectorId: 1 }), { status: 'Unlocked' });
  assert.deepEqual(await csms.call('UnlockConnector', { connectorId: 9 }), { status: 'NotSupported' });
}));

test('GetConfiguration: every key, or the keys asked for with the unknown ones named', withLog(async () => {
  const all = await csms.call('GetConfiguration', {});
  assert.equal(all.unknownKey, undefined);
  const byKey = Object.fromEntries(all.configurationKey.map((k) => [k.key, k]));
  assert.equal(byKey.HeartbeatInterval.value, String(HEARTBEAT_S), 'the interval of the boot response');
  assert.equal(byKey.HeartbeatInterval.readonly, false);
  assert.equal(byKey.MeterValueSampleInterval.value, '1', 'the configuration file\'s value');
  assert.equal(byKey.ConnectionTimeOut.value, '5');
  assert.deepEqual(byKey.NumberOfConnectors, { key: 'NumberOfConnectors', readonly: true, value: '2' });
  assert.match(byKey.SupportedFeatureProfiles.value, /Core/);
  assert.ok(byKey.OfflineCodeKey, 'the write-only key is listed');
  assert.equal(byKey.OfflineCodeKey.value, undefined, 'and never valued');
  for (const k of ['AuthorizeRemoteTxRequests', 'ClockAlignedDataInterval', 'GetConfigurationMaxKeys',
    'LocalAuthorizeOffline', 'LocalPreAuthorize', 'MeterValuesAlignedData', 'MeterValuesSampledData',
    'ResetRetries', 'StopTransactionOnEVSideDisconnect', 'StopTransactionOnInvalidId', 'StopTxnAlignedData',
    'StopTxnSampledData', 'TransactionMessageAttempts', 'TransactionMessageRetryInterval',
    'UnlockConnectorOnEVSideDisconnect', 'LocalAuthListEnabled', 'LocalAuthListMaxLength',
    'SendLocalListMaxLength']) {
    assert.ok(byKey[k], `required key ${k} is reported`);
  }

  const some = await csms.call('GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey', 'MeterValueSampleInterval'] });
  assert.deepEqual(some.configurationKey.map((k) => k.key).sort(), ['HeartbeatInterval', 'MeterValueSampleInterval']);
  assert.deepEqual(some.unknownKey, ['NoSuchKey']);

  // More keys than GetConfigurationMaxKeys in one request: refused as a whole.
  const max = Number(byKey.GetConfigurationMaxKeys.value);
  const tooMany = Array.from({ length: max + 1 }, (_, i) => `Key${i}`);
  await assert.rejects(csms.call('GetConfiguration', { key: tooMany }),
    (e) => e.rpcErrorCode === 'OccurenceConstraintViolation' && /GetConfigurationMaxKeys/.test(e.message));
}));

test('ChangeConfiguration: Accepted, Rejected (read-only, invalid, write-only in plain text), NotSupported', withLog(async () => {
  const change = (key, value) => csms.call('ChangeConfiguration', { key, value });
  assert.deepEqual(await change('MeterValueSampleInterval', '2'), { status: 'Accepted' });
  const got = await csms.call('GetConfiguration', { key: ['MeterValueSampleInterval'] });
  assert.equal(got.configurationKey[0].value, '2');
  assert.deepEqual(await change('MeterValueSampleInterval', '1'), { status: 'Accepted' });
  // A long heartbeat interval from here on, so that a triggered Heartbeat is told apart.
  assert.deepEqual(await change('HeartbeatInterval', '300'), { status: 'Accepted' });
  assert.deepEqual(await change('NumberOfConnectors', '3'), { status: 'Rejected' });
  assert.deepEqual(await change('NoSuchKey', '1'), { status: 'NotSupported' });
  assert.deepEqual(await change('ConnectionTimeOut', 'soon'), { status: 'Rejected' });
  assert.deepEqual(await change('HeartbeatInterval', '-1'), { status: 'Rejected' });
  assert.deepEqual(await change('MeterValuesSampledData', 'Frequency.Of.Nothing'), { status: 'Rejected' });
  assert.deepEqual(await change('OfflineCodeKey', '00112233445566778899aabbccddeeff'), { status: 'Rejected' },
    'a write-only secret is not provisioned over security profile 0');
  const after2 = await csms.call('GetConfiguration', { key: ['ConnectionTimeOut', 'HeartbeatInterval'] });
  assert.deepEqual(Object.fromEntries(after2.configurationKey.map((k) => [k.key, k.value])),
    { ConnectionTimeOut: '5', HeartbeatInterval: '300' }, 'refused values changed nothing');
}));

test('ClearCache Accepted; DataTransfer UnknownVendorId', withLog(async () => {
  assert.deepEqual(await csms.call('ClearCache', {}), { status: 'Accepted' });
  const dt = await csms.call('DataTransfer', { vendorId: 'com.example', messageId: 'x', data: 'y' });
  assert.equal(dt.status, 'UnknownVendorId');
}));

test('TriggerMessage: the requested message follows an Accepted; Rejected for connector 9', withLog(async () => {
  const trigger = (params) => csms.call('TriggerMessage', params);
  let m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
  await csms.next('Heartbeat', () => true, m, 3000);

  m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'StatusNotification', connectorId: 1 }), { status: 'Accepted' });
  await csms.status(1, 'Available', m);
  m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'StatusNotification' }), { status: 'Accepted' });
  for (const id of [0, 1, 2]) await csms.status(id, 'Available', m);

  m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'MeterValues', connectorId: 1 }), { status: 'Accepted' });
  const mv = await csms.next('MeterValues', (p) => p.connectorId === 1, m, 3000);
  assert.equal(mv.params.meterValue[0].sampledValue[0].context, 'Trigger');
  assert.ok(Number.isFinite(energyOf(mv.params.meterValue)));

  m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'DiagnosticsStatusNotification' }), { status: 'Accepted' });
  assert.equal((await csms.next('DiagnosticsStatusNotification', () => true, m, 3000)).params.status, 'Idle');

  m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'BootNotification' }), { status: 'Accepted' });
  await csms.next('BootNotification', () => true, m, 3000);
  await waitForAsync(async () => (await statusOf()).registration === 'Accepted', 'the registration after the triggered boot');

  m = csms.mark();
  assert.deepEqual(await trigger({ requestedMessage: 'StatusNotification', connectorId: 9 }), { status: 'Rejected' });
  assert.deepEqual(await trigger({ requestedMessage: 'MeterValues', connectorId: 9 }), { status: 'Rejected' });
}));

test('SendLocalList Full and Differential, VersionMismatch for an old version; GetLocalListVersion', withLog(async () => {
  const full = await csms.call('SendLocalList', {
    listVersion: 5, updateType: 'Full',
    localAuthorizationList: [
      { idTag: 'LOCAL-1', idTagInfo: { status: 'Accepted', expiryDate: '2099-01-01T00:00:00.000Z' } },
      { idTag: 'LOCAL-2', idTagInfo: { status: 'Blocked' } },
    ],
  });
  assert.deepEqual(full, { status: 'Accepted' });
  assert.deepEqual(await csms.call('GetLocalListVersion', {}), { listVersion: 5 });
  const old = await csms.call('SendLocalList', {
    listVersion: 4, updateType: 'Differential', localAuthorizationList: [{ idTag: 'LOCAL-3', idTagInfo: { status: 'Accepted' } }],
  });
  assert.deepEqual(old, { status: 'VersionMismatch' });
  assert.deepEqual(await csms.call('GetLocalListVersion', {}), { listVersion: 5 });
  const diff = await csms.call('SendLocalList', {
    listVersion: 6, updateType: 'Differential', localAuthorizationList: [{ idTag: 'LOCAL-3', idTagInfo: { status: 'Accepted' } }],
  });
  assert.deepEqual(diff, { status: 'Accepted' });
  assert.deepEqual(await csms.call('GetLocalListVersion', {}), { listVersion: 6 });
}));

test('malformed and unsupported frames get the CALLERROR that OCPP-J 1.6 names', withLog(async () => {
  const frames = [];
  const client = csms.client;
  client.on('message', ({ message, outbound }) => {
    if (!outbound) {
      try {
        frames.push(JSON.parse(message.toString()));
      } catch {
        frames.push(message.toString());
      }
    }
  });
  const cases = [
    ['[2,"bad-1","ChangeAvailability",{"connectorId":1,"type":"Sideways"}]', 'bad-1', 'PropertyConstraintViolation'],
    ['[2,"bad-2","UnlockConnector",{}]', 'bad-2', 'OccurenceConstraintViolation'],
    ['[2,"bad-3","UnlockConnector",{"connectorId":"1"}]', 'bad-3', 'TypeConstraintViolation'],
    ['[2,"bad-4","Frobnicate",{}]', 'bad-4', 'NotImplemented'],
    ['[2,"bad-5","Reset",', '-1', 'FormationViolation'],
    ['[2,"bad-6","GetConfiguration",{"key":["HeartbeatInterval"],"colour":"blue"}]', 'bad-6', 'FormationViolation'],
    ['[2,"bad-7","SendLocalList",{"listVersion":7,"updateType":"Full","localAuthorizationList":' +
      '[{"idTag":"X","idTagInfo":{"status":"Accepted","expiryDate":"next tuesday"}}]}]', 'bad-7', 'PropertyConstraintViolation'],
    ['[2,"bad-8","RemoteStartTransaction",{"idTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}]', 'bad-8', 'PropertyConstraintViolation'],
    ['[2,"bad-9","Reset",[]]', 'bad-9', 'FormationViolation'],
    ['[2,"bad-10","UpdateFirmware",{"location":"http://example.invalid/fw","retrieveDate":"after lunch"}]',
      'bad-10', 'PropertyConstraintViolation'],
  ];
  for (const [frame, id, code] of cases) {
    rawIds.add(id);
    await client.sendRaw(frame);
    await waitFor(() => frames.some((f) => Array.isArray(f) && f[0] === 4 && f[1] === id), `the answer to ${frame}`, 3000);
    const answer = frames.find((f) => Array.isArray(f) && f[0] === 4 && f[1] === id);
    assert.equal(answer[2], code, `answer to ${frame}: ${JSON.stringify(answer)}`);
    assert.equal(typeof answer[3], 'string');
    assert.equal(typeof answer[4], 'object');
    frames.splice(frames.indexOf(answer), 1);
  }
  // A stray CALLRESULT (an id the daemon never used) is ignored; the link stays up and answers.
  await client.sendRaw('[3,"never-sent",{}]');
  assert.deepEqual(await csms.call('GetLocalListVersion', {}), { listVersion: 6 });
  assert.equal(csms.client, client, 'the same connection');
  // The invalid frames changed nothing.
  assert.equal(connector(await statusOf(), 1).status, 'Available');
}));

test('Reset Soft: the running transaction stops with SoftReset, the daemon restarts and boots again', withLog(async () => {
  const m = csms.mark();
  await ctl('plug', 1);
  await ctl('present-id', 1, 'TAG-2');
  const startCall = await csms.next('StartTransaction', (p) => p.connectorId === 1, m);
  const txId = startCall.result.transactionId;
  await ctl('ev', 1, 'charge');
  await csms.status(1, 'Charging', m);
  const sessions = csms.sessions;

  assert.deepEqual(await csms.call('Reset', { type: 'Soft' }), { status: 'Accepted' });
  const stopCall = await csms.next('StopTransaction', (p) => p.transactionId === txId, m, 15000);
  assert.equal(stopCall.params.reason, 'SoftReset');
  assert.equal(stopCall.session, sessions, 'the stop was delivered before the restart (1.6 §5.13)');
  await waitFor(() => csms.sessions > sessions, 'the daemon to reconnect after its restart', 15000);
  const boot = await csms.next('BootNotification', (p, c) => c.session > sessions, m, 15000);
  assert.equal(boot.params.chargePointVendor, 'OcppStack');
  for (const id of [0, 1, 2]) await csms.next('StatusNotification', (p, c) => c.session > sessions && p.connectorId === id, m);
  assert.match(daemon.err + daemon.out, /restarting after Reset/);
  assert.equal(daemon.exitCode, null, 'the same process (exec), still running');

  const s = await waitForAsync(async () => {
    const r = await cpctl(cfg.socket, 'status');
    return r.code === 0 && r.json.registration === 'Accepted' && r.json.connected && r.json.outbox === 0 ? r.json : null;
  }, 'the restarted daemon to be registered with an empty outbox', 15000);
  assert.equal(connector(s, 1).transaction, null);
  assert.equal(connector(s, 1).cable_plugged, true, 'the simulated pile kept its state across the restart');
  // The stop reached the CSMS exactly once, and no transaction was started or closed twice.
  assert.equal(csms.all('StopTransaction', (p) => p.transactionId === txId).length, 1,
    JSON.stringify(csms.all('StopTransaction', (p) => p.transactionId === txId)));
  assert.equal(csms.all('StartTransaction', () => true, m).length, 1);

  const m2 = csms.mark();
  await ctl('unplug', 1);
  await csms.status(1, 'Available', m2);
}));

test('the peer found nothing to complain about in the whole run', () => {
  assert.deepEqual(csms.failures, [], 'every frame of the daemon passes the peer\'s schema check');
  const unexpected = csms.badMessages.filter((b) => {
    try {
      const f = JSON.parse(b.frame);
      return !(f[0] === 4 && rawIds.has(f[1]));
    } catch {
      return true;
    }
  });
  assert.deepEqual(unexpected, [], 'every frame of the daemon is one the peer could process');
  assert.ok(csms.identities.every((id) => id === CP_ID));
  // 1.6 §7.31: every MeterValue carries one or more sampled values (the schema does not say so).
  for (const c of csms.calls) {
    const values = c.method === 'MeterValues' ? c.params.meterValue
      : c.method === 'StopTransaction' ? c.params.transactionData || [] : [];
    for (const mv of values) assert.ok(mv.sampledValue.length >= 1, `${c.method}: ${JSON.stringify(c.params)}`);
  }
});

test('SIGTERM stops the daemon cleanly: exit status 0, no sanitizer report', withLog(async () => {
  const code = await stop(daemon);
  assert.equal(code, 0);
  assert.doesNotMatch(daemon.err, /Sanitizer|runtime error:/);
}));
