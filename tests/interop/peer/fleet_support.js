// Shared by the ocpp-fleet tests (issue 16): the reference CSMS with its offline-code server side,
// its HTTP API, and one run of ocpp-fleet with its JSON report.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { start, stop, waitFor } = require('./support');

const DRIVER = 'driver:driver-password';
const OPERATOR = 'operator:operator-password';

// `database`: an SQLite file in `dir` unless given (a postgresql:// URI: instances share it).
async function startCsms(dir, { database = path.join(dir, 'csms.db') } = {}) {
  const csms = start('ocpp-csms-sim', [
    '--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--database', database, '--master-key-file', path.join(dir, 'master.key'),
    '--user', `${DRIVER}:driver`, '--user', `${OPERATOR}:operator`,
    // One driver account gets every pile's code here; the default (10 an hour) is for people.
    '--offline-code-rate-limit', '100000', '--log-level', 'warn']);
  await waitFor(() => /listening ocpp=(\d+) http=(\d+)/.test(csms.out), 'the CSMS to listen', 10000);
  const m = /listening ocpp=(\d+) http=(\d+)/.exec(csms.out);
  return { process: csms, ocppPort: Number(m[1]), httpPort: Number(m[2]), stop: () => stop(csms) };
}

async function api(csms, urlPath, user = OPERATOR) {
  const res = await fetch(`http://127.0.0.1:${csms.httpPort}${urlPath}`, {
    headers: { authorization: `Basic ${Buffer.from(user).toString('base64')}` },
  });
  if (res.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

// Runs ocpp-fleet to its end: {code, report, out, err}.
// `codes`: the instance whose HTTP API the drivers get their codes from (default: `csms`, which the
// piles connect to).
function runFleet(csms, dir, args, timeoutMs, codes = csms) {
  const reportFile = path.join(dir, `report-${Date.now()}.json`);
  const fleet = start('ocpp-fleet', [
    '--csms-url', `ws://127.0.0.1:${csms.ocppPort}/ocpp`, '--database-dir', path.join(dir, 'piles'),
    '--http-url', `http://127.0.0.1:${codes.httpPort}`, '--user', DRIVER, '--report', reportFile, ...args]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fleet.kill('SIGKILL');
      reject(new Error(`ocpp-fleet did not finish within ${timeoutMs} ms\n${fleet.out}${fleet.err.slice(-4000)}`));
    }, timeoutMs);
    fleet.once('exit', (code) => {
      clearTimeout(timer);
      const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : null;
      resolve({ code, report, out: fleet.out, err: fleet.err });
    });
  });
}

module.exports = { startCsms, api, runFleet, DRIVER, OPERATOR };
