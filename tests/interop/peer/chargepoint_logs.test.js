// Logs and diagnostics (issue 13), both versions, against the strict ocpp-rpc peer and a plain HTTP
// server on loopback that takes PUT and POST: 1.6 GetDiagnostics with DiagnosticsStatusNotification,
// the Security Whitepaper's GetLog (SecurityLog) with LogStatusNotification, 2.0.1 N01 GetLog with
// LogStatusNotification. The upload arrives, is a valid tar archive holding the daemon's log, the
// security log and a status snapshot, with no secret in it; the statuses come in order; a server
// answering 500 ends in a failure after the retries. Security events: StartupOfTheDevice at start,
// TamperDetectionActivated from `ocpp-cpctl tamper`, FailedToAuthenticateAtCsms after a 401,
// InvalidMessages (rate-limited) for a CALL against the schema.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { RPCServer } = require('ocpp-rpc');
const { start, waitFor, stop, tempDir, writeChargePointConfig, cpctlOk, tail } = require('./support');

const PASSWORD = 'logs-test-basic-auth-secret';

// name -> body of a ustar archive; throws on a bad header checksum.
function untar(buf) {
  const files = {};
  for (let pos = 0; pos + 512 <= buf.length;) {
    const h = buf.subarray(pos, pos + 512);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 32 : h[i];
    assert.equal(sum, parseInt(h.subarray(148, 154).toString(), 8), 'tar header checksum');
    assert.equal(h.subarray(257, 262).toString(), 'ustar');
    const name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 135).toString(), 8);
    files[name] = buf.subarray(pos + 512, pos + 512 + size).toString();
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// The HTTP server the CSMS names: records each upload, answers `status`.
async function uploadServer() {
  const s = { uploads: [], status: 200 };
  s.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      s.uploads.push({ method: req.method, url: req.url, body: Buffer.concat(chunks) });
      res.writeHead(s.status);
      res.end();
    });
  });
  await new Promise((r) => s.server.listen(0, '127.0.0.1', r));
  s.base = `http://127.0.0.1:${s.server.address().port}/upload/`;
  return s;
}

async function csms(version, { refuseFirst = false } = {}) {
  const c = { calls: [], failures: [], client: null, refused: 0 };
  c.server = new RPCServer({ protocols: [version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1'], strictMode: true });
  c.server.auth((accept, reject) => {
    if (refuseFirst && c.refused === 0) {
      c.refused += 1;
      reject(401);  // as for a wrong Basic authentication password
    } else {
      accept();
    }
  });
  c.server.on('client', (client) => {
    c.client = client;
    client.on('strictValidationFailure', (e) => c.failures.push(`${e.method}: ${e.error.message}`));
    client.handle(({ method, params }) => {
      c.calls.push({ method, params });
      const now = new Date().toISOString();
      if (method === 'BootNotification') return { status: 'Accepted', currentTime: now, interval: 300 };
      if (method === 'Heartbeat') return { currentTime: now };
      return {};
    });
  });
  const h = await c.server.listen(0, '127.0.0.1');
  c.url = `ws://127.0.0.1:${h.address().port}/ocpp`;
  c.of = (method, from = 0) => c.calls.slice(from).filter((x) => x.method === method);
  return c;
}

async function withPile(version, fn, { refuseFirst = false, ocppConfig = {} } = {}) {
  const up = await uploadServer();
  const cs = await csms(version, { refuseFirst });
  const dir = tempDir();
  const cfg = writeChargePointConfig(dir, {
    id: `LOGS-${version}`,
    csmsUrl: cs.url,
    ocppConfig,
    // Debug level: every frame is logged, and still no secret may reach the archive.
    extra: { ocpp_version: version, security_profile: 1, basic_auth_password: PASSWORD, state_dir: dir,
      log: { level: 'debug' } },
  });
  const cp = start('ocpp-chargepoint', ['--config', cfg.file]);
  try {
    await waitFor(() => cs.of('StatusNotification').length > 0, 'the pile registered', 15000);
    await fn({ cs, up, cp, cfg });
    assert.deepEqual(cs.failures, [], 'every frame valid in strict mode');
  } catch (e) {
    e.message += `\n--- daemon log ---\n${tail(cp)}`;
    throw e;
  } finally {
    await stop(cp);
    await cs.server.close({ force: true });
    up.server.close();
  }
}

const statusOf = (version) => (version === '1.6' ? 'DiagnosticsStatusNotification' : 'LogStatusNotification');

function checkArchive(body, version) {
  const files = untar(body);
  assert.deepEqual(Object.keys(files).sort(), ['chargepoint.log', 'security.log', 'status.json']);
  assert.match(files['chargepoint.log'], /^\d{4}-\d\d-\d\dT.*(INFO|WARN)/m, 'the daemon log, one dated line each');
  assert.match(files['security.log'], /StartupOfTheDevice/);
  const status = JSON.parse(files['status.json']);
  assert.equal(status.charge_point_id, `LOGS-${version}`);
  assert.equal(status.connectors.length, 2);
  for (const [name, text] of Object.entries(files)) {
    assert.ok(!text.includes(PASSWORD), `${name} holds no password`);
    assert.ok(!/PRIVATE KEY/.test(text), `${name} holds no private key`);
  }
}

for (const version of ['1.6', '2.0.1']) {
  test(`${version}: a diagnostics upload arrives, complete, with its statuses in order`, async () => {
    await withPile(version, async ({ cs, up }) => {
      await waitFor(() => cs.of('SecurityEventNotification').some((c) => c.params.type === 'StartupOfTheDevice'),
        'StartupOfTheDevice');
      const mark = cs.calls.length;
      let answer;
      if (version === '1.6') {
        answer = await cs.client.call('GetDiagnostics', { location: up.base, retries: 1, retryInterval: 1 });
        assert.match(answer.fileName, /^LOGS-1\.6-diagnostics-\d{8}T\d{6}Z\.tar$/);
      } else {
        answer = await cs.client.call('GetLog', {
          logType: 'DiagnosticsLog', requestId: 42, log: { remoteLocation: up.base }, retries: 1, retryInterval: 1,
        });
        assert.equal(answer.status, 'Accepted');
        assert.match(answer.filename, /^LOGS-2\.0\.1-diagnostics-\d{8}T\d{6}Z\.tar$/);
      }
      await waitFor(() => cs.of(statusOf(version), mark).length >= 2, 'the upload statuses', 15000);
      const statuses = cs.of(statusOf(version), mark).map((c) => c.params);
      assert.deepEqual(statuses.map((s) => s.status), ['Uploading', 'Uploaded']);
      if (version === '2.0.1') assert.deepEqual(statuses.map((s) => s.requestId), [42, 42]);
      assert.equal(up.uploads.length, 1);
      assert.equal(up.uploads[0].method, 'PUT');
      assert.equal(up.uploads[0].url, `/upload/${answer.fileName || answer.filename}`);
      checkArchive(up.uploads[0].body, version);

      // TriggerMessage: nothing under way now.
      const trigger = version === '1.6' ? 'DiagnosticsStatusNotification' : 'LogStatusNotification';
      const m2 = cs.calls.length;
      const t = await cs.client.call('TriggerMessage', { requestedMessage: trigger });
      assert.equal(t.status, 'Accepted');
      await waitFor(() => cs.of(statusOf(version), m2).length === 1, 'the triggered status');
      assert.equal(cs.of(statusOf(version), m2)[0].params.status, 'Idle');

      // FTP is not offered: refused in the answer, nothing uploaded.
      if (version === '1.6') {
        const ftp = await cs.client.call('GetDiagnostics', { location: 'ftp://127.0.0.1/logs/' });
        assert.equal(ftp.fileName, undefined, 'no file will come');
      } else {
        const ftp = await cs.client.call('GetLog', {
          logType: 'DiagnosticsLog', requestId: 43, log: { remoteLocation: 'ftp://127.0.0.1/logs/' },
        });
        assert.equal(ftp.status, 'Rejected');
        assert.equal(ftp.statusInfo.reasonCode, 'InvalidURL');
      }
    });
  });

  test(`${version}: the security log alone, and an upload refused by the server ends failed after the retries`,
    async () => {
      await withPile(version, async ({ cs, up, cfg }) => {
        await cpctlOk(cfg.socket, 'tamper');
        await waitFor(() => cs.of('SecurityEventNotification').some((c) => c.params.type === 'TamperDetectionActivated'),
          'TamperDetectionActivated');
        let mark = cs.calls.length;
        const r = await cs.client.call('GetLog', { logType: 'SecurityLog', requestId: 7, log: { remoteLocation: up.base } });
        assert.equal(r.status, 'Accepted');
        assert.match(r.filename, /-securitylog-/);
        await waitFor(() => cs.of('LogStatusNotification', mark).length >= 2, 'the upload statuses', 15000);
        assert.deepEqual(cs.of('LogStatusNotification', mark).map((c) => [c.params.status, c.params.requestId]),
          [['Uploading', 7], ['Uploaded', 7]]);
        const files = untar(up.uploads[0].body);
        assert.deepEqual(Object.keys(files), ['security.log']);
        assert.match(files['security.log'], /StartupOfTheDevice[\s\S]*TamperDetectionActivated/);

        up.status = 500;
        up.uploads = [];
        mark = cs.calls.length;
        if (version === '1.6') {
          await cs.client.call('GetDiagnostics', { location: up.base, retries: 2, retryInterval: 1 });
        } else {
          await cs.client.call('GetLog', {
            logType: 'DiagnosticsLog', requestId: 8, log: { remoteLocation: up.base }, retries: 2, retryInterval: 1,
          });
        }
        await waitFor(() => cs.of(statusOf(version), mark).length >= 2, 'the final status', 20000);
        assert.deepEqual(cs.of(statusOf(version), mark).map((c) => c.params.status),
          ['Uploading', version === '1.6' ? 'UploadFailed' : 'UploadFailure']);
        assert.equal(up.uploads.length, 3, 'one attempt and two retries');
      });
    });
}

test('1.6: a refused password and a malformed CALL are reported as security events', async () => {
  await withPile('1.6', async ({ cs }) => {
    assert.equal(cs.refused, 1);
    const authFailure = () => cs.of('SecurityEventNotification').find((c) => c.params.type === 'FailedToAuthenticateAtCsms');
    await waitFor(authFailure, 'FailedToAuthenticateAtCsms');
    assert.match(authFailure().params.techInfo, /401/);
    // Against the schema: Reset's type is Hard or Soft. Sent raw, as strict mode would not send it.
    await cs.client.sendRaw('[2,"bad-reset-1","Reset",{"type":"Sideways"}]');
    await cs.client.sendRaw('[2,"bad-reset-2","Reset",{"type":"Sideways"}]');
    await waitFor(() => cs.of('SecurityEventNotification').some((c) => c.params.type === 'InvalidMessages'),
      'InvalidMessages');
    await new Promise((r) => setTimeout(r, 500));
    const invalid = cs.of('SecurityEventNotification').filter((c) => c.params.type === 'InvalidMessages');
    assert.equal(invalid.length, 1, 'the second one within 10 minutes is only counted');
    assert.match(invalid[0].params.techInfo, /^Reset refused: /);
    assert.ok(!invalid[0].params.techInfo.includes('Sideways'), 'the payload is not repeated');
  }, { refuseFirst: true, ocppConfig: { RetryBackOffWaitMinimum: '1', RetryBackOffRandomRange: '0' } });
});
