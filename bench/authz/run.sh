#!/bin/bash
# run.sh BUILD_DIR - dockwarden-authz benchmarks (root; not a test).
#
# 1. In-process decision cost (envelope + base64 + body + rules): typical
#    containers/create body and a ~1 MiB body.
# 2. The plugin over its socket (azload, keep-alive) against the minimal
#    allow-all C plugin (allowall.c), in interleaved rounds: p50 of one
#    AuthZReq, AuthZReq/s with 4 client threads, p50 with a ~1 MiB body.
# 3. Real dockerds, per lane (BENCH_LANES, default bookworm trixie sid: see
#    dockerd.sh): no plugin / allow-all / dockwarden side by side, create,
#    GET, and exec, start and cp on an existing container, medians and ratios.
# Decision logging is live (a private rsyslogd on /dev/log) as in production.
# Every measurement is repeated ROUNDS times (>= 3); the table rows (six
# tab-separated fields, see bench/README.md) carry the median over the rounds.
set -euo pipefail
B=$(readlink -f "${1:?usage: run.sh BUILD_DIR}")
HERE=$(dirname "$(readlink -f "$0")")
. "$HERE/../../tests/lib/e2e.sh"
AZ=$B/authz-plugin/dockwarden-authz
LOAD=$B/bench/authz/azload
ROUNDS=${ROUNDS:-5}        # repetitions of every measurement (medians over these)
EVALS=${EVALS:-20000}      # in-process decisions per round, typical body
EVALS_BIG=${EVALS_BIG:-100} # ... 1 MiB body
LAT=${LAT:-5000}           # AuthZReqs per round, 1 client
SECS=${SECS:-3}            # seconds per round, 4 clients
BIG=${BIG:-100}            # 1 MiB AuthZReqs per round
[ "$ROUNDS" -ge 3 ] || { echo "run.sh: ROUNDS must be at least 3 (medians)" >&2; exit 2; }

dw_e2e_lock "$@"
dw_tmpdir T
dw_syslog_start "$T"

# --- inputs -----------------------------------------------------------------------
python3 - "$T" <<'PY'
import base64, json, sys
t = sys.argv[1]
typical = {"Hostname": "", "User": "1000", "Env": ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"],
           "Cmd": ["sh", "-c", "echo hello"], "Image": "registry.example.com/team/app:1.2",
           "Labels": {"com.example.team": "web"}, "WorkingDir": "/app",
           "HostConfig": {"Binds": ["/srv/app/data:/data:rw"], "NetworkMode": "default",
                          "RestartPolicy": {"Name": "no"}, "CapAdd": ["NET_BIND_SERVICE"],
                          "CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"],
                          "Memory": 268435456, "PidsLimit": 256, "LogConfig": {"Type": "json-file"}},
           "NetworkingConfig": {"EndpointsConfig": {}}}
big = dict(typical)
big["Env"] = ["V%06d=%s" % (i, "x" * 40) for i in range(20000)]
while len(json.dumps(big)) > 1040000:
    big["Env"].pop()
for name, body in (("typical", typical), ("big", big)):
    raw = json.dumps(body).encode()
    env = json.dumps({"User": "", "UserAuthNMethod": "", "RequestMethod": "POST",
                      "RequestUri": "/v1.41/containers/create?name=web",
                      "RequestBody": base64.b64encode(raw).decode(),
                      "RequestHeaders": {"Content-Type": "application/json", "User-Agent": "Docker-Client/20.10.24 (linux)"}}).encode()
    open("%s/%s.env" % (t, name), "wb").write(env)
    open("%s/%s.http" % (t, name), "wb").write(
        b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: plugin\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n"
        b"Content-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: %d\r\n\r\n" % len(env) + env)
    print("%s body: %d bytes, envelope %d bytes" % (name, len(raw), len(env)), file=sys.stderr)
open(t + "/get.http", "wb").write(b"GET /v1.41/containers/json HTTP/1.1\r\nHost: d\r\n\r\n")
cb = json.dumps({"Image": "dwt-bb", "User": "1000", "Cmd": ["/bin/true"],
                 "HostConfig": {"Memory": 67108864, "PidsLimit": 64}}).encode()
open(t + "/create.http", "wb").write(
    b"POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n" % len(cb) + cb)
PY

# sample KEY FIELD CMD...: run CMD (prints one JSON line), show the line and
# record its FIELD as one sample of KEY (summarised at the end).
sample() {
	local key=$1 field=$2 out
	shift 2
	out=$("$@")
	printf '  %-22s %s\n' "$key" "$out"
	printf '%s %s\n' "$key" "$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$field" <<<"$out")" >>"$T/samples"
}
: >"$T/samples"

echo "== 1. in-process decision (no HTTP), $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
	sample eval-typical p50_us "$B/bench/authz/azbench_eval" "$T/typical.env" "$EVALS"
	sample eval-big p50_us "$B/bench/authz/azbench_eval" "$T/big.env" "$EVALS_BIG"
done

echo "== 2. plugin over its unix socket (keep-alive, logging on) vs allow-all, $ROUNDS rounds"
"$AZ" --socket "$T/dw.sock" --policy "$T/none.json" --foreground 2>"$T/dw.err" &
echo $! >"$T/dw.pid"
dw_on_exit "_dw_kill_pidfile '$T/dw.pid'"
"$B/bench/authz/allowall" "$T/aa.sock" &
echo $! >"$T/aa.pid"
dw_on_exit "_dw_kill_pidfile '$T/aa.pid'"
dw_wait_for 10 test -S "$T/dw.sock"
dw_wait_for 10 test -S "$T/aa.sock"
declare -A SOCK=([dw]="$T/dw.sock" [aa]="$T/aa.sock")
for r in $(seq 1 "$ROUNDS"); do
	echo " round $r"
	for k in dw aa; do
		sample "$k-lat" p50_us "$LOAD" --socket "${SOCK[$k]}" --request "$T/typical.http" --count "$LAT"
	done
	for k in dw aa; do
		sample "$k-rps" rps "$LOAD" --socket "${SOCK[$k]}" --request "$T/typical.http" --threads 4 --seconds "$SECS"
	done
	for k in dw aa; do
		sample "$k-big" p50_us "$LOAD" --socket "${SOCK[$k]}" --request "$T/big.http" --count "$BIG"
	done
done
echo "dockwarden-authz after section 2: $(grep -E '^VmRSS' "/proc/$(cat "$T/dw.pid")/status")"

echo "== 3. through dockerd, per lane (dockerd.sh): none vs allow-all vs dockwarden"
for lane in ${BENCH_LANES:-bookworm trixie sid}; do
	rc=0
	"$HERE/dockerd.sh" "$B" "$lane" >"$T/lane-$lane.out" 2>&1 || rc=$?
	cat "$T/lane-$lane.out"
	if [ "$rc" = 77 ]; then
		echo "lane $lane: not measured (its binaries cannot be fetched or run here)"
	elif [ "$rc" != 0 ]; then
		echo "lane $lane: FAILED (exit $rc)" >&2
		exit 1
	fi
done
echo "plugin log lines written: $(grep -c 'dockwarden-authz: ' "$T/syslog.log")"

# Medians over the rounds: the readable summary, then the table rows.
python3 - "$T/samples" <<'PY'
import collections, statistics, sys
s = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    s[k].append(float(v))
m = {k: statistics.median(v) for k, v in s.items()}
n = min(len(v) for v in s.values())


def row(name, value, unit, base_name=None, base=None, fmt="%.1f"):
    if base_name is None:
        print("\t".join((name, fmt % value, unit, "-", "-", "-")))
    else:
        print("\t".join((name, fmt % value, unit, base_name, fmt % base, "%.2f" % (value / base))))

print("table rows (medians over %d rounds):" % n)
row("AuthZ decision in-process p50, typical create body", m["eval-typical"], "us/decision")
row("AuthZ decision in-process p50, 1 MiB body", m["eval-big"], "us/decision")
row("AuthZReq round trip p50, 1 client", m["dw-lat"], "us/request", "allow-all plugin", m["aa-lat"])
row("AuthZReq throughput, 4 clients", m["dw-rps"], "requests/s", "allow-all plugin", m["aa-rps"], "%.0f")
row("AuthZReq round trip p50, 1 MiB body", m["dw-big"], "us/request", "allow-all plugin", m["aa-big"])
PY
