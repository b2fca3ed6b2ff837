// The reference CSMS's firmware, log and certificate side (issue 13) against an independent
// charge point: an ocpp-rpc client in strict mode (every frame the CSMS sends is checked against
// the official schemas), a PKI made at test time with the openssl command line, and the files
// fetched and uploaded over the CSMS's own HTTP listener.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { RPCClient } = require('ocpp-rpc');
const { start, waitFor, waitForAsync, stop, tempDir, tail } = require('./support');

const auth = { Authorization: 'Basic ' + Buffer.from('operator:op-secret').toString('base64') };

function openssl(...args) {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// A manufacturer's signing key and certificate, and a CA for the piles' certificates.
function makePki(dir) {
  const p = (name) => path.join(dir, name);
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30',
    '-subj', '/CN=Test Manufacturer Firmware Signer', '-keyout', p('fw.key'), '-out', p('fw.pem'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=Test Charge Point CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', p('ca.key'), '-out', p('ca.pem'));
  return { fwKey: p('fw.key'), fwCert: p('fw.pem'), caKey: p('ca.key'), caCert: p('ca.pem') };
}

// A key pair and a CSR as a pile makes them (CN = its id, O = the operator).
function makeCsr(dir, cn, name = 'cp') {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${cn}/O=Test CPO`,
    '-keyout', key, '-out', csr);
  return { key, csr: fs.readFileSync(csr, 'utf8') };
}

async function startCsms(dir, extra) {
  const csms = start('ocpp-csms-sim', ['--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--database', path.join(dir, 'csms.db'), '--user', 'operator:op-secret', ...extra]);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(csms.out), 'the CSMS to listen');
  const [, ocpp, httpPort] = csms.out.match(/listening ocpp=(\d+) http=(\d+)/);
  return { csms, ocpp: Number(ocpp), http: Number(httpPort) };
}

// SIGTERM, and a clean exit: under the sanitizers a leak or an error makes the status non-zero.
async function stopCleanly(csms) {
  const code = await stop(csms);
  assert.equal(code, 0, `ocpp-csms-sim exited with ${code}${tail(csms)}`);
}

// A strict peer that records the CSMS's calls by action and answers them as a willing pile would.
async function connectPeer(ocpp, protocol, id = 'PEER-CP') {
  const calls = [];
  const failures = [];
  const cp = new RPCClient({ endpoint: `ws://127.0.0.1:${ocpp}`, identity: id, protocols: [protocol], strictMode: true,
    reconnect: false });
  cp.on('strictValidationFailure', (e) => failures.push(`${e.method}: ${e.error.message}`));
  const answers = {
    UpdateFirmware: protocol === 'ocpp1.6' ? {} : { status: 'Accepted' },
    SignedUpdateFirmware: { status: 'Accepted' },
    GetDiagnostics: { fileName: 'diagnostics.tar.gz' },
    GetLog: { status: 'Accepted', filename: 'log.tar.gz' },
    CertificateSigned: { status: 'Accepted' },
    InstallCertificate: { status: 'Accepted' },
    ExtendedTriggerMessage: { status: 'Accepted' },
    TriggerMessage: { status: 'Accepted' },
  };
  for (const [action, answer] of Object.entries(answers)) {
    cp.handle(action, ({ params }) => {
      calls.push({ action, params });
      return answer;
    });
  }
  await cp.connect();
  const boot = protocol === 'ocpp1.6'
    ? await cp.call('BootNotification', { chargePointVendor: 'Peer', chargePointModel: 'Strict' })
    : await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Peer', model: 'Strict' } });
  assert.equal(boot.status, 'Accepted');
  return { cp, calls, failures };
}

async function api(port, method, url, body) {
  const res = await fetch(`http://127.0.0.1:${port}/api${url}`, { method, headers: auth,
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, body: json };
}

// A GET with the path sent exactly as written (fetch would resolve "..").
function rawGet(port, rawPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function verifySignature(dir, file, certPem, signatureB64) {
  const cert = path.join(dir, 'signer-from-request.pem');
  const pub = path.join(dir, 'signer.pub');
  const sig = path.join(dir, 'fw.sig');
  fs.writeFileSync(cert, certPem);
  fs.writeFileSync(sig, Buffer.from(signatureB64, 'base64'));
  openssl('x509', '-in', cert, '-pubkey', '-noout', '-out', pub);
  return spawnSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, file], { encoding: 'utf8' });
}

for (const protocol of ['ocpp1.6', 'ocpp2.0.1']) {
  test(`reference CSMS drives a ${protocol} firmware update: signed request, served image, statuses`, async () => {
    const dir = tempDir();
    const pki = makePki(dir);
    const files = path.join(dir, 'files');
    fs.mkdirSync(files);
    const image = crypto.randomBytes(300 * 1024);
    fs.writeFileSync(path.join(files, 'image-2.0.bin'), image);
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for piles');
    const { csms, ocpp, http: port } = await startCsms(dir, ['--files-dir', files,
      '--firmware-signing-key', pki.fwKey, '--firmware-signing-cert', pki.fwCert]);
    const { cp, calls, failures } = await connectPeer(ocpp, protocol);
    try {
      const r = await api(port, 'POST', '/charge-points/PEER-CP/update-firmware',
        { file: 'image-2.0.bin', signed: true, retries: 2, retry_interval: 30, install_date: '2030-01-01T00:00:00Z' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.response.status, 'Accepted');
      const sent = calls.find((c) => c.action === (protocol === 'ocpp1.6' ? 'SignedUpdateFirmware' : 'UpdateFirmware'));
      assert.ok(sent, `the pile got the update request: ${JSON.stringify(calls)}`);
      assert.equal(sent.params.requestId, r.body.request_id);
      assert.equal(sent.params.retries, 2);
      assert.equal(sent.params.firmware.installDateTime, '2030-01-01T00:00:00.000Z');
      const { location, signingCertificate, signature } = sent.params.firmware;
      assert.match(location, new RegExp(`^http://127\\.0\\.0\\.1:${port}/firmware/image-2\\.0\\.bin$`));

      // The image as the pile downloads it: the same bytes, and the signature verifies with
      // OpenSSL against the signing certificate the request carries.
      const download = await fetch(location);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-length'), String(image.length));
      const got = Buffer.from(await download.arrayBuffer());
      assert.ok(got.equals(image), 'the downloaded image is the file');
      fs.writeFileSync(path.join(dir, 'downloaded.bin'), got);
      const ok = verifySignature(dir, path.join(dir, 'downloaded.bin'), signingCertificate, signature);
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /Verified OK/);
      // A tampered image fails the same check: the test can fail.
      got[1000] ^= 0xff;
      fs.writeFileSync(path.join(dir, 'tampered.bin'), got);
      assert.notEqual(verifySignature(dir, path.join(dir, 'tampered.bin'), signingCertificate, signature).status, 0);

      // A resumed download: the rest of the file from a byte offset.
      const rest = await fetch(location, { headers: { Range: 'bytes=1000-' } });
      assert.equal(rest.status, 206);
      assert.ok(Buffer.from(await rest.arrayBuffer()).equals(image.subarray(1000)));

      // Unsigned: 1.6 UpdateFirmware with a retrieveDate, 2.0.1 without signature fields.
      calls.length = 0;
      const plain = await api(port, 'POST', '/charge-points/PEER-CP/update-firmware', { file: 'image-2.0.bin', signed: false });
      assert.equal(plain.status, 200, JSON.stringify(plain.body));
      const unsigned = calls.find((c) => c.action === 'UpdateFirmware');
      assert.ok(unsigned);
      if (protocol === 'ocpp1.6') {
        assert.equal(unsigned.params.location, location);
        assert.ok(unsigned.params.retrieveDate);
      } else {
        assert.equal(unsigned.params.firmware.signature, undefined);
      }
      const listed = await api(port, 'GET', '/firmware');
      assert.deepEqual(listed.body.map((f) => [f.name, f.size, f.url]), [['image-2.0.bin', image.length, location]]);
      assert.equal((await api(port, 'POST', '/charge-points/PEER-CP/update-firmware', { file: 'missing.bin' })).status, 404);
      assert.equal((await api(port, 'POST', '/charge-points/PEER-CP/update-firmware', { file: '../secret.txt' })).status, 404);

      // Names that leave the files folder are refused, however they are spelt.
      for (const raw of ['/firmware/../secret.txt', '/firmware/..%2Fsecret.txt', '/firmware/%2E%2E%2Fsecret.txt',
        '/firmware/.hidden', '/firmware/%2Fetc%2Fpasswd', '/firmware/']) {
        const res = await rawGet(port, raw);
        assert.ok(res.status === 400 || res.status === 404, `${raw}: ${res.status}`);
        assert.ok(!res.body.toString().includes('not for piles') && !res.body.toString().includes('root:'), raw);
      }

      // The pile's statuses, as GET /api/charge-points/ID shows them.
      if (protocol === 'ocpp1.6') {
        await cp.call('SignedFirmwareStatusNotification', { status: 'Downloading', requestId: r.body.request_id });
        await cp.call('SignedFirmwareStatusNotification', { status: 'SignatureVerified', requestId: r.body.request_id });
        await cp.call('FirmwareStatusNotification', { status: 'Installed' });
      } else {
        await cp.call('FirmwareStatusNotification', { status: 'Downloading', requestId: r.body.request_id });
        await cp.call('FirmwareStatusNotification', { status: 'SignatureVerified', requestId: r.body.request_id });
        await cp.call('FirmwareStatusNotification', { status: 'Installed', requestId: r.body.request_id });
      }
      const info = await api(port, 'GET', '/charge-points/PEER-CP');
      assert.deepEqual(info.body.operations.firmware.map((s) => s.status), ['Downloading', 'SignatureVerified', 'Installed']);
      assert.equal(info.body.operations.firmware[0].request_id, r.body.request_id);
      assert.deepEqual(failures, [], 'every frame of the CSMS passes the peer\'s schema check');
      await cp.close({ force: true });
      await stopCleanly(csms);
    } finally {
      await cp.close({ force: true });
      await stop(csms);
    }
  });

  test(`reference CSMS takes a ${protocol} log upload at a location of its own, and no other`, async () => {
    const dir = tempDir();
    const files = path.join(dir, 'files');
    const { csms, ocpp, http: port } = await startCsms(dir, ['--files-dir', files, '--max-upload-bytes', '4096']);
    const { cp, calls, failures } = await connectPeer(ocpp, protocol);
    try {
      const r = await api(port, 'POST', '/charge-points/PEER-CP/get-log', { log_type: 'DiagnosticsLog', retries: 1 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const expected = protocol === 'ocpp1.6' ? 'GetDiagnostics' : 'GetLog';
      assert.equal(r.body.action, expected);
      const sent = calls.find((c) => c.action === expected);
      const location = protocol === 'ocpp1.6' ? sent.params.location : sent.params.log.remoteLocation;
      assert.equal(location, r.body.location);
      assert.match(location, new RegExp(`^http://127\\.0\\.0\\.1:${port}/uploads/[0-9a-f]{32}/$`));

      // The pile uploads its archive (PUT, as libcurl does), then one of the same name (POST):
      // both are kept, neither replaces the other.
      const archive = crypto.randomBytes(3000);
      const put = await fetch(`${location}diagnostics.tar.gz`, { method: 'PUT', body: archive });
      assert.equal(put.status, 201, await put.text());
      const again = await fetch(`${location}diagnostics.tar.gz`, { method: 'POST', body: Buffer.from('second') });
      assert.equal(again.status, 201);
      assert.equal((await again.json()).name, 'diagnostics.tar.gz.2');

      // Over the limit: refused, and nothing kept. Elsewhere than a location the CSMS made: refused.
      const big = await fetch(`${location}big.tar.gz`, { method: 'PUT', body: crypto.randomBytes(5000) });
      assert.equal(big.status, 413);
      const stranger = await fetch(`http://127.0.0.1:${port}/uploads/${'0'.repeat(32)}/x.tar.gz`, { method: 'PUT', body: 'junk' });
      assert.equal(stranger.status, 404);
      const sneaky = await fetch(`${location}.charge-point`, { method: 'PUT', body: 'OTHER-CP' });
      assert.equal(sneaky.status, 400, 'the bookkeeping file cannot be written');
      // An empty log is a log; a body without a length is refused rather than waited for.
      assert.equal((await fetch(`${location}empty.log`, { method: 'PUT', body: '' })).status, 201);
      const chunked = await fetch(`${location}chunked.log`, { method: 'PUT', duplex: 'half',
        body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } }) });
      assert.equal(chunked.status, 411);

      const list = await api(port, 'GET', '/charge-points/PEER-CP/uploads');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((u) => [u.name, u.size]).sort(), [['diagnostics.tar.gz', 3000], ['diagnostics.tar.gz.2', 6], ['empty.log', 0]]);
      const first = list.body.find((u) => u.name === 'diagnostics.tar.gz');
      const back = await fetch(`http://127.0.0.1:${port}${first.url}`, { headers: auth });
      assert.ok(Buffer.from(await back.arrayBuffer()).equals(archive), 'the upload reads back as sent');
      assert.deepEqual((await api(port, 'GET', '/charge-points/OTHER-CP/uploads')).body, []);
      assert.deepEqual(fs.readdirSync(path.join(files, 'uploads', first.token)).filter((n) => n.startsWith('.partial')), [],
        'no partial file is left');

      // The security log (1.6: the Whitepaper's GetLog) and its status notifications.
      calls.length = 0;
      const sec = await api(port, 'POST', '/charge-points/PEER-CP/get-log', { log_type: 'SecurityLog' });
      assert.equal(sec.status, 200, JSON.stringify(sec.body));
      assert.equal(sec.body.action, 'GetLog');
      const getLog = calls.find((c) => c.action === 'GetLog');
      assert.equal(getLog.params.logType, 'SecurityLog');
      assert.equal(getLog.params.requestId, sec.body.request_id);
      await cp.call('LogStatusNotification', { status: 'Uploading', requestId: sec.body.request_id });
      await cp.call('LogStatusNotification', { status: 'Uploaded', requestId: sec.body.request_id });
      if (protocol === 'ocpp1.6') await cp.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
      const info = await api(port, 'GET', '/charge-points/PEER-CP');
      assert.deepEqual(info.body.operations.log.map((s) => s.status),
        protocol === 'ocpp1.6' ? ['Uploading', 'Uploaded', 'Uploaded'] : ['Uploading', 'Uploaded']);
      assert.deepEqual(failures, []);
      await cp.close({ force: true });
      await stopCleanly(csms);
    } finally {
      await cp.close({ force: true });
      await stop(csms);
    }
  });

  test(`reference CSMS signs a ${protocol} pile's CSR with its CA and sends the chain`, async () => {
    const dir = tempDir();
    const pki = makePki(dir);
    const { csms, ocpp, http: port } = await startCsms(dir, ['--ca-cert', pki.caCert, '--ca-key', pki.caKey]);
    const { cp, calls, failures } = await connectPeer(ocpp, protocol);
    try {
      const trigger = await api(port, 'POST', '/charge-points/PEER-CP/sign-certificate');
      assert.equal(trigger.status, 200, JSON.stringify(trigger.body));
      const triggered = calls.find((c) => c.action === (protocol === 'ocpp1.6' ? 'ExtendedTriggerMessage' : 'TriggerMessage'));
      assert.equal(triggered.params.requestedMessage,
        protocol === 'ocpp1.6' ? 'SignChargePointCertificate' : 'SignChargingStationCertificate');

      const { csr } = makeCsr(dir, 'PEER-CP');
      const params = protocol === 'ocpp1.6' ? { csr } : { csr, certificateType: 'ChargingStationCertificate' };
      assert.equal((await cp.call('SignCertificate', params)).status, 'Accepted');
      await waitFor(() => calls.some((c) => c.action === 'CertificateSigned'), 'CertificateSigned', 5000);
      const chain = calls.find((c) => c.action === 'CertificateSigned').params.certificateChain;
      const pems = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?/g);
      assert.equal(pems.length, 2, 'leaf and CA');
      fs.writeFileSync(path.join(dir, 'leaf.pem'), pems[0]);
      const verified = spawnSync('openssl', ['verify', '-CAfile', pki.caCert, '-purpose', 'sslclient',
        path.join(dir, 'leaf.pem')], { encoding: 'utf8' });
      assert.equal(verified.status, 0, verified.stdout + verified.stderr);
      const subject = openssl('x509', '-in', path.join(dir, 'leaf.pem'), '-noout', '-subject', '-enddate');
      assert.match(subject, /CN ?= ?PEER-CP/);
      const notAfter = new Date(subject.match(/notAfter=(.*)/)[1]);
      const days = (notAfter - Date.now()) / 86400000;
      assert.ok(days > 360 && days < 370, `valid for about a year: ${days}`);

      // A CSR in another pile's name, or one whose signature is broken, is refused.
      const other = makeCsr(dir, 'OTHER-CP', 'other');
      const params2 = protocol === 'ocpp1.6' ? { csr: other.csr } : { csr: other.csr };
      assert.equal((await cp.call('SignCertificate', params2)).status, 'Rejected');
      // The same CSR with the last byte of its signature changed.
      const der = Buffer.from(csr.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
      der[der.length - 1] ^= 0x01;
      const broken = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n` +
        '-----END CERTIFICATE REQUEST-----\n';
      assert.equal((await cp.call('SignCertificate', { csr: broken })).status, 'Rejected');

      await waitForAsync(async () => {
        const info = await api(port, 'GET', '/charge-points/PEER-CP');
        return info.body.operations.certificate.some((s) => s.status === 'CertificateSignedAccepted');
      }, 'the pile\'s CertificateSigned answer to be recorded');
      const info = await api(port, 'GET', '/charge-points/PEER-CP');
      assert.deepEqual(info.body.operations.certificate.map((s) => s.status),
        ['CsrAccepted', 'CertificateSignedAccepted', 'CsrRejected', 'CsrRejected']);
      assert.match(info.body.operations.certificate[2].detail, /OTHER-CP/);

      const root = fs.readFileSync(pki.caCert, 'utf8');
      const install = await api(port, 'POST', '/charge-points/PEER-CP/install-certificate',
        { use: 'CSMSRootCertificate', pem: root });
      assert.equal(install.status, 200, JSON.stringify(install.body));
      const installed = calls.find((c) => c.action === 'InstallCertificate');
      assert.equal(installed.params.certificateType, protocol === 'ocpp1.6' ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate');
      assert.equal(installed.params.certificate, root);
      assert.deepEqual(failures, []);
      await cp.close({ force: true });
      await stopCleanly(csms);
    } finally {
      await cp.close({ force: true });
      await stop(csms);
    }
  });
}

test('without --ca-cert the reference CSMS answers SignCertificate Rejected and says why', async () => {
  const dir = tempDir();
  const { csms, ocpp } = await startCsms(dir, []);
  const { cp, calls } = await connectPeer(ocpp, 'ocpp1.6');
  try {
    const { csr } = makeCsr(dir, 'PEER-CP');
    assert.equal((await cp.call('SignCertificate', { csr })).status, 'Rejected');
    await waitFor(() => /SignCertificate of PEER-CP rejected: no --ca-cert/.test(csms.err), 'the log line', 3000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(calls.filter((c) => c.action === 'CertificateSigned').length, 0);
    await cp.close({ force: true });
    await stopCleanly(csms);
  } finally {
    await cp.close({ force: true });
    await stop(csms);
  }
});

test('a pile connects with security profile 3 using the chain the reference CSMS signed', async () => {
  const dir = tempDir();
  const pki = makePki(dir);
  // The CSMS's own server certificate, from the same CA.
  const server = makeCsr(dir, 'localhost', 'server');
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', path.join(dir, 'server.csr'), '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial',
    '-days', '30', '-extfile', path.join(dir, 'server.ext'), '-out', path.join(dir, 'server.pem'));
  const { csms, ocpp } = await startCsms(dir, ['--ca-cert', pki.caCert, '--ca-key', pki.caKey,
    '--tls-cert', path.join(dir, 'server.pem'), '--tls-key', server.key, '--tls-ca', pki.caCert, '--require-client-cert']);
  const ca = fs.readFileSync(pki.caCert);
  try {
    // Profile 3 needs a certificate: without one the handshake fails.
    const bare = new RPCClient({ endpoint: `wss://127.0.0.1:${ocpp}`, identity: 'PEER-CP', protocols: ['ocpp1.6'],
      reconnect: false, wsOpts: { ca } });
    await assert.rejects(bare.connect());
    // A bootstrap certificate in the pile's name (as a factory installs one), used to ask for a new one.
    const boot = makeCsr(dir, 'PEER-CP', 'bootstrap');
    openssl('x509', '-req', '-in', path.join(dir, 'bootstrap.csr'), '-CA', pki.caCert, '-CAkey', pki.caKey,
      '-CAcreateserial', '-days', '1', '-out', path.join(dir, 'bootstrap.pem'));
    const calls = [];
    const first = new RPCClient({ endpoint: `wss://127.0.0.1:${ocpp}`, identity: 'PEER-CP', protocols: ['ocpp1.6'],
      strictMode: true, reconnect: false,
      wsOpts: { ca, cert: fs.readFileSync(path.join(dir, 'bootstrap.pem')), key: fs.readFileSync(boot.key) } });
    first.handle('CertificateSigned', ({ params }) => {
      calls.push(params);
      return { status: 'Accepted' };
    });
    await first.connect();
    await first.call('BootNotification', { chargePointVendor: 'Peer', chargePointModel: 'Strict' });
    const fresh = makeCsr(dir, 'PEER-CP', 'fresh');
    assert.equal((await first.call('SignCertificate', { csr: fresh.csr })).status, 'Accepted');
    await waitFor(() => calls.length === 1, 'CertificateSigned', 5000);
    await first.close({ force: true });

    // The next connection uses the new chain.
    const second = new RPCClient({ endpoint: `wss://127.0.0.1:${ocpp}`, identity: 'PEER-CP', protocols: ['ocpp1.6'],
      strictMode: true, reconnect: false, wsOpts: { ca, cert: calls[0].certificateChain, key: fs.readFileSync(fresh.key) } });
    await second.connect();
    const res = await second.call('BootNotification', { chargePointVendor: 'Peer', chargePointModel: 'Strict' });
    assert.equal(res.status, 'Accepted');
    await second.close({ force: true });
    await stopCleanly(csms);
  } catch (e) {
    await new Promise((r) => setTimeout(r, 300));
    e.message += tail(csms);
    throw e;
  } finally {
    await stop(csms);
  }
});
