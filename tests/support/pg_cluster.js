// A throwaway PostgreSQL cluster for the interop tests (issue 16), the JS twin of pg_cluster.hpp:
// initdb and pg_ctl into a temporary directory, listening only on a Unix socket there
// (listen_addresses=''), run as `nobody` when the tests run as root (PostgreSQL refuses root).
//
//   const { startCluster } = require('../../support/pg_cluster');
//   const cluster = startCluster();            // { ok: false, why } where it cannot start
//   if (!cluster.ok) return t.skip(cluster.why);
//   const uri = cluster.createDatabase('csms'); // postgresql:///csms?host=DIR&user=postgres
//   ... cluster.stop() / cluster.start() (a database that goes away and comes back) ...
//   cluster.destroy();                         // pg_ctl stop -m immediate, directory removed
// destroy() also runs when the process exits, so a failed test leaves no server behind.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

function findBindir() {
  const root = '/usr/lib/postgresql';
  let versions = [];
  try {
    versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(root, versions[versions.length - 1], 'bin') : null;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// Runs a PostgreSQL program as the cluster's owner: `nobody` under root, else ourselves.
function runAsOwner(program, args) {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'nobody', '--', program, ...args]] : [program, args];
  return spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60000 });
}

// durable: fsync on, as a production server (benchmarks); tests leave it off.
function startCluster({ durable = false } = {}) {
  const bindir = findBindir();
  if (!bindir) return { ok: false, why: 'no PostgreSQL server under /usr/lib/postgresql/*/bin (Debian package postgresql)' };
  if (isRoot && spawnSync('runuser', ['--help']).error) {
    return { ok: false, why: 'running as root without runuser: cannot start PostgreSQL unprivileged' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocpp-pg-'));
  if (isRoot) fs.chownSync(dir, Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout), 0);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const init = runAsOwner(path.join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { ok: false, why: `initdb failed: ${(init.stderr || String(init.error)).slice(-500)}` };
  }
  const pgCtl = (...args) => runAsOwner(path.join(bindir, 'pg_ctl'), ['-D', data, ...args]);
  const cluster = {
    ok: true,
    dir,
    bindir,
    uri: (database) => `postgresql:///${database}?host=${dir}&user=postgres`,
    start() {
      const r = pgCtl('-l', log, '-w', '-o', `-c listen_addresses='' -c unix_socket_directories='${dir}' -c fsync=${durable ? 'on' : 'off'} -c max_connections=100`, 'start');
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-500) : r.stderr}`);
    },
    stop() { pgCtl('-m', 'immediate', 'stop'); },
    createDatabase(name) {
      const r = runAsOwner(path.join(bindir, 'createdb'), ['-h', dir, '-U', 'postgres', name]);
      if (r.status !== 0) throw new Error(`createdb ${name} failed: ${r.stderr}`);
      return cluster.uri(name);
    },
    destroy() {
      if (!fs.existsSync(dir)) return;
      cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    cluster.start();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { ok: false, why: e.message };
  }
  process.on('exit', () => cluster.destroy());
  return cluster;
}

module.exports = { startCluster, findBindir };
