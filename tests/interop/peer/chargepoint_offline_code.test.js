// The offline charging code on the charge point (ocpp-chargepoint, OCPP 1.6J), against the strict
// ocpp-rpc CSMS, which checks every frame against the OCA schemas. It plays the patent's story from
// the pile's side: key provisioning (refused in plain text, accepted where the lab allows it), the
// link cut, codes from `ocpp-offline-code issue` typed with `ocpp-cpctl enter-code` (each refusal
// told apart), a SIGKILL mid-session, the code's energy cap, a brute-force lockout, and on
// reconnect the session replayed with the code as its idTag and the lockout reported as a
// security event (DESIGN.md "The offline charging code: requirements"; issue 6).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { RPCServer } = require('ocpp-rpc');
const {
  start, stop, kill, waitFor, waitForAsync, tempDir, binDir, writeChargePointConfig, cpctl, cpctlOk, tail, startProxy,
} = require('./support');

const CP_ID = 'CODE-PILE-1';
const MASTER = 'a1'.repeat(32);

class StrictCsms {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.client = null;
    this.nextTransactionId = 500;
    this.server.on('client', (c) => {
      this.client = c;
      c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
      c.on('close', () => { if (this.client === c) this.client = null; });
      for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction',
        'MeterValues', 'StopTransaction', 'SecurityEventNotification']) {
        c.handle(method, ({ params }) => {
          const result = this.answer(method, params);
          this.calls.push({ method, params, result });
          return result;
        });
      }
    });
  }

  answer(method, params) {
    const now = new Date().toISOString();
    switch (method) {
      case 'BootNotification': return { status: 'Accepted', currentTime: now, interval: 300 };
      case 'Heartbeat': return { currentTime: now };
      case 'Authorize': return { idTagInfo: { status: 'Accepted' } };
      case 'StartTransaction': return { transactionId: this.nextTransactionId++, idTagInfo: { status: 'Accepted' } };
      case 'StopTransaction': return {};
      default: return {};
    }
  }

  of(method) { return this.calls.filter((c) => c.method === method); }
}

const world = {};

function offlineCode(args) {
  return execFileSync(path.join(binDir, 'ocpp-offline-code'), args, { encoding: 'utf8' }).trim();
}

function issue(connector, serial, extra = []) {
  return offlineCode(['issue', '--master-key-file', world.masterFile, '--charge-point-id', CP_ID,
    '--connector', String(connector), '--serial', String(serial), ...extra]);
}

async function startPile(extra = {}) {
  const cfg = writeChargePointConfig(world.dir, {
    id: CP_ID,
    csmsUrl: `ws://127.0.0.1:${world.proxy.port}/ocpp`,
    ocppConfig: { MeterValueSampleInterval: '2' },
    // The simulated meters run 20 times faster than real time: a 1000 Wh cap is reached in seconds.
    extra: { resume_transactions_after_power_loss: true, hal: { driver: 'sim', state_file: path.join(world.dir, 'pile.json'), meter_speedup: 20 }, ...extra },
  });
  world.cfg = cfg;
  world.cp = start('ocpp-chargepoint', ['--config', cfg.file]);
  await waitForAsync(async () => {
    const r = await cpctl(cfg.socket, 'status');
    return r.code === 0 && r.json.registration === 'Accepted' && world.csms.client;
  }, 'the charge point to register', 15000);
}

before(async () => {
  world.dir = tempDir();
  world.masterFile = path.join(world.dir, 'master.key');
  fs.writeFileSync(world.masterFile, MASTER + '\n', { mode: 0o600 });
  world.csms = new StrictCsms();
  const http = await world.csms.server.listen(0, '127.0.0.1');
  world.proxy = await startProxy(http.address().port);
});

after(async () => {
  if (world.cp) await stop(world.cp);
  if (world.proxy) await world.proxy.close();
  if (world.csms) await world.csms.server.close({ force: true });
  if (process.exitCode === undefined || process.exitCode === 0) fs.rmSync(world.dir, { recursive: true, force: true });
});

test('the key is refused over an unencrypted link unless the configuration allows it for a lab', async () => {
  await startPile();
  const keySpec = offlineCode(['derive-key', '--master-key-file', world.masterFile, '--charge-point-id', CP_ID,
    '--key-spec']);
  assert.match(keySpec, /^1:[0-9a-f]{64}:[0-9a-f]{8}$/, 'with the check value bound to the id (§3.3)');
  let r = await world.csms.client.call('GetConfiguration', { key: ['OfflineCodeKeyVersion', 'OfflineCodeKey'] });
  assert.deepEqual(r.configurationKey.find((k) => k.key === 'OfflineCodeKeyVersion'),
    { key: 'OfflineCodeKeyVersion', readonly: true, value: '0' });
  assert.equal(r.configurationKey.find((k) => k.key === 'OfflineCodeKey').value, undefined, 'write-only');
  r = await world.csms.client.call('ChangeConfiguration', { key: 'OfflineCodeKey', value: keySpec });
  assert.equal(r.status, 'Rejected', 'security profile 0: plain text on the wire');
  await stop(world.cp);

  // With every frame in the log (debug), the key still never is.
  await startPile({ offline_code: { allow_plaintext_key_provisioning: true }, log: { level: 'debug' } });
  // §3.3: a key derived for another id (a CSMS that misread this pile's id) is refused, and said so.
  const otherSpec = offlineCode(['derive-key', '--master-key-file', world.masterFile, '--charge-point-id',
    CP_ID + '-OTHER', '--key-spec']);
  r = await world.csms.client.call('ChangeConfiguration', { key: 'OfflineCodeKey', value: otherSpec });
  assert.equal(r.status, 'Rejected', 'a key made for another charge point id');
  r = await world.csms.client.call('ChangeConfiguration', { key: 'OfflineCodeKey', value: keySpec });
  assert.equal(r.status, 'Accepted');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const log = world.cp.out + world.cp.err;
  assert.match(log, /bytes withheld: the frame carries a secret/);
  assert.match(log, /offline-code key refused: .*made for another charge point id/);
  assert.ok(!log.includes(keySpec.slice(2)), 'the key is not in the log');
  r = await world.csms.client.call('ChangeConfiguration', { key: 'OfflineCodeKey', value: keySpec });
  assert.equal(r.status, 'Rejected', 'a version the pile already holds never comes back');
  r = await world.csms.client.call('GetConfiguration', { key: ['OfflineCodeKeyVersion'] });
  assert.equal(r.configurationKey[0].value, '1');
  const s = await cpctlOk(world.cfg.socket, 'status');
  assert.equal(s.offline_codes.key_version, 1);
  assert.equal(s.offline_codes.clock, 'synced');
});

test('offline, a code starts a session that survives a SIGKILL and stops at its energy cap', async () => {
  world.proxy.cut();
  await waitForAsync(async () => (await cpctlOk(world.cfg.socket, 'status')).connected === false, 'the link to drop');
  const code = issue(1, 0, ['--energy-cap-wh', '1000']);
  const sock = world.cfg.socket;
  await cpctlOk(sock, 'plug', 1);
  await cpctlOk(sock, 'set-power', 1, 22000);
  await cpctlOk(sock, 'enter-code', 1, code);
  await cpctlOk(sock, 'ev', 1, 'charge');
  let s = await cpctlOk(sock, 'status');
  assert.equal(s.connectors[0].status, 'Charging');
  assert.equal(s.connectors[0].transaction.offline_code, true);
  assert.equal(s.connectors[0].transaction.id_tag, code);
  world.code = code;
  world.meterStart = s.connectors[0].meter_wh;

  // A power cut of the controller mid-session; the EV and the meter carry on.
  await new Promise((r) => setTimeout(r, 1000));
  await kill(world.cp);
  await new Promise((r) => setTimeout(r, 500));
  world.cp = start('ocpp-chargepoint', ['--config', world.cfg.file]);
  await waitForAsync(async () => (await cpctl(sock, 'status')).code === 0, 'the restarted charge point');
  s = await cpctlOk(sock, 'status');
  assert.equal(s.connectors[0].transaction?.offline_code, true, 'resumed, still a code session' + tail(world.cp));

  // The code is single use, across the restart too.
  await cpctlOk(sock, 'plug', 2);
  const again = await cpctl(sock, 'enter-code', 2, code);
  assert.notEqual(again.code, 0);
  assert.equal(again.json.reason, 'code refused: This code is for connector 1');

  // 1000 Wh at 22 kW with the meter 20 times faster: about 8 s.
  await waitForAsync(async () => (await cpctlOk(sock, 'status')).connectors[0].transaction === null,
    'the cap to stop the transaction', 60000);
  s = await cpctlOk(sock, 'status');
  world.meterStop = s.connectors[0].meter_wh;
  assert.ok(world.meterStop - world.meterStart >= 1000, `delivered ${world.meterStop - world.meterStart} Wh`);
});

test('each refusal says why, and wrong codes lock code entry', async () => {
  const sock = world.cfg.socket;
  const refusal = async (connector, code) => {
    const r = await cpctl(sock, 'enter-code', connector, code);
    assert.notEqual(r.code, 0, `${code} must be refused`);
    return r.json.reason;
  };
  const good = issue(2, 1, ['--valid-hours', '1']);
  const typo = good.slice(0, 5) + String((Number(good[5]) + 1) % 10) + good.slice(6);
  assert.equal(await refusal(2, typo), 'code refused: Typing error: check the digits and enter the code again');
  assert.equal(await refusal(2, '1234'), 'code refused: Not a code: a code has 16 digits');
  const expired = issue(2, 2, ['--valid-hours', '1', '--now', new Date(Date.now() - 3 * 3600e3).toISOString()]);
  assert.match(await refusal(2, expired), /^code refused: This code expired at /);
  // Codes of another pile (another key): wrong, and counted. The third in a row locks connector 2.
  const queuedBefore = (await cpctlOk(sock, 'status')).security_events;  // the pile's own (StartupOfTheDevice)
  const otherKey = path.join(world.dir, 'other.key');
  fs.writeFileSync(otherKey, 'b2'.repeat(32), { mode: 0o600 });
  for (let serial = 0; serial < 3; serial += 1) {
    const forged = offlineCode(['issue', '--master-key-file', otherKey, '--charge-point-id', CP_ID, '--connector', '2',
      '--serial', String(serial)]);
    assert.equal(await refusal(2, forged), 'code refused: Wrong code: not valid for this charge point');
  }
  assert.match(await refusal(2, good), /^code refused: Code entry is locked after wrong codes: try again after /);
  const s = await cpctlOk(sock, 'status');
  assert.equal(s.security_events, queuedBefore + 1, 'the lockout waits for the link');
});

test('on reconnect the session is replayed with the code as idTag and the lockout is reported', async () => {
  world.proxy.restore();
  await waitForAsync(async () => {
    const s = await cpctlOk(world.cfg.socket, 'status');
    return s.connected && s.outbox === 0 && s.security_events === 0;
  }, 'the outbox and the security events to drain', 30000);
  const starts = world.csms.of('StartTransaction').filter((c) => c.params.idTag === world.code);
  assert.equal(starts.length, 1, 'the start, once');
  const txId = starts[0].result.transactionId;
  const stops = world.csms.of('StopTransaction').filter((c) => c.params.transactionId === txId);
  assert.equal(stops.length, 1, 'the stop, once');
  assert.equal(stops[0].params.reason, 'Other', '1.6 has no EnergyLimitReached');
  assert.ok(stops[0].params.meterStop - starts[0].params.meterStart >= 1000);
  assert.ok(world.csms.of('MeterValues').some((c) => c.params.transactionId === txId), 'meter values under its id');
  // The pile's own events (StartupOfTheDevice, ...) come too; the lockout is reported once.
  const events = world.csms.of('SecurityEventNotification').filter((c) => c.params.type.startsWith('OfflineCode'));
  assert.equal(events.length, 1);
  assert.equal(events[0].params.type, 'OfflineCodeLockout');
  assert.match(events[0].params.techInfo, /connector 2 locked until/);
  assert.deepEqual(world.csms.failures, [], 'every frame passed the strict schema checks');
});

// §3.3 (issue 14, item 9): a factory key pasted for another pile is refused when the daemon starts,
// naming the configuration key, and never printed.
test('a configured key made for another charge point id refuses the configuration at start', async () => {
  const dir = tempDir();
  const otherSpec = offlineCode(['derive-key', '--master-key-file', world.masterFile, '--charge-point-id',
    CP_ID + '-OTHER', '--key-spec']);
  const cfg = writeChargePointConfig(dir, { id: CP_ID, csmsUrl: 'ws://127.0.0.1:9/ocpp',
    ocppConfig: { OfflineCodeKey: otherSpec } });
  const cp = start('ocpp-chargepoint', ['--config', cfg.file]);
  const code = await new Promise((resolve) => cp.once('close', (c) => resolve(c)));
  assert.equal(code, 2, cp.err);
  assert.match(cp.err, /ocpp_config\.OfflineCodeKey: .*made for another charge point id/);
  assert.ok(!cp.err.includes(otherSpec.split(':')[1]), 'the key itself is not printed');
});

// §7.1 (issue 14, item 5): the integrator's time-floor file is part of the configuration: one that
// cannot be read refuses it at start; a good one starts the pile.
test('offline_code.time_floor_file is read at start', async () => {
  const dir = tempDir();
  const missing = writeChargePointConfig(dir, { id: CP_ID, csmsUrl: 'ws://127.0.0.1:9/ocpp',
    extra: { offline_code: { time_floor_file: path.join(dir, 'no-such-file') } } });
  let cp = start('ocpp-chargepoint', ['--config', missing.file]);
  const code = await new Promise((resolve) => cp.once('close', (c) => resolve(c)));
  assert.equal(code, 2, cp.err);
  assert.match(cp.err, /offline_code\.time_floor_file: cannot read/);
  const floorFile = path.join(dir, 'installed-at');
  fs.writeFileSync(floorFile, '2026-06-01T00:00:00Z\n');
  const good = writeChargePointConfig(dir, { id: CP_ID, csmsUrl: 'ws://127.0.0.1:9/ocpp',
    extra: { offline_code: { time_floor_file: floorFile } } });
  cp = start('ocpp-chargepoint', ['--config', good.file]);
  await waitForAsync(async () => (await cpctl(good.socket, 'status')).code === 0, 'the pile to start', 15000);
  await stop(cp);
});
