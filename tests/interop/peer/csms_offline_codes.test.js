// The server side of the offline code in the reference CSMS (ocpp-csms-sim), end to end with real
// processes: an ocpp-rpc client in strict mode plays the pile (every frame the CSMS sends is checked
// against the OCA schemas), the HTTP API is driven with fetch, and the independent check of keys
// and codes is the `ocpp-offline-code` CLI (docs/offline-code.md §3, §6, §9; issue 6).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { RPCClient } = require('ocpp-rpc');
const { start, stop, waitFor, waitForAsync, tempDir, binDir, tail } = require('./support');

const basic = (user, password) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') });
const ALICE = basic('alice', 'alice-pw');
const BOB = basic('bob', 'bob-pw');

async function startCsms(dir, extra = []) {
  const csms = start('ocpp-csms-sim', ['--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--database', path.join(dir, 'csms.db'), '--user', 'alice:alice-pw', '--user', 'bob:bob-pw', ...extra]);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(csms.out) || csms.exitCode !== null, 'the CSMS to listen');
  if (csms.exitCode !== null) throw new Error(`the CSMS exited ${csms.exitCode}: ${csms.err}`);
  const [, ocpp, http] = csms.out.match(/listening ocpp=(\d+) http=(\d+)/);
  return { csms, ocpp: Number(ocpp), api: `http://127.0.0.1:${http}/api` };
}

function offlineCodeCli(...args) {
  return execFileSync(path.join(binDir, 'ocpp-offline-code'), args.map(String), { encoding: 'utf8' }).trim();
}

async function api(url, headers, options = {}) {
  const res = await fetch(url, { headers, ...options });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function post(url, headers, body) {
  return api(url, headers, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
}

// A 1.6 pile played by ocpp-rpc: it holds offline-code key `held` (0: none) and takes a new one with
// ChangeConfiguration OfflineCodeKey, as chargepoint/ does (answer `keyAnswer`).
class FakePile16 {
  constructor(ocppPort, id, { held = 0, knowsCodes = true, keyAnswer = 'Accepted', path: urlPath = '' } = {}) {
    this.id = id;
    this.held = held;
    this.knowsCodes = knowsCodes;
    this.keyAnswer = keyAnswer;
    this.received = [];
    this.failures = [];
    // ocpp-rpc appends '/' + encodeURIComponent(id) to the endpoint, as a pile does (OCPP-J 1.6 §3.1.1).
    this.client = new RPCClient({ endpoint: `ws://127.0.0.1:${ocppPort}${urlPath}`, identity: id, protocols: ['ocpp1.6'],
      strictMode: true, reconnect: false });
    this.client.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
    this.client.handle('GetConfiguration', ({ params }) => {
      this.received.push({ method: 'GetConfiguration', params });
      if (!this.knowsCodes) return { configurationKey: [], unknownKey: params.key };
      return { configurationKey: [{ key: 'OfflineCodeKeyVersion', readonly: true, value: String(this.held) }] };
    });
    this.client.handle('ChangeConfiguration', ({ params }) => {
      this.received.push({ method: 'ChangeConfiguration', params });
      if (params.key !== 'OfflineCodeKey') return { status: 'NotSupported' };
      if (this.keyAnswer === 'Accepted') this.held = Number(params.value.split(':')[0]);
      return { status: this.keyAnswer };
    });
  }

  async boot() {
    await this.client.connect();
    const boot = await this.client.call('BootNotification', { chargePointVendor: 'Peer', chargePointModel: 'Pile' });
    assert.equal(boot.status, 'Accepted');
    for (const connectorId of [1, 2]) {
      await this.client.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available',
        timestamp: new Date().toISOString() });
    }
  }

  // The session the pile kept while offline, reported as its outbox replays it.
  async replaySession({ code, connectorId = 1, meterStart, meterStop, startedAt, stoppedAt }) {
    const start = await this.client.call('StartTransaction', { connectorId, idTag: code, meterStart, timestamp: startedAt });
    await this.client.call('MeterValues', { connectorId, transactionId: start.transactionId,
      meterValue: [{ timestamp: stoppedAt, sampledValue: [{ value: String(meterStop), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
    const stopped = await this.client.call('StopTransaction', { transactionId: start.transactionId, idTag: code,
      meterStop, timestamp: stoppedAt, reason: 'EVDisconnected' });
    return { start, stopped };
  }

  of(method) { return this.received.filter((r) => r.method === method); }
  close() { return this.client.close({ force: true }); }
}

test('a pile gets its key on boot, a user gets a code, the replayed session is settled once', async () => {
  const dir = tempDir();
  const keyFile = path.join(dir, 'master.key');
  const { csms, ocpp, api: base } = await startCsms(dir, ['--master-key-file', keyFile, '--tariff-per-kwh', '0.30',
    '--currency', 'EUR', '--offline-code-rate-limit', '3']);
  let pile = new FakePile16(ocpp, 'PILE-1');
  const other = new FakePile16(ocpp, 'PILE-OLD', { knowsCodes: false });
  try {
    // The master key file was made on first start, readable by its owner only.
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);

    // Boot: the CSMS asks for OfflineCodeKeyVersion, the pile says "0", the CSMS sends K(ID, 1).
    await pile.boot();
    await waitFor(() => pile.of('ChangeConfiguration').length === 1, 'the key to be provisioned');
    assert.deepEqual(pile.of('GetConfiguration')[0].params, { key: ['OfflineCodeKeyVersion'] });
    const expected = offlineCodeCli('derive-key', '--master-key-file', keyFile, '--charge-point-id', 'PILE-1', '--key-spec');
    assert.deepEqual(pile.of('ChangeConfiguration')[0].params, { key: 'OfflineCodeKey', value: expected });
    assert.match(expected, /^1:[0-9a-f]{64}:[0-9a-f]{8}$/);
    const info = await waitForAsync(async () => {
      const r = await api(`${base}/charge-points/PILE-1`, ALICE);
      return r.body.offline_codes.available ? r.body : null;
    }, 'codes to become available for PILE-1');
    assert.equal(info.offline_codes.confirmed_key_version, 1);

    // A pile that does not know offline codes is left alone.
    await other.boot();
    await waitFor(() => other.of('GetConfiguration').length === 1, 'the old pile to be asked');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(other.of('ChangeConfiguration').length, 0, 'no key for a pile without offline codes');

    // Issuance, and what is refused.
    const issued = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1', connector_id: 1 });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const { code, expires_at: expiresAt } = issued.body;
    assert.match(code, /^\d{16}$/);
    const hours = (Date.parse(expiresAt) - Date.now()) / 3600e3;
    assert.ok(hours > 23.9 && hours <= 25, `valid for 24 h (rounded up to the hour): ${expiresAt}`);
    const verified = offlineCodeCli('verify', '--master-key-file', keyFile, '--charge-point-id', 'PILE-1',
      '--connector', '1', code);
    assert.match(verified, /^accepted\nkey_version: 1\nserial: 0\nconnector: 1\n/);
    assert.ok(verified.includes(`expires_at: ${expiresAt}`), verified);

    assert.equal((await post(`${base}/offline-codes`, {}, { charge_point_id: 'PILE-1', connector_id: 1 })).status, 401);
    let r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'NO-SUCH-PILE', connector_id: 1 });
    assert.equal(r.status, 404);
    assert.equal(r.body.reason, 'unknown_charge_point');
    r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1', connector_id: 3 });
    assert.equal(r.status, 400, 'PILE-1 reported connectors 1 and 2');
    assert.equal(r.body.field, 'connector_id');
    r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1', connector_id: 'one' });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'connector_id');
    r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1' });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'connector_id');
    r = await post(`${base}/offline-codes`, ALICE, '{not json');
    assert.equal(r.status, 400);
    r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1', connector_id: 1, energy_cap_wh: 100 });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'energy_cap_wh');
    r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1', connector_id: 1, valid_hours: 169 });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'valid_hours');
    r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-OLD', connector_id: 1 });
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'no_key');
    // Rate limit: 3 an hour for this server, per user.
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await post(`${base}/offline-codes`, BOB, { charge_point_id: 'PILE-1', connector_id: 0 })).status, 201);
    }
    r = await post(`${base}/offline-codes`, BOB, { charge_point_id: 'PILE-1', connector_id: 0 });
    assert.equal(r.status, 429);
    assert.equal(r.body.reason, 'rate_limited');
    const retryAfter = Number(r.headers.get('retry-after'));
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);

    // The link was down while alice charged; the pile comes back and replays the session twice
    // (an answer lost on the way), with the code as idTag.
    await pile.close();
    pile = new FakePile16(ocpp, 'PILE-1', { held: 1 });
    await pile.boot();
    await waitFor(() => pile.of('GetConfiguration').length === 1, 'the key version to be read again');
    const session = { code, meterStart: 1000, meterStop: 16432, startedAt: '2026-03-01T10:30:00.000Z',
      stoppedAt: '2026-03-01T11:45:30.000Z' };
    // Judged at the session's own start time, which is long before the code was issued here: the
    // pile's clock is its business; the code is bound to this transaction.
    const first = await pile.replaySession(session);
    assert.equal(first.start.idTagInfo.status, 'Accepted');
    assert.equal(first.start.idTagInfo.expiryDate, expiresAt);
    assert.equal(first.stopped.idTagInfo.status, 'Accepted');
    const second = await pile.replaySession(session);
    assert.equal(second.start.transactionId, first.start.transactionId, 'the replayed start is the same transaction');
    assert.equal(second.start.idTagInfo.status, 'Accepted', 'a replayed start must not stop anything');
    for (let i = 0; i < 2; i += 1) {
      await pile.client.call('SecurityEventNotification', { type: 'OfflineCodeLockout', timestamp: '2026-03-01T10:40:00.000Z',
        techInfo: 'connector 1 locked for 1 min' });
    }
    assert.equal(pile.of('ChangeConfiguration').length, 0, 'a pile holding the current key is not sent it again');

    // Exactly one settlement, with the amount from the meter and the tariff: 15.432 kWh * 0.30.
    const settlements = await api(`${base}/settlements`, ALICE);
    assert.equal(settlements.status, 200);
    assert.equal(settlements.body.length, 1, JSON.stringify(settlements.body));
    const s = settlements.body[0];
    assert.deepEqual({ code: s.code, charge_point_id: s.charge_point_id, connector_id: s.connector_id,
      transaction_id: s.transaction_id, energy_wh: s.energy_wh, started_at: s.started_at, stopped_at: s.stopped_at,
      amount: s.amount, currency: s.currency }, {
      code, charge_point_id: 'PILE-1', connector_id: 1, transaction_id: String(first.start.transactionId),
      energy_wh: 15432, started_at: session.startedAt, stopped_at: session.stoppedAt, amount: '4.63', currency: 'EUR' });
    assert.equal(s.anomaly, null);
    assert.deepEqual((await api(`${base}/settlements`, BOB)).body, [], 'bob sees none of alice\'s');
    const txs = (await api(`${base}/transactions?charge_point_id=PILE-1`, ALICE)).body;
    assert.equal(txs.length, 1);
    assert.equal(txs[0].start_count, 2);
    assert.equal(txs[0].stop_count, 2, 'the stop did reach the CSMS twice');

    // Used: online it is now refused.
    const again = await pile.client.call('Authorize', { idTag: code });
    assert.equal(again.idTagInfo.status, 'Blocked');

    // A genuine code the server never issued (someone holds the pile's key) is settled as a flagged
    // anomaly without a user, and reported.
    const forged = offlineCodeCli('issue', '--master-key-file', keyFile, '--charge-point-id', 'PILE-1', '--connector', '2',
      '--serial', '999');
    await pile.replaySession({ code: forged, connectorId: 2, meterStart: 0, meterStop: 2000,
      startedAt: new Date(Date.now() - 600e3).toISOString(), stoppedAt: new Date().toISOString() });
    const all = (await api(`${base}/settlements?all=1`, ALICE)).body;
    assert.equal(all.length, 2);
    const anomaly = all.find((x) => x.code === forged);
    assert.equal(anomaly.anomaly, 'never_issued');
    assert.equal(anomaly.user, null);
    assert.equal(anomaly.amount, '0.60');
    assert.equal((await api(`${base}/settlements?anomalies=1`, ALICE)).body.length, 1);
    assert.equal((await api(`${base}/settlements`, ALICE)).body.length, 1, 'alice is not billed for it');

    const events = (await api(`${base}/security-events?charge_point_id=PILE-1`, ALICE)).body;
    const lockout = events.filter((e) => e.type === 'OfflineCodeLockout');
    assert.equal(lockout.length, 1);
    assert.equal(lockout[0].source, 'charge_point');
    assert.equal(lockout[0].received_count, 2, 'a replayed notification is counted, not listed twice');
    assert.equal(events.filter((e) => e.type === 'OfflineCodeNotIssued' && e.source === 'csms').length, 1);
    assert.deepEqual((await api(`${base}/security-events?charge_point_id=PILE-OLD`, ALICE)).body, []);

    assert.deepEqual([...pile.failures, ...other.failures], [], 'every frame of the CSMS passes the schema check');
  } catch (e) {
    e.message += tail(csms);
    throw e;
  } finally {
    await pile.close();
    await other.close();
    await stop(csms);
  }
});

test('a 2.0.1 station is provisioned through OfflineCodeCtrlr and settled from TransactionEvent', async () => {
  const dir = tempDir();
  const keyFile = path.join(dir, 'master.key');
  const { csms, ocpp, api: base } = await startCsms(dir, ['--master-key-file', keyFile, '--tariff-per-kwh', '0.5',
    '--currency', 'CHF']);
  const failures = [];
  const received = [];
  let held = 0;
  const cs = new RPCClient({ endpoint: `ws://127.0.0.1:${ocpp}`, identity: 'STATION-1', protocols: ['ocpp2.0.1'],
    strictMode: true, reconnect: false });
  cs.on('strictValidationFailure', (e) => failures.push(`${e.method}: ${e.error.message}`));
  cs.handle('GetVariables', ({ params }) => {
    received.push({ method: 'GetVariables', params });
    return { getVariableResult: params.getVariableData.map((d) => ({ attributeStatus: 'Accepted',
      attributeValue: String(held), component: d.component, variable: d.variable })) };
  });
  cs.handle('SetVariables', ({ params }) => {
    received.push({ method: 'SetVariables', params });
    held = Number(params.setVariableData[0].attributeValue.split(':')[0]);
    return { setVariableResult: params.setVariableData.map((d) => ({ attributeStatus: 'Accepted',
      component: d.component, variable: d.variable })) };
  });
  try {
    await cs.connect();
    await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Peer', model: 'Station' } });
    await cs.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1,
      connectorId: 1 });
    await waitFor(() => received.some((r) => r.method === 'SetVariables'), 'the key to be set');
    const set = received.find((r) => r.method === 'SetVariables').params.setVariableData[0];
    assert.deepEqual(set.component, { name: 'OfflineCodeCtrlr' });
    assert.deepEqual(set.variable, { name: 'Key' });
    assert.equal(set.attributeValue,
      offlineCodeCli('derive-key', '--master-key-file', keyFile, '--charge-point-id', 'STATION-1', '--key-spec'));
    await waitForAsync(async () => (await api(`${base}/charge-points/STATION-1`, ALICE)).body.offline_codes.available,
      'codes to become available');

    const { code } = (await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'STATION-1', connector_id: 1 })).body;
    const online = await cs.call('Authorize', { idToken: { idToken: code, type: 'KeyCode' } });
    assert.equal(online.idTokenInfo.status, 'Accepted');
    const tx = { transactionId: 'OFFLINE-TX-1' };
    const started = '2026-03-01T10:30:00.000Z';
    for (let replay = 0; replay < 2; replay += 1) {
      const r = await cs.call('TransactionEvent', { eventType: 'Started', timestamp: started, triggerReason: 'Authorized',
        seqNo: 0, offline: true, transactionInfo: tx, idToken: { idToken: code, type: 'KeyCode' }, evse: { id: 1, connectorId: 1 },
        meterValue: [{ timestamp: started, sampledValue: [{ value: 2000 }] }] });
      assert.equal(r.idTokenInfo.status, 'Accepted');
      await cs.call('TransactionEvent', { eventType: 'Ended', timestamp: '2026-03-01T11:00:00.000Z',
        triggerReason: 'EVCommunicationLost', seqNo: 1, offline: true, transactionInfo: { ...tx, stoppedReason: 'EVDisconnected' },
        meterValue: [{ timestamp: '2026-03-01T11:00:00.000Z', sampledValue: [{ value: 9001 }] }] });
    }
    const settlements = (await api(`${base}/settlements`, ALICE)).body;
    assert.equal(settlements.length, 1);
    assert.equal(settlements[0].energy_wh, 7001);
    assert.equal(settlements[0].amount, '3.50', '7.001 kWh * 0.5 = 3.5005');
    assert.equal(settlements[0].currency, 'CHF');
    assert.equal(settlements[0].transaction_id, 'OFFLINE-TX-1');
    assert.deepEqual(failures, [], 'every frame of the CSMS passes the schema check');
  } catch (e) {
    e.message += tail(csms);
    throw e;
  } finally {
    await cs.close({ force: true });
    await stop(csms);
  }
});

test('without a master key codes are refused with 503; a key file others may read stops the CSMS', async () => {
  const dir = tempDir();
  const { csms, api: base } = await startCsms(dir);
  try {
    const r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PILE-1', connector_id: 1 });
    assert.equal(r.status, 503);
    assert.equal(r.body.reason, 'disabled');
    assert.match(r.body.error, /--master-key-file/);
  } finally {
    await stop(csms);
  }
  const exe = path.join(binDir, 'ocpp-csms-sim');
  const keyFile = path.join(dir, 'shared.key');
  fs.writeFileSync(keyFile, 'ab'.repeat(32), { mode: 0o644 });
  fs.chmodSync(keyFile, 0o644);
  const loose = spawnSync(exe, ['--master-key-file', keyFile, '--database', path.join(dir, 'x.db')], { encoding: 'utf8' });
  assert.equal(loose.status, 2);
  assert.match(loose.stderr, /mode 0644.*chmod 600/s);
  fs.writeFileSync(path.join(dir, 'bad.key'), 'not a key', { mode: 0o600 });
  const bad = spawnSync(exe, ['--master-key-file', path.join(dir, 'bad.key'), '--database', path.join(dir, 'x.db')],
    { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /does not hold a master secret/);
  const tariff = spawnSync(exe, ['--tariff-per-kwh', 'cheap'], { encoding: 'utf8' });
  assert.equal(tariff.status, 2);
  assert.match(tariff.stderr, /--tariff-per-kwh/);
});

test('a pile that refuses the key over a plain link gets no codes, and the CSMS says why', async () => {
  const dir = tempDir();
  const { csms, ocpp, api: base } = await startCsms(dir, ['--master-key-file', path.join(dir, 'master.key')]);
  const pile = new FakePile16(ocpp, 'PLAIN-PILE', { keyAnswer: 'Rejected' });
  try {
    await pile.boot();
    await waitFor(() => pile.of('ChangeConfiguration').length === 1, 'the key to be offered');
    const info = await waitForAsync(async () => {
      const r = (await api(`${base}/charge-points/PLAIN-PILE`, ALICE)).body;
      return /refused/.test(r.offline_codes.status) ? r : null;
    }, 'the refusal to be recorded');
    assert.equal(info.offline_codes.available, false);
    await waitFor(() => /allow_plaintext_key_provisioning/.test(csms.err), 'the log to name the likely cause');
    const r = await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'PLAIN-PILE', connector_id: 1 });
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'no_key');
    assert.deepEqual(pile.failures, []);
  } finally {
    await pile.close();
    await stop(csms);
  }
});

test('a pile behind any URL prefix is known by its last path segment: key, codes, API and pages', async () => {
  const dir = tempDir();
  const keyFile = path.join(dir, 'master.key');
  const { csms, ocpp, api: base } = await startCsms(dir, ['--master-key-file', keyFile]);
  // A pile configured with ws://host:port/ocpp/site-7 connects to /ocpp/site-7/ID; this id needs
  // percent-encoding and holds a '%', which must be decoded exactly once.
  const id = 'CP 7%41';
  const pile = new FakePile16(ocpp, id, { path: '/ocpp/site-7' });
  try {
    await pile.boot();
    await waitFor(() => pile.of('ChangeConfiguration').length === 1, 'the key to be provisioned');
    const expected = offlineCodeCli('derive-key', '--master-key-file', keyFile, '--charge-point-id', id, '--key-spec');
    assert.equal(pile.of('ChangeConfiguration')[0].params.value, expected, 'the key is derived for the id itself');
    const ids = (await api(`${base}/charge-points`, ALICE)).body.map((c) => c.id);
    assert.deepEqual(ids, [id]);
    const info = await waitForAsync(async () => {
      const r = await api(`${base}/charge-points/${encodeURIComponent(id)}`, ALICE);
      return r.body.offline_codes.available ? r.body : null;
    }, 'codes to become available');
    assert.equal(info.id, id);
    assert.equal(info.connected, true);

    const issued = await post(`${base}/offline-codes`, ALICE, { charge_point_id: id, connector_id: 1 });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const verified = offlineCodeCli('verify', '--master-key-file', keyFile, '--charge-point-id', id, '--connector', '1',
      issued.body.code);
    assert.match(verified, /^accepted\n/, 'a code the server issues works on the pile');

    // The driver's page of the pile's QR code (/c/ID/N, ID percent-encoded).
    const page = await fetch(`${base.replace(/\/api$/, '')}/c/${encodeURIComponent(id)}/1`);
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.ok(html.includes('CP 7%41'), html);
    assert.deepEqual(pile.failures, []);
  } catch (e) {
    e.message += tail(csms);
    throw e;
  } finally {
    await pile.close();
    await stop(csms);
  }
});

test('online, a genuine code never issued is answered as a wrong one, and guesses lock the pile\'s code entry', async () => {
  const dir = tempDir();
  const keyFile = path.join(dir, 'master.key');
  const { csms, ocpp, api: base } = await startCsms(dir, ['--master-key-file', keyFile]);
  const pile = new FakePile16(ocpp, 'GUESSED-1');
  const other = new FakePile16(ocpp, 'GUESSED-2');
  try {
    await pile.boot();
    await other.boot();
    for (const p of [pile, other]) await waitFor(() => p.of('ChangeConfiguration').length === 1, `the key of ${p.id}`);
    await waitForAsync(async () => (await api(`${base}/charge-points/GUESSED-2`, ALICE)).body.offline_codes.available,
      'codes for GUESSED-2');
    const { code } = (await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'GUESSED-1', connector_id: 1 })).body;
    // What someone holding the key would make, and what someone guessing types: both are refused
    // alike, so an online try does not tell whether a MAC is right (docs/offline-code.md §8.4).
    const genuine = offlineCodeCli('issue', '--master-key-file', keyFile, '--charge-point-id', 'GUESSED-1', '--connector', '1',
      '--serial', '3000');
    const otherKey = path.join(dir, 'other.key');
    fs.writeFileSync(otherKey, 'cd'.repeat(32) + '\n', { mode: 0o600 });
    const wrong = (serial) => offlineCodeCli('issue', '--master-key-file', otherKey, '--charge-point-id', 'GUESSED-1',
      '--connector', '1', '--serial', serial);
    const a = await pile.client.call('Authorize', { idTag: genuine });
    const b = await pile.client.call('Authorize', { idTag: wrong(3000) });
    assert.deepEqual(a, b);
    assert.deepEqual(a, { idTagInfo: { status: 'Invalid' } });
    // The third wrong code in a row locks code entry of this pile for a minute: even the issued code
    // is refused, unjudged; the other pile is not affected, and the lock is a security event.
    await pile.client.call('Authorize', { idTag: wrong(3001) });
    assert.deepEqual(await pile.client.call('Authorize', { idTag: code }), { idTagInfo: { status: 'Invalid' } });
    const { code: code2 } = (await post(`${base}/offline-codes`, ALICE, { charge_point_id: 'GUESSED-2', connector_id: 1 })).body;
    assert.equal((await other.client.call('Authorize', { idTag: code2 })).idTagInfo.status, 'Accepted');
    const events = (await api(`${base}/security-events?charge_point_id=GUESSED-1`, ALICE)).body;
    assert.deepEqual(events.map((e) => [e.source, e.type]), [['csms', 'OfflineCodeOnlineLockout']]);
    assert.deepEqual([...pile.failures, ...other.failures], []);
  } catch (e) {
    e.message += tail(csms);
    throw e;
  } finally {
    await pile.close();
    await other.close();
    await stop(csms);
  }
});
