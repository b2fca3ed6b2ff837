// Reservations of the charge point daemon (ocpp-chargepoint, OCPP 1.6J §5.13 ReserveNow, §5.1
// CancelReservation) against an independent CSMS: the npm package ocpp-rpc in strict mode, which
// checks every frame against the OCA schemas. The pile is driven with ocpp-cpctl, as a driver would.
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail } = require('./support');

// A CSMS that accepts every id and keeps a journal of what the charge point sent.
class Csms {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.client = null;
    this.nextTransactionId = 500;
    this.server.on('client', (c) => {
      this.client = c;
      c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
      for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'StartTransaction',
        'MeterValues', 'StopTransaction']) {
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
      case 'BootNotification': return { status: 'Accepted', currentTime: now, interval: 60 };
      case 'Heartbeat': return { currentTime: now };
      case 'Authorize': return { idTagInfo: { status: 'Accepted' } };
      case 'StartTransaction': return { transactionId: this.nextTransactionId++, idTagInfo: { status: 'Accepted' } };
      case 'StopTransaction': return params.idTag ? { idTagInfo: { status: 'Accepted' } } : {};
      default: return {};
    }
  }

  mark() { return this.calls.length; }

  async next(method, pred = () => true, from = 0, ms = 10000) {
    let found;
    await waitFor(() => (found = this.calls.slice(from).find((c) => c.method === method && pred(c.params))),
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
}

const csms = new Csms();
let dir;
let cfg;
let daemon;
const ctl = (...args) => cpctlOk(cfg.socket, ...args);
const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();
const statusOf = async (id) => (await ctl('status')).connectors.find((c) => c.id === id).status;

before(async () => {
  const http = await csms.server.listen(0, '127.0.0.1');
  dir = tempDir();
  cfg = writeChargePointConfig(dir, {
    id: 'RESV-16',
    csmsUrl: `ws://127.0.0.1:${http.address().port}`,
    connectors: 2,
    ocppConfig: { ConnectionTimeOut: '30' },
  });
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
  await csms.status(2, 'Available', 0);
});

after(async () => {
  if (daemon) await stop(daemon);
  await csms.server.close({ awaitPending: false, force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(csms.failures, [], 'every frame passed the strict schema check');
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

test('the profile is announced: SupportedFeatureProfiles lists Reservation', withLog(async () => {
  const r = await csms.call('GetConfiguration', { key: ['SupportedFeatureProfiles', 'ReserveConnectorZeroSupported'] });
  const value = (k) => r.configurationKey.find((c) => c.key === k).value;
  assert.ok(value('SupportedFeatureProfiles').split(',').includes('Reservation'), value('SupportedFeatureProfiles'));
  assert.equal(value('ReserveConnectorZeroSupported'), 'false');
}));

test('a reserved connector shows Reserved, refuses other ids and starts for the reserving one', withLog(async () => {
  const m = csms.mark();
  const res = await csms.call('ReserveNow', { connectorId: 1, expiryDate: inSeconds(120), idTag: 'RES-1', reservationId: 41 });
  assert.deepEqual(res, { status: 'Accepted' });
  await csms.status(1, 'Reserved', m);
  assert.equal(await statusOf(1), 'Reserved');

  const other = await cpctl(cfg.socket, 'present-id', 1, 'SOMEONE-ELSE');
  assert.equal(other.code, 1, 'another id is refused at the reserved connector');
  assert.match(other.json.reason, /reserved/);
  assert.equal(await statusOf(1), 'Reserved');
  // Another reservation of the same connector is Occupied.
  assert.deepEqual(await csms.call('ReserveNow', { connectorId: 1, expiryDate: inSeconds(120), idTag: 'X', reservationId: 42 }),
    { status: 'Occupied' });

  await ctl('present-id', 1, 'RES-1');
  await ctl('plug', 1);
  const startCall = await csms.next('StartTransaction', (p) => p.connectorId === 1, m);
  assert.equal(startCall.params.idTag, 'RES-1');
  assert.equal(startCall.params.reservationId, 41, 'StartTransaction names the reservation it used');
  // Used: the CSMS cannot cancel it any more.
  assert.deepEqual(await csms.call('CancelReservation', { reservationId: 41 }), { status: 'Rejected' });
  await ctl('stop', 1);
  await csms.next('StopTransaction', () => true, m);
  await ctl('unplug', 1);
  await csms.status(1, 'Available', m);
}));

test('a reservation expires: the connector is Available again', withLog(async () => {
  const m = csms.mark();
  assert.deepEqual(await csms.call('ReserveNow', { connectorId: 2, expiryDate: inSeconds(2), idTag: 'RES-2', reservationId: 43 }),
    { status: 'Accepted' });
  await csms.status(2, 'Reserved', m);
  const reserved = csms.mark();
  await csms.status(2, 'Available', reserved, 8000);
  await ctl('present-id', 2, 'SOMEONE-ELSE');  // free for anyone again
}));

test('connector 0 needs ReserveConnectorZeroSupported; CancelReservation frees the pile', withLog(async () => {
  const req = { connectorId: 0, expiryDate: inSeconds(120), idTag: 'RES-0', reservationId: 44 };
  assert.deepEqual(await csms.call('ReserveNow', req), { status: 'Rejected' });
  assert.deepEqual(await csms.call('ChangeConfiguration', { key: 'ReserveConnectorZeroSupported', value: 'true' }),
    { status: 'Accepted' });
  assert.deepEqual(await csms.call('ReserveNow', req), { status: 'Accepted' });
  assert.deepEqual(await csms.call('CancelReservation', { reservationId: 44 }), { status: 'Accepted' });
  assert.deepEqual(await csms.call('CancelReservation', { reservationId: 44 }), { status: 'Rejected' });
}));
