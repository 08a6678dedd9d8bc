#!/bin/bash
# run.sh BUILD_DIR - dockwarden-authz benchmarks (root; not a test).
#
# 1. In-process decision cost (envelope + base64 + body + rules): typical
#    containers/create body and a ~1 MiB body.
# 2. The plugin over its socket (azload, keep-alive): median service time of
#    one AuthZReq, and AuthZReq/s with 4 client threads.
# 3. A real dockerd, three side by side (no plugin / allow-all C plugin /
#    dockwarden), measured in interleaved rounds: GET /containers/json and
#    POST /containers/create medians and ratios.
# Decision logging is live (a private rsyslogd on /dev/log) as in production.
set -euo pipefail
B=$(readlink -f "${1:?usage: run.sh BUILD_DIR}")
HERE=$(dirname "$(readlink -f "$0")")
. "$HERE/../../tests/lib/e2e.sh"
AZ=$B/authz-plugin/dockwarden-authz
LOAD=$B/bench/authz/azload
ROUNDS=${ROUNDS:-3}
GETS=${GETS:-2000}
CREATES=${CREATES:-200}

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

echo "== 1. in-process decision (no HTTP)"
"$B/bench/authz/azbench_eval" "$T/typical.env" 50000
"$B/bench/authz/azbench_eval" "$T/big.env" 300

echo "== 2. plugin over its unix socket (keep-alive, logging on)"
"$AZ" --socket "$T/dw.sock" --policy "$T/none.json" --foreground 2>"$T/dw.err" &
echo $! >"$T/dw.pid"
dw_on_exit "_dw_kill_pidfile '$T/dw.pid'"
dw_wait_for 10 test -S "$T/dw.sock"
echo -n "typical, 1 client:   "; "$LOAD" --socket "$T/dw.sock" --request "$T/typical.http" --count 20000
echo -n "typical, 4 clients:  "; "$LOAD" --socket "$T/dw.sock" --request "$T/typical.http" --threads 4 --seconds 5
echo -n "1 MiB body, 1 client: "; "$LOAD" --socket "$T/dw.sock" --request "$T/big.http" --count 300
"$B/bench/authz/allowall" "$T/aa.sock" &
echo $! >"$T/aa.pid"
dw_on_exit "_dw_kill_pidfile '$T/aa.pid'"
dw_wait_for 10 test -S "$T/aa.sock"
echo -n "allow-all floor, typical, 1 client:  "; "$LOAD" --socket "$T/aa.sock" --request "$T/typical.http" --count 20000
echo -n "allow-all floor, typical, 4 clients: "; "$LOAD" --socket "$T/aa.sock" --request "$T/typical.http" --threads 4 --seconds 5

echo "== 3. through dockerd: none vs allow-all vs dockwarden"
mkdir -p /etc/docker/plugins
echo "unix://$T/aa.sock" >/etc/docker/plugins/dwt-authz-bench-allow.spec
echo "unix://$T/dw.sock" >/etc/docker/plugins/dwt-authz-bench-dw.spec
dw_on_exit "rm -f /etc/docker/plugins/dwt-authz-bench-allow.spec /etc/docker/plugins/dwt-authz-bench-dw.spec"
declare -A ARGS=([none]="" [allowall]="--authorization-plugin=dwt-authz-bench-allow" [dockwarden]="--authorization-plugin=dwt-authz-bench-dw")
root=$(mktemp -d /tmp/dwt-authz-rootfs.XXXXXX)
dw_on_exit "rm -rf '$root'"
mkdir -p "$root/bin"; cp /bin/busybox "$root/bin/"; ln -s busybox "$root/bin/true"; chmod 755 "$root"
for k in none allowall dockwarden; do
	# shellcheck disable=SC2086
	dw_dockerd_start "$T/d-$k" ${ARGS[$k]}
	tar -C "$root" -c . | docker import - dwt-bb >/dev/null
done
p50() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["p50_us"])'; }
declare -A G C
for r in $(seq 1 "$ROUNDS"); do
	for k in none allowall dockwarden; do
		G[$k]+="$("$LOAD" --socket "$T/d-$k/docker.sock" --request "$T/get.http" --count "$GETS" | p50) "
	done
done
for r in $(seq 1 "$ROUNDS"); do
	for k in none allowall dockwarden; do
		C[$k]+="$("$LOAD" --socket "$T/d-$k/docker.sock" --request "$T/create.http" --count "$CREATES" --expect 201 | p50) "
	done
done
python3 - "${G[none]}" "${G[allowall]}" "${G[dockwarden]}" "${C[none]}" "${C[allowall]}" "${C[dockwarden]}" <<'PY'
import statistics, sys
g = [statistics.median(map(float, a.split())) for a in sys.argv[1:4]]
c = [statistics.median(map(float, a.split())) for a in sys.argv[4:7]]
print("%-24s %10s %10s %11s %18s %18s" % ("median latency (us)", "no plugin", "allow-all", "dockwarden",
      "dockwarden/allow", "dockwarden/none"))
for name, v in (("GET /containers/json", g), ("POST /containers/create", c)):
    print("%-24s %10.1f %10.1f %11.1f %18.3f %18.3f" % (name, v[0], v[1], v[2], v[2] / v[1], v[2] / v[0]))
PY
echo "plugin log lines written: $(grep -c 'dockwarden-authz: ' "$T/syslog.log")"
