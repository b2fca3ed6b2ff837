// Two ocpp-csms-sim instances on one PostgreSQL database (issue 16): the offline code's promises
// hold across instances (a serial is issued once, a session is settled once, a key rotation made by
// one instance is used by the other), and a database that goes away gives a clear 503 and leaves
// nothing half-made. The cluster is a throwaway one (tests/support/pg_cluster.js); skipped with the
// reason where it cannot start.
'use strict';
const { test } = require('node:test');
const net = require('node:net');
const assert = require('node:assert/strict');
const path = require('node:path');
const { RPCClient } = require('ocpp-rpc');
const { start, stop, waitFor, waitForAsync, tempDir } = require('./support');
const { startCluster } = require('../../support/pg_cluster');

const ALICE = { Authorization: 'Basic ' + Buffer.from('alice:alice-pw').toString('base64') };

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// An instance whose HTTP port is known before it starts, so that it can say where it is
// (--instance-url) to the other instances.
async function startCsms(database, keyFile) {
  const httpPort = await freePort();
  const csms = start('ocpp-csms-sim', ['--ocpp-listen', '127.0.0.1:0', '--http-listen', `127.0.0.1:${httpPort}`,
    '--instance-url', `http://127.0.0.1:${httpPort}`,
    '--database', database, '--user', 'alice:alice-pw', '--master-key-file', keyFile,
    '--offline-code-rate-limit', '1000']);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(csms.out) || csms.exitCode !== null, 'the CSMS to listen');
  if (csms.exitCode !== null) throw new Error(`the CSMS exited ${csms.exitCode}: ${csms.err}`);
  const [, ocpp, http] = csms.out.match(/listening ocpp=(\d+) http=(\d+)/);
  return { csms, ocpp: Number(ocpp), url: `http://127.0.0.1:${http}`, api: `http://127.0.0.1:${http}/api` };
}

async function api(url, options = {}) {
  const res = await fetch(url, { headers: ALICE, ...options });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const issue = (base) => api(`${base}/offline-codes`, { method: 'POST', body: JSON.stringify({ charge_point_id: 'PILE-1', connector_id: 1 }) });

// A 1.6 pile (ocpp-rpc, strict): reports key version `held`, takes OfflineCodeKey.
async function connectPile(ocppPort, held) {
  const pile = { held, keys: 0 };
  pile.client = new RPCClient({ endpoint: `ws://127.0.0.1:${ocppPort}`, identity: 'PILE-1', protocols: ['ocpp1.6'],
    strictMode: true, reconnect: false });
  pile.client.handle('GetConfiguration', () => ({
    configurationKey: [{ key: 'OfflineCodeKeyVersion', readonly: true, value: String(pile.held) }] }));
  pile.client.handle('ChangeConfiguration', ({ params }) => {
    pile.held = Number(params.value.split(':')[0]);
    pile.keys += 1;
    return { status: 'Accepted' };
  });
  await pile.client.connect();
  await pile.client.call('BootNotification', { chargePointVendor: 'Peer', chargePointModel: 'Pile' });
  for (const connectorId of [1, 2]) {
    await pile.client.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available',
      timestamp: new Date().toISOString() });
  }
  return pile;
}

async function replaySession(pile, code) {
  const startedAt = '2026-03-01T10:30:00.000Z';
  const start1 = await pile.client.call('StartTransaction', { connectorId: 1, idTag: code, meterStart: 1000, timestamp: startedAt });
  await pile.client.call('StopTransaction', { transactionId: start1.transactionId, idTag: code, meterStop: 16432,
    timestamp: '2026-03-01T11:45:30.000Z', reason: 'EVDisconnected' });
  return start1.transactionId;
}

const confirmedVersion = async (base) => (await api(`${base}/charge-points/PILE-1`)).body?.offline_codes?.confirmed_key_version;

test('two CSMS instances on one PostgreSQL database', async (t) => {
  const cluster = startCluster();
  if (!cluster.ok) {
    t.skip(`no throwaway PostgreSQL cluster: ${cluster.why}`);
    return;
  }
  const dir = tempDir();
  const keyFile = path.join(dir, 'master.key');
  const database = cluster.createDatabase('csms');
  const a = await startCsms(database, keyFile);
  const b = await startCsms(database, keyFile);
  const piles = [];
  const exits = [];
  try {
    const pile = await connectPile(a.ocpp, 0);
    piles.push(pile);
    await waitForAsync(async () => (await confirmedVersion(b.api)) === 1, 'B to see the key that A provisioned');

    await t.test('codes requested at once through both instances get distinct serials', async () => {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => issue(i % 2 ? a.api : b.api)));
      for (const r of answers) assert.equal(r.status, 201, JSON.stringify(r.body));
      const serials = answers.map((r) => r.body.serial).sort((x, y) => x - y);
      assert.deepEqual(serials, Array.from({ length: 40 }, (_, i) => i), 'each serial once, none skipped');
    });

    await t.test('the same offline session replayed to both instances at once is settled once', async () => {
      const { code } = (await issue(a.api)).body;
      const twin = await connectPile(b.ocpp, 1);
      piles.push(twin);
      const [txA, txB] = await Promise.all([replaySession(pile, code), replaySession(twin, code)]);
      assert.equal(txA, txB, 'one transaction, whichever instance heard the start first');
      for (const base of [a.api, b.api]) {
        const settled = (await api(`${base}/settlements`)).body.filter((s) => s.code === code);
        assert.equal(settled.length, 1, JSON.stringify(settled));
        assert.equal(settled[0].energy_wh, 15432);
      }
      const events = (await api(`${b.api}/security-events`)).body;
      assert.deepEqual(events.filter((e) => e.type === 'OfflineCodeUsedTwice'), [], 'a replay is not a second use');
      await twin.client.close({ force: true });
    });

    await t.test('a key rotation made by one instance is used by the other', async () => {
      // The pile was reset and lost its key: A rotates it to version 2.
      await pile.client.close({ force: true });
      const reset = await connectPile(a.ocpp, 0);
      piles.push(reset);
      await waitFor(() => reset.held === 2, 'A to provision version 2');
      await waitForAsync(async () => (await confirmedVersion(b.api)) === 2, 'B to see version 2 confirmed');
      const r = await issue(b.api);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.key_version, 2);
      assert.equal(r.body.serial, 0);
    });

    await t.test('any instance answers for a pile and forwards a call to the instance it is connected to', async () => {
      const seen = (await api(`${b.api}/charge-points/PILE-1`)).body;
      assert.equal(seen.connected, true);
      assert.equal(seen.instance_url, a.url);
      const r = await api(`${b.api}/charge-points/PILE-1/call`, { method: 'POST',
        body: JSON.stringify({ action: 'GetConfiguration', payload: { key: ['OfflineCodeKeyVersion'] } }) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.configurationKey[0].value, '2', 'answered by the pile connected to A');
      const nobody = await api(`${b.api}/charge-points/NO-SUCH/call`, { method: 'POST',
        body: JSON.stringify({ action: 'GetConfiguration', payload: {} }) });
      assert.equal(nobody.status, 404);
    });

    await t.test('a database that goes away: 503, a CALLERROR, nothing half-made', async () => {
      const pileNow = piles[piles.length - 1];
      cluster.stop();
      const r = await issue(a.api);
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.body.reason, 'database_unavailable');
      assert.equal((await issue(b.api)).status, 503);
      await assert.rejects(pileNow.client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError',
        status: 'Preparing', timestamp: new Date().toISOString() }), (e) => e.rpcErrorCode === 'InternalError' || /InternalError/.test(String(e.name) + e.message));
      cluster.start();
      const again = await issue(a.api);
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(again.body.serial, 1, 'the refused requests took no serial');
      const v2 = (await api(`${b.api}/offline-codes`)).body.filter((c) => c.key_version === 2);
      assert.deepEqual(v2.map((c) => c.serial).sort(), [0, 1], 'no code without its answer, none lost');
    });
  } finally {
    for (const p of piles) await p.client.close({ force: true }).catch(() => {});
    exits.push(await stop(a.csms), await stop(b.csms));
    cluster.destroy();
  }
  // A clean exit (under the sanitizers: no leak, no error report).
  assert.deepEqual(exits, [0, 0], `${a.csms.err}\n${b.csms.err}`.slice(-3000));
});
