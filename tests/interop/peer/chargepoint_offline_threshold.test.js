// The offline threshold (issue 5: "offline detection that does not wait minutes ... and a
// configurable threshold before the pile acts as offline"), with the daemon behind a link that
// can fail (support.js LinkProxy) and the strict ocpp-rpc CSMS:
//   - a CSMS that stops answering (a frozen link: no FIN, no RST) delays a driver by OfflineThreshold,
//     not by the call timeout (30 s): the id is then decided offline;
//   - a link that drops and returns within OfflineThreshold does not make the pile decide offline:
//     the id waits for the link and the CSMS decides.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { RPCServer } = require('ocpp-rpc');
const { start, stop, waitForAsync, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail, startProxy } = require('./support');

const world = { authorize: [] };

before(async () => {
  world.dir = tempDir();
  world.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  world.server.on('client', (c) => {
    world.client = c;
    c.handle('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
    c.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    c.handle('StatusNotification', () => ({}));
    c.handle('Authorize', ({ params }) => {
      world.authorize.push(params.idTag);
      return { idTagInfo: { status: params.idTag.startsWith('BLOCKED') ? 'Blocked' : 'Accepted' } };
    });
  });
  const http = await world.server.listen(0, '127.0.0.1');
  world.proxy = await startProxy(http.address().port);
  world.cfg = writeChargePointConfig(world.dir, {
    id: 'THRESHOLD-1',
    csmsUrl: `ws://127.0.0.1:${world.proxy.port}/ocpp`,
    ocppConfig: {
      OfflineThreshold: '3',
      AllowOfflineTxForUnknownId: 'true',  // offline, any id would be accepted: the CSMS's "Blocked" shows who decided
      RetryBackOffWaitMinimum: '1',
      RetryBackOffRandomRange: '0',
    },
  });
  world.cp = start('ocpp-chargepoint', ['--config', world.cfg.file]);
  await waitForAsync(async () => (await cpctl(world.cfg.socket, 'status')).json?.registration === 'Accepted',
    'the charge point to register', 15000);
});

after(async () => {
  if (world.cp) await stop(world.cp);
  if (world.proxy) await world.proxy.close();
  if (world.server) await world.server.close({ force: true });
  fs.rmSync(world.dir, { recursive: true, force: true });
});

test('a CSMS that stops answering costs the driver OfflineThreshold, then the id is decided offline', async () => {
  world.proxy.freeze();
  const began = Date.now();
  // cpctl gives up after 20 s; the call timeout is 30 s: only the threshold can answer in time.
  const r = await cpctl(world.cfg.socket, 'present-id', 1, 'BLOCKED-FROZEN');
  const took = Date.now() - began;
  assert.equal(r.code, 0, `accepted offline (AllowOfflineTxForUnknownId): ${r.stdout}${r.stderr}${tail(world.cp)}`);
  assert.ok(took >= 2500, `decided after the threshold, not before (${took} ms)`);
  assert.match(world.cp.out + world.cp.err, /no Authorize answer within OfflineThreshold/);
  world.proxy.thaw();
  await cpctlOk(world.cfg.socket, 'stop', 1).catch(() => {});
});

test('a link that drops and returns within OfflineThreshold lets the CSMS decide', async () => {
  await waitForAsync(async () => (await cpctlOk(world.cfg.socket, 'status')).connected, 'the link', 15000);
  // A longer threshold, set over OCPP as a CSMS would.
  assert.equal((await world.client.call('ChangeConfiguration', { key: 'OfflineThreshold', value: '15' })).status,
    'Accepted');
  world.proxy.cut();
  await waitForAsync(async () => !(await cpctlOk(world.cfg.socket, 'status')).connected, 'the link to drop');
  const pending = cpctl(world.cfg.socket, 'present-id', 2, 'BLOCKED-BLIP');
  await new Promise((r) => setTimeout(r, 1000));
  world.proxy.restore();
  const r = await pending;
  assert.notEqual(r.code, 0, 'the CSMS said Blocked; offline it would have been accepted');
  assert.match(r.json.reason, /Blocked/);
  assert.ok(world.authorize.includes('BLOCKED-BLIP'));
});
