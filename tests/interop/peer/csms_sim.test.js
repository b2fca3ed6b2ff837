// The reference CSMS (ocpp-csms-sim) against an independent charge point: an ocpp-rpc client in
// strict mode checks every frame the CSMS sends; the HTTP API is driven with fetch.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { RPCClient } = require('ocpp-rpc');
const { spawnSync } = require('node:child_process');
const { start, waitFor, stop, tempDir, binDir } = require('./support');

async function startCsms(extra = []) {
  const dir = tempDir();
  const csms = start('ocpp-csms-sim', ['--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--database', path.join(dir, 'csms.db'), '--user', 'operator:op-secret', ...extra]);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(csms.out), 'the CSMS to listen');
  const [, ocpp, http] = csms.out.match(/listening ocpp=(\d+) http=(\d+)/);
  return { csms, ocpp: Number(ocpp), http: Number(http) };
}

const auth = { Authorization: 'Basic ' + Buffer.from('operator:op-secret').toString('base64') };

for (const protocol of ['ocpp1.6', 'ocpp2.0.1']) {
  test(`reference CSMS serves a strict ${protocol} charge point and forwards operator calls`, async () => {
    const { csms, ocpp, http } = await startCsms();
    const failures = [];
    const cp = new RPCClient({ endpoint: `ws://127.0.0.1:${ocpp}`, identity: 'PEER-CP', protocols: [protocol],
      strictMode: true, reconnect: false });
    cp.on('strictValidationFailure', (e) => failures.push(`${e.method}: ${e.error.message}`));
    cp.handle('Reset', () => ({ status: 'Accepted' }));
    try {
      await cp.connect();
      const now = () => new Date().toISOString();
      if (protocol === 'ocpp1.6') {
        const boot = await cp.call('BootNotification', { chargePointVendor: 'Peer', chargePointModel: 'Strict' });
        assert.equal(boot.status, 'Accepted');
        await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: now() });
        const start1 = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG1', meterStart: 100, timestamp: '2026-01-01T10:00:00Z' });
        // A replayed start gets the same transactionId, and the CSMS counts it.
        const again = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG1', meterStart: 100, timestamp: '2026-01-01T10:00:00Z' });
        assert.equal(again.transactionId, start1.transactionId);
        await cp.call('MeterValues', { connectorId: 1, transactionId: start1.transactionId,
          meterValue: [{ timestamp: now(), sampledValue: [{ value: '600' }] }] });
        await cp.call('StopTransaction', { transactionId: start1.transactionId, meterStop: 1100, timestamp: now(), reason: 'Local' });
      } else {
        const boot = await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Peer', model: 'Strict' } });
        assert.equal(boot.status, 'Accepted');
        await cp.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
        const tx = { transactionId: 'T-1' };
        const r = await cp.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized',
          seqNo: 0, transactionInfo: tx, idToken: { idToken: 'TAG1', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
          meterValue: [{ timestamp: now(), sampledValue: [{ value: 100 }] }] });
        assert.equal(r.idTokenInfo.status, 'Accepted');
        await cp.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: 1,
          transactionInfo: { ...tx, stoppedReason: 'Local' }, meterValue: [{ timestamp: now(), sampledValue: [{ value: 1100 }] }] });
      }
      await cp.call('Heartbeat', {});

      const base = `http://127.0.0.1:${http}/api`;
      assert.equal((await fetch(`${base}/charge-points/PEER-CP`)).status, 401, 'the API needs a user');
      const info = await (await fetch(`${base}/charge-points/PEER-CP`, { headers: auth })).json();
      assert.equal(info.connected, true);
      assert.equal(info.ocpp_version, protocol.replace('ocpp', ''));

      const reset = protocol === 'ocpp1.6' ? { type: 'Soft' } : { type: 'Immediate' };
      const res = await fetch(`${base}/charge-points/PEER-CP/call`, { method: 'POST', headers: auth,
        body: JSON.stringify({ action: 'Reset', payload: reset }) });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'Accepted' });

      const bad = await fetch(`${base}/charge-points/PEER-CP/call`, { method: 'POST', headers: auth,
        body: JSON.stringify({ action: 'Reset', payload: { type: 'Sideways' } }) });
      assert.equal(bad.status, 400, 'an invalid operator call is refused before it is sent');

      const txs = await (await fetch(`${base}/transactions?charge_point_id=PEER-CP`, { headers: auth })).json();
      assert.equal(txs.length, 1);
      assert.equal(txs[0].meter_stop_wh, 1100);
      assert.equal(txs[0].stop_count, 1);
      if (protocol === 'ocpp1.6') assert.equal(txs[0].start_count, 2, 'the replayed start is counted');

      assert.deepEqual(failures, [], 'every frame of the CSMS passes the peer\'s schema check');
    } finally {
      await cp.close({ force: true });
      await stop(csms);
    }
  });
}

test('reference CSMS refuses a charge point with a wrong password (HTTP 401)', async () => {
  const { csms, ocpp } = await startCsms(['--charge-point', 'CP-PW:correct-horse-battery']);
  try {
    const good = new RPCClient({ endpoint: `ws://127.0.0.1:${ocpp}`, identity: 'CP-PW', password: 'correct-horse-battery',
      protocols: ['ocpp1.6'], reconnect: false });
    await good.connect();
    await good.close({ force: true });
    const bad = new RPCClient({ endpoint: `ws://127.0.0.1:${ocpp}`, identity: 'CP-PW', password: 'wrong',
      protocols: ['ocpp1.6'], reconnect: false });
    await assert.rejects(bad.connect(), /Unauthorized/);  // HTTP 401's status text
  } finally {
    await stop(csms);
  }
});

const basic = (user, password) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') });

test('drivers get codes and their own settlements only; operators everything; wrong passwords are throttled', async () => {
  const dir = tempDir();
  const { csms, http } = await startCsms(['--user', 'drv:drv-secret:driver', '--user', 'boss:boss-secret:operator',
    '--master-key-file', path.join(dir, 'master.key')]);
  const base = `http://127.0.0.1:${http}/api`;
  const call = async (who, method, url, body) => {
    const res = await fetch(`${base}${url}`, { method, headers: who, body });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const driver = basic('drv', 'drv-secret');
  try {
    // The driver's API: a code (refused here for the pile, not for the role), his codes, his settlements.
    assert.equal((await call(driver, 'POST', '/offline-codes', JSON.stringify({ charge_point_id: 'NONE', connector_id: 1 })))
      .body.reason, 'unknown_charge_point');
    assert.equal((await call(driver, 'GET', '/offline-codes')).status, 200);
    assert.deepEqual((await call(driver, 'GET', '/settlements')).body, []);
    for (const [method, url] of [['GET', '/settlements?all=1'], ['GET', '/settlements?anomalies=1'], ['GET', '/charge-points'],
      ['GET', '/charge-points/PEER-CP'], ['POST', '/charge-points/PEER-CP/call'], ['GET', '/transactions'],
      ['GET', '/security-events']]) {
      const r = await call(driver, method, url, method === 'POST' ? JSON.stringify({ action: 'Reset', payload: {} }) : undefined);
      assert.equal(r.status, 403, `${method} ${url} is for operators`);
      assert.match(r.body.error, /drv is a driver/);
    }
    // Operators, with the role given or by default (`--user operator:op-secret`).
    for (const who of [basic('boss', 'boss-secret'), auth]) {
      assert.equal((await call(who, 'GET', '/transactions')).status, 200);
      assert.equal((await call(who, 'GET', '/settlements?all=1')).status, 200);
      assert.equal((await call(who, 'GET', '/security-events')).status, 200);
      assert.equal((await call(who, 'POST', '/charge-points/PEER-CP/call', JSON.stringify({ action: 'Reset', payload: {} })))
        .status, 404, 'not connected');
    }
    // Five wrong passwords for one name: that name is refused for a while, whatever the password.
    for (let i = 0; i < 5; i += 1) assert.equal((await call(basic('boss', `guess-${i}`), 'GET', '/transactions')).status, 401);
    const locked = await call(basic('boss', 'boss-secret'), 'GET', '/transactions');
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 800, locked.headers.get('retry-after'));
    assert.equal((await call(auth, 'GET', '/transactions')).status, 200, 'other names are not locked');
    // JSON bodies are read with bounded nesting (a stack overflow otherwise), and the CSMS carries on.
    const deep = '{"action":"Reset","payload":' + '['.repeat(60000);
    const r = await call(auth, 'POST', '/charge-points/PEER-CP/call', deep);
    assert.equal(r.status, 400);
    assert.match(r.body.error, /nested deeper than 32 levels/);
    const d = await call(driver, 'POST', '/offline-codes', '{"charge_point_id":' + '['.repeat(60000));
    assert.equal(d.status, 400);
    assert.match(d.body.error, /nested deeper than 32 levels/);
    assert.equal((await call(auth, 'GET', '/transactions')).status, 200);
  } finally {
    await stop(csms);
  }
});

test('--user takes NAME:PASSWORD[:operator|driver] and refuses what it cannot read', () => {
  const exe = path.join(binDir, 'ocpp-csms-sim');
  for (const [args, message] of [[['--user', 'alice'], /--user: expected NAME:PASSWORD\[:operator\|driver\]/],
    [['--user', 'alice::driver'], /--user: the password of alice must not be empty/],
    [['--user', 'a:x', '--user', 'a:y'], /--user: a is given twice/]]) {
    const r = spawnSync(exe, args, { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.match(spawnSync(exe, ['--help'], { encoding: 'utf8' }).stdout, /--user NAME:PASSWORD\[:ROLE\]/);
});
