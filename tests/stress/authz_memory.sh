#!/bin/bash
# authz_memory.sh PLUGIN AZLOAD [REQUESTS]: dockwarden-authz's resident
# memory stays flat over REQUESTS (default 1,000,000) AuthZReq requests:
# half a typical allowed containers/create, half a denied privileged one,
# 4 keep-alive clients, every decision logged (private rsyslogd).  VmRSS is
# sampled from /proc once a second; after the first 10% of the run (pools,
# caches, the log queue at its working size) it may grow by at most 4 MiB.
set -euo pipefail
PLUGIN=$(readlink -f "$1") LOAD=$(readlink -f "$2") total=${3:-1000000}
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"

dw_e2e_lock "$@"
# Under ASan (scripts/ci-sanitize) freed memory sits in a quarantine of up to
# 256 MB before reuse, and the plugin's RSS grows until it is full: with a few
# kB per request that takes most of the run and looks like a leak.  A 16 MB
# quarantine fills in the first 10%, so what remains measured is the plugin's
# own growth (LSan still reports any real leak at exit).
if [ -n "${ASAN_OPTIONS:-}" ]; then
	export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=16"
fi
dw_tmpdir T
dw_syslog_start "$T"

python3 - "$T" <<'PY'
import base64, json, sys
t = sys.argv[1]
ok = {"Image": "registry.example.com/team/app:1.2", "User": "1000", "Cmd": ["sh", "-c", "true"],
      "Env": ["PATH=/usr/bin:/bin"], "HostConfig": {"Binds": ["/srv/app/data:/data:rw"],
      "CapDrop": ["ALL"], "Memory": 268435456, "PidsLimit": 256}}
bad = dict(ok, HostConfig=dict(ok["HostConfig"], Privileged=True, Binds=["/etc:/host-etc"]))
for name, body in (("allow", ok), ("deny", bad)):
    env = json.dumps({"User": "", "UserAuthNMethod": "", "RequestMethod": "POST",
                      "RequestUri": "/v1.41/containers/create",
                      "RequestBody": base64.b64encode(json.dumps(body).encode()).decode(),
                      "RequestHeaders": {"Content-Type": "application/json"}}).encode()
    open("%s/%s.http" % (t, name), "wb").write(
        b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: plugin\r\n"
        b"Content-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: %d\r\n\r\n"
        % len(env) + env)
PY

"$PLUGIN" --socket "$T/authz.sock" --policy "$T/no-policy.json" --foreground 2>"$T/plugin.err" &
pid=$!
echo $pid >"$T/plugin.pid"
dw_on_exit "_dw_kill_pidfile '$T/plugin.pid'"
dw_wait_for 10 test -S "$T/authz.sock" || dw_die "plugin did not start: $(cat "$T/plugin.err")"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
(while kill -0 "$pid" 2>/dev/null; do echo "$SECONDS $(rss)"; sleep 1; done) >"$T/rss.log" 2>/dev/null &
sampler=$!
dw_on_exit "kill $sampler 2>/dev/null"

per=$((total / 4))
t0=$SECONDS
"$LOAD" --socket "$T/authz.sock" --request "$T/allow.http" --threads 2 --count "$per" >"$T/allow.json" &
a=$!
"$LOAD" --socket "$T/authz.sock" --request "$T/deny.http" --threads 2 --count "$per" >"$T/deny.json" || dw_die "load (deny) failed: $(cat "$T/deny.json")"
wait $a || dw_die "load (allow) failed: $(cat "$T/allow.json")"
secs=$((SECONDS - t0))
kill -0 "$pid" || dw_die "plugin died under load: $(tail -5 "$T/plugin.err")"
echo "$SECONDS $(rss)" >>"$T/rss.log"
kill "$sampler" 2>/dev/null || true

python3 - "$T" "$total" "$secs" <<'PY'
import json, sys
t, total, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runs = [json.loads(open("%s/%s.json" % (t, n)).read().strip().splitlines()[-1]) for n in ("allow", "deny")]
reqs = sum(r["requests"] for r in runs)
errs = sum(r["errors"] for r in runs)
samples = [tuple(map(int, l.split())) for l in open(t + "/rss.log") if len(l.split()) == 2]
rss = [kb for _, kb in samples]
base = rss[max(1, len(rss) // 10)] if len(rss) > 2 else rss[0]
peak_after = max(rss[max(1, len(rss) // 10):]) if len(rss) > 2 else rss[-1]
print("%d requests in %d s (%d/s), %d errors; plugin VmRSS kB: start %d, at 10%% %d, "
      "peak after %d, end %d (%d samples)" % (reqs, secs, reqs / max(secs, 1), errs, rss[0],
      base, peak_after, rss[-1], len(rss)))
ok = reqs >= total and errs == 0 and peak_after - base <= 4096
if not ok:
    print("FAIL: requests %d/%d, errors %d, growth %d kB" % (reqs, total, errs, peak_after - base),
          file=sys.stderr)
sys.exit(0 if ok else 1)
PY
