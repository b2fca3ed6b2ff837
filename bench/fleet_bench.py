#!/usr/bin/env python3
"""The fleet's own cost and the reconnect storm (issue 16; bench/RESULTS.md "A fleet of piles").

Runs the reference CSMS and ocpp-fleet of BIN_DIR and measures, for each fleet size N in FLEET_NS
(default 1 50 200 500):
(PARTS, default "idle charging storm", picks the parts; "charging" needs "idle" for its table.)
  idle      every pile registered and idle for IDLE_SECONDS: CPU (utime+stime of the fleet process
            over the window, from /proc) and RSS;
  charging  every connector charging at once (card sessions), metering every 10 s, for
            CHARGE_SECONDS: CPU and RSS over a window inside it, and the p99 of MeterValues as the
            piles saw it;
and the reconnect storm for each N in STORM_NS (default 1 200): every pile offline together, one
offline-code session each, links back at once; the time from the links' return to the CSMS's last
settlement (its settled_at), beside the fleet's replay time (every outbox empty).
FLEET_DB_ROOT puts the piles' databases there (e.g. /dev/shm: no fsync cost) instead of the
temporary folder (on the disk). N=1 is the same-run baseline of every ratio. Prints a table per part; JSON with --json FILE.
"""
import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime

BIN = os.environ.get('BIN_DIR', 'build/release/bin')
NS = [int(n) for n in os.environ.get('FLEET_NS', '1 50 200 500').split()]
STORM_NS = [int(n) for n in os.environ.get('STORM_NS', '1 200').split()]
PARTS = os.environ.get('PARTS', 'idle charging storm').split()
IDLE_SECONDS = float(os.environ.get('IDLE_SECONDS', '30'))
DB_ROOT = os.environ.get('FLEET_DB_ROOT')
CHARGE_SECONDS = float(os.environ.get('CHARGE_SECONDS', '60'))
DRIVER = 'driver:driver-password'
TICK = os.sysconf('SC_CLK_TCK')
PAGE = os.sysconf('SC_PAGE_SIZE')


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def rss_mib(pid):
    with open(f'/proc/{pid}/statm') as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def start_csms(work):
    csms = subprocess.Popen(
        [f'{BIN}/ocpp-csms-sim', '--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
         '--database', f'{work}/csms.db', '--master-key-file', f'{work}/master.key',
         '--user', f'{DRIVER}:driver', '--offline-code-rate-limit', '1000000', '--log-level', 'error'],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.search(r'listening ocpp=(\d+) http=(\d+)', csms.stdout.readline())
    return csms, int(m.group(1)), int(m.group(2))


def fleet(work, ports, name, n, args):
    report = f'{work}/{name}.json'
    cmd = [f'{BIN}/ocpp-fleet', '--csms-url', f'ws://127.0.0.1:{ports[0]}/ocpp', '--count', str(n),
           '--id-prefix', f'{name}-', '--database-dir', f'{DB_ROOT or work}/{name}', '--report', report,
           '--http-url', f'http://127.0.0.1:{ports[1]}', '--user', DRIVER, '--log-level', 'error',
           '--ready-timeout', '600', '--drain-timeout', '600'] + args
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith('registered:'):
            return proc, report, float(line.split()[-2])
    raise RuntimeError(f'{name}: the fleet ended before its piles registered')


def window(pid, seconds):
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - c0) / (time.monotonic() - t0), rss_mib(pid)


def finish(proc, report, interrupt=False):
    if interrupt:
        proc.send_signal(signal.SIGTERM)
    proc.stdout.read()
    proc.wait(timeout=900)
    with open(report) as f:
        return json.load(f)


def idle(work, ports, n):
    proc, report, ready = fleet(work, ports, f'idle{n}', n, ['--auth', 'card', '--sessions', '1', '--gap', '100000'])
    time.sleep(5)
    share, rss = window(proc.pid, IDLE_SECONDS)
    finish(proc, report, interrupt=True)
    return {'n': n, 'ready_s': ready, 'cpu_share': share, 'rss_mib': rss}


def charging(work, ports, n):
    proc, report, ready = fleet(work, ports, f'charge{n}', n, [
        '--auth', 'card', '--sessions', '1', '--gap', '0-1', '--charge-time', str(CHARGE_SECONDS),
        '--meter-interval', '10'])
    time.sleep(5)
    share, rss = window(proc.pid, CHARGE_SECONDS - 15)
    r = finish(proc, report)
    mv = r['total']['actions'].get('MeterValues', {})
    return {'n': n, 'cpu_share': share, 'rss_mib': rss, 'meter_values': mv.get('calls', 0),
            'meter_values_p99_ms': mv.get('p99_ms'), 'loop_lag_ms': r['fleet'].get('loop_lag_ms'),
            'errors': r['total']['errors'], 'ok': r['fleet']['ok']}


def settlements(ports):
    req = urllib.request.Request(f'http://127.0.0.1:{ports[1]}/api/settlements',
                                 headers={'Authorization': 'Basic ' + base64.b64encode(DRIVER.encode()).decode()})
    with urllib.request.urlopen(req) as res:
        return json.load(res)


def parse_time(text):
    return datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp()


def storm(work, ports, n):
    name = f'storm{n}'
    proc, report, ready = fleet(work, ports, name, n, [
        '--auth', 'code', '--sessions', '1', '--offline-at', '2', '--offline-for', '10', '--gap', '3-4',
        '--charge-time', '1-2', '--meter-speedup', '50', '--meter-interval', '1',
        '--ocpp-config', 'OfflineThreshold=1'])
    r = finish(proc, report)
    restored = parse_time(r['fleet']['started_at']) + r['fleet']['restored_at_s']
    mine = [s for s in settlements(ports) if s['charge_point_id'].startswith(name + '-')]
    last = max(parse_time(s['settled_at']) for s in mine)
    return {'n': n, 'sessions': r['total']['sessions'], 'settled': len(mine), 'replay_s': r['fleet']['replay_s'],
            'to_last_settlement_s': last - restored, 'ok': r['fleet']['ok']}


def main():
    out = {'idle': [], 'charging': [], 'storm': []}
    with tempfile.TemporaryDirectory() as work:
        csms, ocpp_port, http_port = start_csms(work)
        ports = (ocpp_port, http_port)
        try:
            for n in NS if 'idle' in PARTS else []:
                out['idle'].append(idle(work, ports, n))
                print('idle', out['idle'][-1], flush=True)
                if 'charging' in PARTS:
                    out['charging'].append(charging(work, ports, n))
                    print('charging', out['charging'][-1], flush=True)
            for n in STORM_NS if 'storm' in PARTS else []:
                out['storm'].append(storm(work, ports, n))
                print('storm', out['storm'][-1], flush=True)
        finally:
            csms.send_signal(signal.SIGTERM)
            csms.wait()
    if len(sys.argv) == 3 and sys.argv[1] == '--json':
        with open(sys.argv[2], 'w') as f:
            json.dump(out, f, indent=2)
    if out['charging']:
        table(out)
    if out['storm']:
        storm_table(out)


def table(out):
    base_i, base_c = out['idle'][0], out['charging'][0]
    print('\nN      idle: % core  MiB   per pile: % core  KiB | charging: % core  MiB   per pile: % core  KiB  MV p99 ms  MV/pile  lag p99 ms')
    for i, c in zip(out['idle'], out['charging']):
        extra = max(i['n'] - base_i['n'], 1)
        print(f"{i['n']:<6} {100 * i['cpu_share']:13.2f} {i['rss_mib']:6.1f} "
              f"{100 * (i['cpu_share'] - base_i['cpu_share']) / extra:17.4f} "
              f"{1024 * (i['rss_mib'] - base_i['rss_mib']) / extra:5.0f} | "
              f"{100 * c['cpu_share']:16.2f} {c['rss_mib']:6.1f} "
              f"{100 * (c['cpu_share'] - base_c['cpu_share']) / extra:17.4f} "
              f"{1024 * (c['rss_mib'] - base_c['rss_mib']) / extra:5.0f} {c['meter_values_p99_ms']:9.1f} "
              f"{c['meter_values'] / c['n']:8.2f} {(c['loop_lag_ms'] or {}).get('p99', float('nan')):11.2f}")


def storm_table(out):
    print('\nN      sessions settled  replay s  reconnect -> last settlement s  ratio to N=1')
    for s in out['storm']:
        print(f"{s['n']:<6} {s['sessions']:8} {s['settled']:7} {s['replay_s']:9.2f} {s['to_last_settlement_s']:31.2f} "
              f"{s['to_last_settlement_s'] / out['storm'][0]['to_last_settlement_s']:13.1f}")


if __name__ == '__main__':
    main()
