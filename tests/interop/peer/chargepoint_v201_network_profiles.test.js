// 2.0.1 B09 (SetNetworkProfile) and B10 (migrate to another CSMS, fall back to the profile that
// worked) with real processes and sockets on loopback: ocpp-chargepoint on a simulated pile with
// security profile 1 (HTTP Basic), two CSMS endpoints played by the npm package ocpp-rpc in strict
// mode (every frame checked against the OCA 2.0.1 schemas, both check the password), and a port
// that accepts TCP connections and drops them at once (a CSMS that is not there). The tests run in
// order against one pile, as an operator would migrate it.
'use strict';
const { test, before, after } = require('node:test');
const net = require('node:net');
const assert = require('node:assert/strict');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop, kill, tempDir, writeChargePointConfig, tail } = require('./support');

const CP_ID = 'V201-NETPROFILE-1';
const PASSWORD = 'net-profile-password-1';
const ATTEMPTS = 2;  // OCPPCommCtrlr.NetworkProfileConnectionAttempts

class Csms {
  constructor(name) {
    this.name = name;
    this.server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.refusedPasswords = 0;
    this.client = null;
    this.server.auth((accept, reject, handshake) => {
      if (handshake.identity === CP_ID && handshake.password && handshake.password.toString() === PASSWORD) {
        accept();
      } else {
        this.refusedPasswords += 1;
        reject(401);
      }
    });
    this.server.on('client', (c) => this.attach(c));
  }

  async listen() {
    const http = await this.server.listen(0, '127.0.0.1');
    this.port = http.address().port;
    this.url = `ws://127.0.0.1:${this.port}/ocpp`;
  }

  attach(c) {
    this.client = c;
    c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
    c.on('close', () => {
      if (this.client === c) this.client = null;
    });
    const now = () => new Date().toISOString();
    const answers = {
      BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 30 }),
      Heartbeat: () => ({ currentTime: now() }),
    };
    for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'NotifyReport',
      'SecurityEventNotification', 'MeterValues', 'TransactionEvent']) {
      c.handle(method, ({ params }) => {
        this.calls.push({ method, params });
        return answers[method] ? answers[method]() : {};
      });
    }
  }

  boots() { return this.calls.filter((c) => c.method === 'BootNotification').length; }

  async call(method, params) {
    await waitFor(() => this.client !== null, `the charge point on ${this.name}`);
    return this.client.call(method, params);
  }

  async close() { await this.server.close({ awaitPending: false, force: true }); }
}

// A CSMS that is not there: TCP connections are accepted and dropped at once, and counted.
function deadEndpoint() {
  const dead = { attempts: 0 };
  dead.server = net.createServer((socket) => {
    dead.attempts += 1;
    socket.destroy();
  });
  return new Promise((resolve) => dead.server.listen(0, '127.0.0.1', () => {
    dead.port = dead.server.address().port;
    dead.url = `ws://127.0.0.1:${dead.port}/ocpp`;
    resolve(dead);
  }));
}

const csmsA = new Csms('CSMS A');
const csmsB = new Csms('CSMS B');
let dead;
let cfg;
let pile;

function profile(url, securityProfile = 1, extra = {}) {
  return { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: url, messageTimeout: 30,
    securityProfile, ocppInterface: 'Wired0', ...extra };
}

async function setVariable(csms, component, variable, value) {
  const r = await csms.call('SetVariables', { setVariableData: [
    { component: { name: component }, variable: { name: variable }, attributeValue: value }] });
  return r.setVariableResult[0].attributeStatus;
}

async function getVariable(csms, component, variable) {
  const r = await csms.call('GetVariables', { getVariableData: [
    { component: { name: component }, variable: { name: variable } }] });
  return r.getVariableResult[0].attributeValue;
}

before(async () => {
  await csmsA.listen();
  await csmsB.listen();
  dead = await deadEndpoint();
  cfg = writeChargePointConfig(tempDir(), {
    id: CP_ID,
    csmsUrl: csmsA.url,
    connectors: 1,
    ocppConfig: {
      'OCPPCommCtrlr.NetworkProfileConnectionAttempts': String(ATTEMPTS),
      'OCPPCommCtrlr.RetryBackOffWaitMinimum': '1',
      'OCPPCommCtrlr.RetryBackOffRandomRange': '0',
      'OCPPCommCtrlr.RetryBackOffRepeatTimes': '0',
    },
    // debug: every frame is logged, so the test sees that credentials are withheld.
    extra: { ocpp_version: '2.0.1', security_profile: 1, basic_auth_password: PASSWORD, log: { level: 'debug' } },
  });
  pile = start('ocpp-chargepoint', ['--config', cfg.file]);
  await waitFor(() => csmsA.boots() === 1, 'BootNotification at CSMS A');
});

after(async () => {
  if (pile) await stop(pile);
  await csmsA.close();
  if (!csmsB.closed) await csmsB.close();
  dead.server.close();
});

test('B09: SetNetworkProfile is refused with a reason for what the pile cannot or must not take', async () => {
  const refused = async (slot, connectionData) => {
    const r = await csmsA.call('SetNetworkProfile', { configurationSlot: slot, connectionData });
    assert.equal(r.status, 'Rejected', `slot ${slot}: ${JSON.stringify(r)}`);
    return r.statusInfo.reasonCode;
  };
  assert.equal(await refused(999, profile(csmsB.url)), 'InvalidConfSlot');  // B09.FR.05
  assert.equal(await refused(2, profile(csmsB.url, 0)), 'NoSecurityDowngrade');  // B09.FR.04
  assert.equal(await refused(1, profile(csmsB.url)), 'InvalidConfSlot');  // the link in use
  assert.equal(await refused(2, profile(csmsB.url, 1, { ocppVersion: 'OCPP16' })), 'InvalidNetworkConf');
  assert.equal(await refused(2, profile(csmsB.url, 2)), 'InvalidNetworkConf');  // profile 2 needs wss
  assert.equal(await refused(2, profile(csmsB.url, 1, { apn: { apn: 'internet', apnPassword: 'apn-secret',
    apnAuthentication: 'CHAP' } })), 'InvalidNetworkConf');
  assert.equal(await setVariable(csmsA, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '5,1'), 'Rejected');
  const log = pile.out + pile.err;
  assert.ok(log.includes('"SetNetworkProfile"'), 'frames are logged at debug level');
  assert.ok(!log.includes('apn-secret'), 'an APN password is never logged');
  assert.ok(!log.includes(PASSWORD), 'the Basic authentication password is never logged');
  assert.deepEqual(csmsA.failures, []);
});

test('B09, B10: a new profile in slot 2 first in the priority: after Reset the pile registers at CSMS B', async () => {
  const r = await csmsA.call('SetNetworkProfile', { configurationSlot: 2, connectionData: profile(csmsB.url) });
  assert.equal(r.status, 'Accepted');  // B09.FR.01
  assert.equal(await setVariable(csmsA, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '2,1'), 'Accepted');
  assert.equal(await getVariable(csmsA, 'OCPPCommCtrlr', 'ActiveNetworkProfile'), '1');
  const bootsAtA = csmsA.boots();
  assert.equal((await csmsA.call('Reset', { type: 'Immediate' })).status, 'Accepted');
  // B10.FR.04: after the restart, the first entry of NetworkConfigurationPriority.
  await waitFor(() => csmsB.boots() === 1, `BootNotification at CSMS B${tail(pile)}`, 20000);
  assert.equal(csmsA.boots(), bootsAtA, 'no registration at CSMS A after the restart');
  assert.equal(await getVariable(csmsB, 'OCPPCommCtrlr', 'ActiveNetworkProfile'), '2');
  assert.equal(await getVariable(csmsB, 'OCPPCommCtrlr', 'NetworkConfigurationPriority'), '2,1');
  assert.equal(await getVariable(csmsB, 'SecurityCtrlr', 'SecurityProfile'), '1');
  assert.equal(csmsB.refusedPasswords, 0, 'the pile brought its password to the new CSMS');
  assert.deepEqual(csmsB.failures, []);
});

test('B10: a profile whose CSMS is not there: after NetworkProfileConnectionAttempts the pile falls back to the profile that worked', async () => {
  let r = await csmsB.call('SetNetworkProfile', { configurationSlot: 3, connectionData: profile(dead.url) });
  assert.equal(r.status, 'Accepted');
  // Slot 3 alone: slot 2, the one that works, is no longer in the priority (B10.FR.07 brings it back).
  assert.equal(await setVariable(csmsB, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '3'), 'Accepted');
  const bootsAtB = csmsB.boots();
  r = await csmsB.call('Reset', { type: 'Immediate' });
  assert.equal(r.status, 'Accepted');
  await waitFor(() => csmsB.boots() === bootsAtB + 1, `BootNotification at CSMS B again${tail(pile)}`, 30000);
  assert.equal(dead.attempts, ATTEMPTS, `${ATTEMPTS} attempts with slot 3 before the fallback (B10.FR.03)`);
  assert.equal(await getVariable(csmsB, 'OCPPCommCtrlr', 'ActiveNetworkProfile'), '2');
  assert.match(pile.out + pile.err, /leaving slot 3 for slot 2 \(the last one that worked/);
  assert.equal(csmsA.client, null, 'CSMS A is not used');
  assert.deepEqual(csmsB.failures, []);
});

test('B09, B10: after a power cut the pile still has the profiles and the priority, and does the same again', async () => {
  await kill(pile);  // SIGKILL: nothing is saved on the way out
  const attemptsBefore = dead.attempts;
  const bootsAtB = csmsB.boots();
  pile = start('ocpp-chargepoint', ['--config', cfg.file]);
  await waitFor(() => csmsB.boots() === bootsAtB + 1, `BootNotification at CSMS B after the restart${tail(pile)}`, 30000);
  assert.equal(dead.attempts - attemptsBefore, ATTEMPTS, 'slot 3, first in the stored priority, tried again first');
  assert.equal(await getVariable(csmsB, 'OCPPCommCtrlr', 'NetworkConfigurationPriority'), '3');
  assert.equal(await getVariable(csmsB, 'OCPPCommCtrlr', 'ActiveNetworkProfile'), '2');
  assert.equal(csmsA.client, null, 'CSMS A, the configuration file\'s, is not used');
  assert.deepEqual(csmsB.failures, []);
});

test('B10: CSMS B goes away: the pile walks the priority and registers at CSMS A without a restart (B10.FR.10)', async () => {
  assert.equal(await setVariable(csmsB, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '2,1'), 'Accepted');
  const bootsAtA = csmsA.boots();
  const restarts = (pile.err.match(/restarting after Reset/g) || []).length;
  csmsB.closed = true;
  await csmsB.close();  // the connection is lost and slot 2 refuses every new one
  await waitFor(() => csmsA.boots() === bootsAtA + 1, `BootNotification at CSMS A${tail(pile)}`, 30000);
  assert.equal((pile.err.match(/restarting after Reset/g) || []).length, restarts, 'no restart on the way');
  assert.match(pile.out + pile.err, /connected with another network profile \(slot 1\): registering again/);
  assert.equal(await getVariable(csmsA, 'OCPPCommCtrlr', 'ActiveNetworkProfile'), '1');
  assert.deepEqual(csmsA.failures, []);
});
