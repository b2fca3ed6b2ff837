// Issue 14, defect 1: a write of the sender that fails must not stall the outbox until a restart.
// The pile (ocpp-chargepoint, 1.6 against the strict ocpp-rpc peer) gets its StartTransaction.conf
// while another process holds the write lock of its database, so the commit of the transactionId
// fails (SQLITE_BUSY after the store's 5 s busy timeout), as a full disk would make it fail. The
// pile must keep the id, store it once the database can be written, and send every later message
// of the transaction under that id: one StartTransaction, no second id.
'use strict';
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const { RPCServer } = require('ocpp-rpc');
const {
  start, stop, waitFor, waitForAsync, tempDir, writeChargePointConfig, cpctl, cpctlOk, tail,
} = require('./support');

// Another writer on the pile's database: `sqlite3` holding BEGIN IMMEDIATE until release().
function holdWriteLock(file) {
  const shell = spawn('sqlite3', [file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  shell.stdout.on('data', (d) => { out += d; });
  shell.stdin.write('.timeout 10000\nBEGIN IMMEDIATE;\nSELECT \'locked\';\n');
  return {
    held: () => waitFor(() => out.includes('locked'), 'the write lock', 15000),
    release: () => new Promise((resolve) => {
      shell.once('exit', resolve);
      shell.stdin.end('COMMIT;\n.quit\n');
    }),
  };
}

const calls = [];
let lock = null;
let daemon = null;
let server = null;
let dir = null;

after(async () => {
  if (lock) await lock.release();
  if (daemon) await stop(daemon);
  if (server) await server.close({ awaitPending: false, force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a transactionId that cannot be stored at once is kept, stored later, and the queue goes on', async () => {
  server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  server.on('client', (c) => {
    const now = () => new Date().toISOString();
    c.handle('BootNotification', () => ({ status: 'Accepted', currentTime: now(), interval: 300 }));
    c.handle('Heartbeat', () => ({ currentTime: now() }));
    c.handle('StatusNotification', () => ({}));
    c.handle('Authorize', () => ({ idTagInfo: { status: 'Accepted' } }));
    c.handle('StartTransaction', async ({ params }) => {
      calls.push({ method: 'StartTransaction', params });
      // The pile's database is held by another writer when the answer arrives.
      lock = holdWriteLock(cfg.database);
      await lock.held();
      return { transactionId: 4242, idTagInfo: { status: 'Accepted' } };
    });
    c.handle('MeterValues', ({ params }) => { calls.push({ method: 'MeterValues', params }); return {}; });
    c.handle('StopTransaction', ({ params }) => { calls.push({ method: 'StopTransaction', params }); return {}; });
  });
  const http = await server.listen(0, '127.0.0.1');
  dir = tempDir();
  const cfg = writeChargePointConfig(dir, {
    id: 'STORE-FAIL-1',
    csmsUrl: `ws://127.0.0.1:${http.address().port}`,
    ocppConfig: { MeterValueSampleInterval: '1' },
  });
  daemon = start('ocpp-chargepoint', ['--config', cfg.file]);
  try {
    await waitForAsync(async () => (await cpctl(cfg.socket, 'status')).json?.registration === 'Accepted', 'registration');
    // The EV is ready before the card: no command of ours is in flight while the pile's loop waits
    // on the locked database (SQLite's busy timeout).
    await cpctlOk(cfg.socket, 'plug', 1);
    await cpctlOk(cfg.socket, 'ev', 1, 'charge');
    await cpctlOk(cfg.socket, 'present-id', 1, 'TAG-1');
    await waitFor(() => lock !== null, 'the StartTransaction', 10000);
    // Past the store's busy timeout the commit has failed; then the database is writable again.
    await waitFor(() => /transactionId 4242 of transaction \d+ cannot be stored/.test(daemon.err), 'the failure', 15000);
    await lock.release();
    lock = null;
    await waitFor(() => calls.some((c) => c.method === 'MeterValues' && c.params.transactionId === 4242),
      'MeterValues under the stored transactionId', 20000);
    await cpctlOk(cfg.socket, 'stop', 1);
    await waitFor(() => calls.some((c) => c.method === 'StopTransaction'), 'the StopTransaction', 20000);
    const stopCall = calls.find((c) => c.method === 'StopTransaction');
    assert.equal(stopCall.params.transactionId, 4242);
    assert.equal(calls.filter((c) => c.method === 'StartTransaction').length, 1, 'the pile never asked for a second id');
    const s = await cpctlOk(cfg.socket, 'status');
    assert.ok(s.outbox_failures >= 1, 'the failure is counted');
    assert.equal(s.outbox, 0);
  } catch (e) {
    e.message += tail(daemon, 60);
    throw e;
  }
});
