// Issue 13, certificates and security, both versions, with real processes, TLS on loopback and a PKI
// made at test time (tests/support/make-certs.sh and the openssl command line): ocpp-chargepoint on a
// simulated pile with security profile 2 against the npm package ocpp-rpc in strict mode behind a
// Node https server that asks for a client certificate and records the one each connection shows.
//   - InstallCertificate of a CSMS root, then GetInstalledCertificateIds gives its hash data as
//     `openssl ocsp` computes it for a CertID;
//   - a triggered signing request whose CSR verifies with `openssl req -verify`, CN = the charge
//     point id (its serial number), O = CpoName / SecurityCtrlr.OrganizationName;
//   - CertificateSigned for another key is rejected and reported as a security event;
//   - the chain signed by the test CA is accepted, and after the upgrade to security profile 3
//     (1.6 SecurityProfile; 2.0.1 SetNetworkProfile + NetworkConfigurationPriority + Reset) the
//     next connection shows that certificate;
//   - over security profile 1, InstallCertificate is refused.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const https = require('node:https');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop, tempDir, writeChargePointConfig, tail } = require('./support');

const PASSWORD = 'certificate-test-password';
const CPO = 'Test CPO';
const piles = [];

function makePki(dir) {
  const pki = path.join(dir, 'pki');
  execFileSync('bash', [path.resolve(__dirname, '../../support/make-certs.sh'), pki]);
  return pki;
}

function openssl(...args) {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

// certificateHashData of a self-signed certificate as openssl computes a CertID (SHA-256).
function opensslHash(pem) {
  const text = openssl('ocsp', '-sha256', '-issuer', pem, '-cert', pem, '-req_text', '-reqout', '/dev/null');
  const field = (name) => text.match(new RegExp(`${name}: ([0-9A-F]+)`))[1].toLowerCase();
  return { issuerNameHash: field('Issuer Name Hash'), issuerKeyHash: field('Issuer Key Hash'),
    serialNumber: field('Serial Number').replace(/^0+(?=.)/, '') };
}

// The CSMS: strict ocpp-rpc on an https server that asks for (and records) client certificates.
class TlsCsms {
  constructor(protocol, pki) {
    this.protocol = protocol;
    this.rpc = new RPCServer({ protocols: [protocol], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.connections = [];  // {cert: fingerprint256 or null, authorized, password}
    this.client = null;
    this.refuseUntrusted = false;  // answer 401 to a client certificate from another root
    this.rpc.auth((accept, reject, handshake) => {
      const socket = handshake.request.socket;
      const peer = socket.getPeerCertificate();
      if (this.refuseUntrusted && peer && peer.fingerprint256 && !socket.authorized) {
        this.refused = (this.refused || 0) + 1;
        reject(401);
        return;
      }
      this.connections.push({
        cert: peer && peer.fingerprint256 ? peer.fingerprint256 : null,
        subject: peer && peer.subject ? peer.subject : null,
        authorized: socket.authorized,
        password: handshake.password ? handshake.password.toString() : null,
      });
      accept();
    });
    this.rpc.on('client', (c) => this.attach(c));
    this.https = https.createServer({
      key: fs.readFileSync(path.join(pki, 'server.key')),
      cert: fs.readFileSync(path.join(pki, 'server.pem')),
      ca: fs.readFileSync(path.join(pki, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: false,  // profile 2 connects without a certificate
    });
    this.https.on('upgrade', this.rpc.handleUpgrade);
  }

  listen() {
    return new Promise((resolve) => this.https.listen(0, '127.0.0.1', () => {
      this.url = `wss://127.0.0.1:${this.https.address().port}/ocpp`;
      resolve();
    }));
  }

  attach(c) {
    this.client = c;
    c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
    c.on('close', () => { if (this.client === c) this.client = null; });
    const now = () => new Date().toISOString();
    c.handle(({ method, params }) => {
      this.calls.push({ method, params });
      if (method === 'BootNotification') return { status: 'Accepted', currentTime: now(), interval: 60 };
      if (method === 'Heartbeat') return { currentTime: now() };
      if (method === 'SignCertificate') return { status: 'Accepted' };
      if (method === 'Authorize') return { idTagInfo: { status: 'Accepted' } };
      return {};
    });
  }

  of(method) { return this.calls.filter((c) => c.method === method); }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the charge point connected', 20000);
    return this.client.call(method, params);
  }

  async close() {
    await this.rpc.close({ awaitPending: false, force: true });
    this.https.close();
  }
}

function securityEvent(csms, type) {
  return csms.of('SecurityEventNotification').some((c) => c.params.type === type);
}

// Starts a pile on `csms` with security profile 2; returns {dir, pki, pile}.
async function pileOn(csms, version, id, pki, dir) {
  const v16 = version === '1.6';
  const ocppConfig = v16
    ? { CpoName: CPO, RetryBackOffWaitMinimum: '1', RetryBackOffRandomRange: '0', RetryBackOffRepeatTimes: '0' }
    : { 'SecurityCtrlr.OrganizationName': CPO, 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '1',
      'OCPPCommCtrlr.RetryBackOffRandomRange': '0', 'OCPPCommCtrlr.RetryBackOffRepeatTimes': '0' };
  const cfg = writeChargePointConfig(dir, {
    id, csmsUrl: csms.url, connectors: 1, ocppConfig,
    extra: { ocpp_version: version, security_profile: 2, basic_auth_password: PASSWORD, state_dir: dir,
      tls: { ca_file: path.join(pki, 'ca.pem') } },
  });
  const pile = start('ocpp-chargepoint', ['--config', cfg.file]);
  piles.push(pile);
  await waitFor(() => csms.of('BootNotification').length === 1, `${version} BootNotification over TLS`, 20000);
  return pile;
}

// The CSR of the last SignCertificate: verified by openssl, its subject, and the CA's certificate for it.
function signCsr(csr, pki, dir) {
  const csrFile = path.join(dir, 'pile.csr');
  fs.writeFileSync(csrFile, csr);
  const subject = openssl('req', '-in', csrFile, '-noout', '-verify', '-subject', '-nameopt', 'RFC2253');
  const ext = path.join(dir, 'client.ext');
  fs.writeFileSync(ext, 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  const out = path.join(dir, 'pile.pem');
  openssl('x509', '-req', '-in', csrFile, '-CA', path.join(pki, 'ca.pem'), '-CAkey', path.join(pki, 'ca.key'),
    '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', out);
  const pem = fs.readFileSync(out, 'utf8');
  return { subject, pem, fingerprint: new crypto.X509Certificate(pem).fingerprint256 };
}

async function certificateFlow(version) {
  const v16 = version === '1.6';
  const id = v16 ? 'CERT-V16-1' : 'CERT-V201-1';
  const dir = tempDir();
  const pki = makePki(dir);
  const csms = new TlsCsms(v16 ? 'ocpp1.6' : 'ocpp2.0.1', pki);
  await csms.listen();
  const pile = await pileOn(csms, version, id, pki, dir);
  try {
    assert.equal(csms.connections[0].cert, null, 'profile 2: no client certificate');
    // InstallCertificate of another CSMS root, then its hash data.
    const rogueCa = fs.readFileSync(path.join(pki, 'rogue-ca.pem'), 'utf8');
    const rootType = v16 ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate';
    assert.equal((await csms.call('InstallCertificate', { certificateType: rootType, certificate: rogueCa })).status,
      'Accepted');
    const ids = await csms.call('GetInstalledCertificateIds', { certificateType: v16 ? rootType : [rootType] });
    assert.equal(ids.status, 'Accepted');
    const hashes = v16 ? ids.certificateHashData : ids.certificateHashDataChain.map((e) => e.certificateHashData);
    const expected = opensslHash(path.join(pki, 'rogue-ca.pem'));
    assert.ok(hashes.some((h) => h.hashAlgorithm === 'SHA256' && h.issuerNameHash === expected.issuerNameHash &&
      h.issuerKeyHash === expected.issuerKeyHash && h.serialNumber === expected.serialNumber),
    `hash data ${JSON.stringify(hashes)} has ${JSON.stringify(expected)}`);
    // The pile's certificate: trigger, CSR.
    const trigger = v16
      ? await csms.call('ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' })
      : await csms.call('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    assert.equal(trigger.status, 'Accepted');
    await waitFor(() => csms.of('SignCertificate').length === 1, 'SignCertificate');
    const signed = signCsr(csms.of('SignCertificate')[0].params.csr, pki, dir);
    assert.match(signed.subject, new RegExp(`CN=${id}`));
    assert.match(signed.subject, new RegExp(`O=${CPO}`));
    // A chain for another key.
    const caPem = fs.readFileSync(path.join(pki, 'ca.pem'), 'utf8');
    const wrong = fs.readFileSync(path.join(pki, 'client.pem'), 'utf8') + caPem;
    const typed = v16 ? {} : { certificateType: 'ChargingStationCertificate' };
    assert.equal((await csms.call('CertificateSigned', { certificateChain: wrong, ...typed })).status, 'Rejected');
    const invalid = v16 ? 'InvalidChargePointCertificate' : 'InvalidChargingStationCertificate';
    await waitFor(() => securityEvent(csms, invalid), `SecurityEventNotification ${invalid}`);
    // The right one.
    assert.equal((await csms.call('CertificateSigned', { certificateChain: signed.pem + caPem, ...typed })).status,
      'Accepted');
    const connections = csms.connections.length;
    if (v16) {
      assert.equal((await csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '1' })).status, 'Rejected');
      assert.equal((await csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '3' })).status, 'Accepted');
    } else {
      const connectionData = { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: csms.url, messageTimeout: 30,
        securityProfile: 3, ocppInterface: 'Wired0' };
      assert.equal((await csms.call('SetNetworkProfile', { configurationSlot: 2, connectionData })).status, 'Accepted');
      const r = await csms.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' },
        variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '2,1' }] });
      assert.equal(r.setVariableResult[0].attributeStatus, 'Accepted');
      assert.equal((await csms.call('Reset', { type: 'Immediate' })).status, 'Accepted');
    }
    // The next connection: profile 3 with the pile's new certificate, trusted by the CSMS's CA.
    await waitFor(() => csms.connections.length > connections && csms.connections.at(-1).cert !== null,
      'a connection with a client certificate', 30000);
    const last = csms.connections.at(-1);
    assert.equal(last.cert, signed.fingerprint);
    assert.equal(last.authorized, true);
    assert.equal(last.password, null, 'profile 3: no Basic authentication');
    if (v16) await waitFor(() => securityEvent(csms, 'ReconfigurationOfSecurityParameters'), 'the upgrade reported');
    // The key never leaves the state directory's private folder.
    for (const f of fs.readdirSync(path.join(dir, 'certificates', 'tls')).filter((n) => n.endsWith('.key'))) {
      assert.equal(fs.statSync(path.join(dir, 'certificates', 'tls', f)).mode & 0o777, 0o600);
    }
    assert.deepEqual(csms.failures, []);
  } catch (e) {
    console.error(tail(pile));
    throw e;
  } finally {
    await stop(pile);
    await csms.close();
  }
}

// Over security profile 1 (no TLS) certificates are refused unless security.allow_plaintext_management.
async function plaintextRefusal(version) {
  const v16 = version === '1.6';
  const id = v16 ? 'CERT-PLAIN-V16' : 'CERT-PLAIN-V201';
  const dir = tempDir();
  const pki = makePki(dir);
  const rpc = new RPCServer({ protocols: [v16 ? 'ocpp1.6' : 'ocpp2.0.1'], strictMode: true });
  let client = null;
  rpc.on('client', (c) => {
    client = c;
    c.handle(({ method }) => (method === 'BootNotification'
      ? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 }
      : method === 'Heartbeat' ? { currentTime: new Date().toISOString() } : {}));
  });
  const port = (await rpc.listen(0, '127.0.0.1')).address().port;
  const cfg = writeChargePointConfig(dir, {
    id, csmsUrl: `ws://127.0.0.1:${port}/ocpp`, connectors: 1,
    extra: { ocpp_version: version, security_profile: 1, basic_auth_password: PASSWORD, state_dir: dir },
  });
  const pile = start('ocpp-chargepoint', ['--config', cfg.file]);
  piles.push(pile);
  try {
    await waitFor(() => client !== null, 'the pile connected', 20000);
    const r = await client.call('InstallCertificate', {
      certificateType: v16 ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate',
      certificate: fs.readFileSync(path.join(pki, 'ca.pem'), 'utf8') });
    assert.equal(r.status, 'Rejected');
    await waitFor(() => pile.err.includes('allow_plaintext_management'), 'the log line saying why');
    assert.equal(fs.readdirSync(path.join(dir, 'certificates', 'CSMSRootCertificate')).length, 0);
  } finally {
    await stop(pile);
    await rpc.close({ awaitPending: false, force: true });
  }
}

// A CSMS whose certificate does not chain to the pile's roots: no connection, and the security event
// InvalidCsmsCertificate is stored (once) to be sent when a link works again.
async function untrustedCsms(version) {
  const dir = tempDir();
  const pki = makePki(dir);
  const csms = new TlsCsms(version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1', pki);
  await csms.listen();
  const cfg = writeChargePointConfig(dir, {
    id: version === '1.6' ? 'CERT-ROGUE-V16' : 'CERT-ROGUE-V201', csmsUrl: csms.url, connectors: 1,
    ocppConfig: version === '1.6' ? { RetryBackOffWaitMinimum: '0', RetryBackOffRandomRange: '0' }
      : { 'OCPPCommCtrlr.RetryBackOffWaitMinimum': '0', 'OCPPCommCtrlr.RetryBackOffRandomRange': '0' },
    extra: { ocpp_version: version, security_profile: 2, basic_auth_password: PASSWORD, state_dir: dir,
      tls: { ca_file: path.join(pki, 'rogue-ca.pem') } },
  });
  const pile = start('ocpp-chargepoint', ['--config', cfg.file]);
  piles.push(pile);
  try {
    await waitFor(() => (pile.err.match(/connection failed/g) || []).length >= 3, 'three failed attempts', 20000);
    assert.equal((pile.err.match(/security: InvalidCsmsCertificate/g) || []).length, 1, tail(pile));
    assert.equal(csms.connections.length, 0);
  } finally {
    await stop(pile);
    await csms.close();
  }
}

// 1.6: an upgrade to profile 3 whose certificate the CSMS refuses goes back to profile 2.
async function upgradeFallback() {
  const dir = tempDir();
  const pki = makePki(dir);
  const csms = new TlsCsms('ocpp1.6', pki);
  csms.refuseUntrusted = true;
  await csms.listen();
  const cfg = writeChargePointConfig(dir, {
    id: 'CERT-FALLBACK-V16', csmsUrl: csms.url, connectors: 1,
    ocppConfig: { RetryBackOffWaitMinimum: '0', RetryBackOffRandomRange: '0' },
    extra: { ocpp_version: '1.6', security_profile: 2, basic_auth_password: PASSWORD, state_dir: dir,
      tls: { ca_file: path.join(pki, 'ca.pem'), cert_file: path.join(pki, 'rogue-client.pem'),
        key_file: path.join(pki, 'rogue-client.key') } },
  });
  const pile = start('ocpp-chargepoint', ['--config', cfg.file]);
  piles.push(pile);
  try {
    await waitFor(() => csms.of('BootNotification').length === 1, 'BootNotification', 20000);
    assert.equal((await csms.call('ChangeConfiguration', { key: 'SecurityProfile', value: '3' })).status, 'Accepted');
    await waitFor(() => csms.refused >= 3, 'three refused attempts with profile 3', 20000);
    await waitFor(() => pile.err.includes('back to profile 2'), 'the fallback', 20000);
    await waitFor(() => csms.client !== null && csms.connections.at(-1).password === PASSWORD,
      'a connection with profile 2 again', 20000);
    const conf = await csms.call('GetConfiguration', { key: ['SecurityProfile'] });
    assert.equal(conf.configurationKey[0].value, '2');
    assert.ok(!securityEvent(csms, 'ReconfigurationOfSecurityParameters'));
  } catch (e) {
    console.error(tail(pile));
    throw e;
  } finally {
    await stop(pile);
    await csms.close();
  }
}

after(async () => {
  for (const p of piles) await stop(p);
});

test('1.6 Security Whitepaper: install, hash data, CSR, CertificateSigned, upgrade to profile 3', () => certificateFlow('1.6'));
test('2.0.1 M03/M05, A02/A03, A05: the same flow over SetNetworkProfile', () => certificateFlow('2.0.1'));
test('1.6: no certificate over security profile 1', () => plaintextRefusal('1.6'));
test('2.0.1: no certificate over security profile 1', () => plaintextRefusal('2.0.1'));
test('1.6: a CSMS certificate from another root is refused and reported', () => untrustedCsms('1.6'));
test('2.0.1: a CSMS certificate from another root is refused and reported', () => untrustedCsms('2.0.1'));
test('1.6: an upgrade that cannot connect goes back to the previous profile', () => upgradeFallback());
