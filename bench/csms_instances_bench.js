// Issue 16: offline codes issued (HTTP POST /api/offline-codes) and offline sessions settled
// (StartTransaction + StopTransaction replayed by 1.6 piles) per second through real ocpp-csms-sim
// processes: one instance on SQLite (the same-run baseline), and one and two instances on one
// PostgreSQL database (a throwaway cluster, fsync on). Run with bench/run_store.sh --instances.
// Usage: node bench/csms_instances_bench.js BIN_DIR [codes (default 400)]
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const { spawn } = require('node:child_process');
const { RPCClient } = require(path.join(__dirname, '../tests/interop/peer/node_modules/ocpp-rpc'));
const { startCluster } = require('../tests/support/pg_cluster');

const binDir = process.argv[2];
const CODES = Number(process.argv[3] || 400);
const PILES = 20;
const CONCURRENCY = 8;
const AUTH = { Authorization: 'Basic ' + Buffer.from('bench:bench-pw').toString('base64') };

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function startCsms(database, keyFile) {
  const http = await freePort();
  const child = spawn(path.join(binDir, 'ocpp-csms-sim'), ['--ocpp-listen', '127.0.0.1:0', '--http-listen', `127.0.0.1:${http}`,
    '--instance-url', `http://127.0.0.1:${http}`, '--database', database, '--user', 'bench:bench-pw',
    '--master-key-file', keyFile, '--offline-code-rate-limit', '100000', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => { text += d; if (/listening ocpp=\d+/.test(text)) resolve(text); });
    child.on('exit', (code) => reject(new Error(`ocpp-csms-sim exited ${code}`)));
  });
  return { child, ocpp: Number(out.match(/ocpp=(\d+)/)[1]), api: `http://127.0.0.1:${http}/api` };
}

async function connectPile(port, id) {
  const client = new RPCClient({ endpoint: `ws://127.0.0.1:${port}`, identity: id, protocols: ['ocpp1.6'], reconnect: false });
  let held = 0;
  client.handle('GetConfiguration', () => ({ configurationKey: [{ key: 'OfflineCodeKeyVersion', readonly: true, value: String(held) }] }));
  client.handle('ChangeConfiguration', ({ params }) => { held = Number(params.value.split(':')[0]); return { status: 'Accepted' }; });
  await client.connect();
  await client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Pile' });
  await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
  return { client, held: () => held };
}

async function pool(items, worker) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) { const i = next++; await worker(items[i], i); }
  }));
}

async function measure(label, database, instancesCount, dir) {
  const keyFile = path.join(dir, 'master.key');
  const instances = [];
  for (let i = 0; i < instancesCount; i += 1) instances.push(await startCsms(database, keyFile));
  const piles = [];
  for (let p = 0; p < PILES; p += 1) piles.push(await connectPile(instances[p % instancesCount].ocpp, `P-${p}`));
  while (piles.some((p) => p.held() !== 1)) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));  // the confirmations land

  const codes = new Array(CODES);
  let t0 = process.hrtime.bigint();
  await pool(codes, async (_, i) => {
    const res = await fetch(`${instances[i % instancesCount].api}/offline-codes`, { method: 'POST', headers: AUTH,
      body: JSON.stringify({ charge_point_id: `P-${i % PILES}`, connector_id: 1 }) });
    if (res.status !== 201) throw new Error(`issue: ${res.status} ${await res.text()}`);
    codes[i] = (await res.json()).code;
  });
  const issued = CODES / (Number(process.hrtime.bigint() - t0) / 1e9);

  t0 = process.hrtime.bigint();
  await pool(codes, async (code, i) => {
    const { client } = piles[i % PILES];
    const ts = new Date(Date.UTC(2026, 11, 7, 10, 0, i)).toISOString();
    const start = await client.call('StartTransaction', { connectorId: 1, idTag: code, meterStart: 1000, timestamp: ts });
    await client.call('StopTransaction', { transactionId: start.transactionId, idTag: code, meterStop: 2000, timestamp: ts });
  });
  const settled = CODES / (Number(process.hrtime.bigint() - t0) / 1e9);
  const all = await (await fetch(`${instances[0].api}/settlements?all=1`, { headers: AUTH })).json();
  if (all.length !== CODES) throw new Error(`${label}: ${all.length} settlements for ${CODES} sessions`);
  console.log(`${label.padEnd(36)} issuance ${issued.toFixed(0).padStart(6)} /s   settlement ${settled.toFixed(0).padStart(6)} /s`);
  for (const p of piles) await p.client.close({ force: true });
  for (const i of instances) { i.child.kill('SIGTERM'); await new Promise((r) => i.child.once('exit', r)); }
  return { issued, settled };
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-bench-'));
  try {
    const base = await measure('SQLite, 1 instance (baseline)', path.join(dir, 'csms.db'), 1, dir);
    const cluster = startCluster({ durable: true });
    if (!cluster.ok) { console.log(`PostgreSQL skipped: ${cluster.why}`); return; }
    try {
      for (const n of [1, 2]) {
        const r = await measure(`PostgreSQL, ${n} instance${n > 1 ? 's' : ''}`, cluster.createDatabase(`bench${n}`), n, dir);
        console.log(`${'  ratio to the SQLite baseline'.padEnd(36)} issuance ${(r.issued / base.issued).toFixed(2).padStart(6)}      settlement ${(r.settled / base.settled).toFixed(2).padStart(6)}`);
      }
    } finally { cluster.destroy(); }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
})().catch((e) => { console.error(e); process.exit(1); });
