#!/usr/bin/python3
"""Benchmark: dockwarden-audisp end to end (stdin -> select -> sign -> spool ->
RELP -> a real rsyslog -> file) and `dockwarden verify`, in one run:

  signed      the production mode (batch signatures: last record of each
              write batch, at least every 256th)
  per-record  an Ed25519 signature on every record (the alternative design)
  unsigned    the same records without hash chain or signature (baseline)

Usage: bench/audisp/run.py BUILDDIR [EVENTS [REPS]]
       (root; port 20540; never a test; EVENTS per run, default 50000;
       REPS rounds over the three modes, interleaved, default 5, at least 3)
Reports records/s, CPU per record (user+sys of the plugin, getrusage) and
bytes per record stored on the log host, for every run and as medians over
the rounds; then the table rows of bench/run-all (six tab-separated fields,
see bench/README.md).  Runs under the global e2e lock (re-executes itself
under flock(1), as tests/lib/e2e.sh does), so no e2e test runs beside it."""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
PORT = 20540
MODES = (("unsigned", ["--bench-unsigned"]), ("signed", []),
         ("per-record", ["--bench-sign-every", "1"]))


def take_e2e_lock():
    """Re-execute this script under flock(1) on the e2e lock, unless a caller
    (e.g. an outer script) holds it already; flock -o keeps the lock's
    descriptor away from the daemons started here."""
    lock = os.environ.get("DW_E2E_LOCK", "/run/lock/dockwarden-e2e.lock")
    if os.environ.get("DW_E2E_LOCK_HELD") == lock:
        return
    os.makedirs(os.path.dirname(lock), exist_ok=True)
    if subprocess.run(["flock", "-n", lock, "true"]).returncode != 0:
        print(f"waiting for {lock} (another e2e test is running)", file=sys.stderr, flush=True)
    env = dict(os.environ, DW_E2E_LOCK_HELD=lock)
    os.execvpe("flock", ["flock", "-o", "-E", "75", "-w", os.environ.get("DW_E2E_LOCK_WAIT", "240"),
                         lock, sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)


def wait_lines(path, want):
    """Wait until PATH has WANT lines; count only what was appended since the
    last look (re-reading a large file would compete with the run for CPU)."""
    n = 0
    f = None
    try:
        while True:
            if f is None and os.path.exists(path):
                f = open(path, "rb")
            if f is not None:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        break
                    n += chunk.count(b"\n")
            if n >= want:
                return n
            time.sleep(0.05)
    finally:
        if f is not None:
            f.close()


def one_run(tmp, plugin, cli, snippet, evfile, events, mode, extra, tag):
    """One pass of EVENTS records in MODE to a fresh rsyslog; returns a dict."""
    logs = f"{tmp}/logs-{tag}"
    os.makedirs(f"{tmp}/rs-{tag}")
    with open(f"{tmp}/loghost-{tag}.conf", "w") as f:
        f.write(snippet.replace('port="2514"', f'port="{PORT}" address="127.0.0.1"')
                .replace("/var/log/dockwarden", logs))
    with open(f"{tmp}/rsyslog-{tag}.conf", "w") as f:
        f.write(f'global(workDirectory="{tmp}/rs-{tag}")\n'
                f'include(file="{tmp}/loghost-{tag}.conf")\n')
    rs = subprocess.Popen(["rsyslogd", "-n", "-f", f"{tmp}/rsyslog-{tag}.conf",
                           "-i", f"{tmp}/rs-{tag}.pid"])
    try:
        time.sleep(1.0)
        with open(f"{tmp}/policy-{tag}.json", "w") as f:
            f.write('{"forward": {"target": "relp://127.0.0.1:%d", "signing_key": "%s/k.key",'
                    '"spool_dir": "%s/spool-%s", "spool_max_mb": 4096, "host_id": "bench"}}'
                    % (PORT, tmp, tmp, tag))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        with open(evfile) as stdin:
            env = dict(os.environ, DW_AUDISP_DRAIN_MS="600000")
            subprocess.run([plugin, "--policy", f"{tmp}/policy-{tag}.json"] + extra,
                           stdin=stdin, check=True, env=env, stderr=subprocess.DEVNULL)
        out = f"{logs}/127.0.0.1.log"
        n = wait_lines(out, events + 2)  # + the start and stop records
        elapsed = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        rs.terminate()
        rs.wait()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    row = {"mode": mode, "records": n, "elapsed": elapsed, "rate": n / elapsed,
           "cpu_us": cpu / n * 1e6, "bytes": os.path.getsize(out) / n}
    if mode != "unsigned":
        t0 = time.monotonic()
        p = subprocess.run([cli, "verify", "--pubkey", f"{tmp}/k.pub", out],
                           stdout=subprocess.PIPE, text=True)
        row["verify_rate"] = n / (time.monotonic() - t0)
        row["verify_ok"] = p.returncode == 0
    # the next round starts from an empty disk cache and spool, like this one
    shutil.rmtree(logs, ignore_errors=True)
    shutil.rmtree(f"{tmp}/spool-{tag}", ignore_errors=True)
    return row


def table(rows, title):
    print(title)
    print(f"{'mode':<11} {'records':>8} {'rec/s e2e':>10} {'CPU us/rec':>11} {'bytes/rec':>10} {'verify rec/s':>13}")
    for r in rows:
        v = (f"{r['verify_rate']:>13.0f}" + ("" if r["verify_ok"] else " (FAILED)")
             if "verify_rate" in r else f"{'-':>13}")
        print(f"{r['mode']:<11} {r['records']:>8} {r['rate']:>10.0f} {r['cpu_us']:>11.1f} {r['bytes']:>10.0f} {v}")
    sys.stdout.flush()


def tsv(name, value, unit, base_name, base, fmt):
    """One table row for bench/run-all: name, median, unit, baseline, ratio."""
    print("\t".join((name, fmt % value, unit, base_name, fmt % base, "%.2f" % (value / base))))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench/audisp/run.py BUILDDIR [EVENTS [REPS]]")
    take_e2e_lock()
    build = os.path.abspath(sys.argv[1])
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    if reps < 3:
        sys.exit("bench/audisp: REPS must be at least 3 (medians)")

    def find(*cands):
        return next((c for c in cands if os.path.exists(c)), cands[0])
    plugin = find(os.path.join(build, "audisp-plugin", "dockwarden-audisp"),
                  os.path.join(build, "dockwarden-audisp"))
    cli = find(os.path.join(build, "common", "dockwarden"), os.path.join(build, "dockwarden"))
    tmp = tempfile.mkdtemp(prefix="dwb-audisp.")
    try:
        subprocess.run([cli, "keygen", f"{tmp}/k"], check=True, stdout=subprocess.DEVNULL)
        evfile = f"{tmp}/events.log"
        with open(evfile, "w") as f:
            subprocess.run([sys.executable, os.path.join(SRC, "tests", "audisp", "gen_events.py"),
                            str(events)], stdout=f, check=True)
        snippet = open(os.environ.get("DW_BENCH_SNIPPET") or
                       os.path.join(SRC, "packaging", "rsyslog-dockwarden-loghost.conf")).read()
        runs = {mode: [] for mode, _ in MODES}
        for rep in range(1, reps + 1):
            rows = []
            for mode, extra in MODES:  # interleaved: drift in load hits every mode alike
                rows.append(one_run(tmp, plugin, cli, snippet, evfile, events, mode, extra,
                                    f"{mode}-{rep}"))
                runs[mode].append(rows[-1])
            table(rows, f"round {rep}/{reps}, {events} events")

        med = {mode: {k: statistics.median(r[k] for r in rs)
                      for k in ("records", "rate", "cpu_us", "bytes", "verify_rate") if k in rs[0]}
               for mode, rs in runs.items()}
        for mode, m in med.items():
            m["mode"] = mode
            m["records"] = int(m["records"])
            if "verify_rate" in m:
                m["verify_ok"] = all(r["verify_ok"] for r in runs[mode])
        print()
        table([med[mode] for mode, _ in MODES], f"medians over {reps} rounds")
        failed = [mode for mode, m in med.items() if "verify_ok" in m and not m["verify_ok"]]

        u, s, p = med["unsigned"], med["signed"], med["per-record"]
        print(f"table rows (medians over {reps} rounds of {events} events):")
        tsv("forwarder stdin -> RELP -> rsyslog, batch-signed", s["rate"], "records/s",
            "unsigned", u["rate"], "%.0f")
        tsv("forwarder stdin -> RELP -> rsyslog, per-record signatures", p["rate"], "records/s",
            "unsigned", u["rate"], "%.0f")
        tsv("forwarder CPU, batch-signed", s["cpu_us"], "us/record", "unsigned", u["cpu_us"], "%.1f")
        tsv("forwarder CPU, per-record signatures", p["cpu_us"], "us/record", "unsigned",
            u["cpu_us"], "%.1f")
        if not failed:
            tsv("dockwarden verify, batch-signed log", s["verify_rate"], "records/s",
                "per-record-signed log", p["verify_rate"], "%.0f")
        else:
            print(f"dockwarden verify FAILED on: {', '.join(failed)}", file=sys.stderr)
            sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
