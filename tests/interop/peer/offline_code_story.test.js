// The patent's story end to end, with every side a real process (issue 6, "End to end with
// processes"): the reference CSMS with its offline-code server side (ocpp-csms-sim), the charge
// point (ocpp-chargepoint on the simulated pile) behind a link that fails (support.js LinkProxy),
// and the driver using the server's HTTP API. The pile boots and gets its key; the link is cut; the
// driver gets a code from the server and types it; the pile is killed mid-session and restarts;
// the link returns; the server settles the session with that driver exactly once, even when the
// StopTransaction reaches it twice, for the energy the simulated meter counted. Then the negative
// cases with codes the server issued: another connector, reuse after a reboot, one wrong digit,
// another pile's code, an expired one, and brute force up to the lockout.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
  start, stop, kill, waitFor, waitForAsync, tempDir, binDir, writeChargePointConfig, cpctl, cpctlOk, tail,
  startProxy, sqliteRows,
} = require('./support');

// STORY_OCPP=2.0.1 plays the same story with a 2.0.1 pile (the code as idToken type KeyCode, the
// replayed events marked offline); 1.6 by default.
const V201 = process.env.STORY_OCPP === '2.0.1';
const CP_ID = V201 ? 'STORY-201' : 'STORY-1';
const USER = 'driver';
const PASSWORD = 'secret-driver';
const TARIFF = 0.42;
const world = {};

async function api(method, urlPath, body, user = `${USER}:${PASSWORD}`) {
  const res = await fetch(`http://127.0.0.1:${world.httpPort}${urlPath}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(user).toString('base64')}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: res.status, json, text };
}

function startCsms() {
  world.csms = start('ocpp-csms-sim', [
    '--ocpp-listen', `127.0.0.1:${world.ocppPort || 0}`, '--http-listen', `127.0.0.1:${world.httpPort || 0}`,
    '--database', path.join(world.dir, 'csms.db'), '--master-key-file', world.masterFile,
    '--user', `${USER}:${PASSWORD}`, '--user', 'other:other-password',
    '--tariff-per-kwh', String(TARIFF), '--currency', 'EUR']);
  return waitFor(() => /listening ocpp=(\d+) http=(\d+)/.test(world.csms.out), 'the CSMS to listen', 10000).then(() => {
    const m = /listening ocpp=(\d+) http=(\d+)/.exec(world.csms.out);
    world.ocppPort = Number(m[1]);
    world.httpPort = Number(m[2]);
  });
}

function startPile() {
  world.cp = start('ocpp-chargepoint', ['--config', world.cfg.file]);
  return waitForAsync(async () => (await cpctl(world.cfg.socket, 'status')).code === 0, 'the charge point', 10000);
}

const status = () => cpctlOk(world.cfg.socket, 'status');

before(async () => {
  world.dir = tempDir();
  world.masterFile = path.join(world.dir, 'master.key');
  await startCsms();
  world.proxy = await startProxy(world.ocppPort);
  world.cfg = writeChargePointConfig(world.dir, {
    id: CP_ID,
    csmsUrl: `ws://127.0.0.1:${world.proxy.port}`,
    ocppConfig: V201 ? { 'SampledDataCtrlr.TxUpdatedInterval': '5', 'OCPPCommCtrlr.OfflineThreshold': '1' }
      : { MeterValueSampleInterval: '5', OfflineThreshold: '1' },
    extra: {
      ocpp_version: V201 ? '2.0.1' : '1.6',
      resume_transactions_after_power_loss: true,
      hal: { driver: 'sim', state_file: path.join(world.dir, 'pile.json'), start_energy_wh: 500000, meter_speedup: 30 },
      offline_code: { allow_plaintext_key_provisioning: true, driver_page_url: `http://127.0.0.1:${world.httpPort}` },
    },
  });
  await startPile();
});

after(async () => {
  if (world.cp) await stop(world.cp);
  if (world.csms) await stop(world.csms);
  if (world.proxy) await world.proxy.close();
});

test('the server creates its master key file with mode 0600 and provisions the pile at boot', async () => {
  const mode = fs.statSync(world.masterFile).mode & 0o777;
  assert.equal(mode, 0o600);
  await waitForAsync(async () => (await status()).offline_codes.key_version === 1, 'the key', 15000);
  // The key the pile got is the one the operator's CLI derives from the same master key.
  const s = await status();
  assert.equal(s.connectors[0].qr_url, `http://127.0.0.1:${world.httpPort}/c/${CP_ID}/1`);
});

test('offline, a code from the server charges across a controller crash and is settled exactly once', async () => {
  world.proxy.cut();
  await waitForAsync(async () => !(await status()).connected, 'the pile to be offline');
  const issued = await api('POST', '/api/offline-codes', { charge_point_id: CP_ID, connector_id: 1 });
  assert.equal(issued.status, 201, issued.text);
  assert.match(issued.json.code, /^\d{16}$/);
  assert.ok(Date.parse(issued.json.expires_at) > Date.now());
  world.code = issued.json.code;

  const sock = world.cfg.socket;
  await cpctlOk(sock, 'plug', 1);
  await cpctlOk(sock, 'enter-code', 1, world.code);
  await cpctlOk(sock, 'ev', 1, 'charge');
  let s = await status();
  assert.equal(s.connectors[0].transaction.offline_code, true);
  await new Promise((r) => setTimeout(r, 1500));
  await kill(world.cp);  // a power cut of the controller; the EV and the meter carry on
  await startPile();
  s = await status();
  assert.equal(s.connectors[0].transaction?.id_tag, world.code, 'resumed' + tail(world.cp));
  await new Promise((r) => setTimeout(r, 1500));
  await cpctlOk(sock, 'stop', 1);
  await cpctlOk(sock, 'unplug', 1);

  // The link returns; the answer to the first StopTransaction is lost on the way back, so the pile
  // sends it again: the server must still settle once.
  let stopAnswersLost = 0;
  const isStop = (action, payload) => action === 'StopTransaction' ||
    (action === 'TransactionEvent' && payload && payload.eventType === 'Ended');
  world.proxy.armOnCall(isStop, () => {
    stopAnswersLost += 1;
    world.proxy.cut();
    setTimeout(() => world.proxy.restore(), 300);
  });
  world.proxy.restore();
  await waitForAsync(async () => {
    const st = await status();
    return st.connected && st.outbox === 0;
  }, 'the replay', 60000);
  assert.equal(stopAnswersLost, 1);

  // What the pile recorded (its own database), against what the server settled.
  const [tx] = await sqliteRows(world.cfg.database,
    `SELECT meter_start_wh, meter_stop_wh, csms_transaction_id FROM transactions WHERE id_tag='${world.code}'`);
  const energy = Math.round(tx.meter_stop_wh) - Math.round(tx.meter_start_wh);
  assert.ok(energy > 0);
  // A second parameter must not spoil the first (the query reaches the API as a query string).
  const transactions = await api('GET', `/api/transactions?charge_point_id=${encodeURIComponent(CP_ID)}&x=%26`);
  const seen = transactions.json.find((t) => t.transaction_id === tx.csms_transaction_id);
  assert.equal(seen.stop_count, 2, 'the stop did reach the server twice');
  if (V201) {
    // 2.0.1: the code went as idToken type KeyCode, and the events that happened offline say so.
    assert.match(world.csms.err, /"TransactionEvent",\{[^\n]*"offline":true/, 'offline events are marked');
    assert.match(world.csms.err, /"idToken":\{"idToken":"\d{16}","type":"KeyCode"\}/, 'the code is a KeyCode');
  }
  const settlements = await waitForAsync(async () => {
    const r = await api('GET', '/api/settlements');
    return r.json && r.json.length ? r.json : null;
  }, 'the settlement', 10000);
  assert.equal(settlements.length, 1, JSON.stringify(settlements));
  const [st] = settlements;
  assert.equal(st.code, world.code);
  assert.equal(st.charge_point_id, CP_ID);
  assert.equal(st.connector_id, 1);
  assert.equal(String(st.transaction_id), String(tx.csms_transaction_id));
  assert.equal(st.energy_wh, energy);
  assert.equal(st.currency, 'EUR');
  assert.equal(Number(st.amount), Math.round(energy / 1000 * TARIFF * 100) / 100);
  assert.ok(Date.parse(st.stopped_at) > Date.parse(st.started_at));
  // Nobody else sees it.
  assert.deepEqual((await api('GET', '/api/settlements', null, 'other:other-password')).json, []);
});

test('negative cases with the server\'s codes: connector, reuse after reboot, typo, other pile, expiry, lockout', async () => {
  world.proxy.cut();
  await waitForAsync(async () => !(await status()).connected, 'the pile to be offline');
  const sock = world.cfg.socket;
  const refused = async (connector, code) => {
    const r = await cpctl(sock, 'enter-code', connector, code);
    assert.notEqual(r.code, 0, `${code} must be refused`);
    return r.json.reason;
  };
  await cpctlOk(sock, 'plug', 1);
  await cpctlOk(sock, 'plug', 2);
  const forTwo = (await api('POST', '/api/offline-codes', { charge_point_id: CP_ID, connector_id: 2 })).json.code;
  assert.equal(await refused(1, forTwo), 'code refused: This code is for connector 2');
  // The settled code, after a reboot of the pile.
  await stop(world.cp);
  await startPile();
  assert.equal(await refused(1, world.code), 'code refused: This code has already been used');
  const typo = forTwo.slice(0, 9) + String((Number(forTwo[9]) + 3) % 10) + forTwo.slice(10);
  assert.equal(await refused(2, typo), 'code refused: Typing error: check the digits and enter the code again');
  // Made with the server's own master key, but for another pile, and one that expired: the
  // operator's CLI stands in for a server that issued them.
  const cli = (args) => execFileSync(path.join(binDir, 'ocpp-offline-code'), args, { encoding: 'utf8' }).trim();
  const expired = cli(['issue', '--master-key-file', world.masterFile, '--charge-point-id', CP_ID, '--connector', '2',
    '--serial', '4000', '--valid-hours', '1', '--now', new Date(Date.now() - 3 * 3600e3).toISOString()]);
  assert.match(await refused(2, expired), /^code refused: This code expired at /);
  const otherPile = cli(['issue', '--master-key-file', world.masterFile, '--charge-point-id', 'OTHER-PILE',
    '--connector', '2', '--serial', '0']);
  assert.equal(await refused(2, otherPile), 'code refused: Wrong code: not valid for this charge point');
  for (let serial = 1; serial < 3; serial += 1) {
    const wrong = cli(['issue', '--master-key-file', world.masterFile, '--charge-point-id', 'OTHER-PILE',
      '--connector', '2', '--serial', String(serial)]);
    assert.equal(await refused(2, wrong), 'code refused: Wrong code: not valid for this charge point');
  }
  assert.match(await refused(2, forTwo), /^code refused: Code entry is locked after wrong codes/);
  // The lockout is reported to the server when the link returns.
  world.proxy.restore();
  await waitForAsync(async () => {
    const st = await status();
    return st.connected && st.security_events === 0;
  }, 'the security event to be sent', 30000);
  const events = await api('GET', `/api/security-events?charge_point_id=${CP_ID}`);
  assert.equal(events.status, 200, events.text);
  assert.ok(events.json.some((e) => e.type === 'OfflineCodeLockout'), events.text);
});
