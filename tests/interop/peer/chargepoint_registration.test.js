// Registration states of the daemon (1.6 §4.2) against the strict ocpp-rpc CSMS: while the CSMS
// keeps the charge point Pending it may read and change the configuration, but a remote start or
// stop is refused; once Accepted, the same request is taken.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { RPCServer } = require('ocpp-rpc');
const { start, stop, waitFor, waitForAsync, tempDir, writeChargePointConfig, cpctl } = require('./support');

const world = { boots: 0, status: 'Pending' };

before(async () => {
  world.dir = tempDir();
  world.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  world.server.on('client', (c) => {
    world.client = c;
    c.handle('BootNotification', () => {
      world.boots += 1;
      return { status: world.status, currentTime: new Date().toISOString(), interval: 1 };
    });
    c.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    c.handle('StatusNotification', () => ({}));
  });
  const http = await world.server.listen(0, '127.0.0.1');
  world.cfg = writeChargePointConfig(world.dir, { id: 'REG-1', csmsUrl: `ws://127.0.0.1:${http.address().port}` });
  world.cp = start('ocpp-chargepoint', ['--config', world.cfg.file]);
  await waitFor(() => world.boots >= 1, 'a BootNotification', 10000);
});

after(async () => {
  if (world.cp) await stop(world.cp);
  await world.server.close({ force: true });
  fs.rmSync(world.dir, { recursive: true, force: true });
});

test('while Pending: configuration yes, remote start and stop no', async () => {
  assert.equal((await cpctl(world.cfg.socket, 'status')).json.registration, 'Pending');
  const conf = await world.client.call('GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.equal(conf.configurationKey.length, 1);
  const startAnswer = await world.client.call('RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' });
  assert.equal(startAnswer.status, 'Rejected');
  const stopAnswer = await world.client.call('RemoteStopTransaction', { transactionId: 1 });
  assert.equal(stopAnswer.status, 'Rejected');
});

test('once Accepted, a remote start is taken', async () => {
  world.status = 'Accepted';
  await waitForAsync(async () => (await cpctl(world.cfg.socket, 'status')).json?.registration === 'Accepted',
    'the registration', 10000);
  const answer = await world.client.call('RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' });
  assert.equal(answer.status, 'Accepted');
});
