// Reservations of the charge point daemon over OCPP 2.0.1 (Part 2 H01 ReserveNow, H02
// CancelReservation, H03 use of a reserved EVSE, H04 ReservationStatusUpdate) against an
// independent CSMS: the npm package ocpp-rpc in strict mode, which checks every frame against the
// OCA schemas. The pile is driven with ocpp-cpctl, as a driver would.
'use strict';
const { test, before, after } = require('node:test');
const fs = require('node:fs');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail } = require('./support');

// A CSMS that accepts every id token and keeps a journal of what the station sent.
class Csms {
  constructor() {
    this.server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.client = null;
    this.server.on('client', (c) => {
      this.client = c;
      c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
      for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'Authorize', 'TransactionEvent',
        'MeterValues', 'NotifyReport', 'NotifyEvent', 'SecurityEventNotification', 'ReservationStatusUpdate']) {
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
      case 'Authorize': return { idTokenInfo: { status: 'Accepted' } };
      case 'TransactionEvent': return params.idToken ? { idTokenInfo: { status: 'Accepted' } } : {};
      default: return {};
    }
  }

  mark() { return this.calls.length; }

  async next(method, pred = () => true, from = 0, ms = 10000) {
    let found;
    await waitFor(() => (found = this.calls.slice(from).find((c) => c.method === method && pred(c.params))),
      `${method} from the station (after call #${from})`, ms);
    return found;
  }

  status(evseId, status, from, ms) {
    return this.next('StatusNotification', (p) => p.evseId === evseId && p.connectorStatus === status, from, ms);
  }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the station to be connected');
    return this.client.call(method, params);
  }
}

const csms = new Csms();
let dir;
let cfg;
let daemon;
const ctl = (...args) => cpctlOk(cfg.socket, ...args);
const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();
const token = (idToken) => ({ idToken, type: 'ISO14443' });
const statusOf = async (id) => (await ctl('status')).connectors.find((c) => c.id === id).status;

before(async () => {
  const http = await csms.server.listen(0, '127.0.0.1');
  dir = tempDir();
  cfg = writeChargePointConfig(dir, {
    id: 'RESV-201',
    csmsUrl: `ws://127.0.0.1:${http.address().port}/ocpp`,
    connectors: 2,
    ocppConfig: { 'TxCtrlr.EVConnectionTimeOut': '30' },
    extra: { ocpp_version: '2.0.1' },
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

test('ReservationCtrlr: Available, Enabled and NonEvseSpecific in the device model', withLog(async () => {
  const r = await csms.call('GetVariables', {
    getVariableData: ['Available', 'Enabled', 'NonEvseSpecific'].map((name) => ({
      component: { name: 'ReservationCtrlr' }, variable: { name },
    })),
  });
  const value = (name) => r.getVariableResult.find((v) => v.variable.name === name);
  assert.equal(value('Available').attributeValue, 'true');
  assert.equal(value('Enabled').attributeValue, 'true');
  assert.equal(value('NonEvseSpecific').attributeValue, 'false');
}));

test('a reserved EVSE shows Reserved, refuses other ids and starts for the reserving one', withLog(async () => {
  const m = csms.mark();
  assert.deepEqual(await csms.call('ReserveNow', { id: 71, expiryDateTime: inSeconds(120), idToken: token('RES-1'), evseId: 1 }),
    { status: 'Accepted' });
  await csms.status(1, 'Reserved', m);
  assert.equal(await statusOf(1), 'Reserved');

  const other = await cpctl(cfg.socket, 'present-id', 1, 'SOMEONE-ELSE');
  assert.equal(other.code, 1, 'another id is refused at the reserved EVSE');
  assert.match(other.json.reason, /reserved/);
  assert.equal(await statusOf(1), 'Reserved');

  await ctl('present-id', 1, 'RES-1');
  await ctl('plug', 1);
  const started = await csms.next('TransactionEvent', (p) => p.eventType === 'Started', m);
  assert.equal(started.params.reservationId, 71, 'TransactionEvent Started names the reservation it used');
  assert.deepEqual(await csms.call('CancelReservation', { reservationId: 71 }), { status: 'Rejected' }, 'used');
  await ctl('stop', 1);
  await csms.next('TransactionEvent', (p) => p.eventType === 'Ended', m);
  await ctl('unplug', 1);
  await csms.status(1, 'Available', m);
}));

test('an expired reservation is reported with ReservationStatusUpdate Expired', withLog(async () => {
  const m = csms.mark();
  assert.deepEqual(await csms.call('ReserveNow', { id: 72, expiryDateTime: inSeconds(2), idToken: token('RES-2'), evseId: 2 }),
    { status: 'Accepted' });
  await csms.status(2, 'Reserved', m);
  const update = await csms.next('ReservationStatusUpdate', () => true, m, 8000);
  assert.deepEqual(update.params, { reservationId: 72, reservationUpdateStatus: 'Expired' });
  await csms.status(2, 'Available', m);
}));

test('an unspecified EVSE needs NonEvseSpecific; a connector type the station lacks is Rejected', withLog(async () => {
  const req = { id: 73, expiryDateTime: inSeconds(120), idToken: token('RES-3') };
  assert.deepEqual(await csms.call('ReserveNow', req), { status: 'Rejected' });
  const set = await csms.call('SetVariables', {
    setVariableData: [{ component: { name: 'ReservationCtrlr' }, variable: { name: 'NonEvseSpecific' }, attributeValue: 'true' }],
  });
  assert.equal(set.setVariableResult[0].attributeStatus, 'Accepted');
  assert.deepEqual(await csms.call('ReserveNow', { ...req, connectorType: 'cCCS1' }), { status: 'Rejected' });
  assert.deepEqual(await csms.call('ReserveNow', { ...req, connectorType: 'cType2' }), { status: 'Accepted' });
  assert.deepEqual(await csms.call('CancelReservation', { reservationId: 73 }), { status: 'Accepted' });
  assert.deepEqual(await csms.call('CancelReservation', { reservationId: 73 }), { status: 'Rejected' });
}));
