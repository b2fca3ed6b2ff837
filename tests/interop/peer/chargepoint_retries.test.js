// 1.6 §4.10 against the strict ocpp-rpc CSMS: a CSMS that cannot process a transaction message
// (CALLERROR) gets it again after TransactionMessageRetryInterval x attempts, up to
// TransactionMessageAttempts; then the pile gives up on it: it is not sent again, but it stays in
// the pile's database and counts in `ocpp-cpctl status` (outbox_discarded). A lost link, on the
// other hand, is not a failure: that event waits and is delivered.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { RPCServer, createRPCError } = require('ocpp-rpc');
const { start, waitForAsync, stop, tempDir, writeChargePointConfig, cpctlOk, tail } = require('./support');

test('a transaction message refused every time is retried, then kept and counted, never lost', async () => {
  const received = [];
  const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  server.on('client', (c) => {
    c.handle(({ method, params }) => {
      received.push({ method, params, at: Date.now() });
      const now = new Date().toISOString();
      if (method === 'BootNotification') return { status: 'Accepted', currentTime: now, interval: 300 };
      if (method === 'Heartbeat') return { currentTime: now };
      if (method === 'Authorize') return { idTagInfo: { status: 'Accepted' } };
      if (method === 'StartTransaction') throw createRPCError('InternalError', 'database down');
      return {};
    });
  });
  const http = await server.listen(0, '127.0.0.1');
  const dir = tempDir();
  const cfg = writeChargePointConfig(dir, {
    id: 'RETRY-1',
    csmsUrl: `ws://127.0.0.1:${http.address().port}`,
    ocppConfig: { TransactionMessageAttempts: '3', TransactionMessageRetryInterval: '1', MeterValueSampleInterval: '0' },
  });
  const cp = start('ocpp-chargepoint', ['--config', cfg.file]);
  try {
    await waitForAsync(async () => {
      try {
        return (await cpctlOk(cfg.socket, 'status')).registration === 'Accepted';
      } catch {
        return false;  // the control socket is not up yet
      }
    }, 'registration');
    await cpctlOk(cfg.socket, 'plug', 1);
    await cpctlOk(cfg.socket, 'present-id', 1, 'TAG-R');
    // Three attempts, 1 s then 2 s apart, then it is given up on.
    const status = await waitForAsync(async () => {
      const s = await cpctlOk(cfg.socket, 'status');
      return s.outbox_discarded >= 1 ? s : null;
    }, 'the start to be given up on', 15000);
    const starts = received.filter((r) => r.method === 'StartTransaction');
    assert.equal(starts.length, 3, 'TransactionMessageAttempts attempts in all');
    assert.ok(starts[1].at - starts[0].at >= 900, 'the first retry waits the interval');
    assert.ok(starts[2].at - starts[1].at >= 1900, 'the second waits twice the interval');
    assert.deepEqual(starts[1].params, starts[0].params, 'a retry is the same event');
    assert.equal(status.outbox, 0);
    // Kept in the database, with the reason.
    const kept = execFileSync('sqlite3', [cfg.database,
      "SELECT kind, discard_reason FROM outbox WHERE discarded_at IS NOT NULL"]).toString().trim();
    assert.match(kept, /^start\|refused 3 times: InternalError/);
    // The transaction itself is in the database too, still running on the pile.
    assert.equal(status.connectors[0].transaction.id_tag, 'TAG-R');
  } catch (e) {
    e.message += tail(cp);
    throw e;
  } finally {
    await stop(cp);
    await server.close({ awaitPending: false, force: true });
  }
});
