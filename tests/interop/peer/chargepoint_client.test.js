// Our charge-point-side protocol stack (ocpp-demo-client) against an independent CSMS: the npm
// package ocpp-rpc in strict mode, which checks every frame we send against the OCA schemas.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop } = require('./support');

const answers = {
  'ocpp1.6': {
    BootNotification: () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }),
    Heartbeat: () => ({ currentTime: new Date().toISOString() }),
    StatusNotification: () => ({}),
    Authorize: () => ({ idTagInfo: { status: 'Accepted' } }),
    StartTransaction: () => ({ transactionId: 42, idTagInfo: { status: 'Accepted' } }),
    MeterValues: () => ({}),
    StopTransaction: () => ({ idTagInfo: { status: 'Accepted' } }),
  },
  'ocpp2.0.1': {
    BootNotification: () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }),
    Heartbeat: () => ({ currentTime: new Date().toISOString() }),
    StatusNotification: () => ({}),
    Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
    TransactionEvent: () => ({}),
  },
};

// Calls from the CSMS, each with what our client must answer.
const calls = {
  'ocpp1.6': [
    ['Reset', { type: 'Soft' }, (r) => assert.equal(r.status, 'Accepted')],
    ['GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] }, (r) => {
      assert.equal(r.configurationKey[0].key, 'HeartbeatInterval');
      assert.deepEqual(r.unknownKey, ['NoSuchKey']);
    }],
    ['DataTransfer', { vendorId: 'com.example' }, (r) => assert.equal(r.status, 'UnknownVendorId')],
    ['ChangeAvailability', { connectorId: 1, type: 'Inoperative' }, (r) => assert.equal(r.status, 'Accepted')],
    ['TriggerMessage', { requestedMessage: 'Heartbeat' }, (r) => assert.equal(r.status, 'Accepted')],
  ],
  'ocpp2.0.1': [
    ['Reset', { type: 'OnIdle' }, (r) => assert.equal(r.status, 'Accepted')],
    ['GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
      (r) => assert.equal(r.getVariableResult[0].attributeValue, '300')],
    ['DataTransfer', { vendorId: 'com.example' }, (r) => assert.equal(r.status, 'UnknownVendorId')],
    ['ChangeAvailability', { operationalStatus: 'Inoperative' }, (r) => assert.equal(r.status, 'Accepted')],
    ['TriggerMessage', { requestedMessage: 'Heartbeat' }, (r) => assert.equal(r.status, 'Accepted')],
  ],
};

// Malformed frames sent raw (strict mode would refuse to send them), and the CALLERROR code our
// client must answer each with.
const malformed = {
  'ocpp1.6': [
    ['[2,"bad-1","Reset",{"type":"Sideways"}]', 'bad-1', 'PropertyConstraintViolation'],
    ['[2,"bad-2","Reset",{}]', 'bad-2', 'OccurenceConstraintViolation'],
    ['[2,"bad-3","Reset",{"type":7}]', 'bad-3', 'TypeConstraintViolation'],
    ['[2,"bad-4","Frobnicate",{}]', 'bad-4', 'NotImplemented'],
    ['[2,"bad-5","Reset",', '-1', 'FormationViolation'],
  ],
  'ocpp2.0.1': [
    ['[2,"bad-1","Reset",{"type":"Sideways"}]', 'bad-1', 'PropertyConstraintViolation'],
    ['[2,"bad-2","Reset",{}]', 'bad-2', 'OccurrenceConstraintViolation'],
    ['[2,"bad-3","Reset",{"type":7}]', 'bad-3', 'TypeConstraintViolation'],
    ['[2,"bad-4","Frobnicate",{}]', 'bad-4', 'NotImplemented'],
    ['[2,"bad-5","Reset",', '-1', 'RpcFrameworkError'],
    ['[9,"bad-6","Reset",{}]', 'bad-6', 'MessageTypeNotSupported'],
  ],
};

for (const protocol of ['ocpp1.6', 'ocpp2.0.1']) {
  test(`demo client speaks ${protocol} to a strict ocpp-rpc CSMS`, async () => {
    const failures = [];
    const received = [];
    const server = new RPCServer({ protocols: [protocol], strictMode: true });
    let client = null;
    server.on('client', (c) => {
      client = c;
      c.on('strictValidationFailure', (e) => failures.push(`${e.method}: ${e.error.message}`));
      c.on('message', ({ message, outbound }) => {
        if (!outbound) received.push(JSON.parse(message.toString()));
      });
      for (const [method, answer] of Object.entries(answers[protocol])) c.handle(method, ({ params }) => answer(params));
    });
    const http = await server.listen(0, '127.0.0.1');
    const port = http.address().port;
    const cp = start('ocpp-demo-client', ['--csms-url', `ws://127.0.0.1:${port}`, '--id', 'INTEROP-1',
      '--ocpp-version', protocol.replace('ocpp', '')]);
    try {
      await waitFor(() => /\[session\] (complete|failed)/.test(cp.out), 'the demo session');
      assert.match(cp.out, /\[session\] complete/, cp.out + cp.err);

      for (const [method, params, check] of calls[protocol]) {
        check(await client.call(method, params));
      }
      for (const [frame, id, code] of malformed[protocol]) {
        await client.sendRaw(frame);
        await waitFor(() => received.some((m) => m[0] === 4 && m[1] === id), `the answer to ${frame}`, 3000);
        const answer = received.find((m) => m[0] === 4 && m[1] === id);
        assert.equal(answer[2], code, `answer to ${frame}: ${JSON.stringify(answer)}`);
        received.splice(received.indexOf(answer), 1);
      }
      assert.deepEqual(failures, [], 'every frame of ours passes the peer\'s schema check');
    } finally {
      await stop(cp);
      await server.close({ awaitPending: false, force: true });
    }
  });
}
