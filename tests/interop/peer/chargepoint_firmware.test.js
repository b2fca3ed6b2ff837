// Firmware updates (issue 13) on a 1.6 and a 2.0.1 pile against an independent CSMS: the npm
// package ocpp-rpc in strict mode (every frame checked against the OCA schemas, the 1.6 Security
// Whitepaper's included). The images come from a plain node HTTP server on loopback; the PKI (a
// manufacturer root, a signer it issued, a signer of another root) is made at test time with the
// openssl command, and images are signed with `openssl dgst -sha256 -sign`. The install program
// is a shell script that records the path it is given. The tests of each version run in order
// against one daemon.
'use strict';
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop, tempDir, writeChargePointConfig, tail } = require('./support');

function openssl(...args) {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

// root.pem (the manufacturer root the pile holds), signer (EC, issued by it), other-signer (issued
// by another root).
function makePki(dir) {
  const p = (name) => path.join(dir, name);
  for (const root of ['root', 'other-root']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${root}.key`), '-out', p(`${root}.pem`),
      '-days', '30', '-subj', `/CN=${root}`);
  }
  for (const [signer, root] of [['signer', 'root'], ['other-signer', 'other-root']]) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p(`${signer}.key`),
      '-out', p(`${signer}.csr`), '-subj', `/CN=${signer}`);
    openssl('x509', '-req', '-in', p(`${signer}.csr`), '-CA', p(`${root}.pem`), '-CAkey', p(`${root}.key`),
      '-CAcreateserial', '-days', '30', '-out', p(`${signer}.pem`));
  }
  return {
    pem: (name) => fs.readFileSync(p(`${name}.pem`), 'utf8'),
    sign: (name, file) => {
      openssl('dgst', '-sha256', '-sign', p(`${name}.key`), '-out', p('sig.bin'), file);
      return fs.readFileSync(p('sig.bin')).toString('base64');
    },
  };
}

// Serves `files` by path; '/cut/...' announces the whole file and closes after half of it.
class ImageServer {
  constructor() {
    this.files = new Map();
    this.requests = [];
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url);
      const cut = req.url.startsWith('/cut/');
      const body = this.files.get(cut ? req.url.slice(4) : req.url);
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' });
      if (!cut) {
        res.end(body);
        return;
      }
      res.write(body.subarray(0, body.length / 2), () => res.socket.destroy());
    });
  }

  async listen() {
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${this.server.address().port}`;
  }

  count(url) { return this.requests.filter((u) => u === url).length; }
}

class StrictCsms {
  constructor(protocol) {
    this.protocol = protocol;
    this.server = new RPCServer({ protocols: [protocol], strictMode: true });
    this.calls = [];
    this.failures = [];
    this.client = null;
    this.server.on('client', (c) => {
      this.client = c;
      c.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
      c.on('close', () => { if (this.client === c) this.client = null; });
      const now = () => new Date().toISOString();
      const answers = {
        BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 60 }),
        Heartbeat: () => ({ currentTime: now() }),
      };
      for (const method of ['BootNotification', 'Heartbeat', 'StatusNotification', 'SecurityEventNotification',
        'FirmwareStatusNotification', 'SignedFirmwareStatusNotification', 'NotifyEvent', 'MeterValues']) {
        c.handle(method, ({ params }) => {
          this.calls.push({ method, params });
          return answers[method] ? answers[method]() : {};
        });
      }
    });
  }

  async listen() {
    const s = await this.server.listen(0, '127.0.0.1');
    this.port = s.address().port;
  }

  mark() { return this.calls.length; }

  // The firmware statuses since `from`, in order (either notification).
  statuses(from = 0) {
    return this.calls.slice(from)
      .filter((c) => c.method === 'FirmwareStatusNotification' || c.method === 'SignedFirmwareStatusNotification')
      .map((c) => c.params.status);
  }

  securityEvents(from = 0) {
    return this.calls.slice(from).filter((c) => c.method === 'SecurityEventNotification').map((c) => c.params.type);
  }

  async call(method, params) {
    await waitFor(() => this.client !== null, 'the charge point to be connected', 15000);
    return this.client.call(method, params);
  }

  async close() { await this.server.close({ awaitPending: false, force: true }); }
}

for (const version of ['1.6', '2.0.1']) {
  describe(`firmware updates, OCPP ${version}`, () => {
    const v201 = version === '2.0.1';
    const csms = new StrictCsms(v201 ? 'ocpp2.0.1' : 'ocpp1.6');
    const images = new ImageServer();
    let dir;
    let pki;
    let daemon;
    let cfg;
    let requestId = 100;

    // The signed update of each version: the Whitepaper's SignedUpdateFirmware, 2.0.1's UpdateFirmware.
    function update(location, { signer = 'signer', signedFile, retries = 1, retryInterval = 1 } = {}) {
      requestId += 1;
      const firmware = {
        location,
        retrieveDateTime: new Date().toISOString(),
        signingCertificate: pki.pem(signer),
        signature: pki.sign(signer, signedFile),
      };
      const id = requestId;
      const method = v201 ? 'UpdateFirmware' : 'SignedUpdateFirmware';
      return { id, answer: csms.call(method, { requestId: id, retries, retryInterval, firmware }) };
    }

    async function statusesUntil(from, last, ms = 20000) {
      try {
        await waitFor(() => csms.statuses(from).includes(last), `firmware status ${last}`, ms);
      } catch (e) {
        e.message += ` (seen: ${csms.statuses(from).join(', ')})${tail(daemon)}`;
        throw e;
      }
      return csms.statuses(from);
    }

    function startDaemon(allowPlaintext) {
      daemon = start('ocpp-chargepoint', ['--config', writeConfig(allowPlaintext).file]);
      return waitFor(() => csms.client !== null && csms.calls.some((c) => c.method === 'BootNotification'),
        'the pile to register', 15000);
    }

    function writeConfig(allowPlaintext) {
      cfg = writeChargePointConfig(dir, {
        id: `FW-${version}`,
        csmsUrl: `ws://127.0.0.1:${csms.port}`,
        extra: {
          ocpp_version: version,
          state_dir: dir,
          firmware: { install_command: path.join(dir, 'install.sh') },
          security: { allow_plaintext_management: allowPlaintext },
        },
      });
      return cfg;
    }

    before(async () => {
      dir = tempDir();
      pki = makePki(dir);
      const roots = path.join(dir, 'certificates', 'ManufacturerRootCertificate');
      fs.mkdirSync(roots, { recursive: true });
      fs.writeFileSync(path.join(roots, 'root.pem'), pki.pem('root'));
      fs.writeFileSync(path.join(dir, 'install.sh'),
        `#!/bin/sh\necho "$1" >> "${dir}/installed.log"\ncp "$1" "${dir}/installed.bin"\n` +
        `exit "$(cat "${dir}/exit-status" 2>/dev/null || echo 0)"\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'good.bin'), Buffer.alloc(300000, 7));
      images.files.set('/good.bin', fs.readFileSync(path.join(dir, 'good.bin')));
      images.files.set('/tampered.bin', Buffer.concat([fs.readFileSync(path.join(dir, 'good.bin')), Buffer.from('x')]));
      await images.listen();
      await csms.listen();
      await startDaemon(true);
    });

    after(async () => {
      // A clean stop: status 0, and nothing from the sanitizers when the build has them.
      if (daemon) assert.equal(await stop(daemon), 0, tail(daemon));
      assert.doesNotMatch(daemon.err, /Sanitizer|runtime error/, tail(daemon));
      await csms.close();
      images.server.closeAllConnections();
      images.server.close();
      assert.deepEqual(csms.failures, [], 'every frame passed the strict schemas');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('a correct signed image is verified and handed to the install program', async () => {
      const from = csms.mark();
      const { id, answer } = update(`${images.base}/good.bin`, { signedFile: path.join(dir, 'good.bin') });
      assert.equal((await answer).status, 'Accepted');
      const seen = await statusesUntil(from, 'Installed');
      assert.deepEqual(seen, ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'Installed']);
      const notes = csms.calls.slice(from).filter((c) => /FirmwareStatusNotification/.test(c.method));
      assert.ok(notes.every((c) => c.params.requestId === id), 'each status carries the requestId');
      if (!v201) assert.ok(notes.every((c) => c.method === 'SignedFirmwareStatusNotification'));
      const installed = fs.readFileSync(path.join(dir, 'installed.log'), 'utf8').trim().split('\n');
      assert.equal(installed.length, 1);
      assert.ok(installed[0].startsWith(path.join(dir, 'firmware')), installed[0]);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'installed.bin')), images.files.get('/good.bin'));
      await waitFor(() => csms.securityEvents(from).includes('FirmwareUpdated'), 'the FirmwareUpdated event');
    });

    test('a tampered image is refused with InvalidSignature and never installed', async () => {
      const from = csms.mark();
      const { answer } = update(`${images.base}/tampered.bin`, { signedFile: path.join(dir, 'good.bin') });
      assert.equal((await answer).status, 'Accepted');
      assert.deepEqual(await statusesUntil(from, 'InvalidSignature'), ['Downloading', 'Downloaded', 'InvalidSignature']);
      await waitFor(() => csms.securityEvents(from).includes('InvalidFirmwareSignature'), 'the security event');
      assert.equal(fs.readFileSync(path.join(dir, 'installed.log'), 'utf8').trim().split('\n').length, 1);
    });

    test('a signer of another root is refused with InvalidCertificate before any download', async () => {
      const from = csms.mark();
      const before = images.requests.length;
      const { answer } = update(`${images.base}/good.bin`, { signer: 'other-signer', signedFile: path.join(dir, 'good.bin') });
      assert.equal((await answer).status, 'InvalidCertificate');
      await waitFor(() => csms.securityEvents(from).includes('InvalidFirmwareSigningCertificate'), 'the security event');
      assert.equal(images.requests.length, before);
      assert.deepEqual(csms.statuses(from), []);
    });

    test('a missing image ends in DownloadFailed after the retries', async () => {
      const from = csms.mark();
      const { answer } = update(`${images.base}/missing.bin`, { signedFile: path.join(dir, 'good.bin'), retries: 2 });
      assert.equal((await answer).status, 'Accepted');
      const seen = await statusesUntil(from, 'DownloadFailed');
      assert.equal(seen[seen.length - 1], 'DownloadFailed');
      assert.equal(images.count('/missing.bin'), 2);
    });

    test('an interrupted download is not installed', async () => {
      const from = csms.mark();
      const { answer } = update(`${images.base}/cut/good.bin`, { signedFile: path.join(dir, 'good.bin') });
      assert.equal((await answer).status, 'Accepted');
      assert.deepEqual(await statusesUntil(from, 'DownloadFailed'), ['Downloading', 'DownloadFailed']);
      assert.equal(fs.readFileSync(path.join(dir, 'installed.log'), 'utf8').trim().split('\n').length, 1);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'firmware')), [], 'no image or part file is left');
    });

    test('TriggerMessage FirmwareStatusNotification reports Idle between updates', async () => {
      const from = csms.mark();
      const answer = await csms.call('TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
      assert.equal(answer.status, 'Accepted');
      assert.deepEqual(await statusesUntil(from, 'Idle'), ['Idle']);
    });

    if (!v201) {
      test('1.6 UpdateFirmware (unsigned) reports with FirmwareStatusNotification', async () => {
        const from = csms.mark();
        await csms.call('UpdateFirmware', { location: `${images.base}/good.bin`, retrieveDate: new Date().toISOString() });
        assert.deepEqual(await statusesUntil(from, 'Installed'), ['Downloading', 'Downloaded', 'Installing', 'Installed']);
        assert.ok(csms.calls.slice(from).filter((c) => /Firmware/.test(c.method))
          .every((c) => c.method === 'FirmwareStatusNotification'));
        assert.equal(fs.readFileSync(path.join(dir, 'installed.log'), 'utf8').trim().split('\n').length, 2);
      });
    }

    test('an install program that exits 10 gets a restart, then Installed', async () => {
      fs.writeFileSync(path.join(dir, 'exit-status'), '10');
      const from = csms.mark();
      const boots = csms.calls.filter((c) => c.method === 'BootNotification').length;
      const { id, answer } = update(`${images.base}/good.bin`, { signedFile: path.join(dir, 'good.bin') });
      assert.equal((await answer).status, 'Accepted');
      await statusesUntil(from, 'InstallRebooting');
      // The same process runs again (the daemon restarts itself) and registers anew.
      const seen = await statusesUntil(from, 'Installed');
      assert.deepEqual(seen.slice(-2), ['InstallRebooting', 'Installed']);
      assert.ok(csms.calls.filter((c) => c.method === 'BootNotification').length > boots, 'a new BootNotification');
      assert.equal(daemon.exitCode, null, 'still running');
      const last = csms.calls.slice(from).filter((c) => /FirmwareStatusNotification/.test(c.method)).pop();
      assert.equal(last.params.requestId, id);
      await waitFor(() => csms.securityEvents(from).includes('FirmwareUpdated'), 'the FirmwareUpdated event');
      fs.rmSync(path.join(dir, 'exit-status'));
    });

    test('over security profile 0 without allow_plaintext_management, signed firmware is refused', async () => {
      assert.equal(await stop(daemon), 0, tail(daemon));
      assert.doesNotMatch(daemon.err, /Sanitizer|runtime error/, tail(daemon));
      csms.client = null;
      csms.calls = [];
      await startDaemon(false);
      const before = images.requests.length;
      const { answer } = update(`${images.base}/good.bin`, { signedFile: path.join(dir, 'good.bin') });
      assert.equal((await answer).status, 'Rejected');
      await waitFor(() => /security\.allow_plaintext_management is false/.test(daemon.err), 'the log line');
      assert.equal(images.requests.length, before);
    });
  });
}
