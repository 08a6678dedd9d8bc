#!/usr/bin/python3
"""Benchmark: dockwarden-audisp end to end (stdin -> select -> sign -> spool ->
RELP -> a real rsyslog -> file) and `dockwarden verify`, in one run:

  signed      the production mode (batch signatures: last record of each
              write batch, at least every 256th)
  per-record  an Ed25519 signature on every record (the alternative design)
  unsigned    the same records without hash chain or signature (baseline)

Usage: bench/audisp/run.py BUILDDIR [EVENTS]   (root; port 20540; never a test)
Reports records/s, CPU per record (user+sys of the plugin, getrusage) and
bytes per record stored on the log host."""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
PORT = 20540


def main():
    build = os.path.abspath(sys.argv[1])
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    def find(*cands):
        return next((c for c in cands if os.path.exists(c)), cands[0])
    plugin = find(os.path.join(build, "audisp-plugin", "dockwarden-audisp"),
                  os.path.join(build, "dockwarden-audisp"))
    cli = find(os.path.join(build, "common", "dockwarden"), os.path.join(build, "dockwarden"))
    tmp = tempfile.mkdtemp(prefix="dwb-audisp.")
    rs = None
    try:
        subprocess.run([cli, "keygen", f"{tmp}/k"], check=True, stdout=subprocess.DEVNULL)
        evfile = f"{tmp}/events.log"
        with open(evfile, "w") as f:
            subprocess.run([sys.executable, os.path.join(SRC, "tests", "audisp", "gen_events.py"),
                            str(events)], stdout=f, check=True)
        snippet = open(os.environ.get("DW_BENCH_SNIPPET") or
                       os.path.join(SRC, "packaging", "rsyslog-dockwarden-loghost.conf")).read()
        results = []
        for mode, extra in (("unsigned", ["--bench-unsigned"]), ("signed", []),
                            ("per-record", ["--bench-sign-every", "1"])):
            logs = f"{tmp}/logs-{mode}"
            os.makedirs(f"{tmp}/rs-{mode}")
            with open(f"{tmp}/loghost-{mode}.conf", "w") as f:
                f.write(snippet.replace('port="2514"', f'port="{PORT}" address="127.0.0.1"')
                        .replace("/var/log/dockwarden", logs))
            with open(f"{tmp}/rsyslog-{mode}.conf", "w") as f:
                f.write(f'global(workDirectory="{tmp}/rs-{mode}")\n'
                        f'include(file="{tmp}/loghost-{mode}.conf")\n')
            rs = subprocess.Popen(["rsyslogd", "-n", "-f", f"{tmp}/rsyslog-{mode}.conf",
                                   "-i", f"{tmp}/rs-{mode}.pid"])
            time.sleep(1.0)
            with open(f"{tmp}/policy-{mode}.json", "w") as f:
                f.write('{"forward": {"target": "relp://127.0.0.1:%d", "signing_key": "%s/k.key",'
                        '"spool_dir": "%s/spool-%s", "spool_max_mb": 4096, "host_id": "bench"}}'
                        % (PORT, tmp, tmp, mode))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            with open(evfile) as stdin:
                env = dict(os.environ, DW_AUDISP_DRAIN_MS="600000")
                subprocess.run([plugin, "--policy", f"{tmp}/policy-{mode}.json"] + extra,
                               stdin=stdin, check=True, env=env, stderr=subprocess.DEVNULL)
            out = f"{logs}/127.0.0.1.log"
            want = events + 2  # start and stop records
            while True:
                n = sum(1 for _ in open(out)) if os.path.exists(out) else 0
                if n >= want:
                    break
                time.sleep(0.05)
            elapsed = time.monotonic() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            size = os.path.getsize(out)
            rs.terminate()
            rs.wait()
            rs = None
            row = {"mode": mode, "records": n, "elapsed": elapsed, "rate": n / elapsed,
                   "cpu_us": cpu / n * 1e6, "bytes": size / n}
            if mode != "unsigned":
                t0 = time.monotonic()
                p = subprocess.run([cli, "verify", "--pubkey", f"{tmp}/k.pub", out],
                                   stdout=subprocess.PIPE, text=True)
                vt = time.monotonic() - t0
                row["verify_rate"] = n / vt
                row["verify_ok"] = p.returncode == 0
            results.append(row)
        print(f"{'mode':<11} {'records':>8} {'rec/s e2e':>10} {'CPU us/rec':>11} {'bytes/rec':>10} {'verify rec/s':>13}")
        for r in results:
            v = f"{r['verify_rate']:>13.0f}" + ("" if r["verify_ok"] else " (FAILED)") if "verify_rate" in r else f"{'-':>13}"
            print(f"{r['mode']:<11} {r['records']:>8} {r['rate']:>10.0f} {r['cpu_us']:>11.1f} {r['bytes']:>10.0f} {v}")
    finally:
        if rs:
            rs.terminate()
            rs.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
