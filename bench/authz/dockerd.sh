#!/bin/bash
# dockerd.sh BUILD_DIR LANE - dockwarden-authz through one real dockerd (root; not a test).
#
# Three dockerds of LANE (bookworm, trixie, sid: tests/lib/e2e.sh) side by
# side: no plugin, the minimal allow-all C plugin (allowall.c), dockwarden
# (asking its dockerd about the objects requests borrow).  In interleaved
# rounds, the median of raw API calls (azload, keep-alive on dockerd's
# socket): GET /containers/json, POST /containers/create, and three calls on
# an existing running container that dockwarden judges by that container's
# configuration: exec create, docker cp's PUT and GET /archive.  A fourth dockerd's
# dockwarden has trusted_images on, with a signed list holding the image: its
# raw create measures the image check.  Through the CLI (RUNS of each per
# round): docker run, exec, cp and start on allow-all, dockwarden and the
# trusted_images one.  Prints the table rows (bench/README.md) named with the
# lane.
set -euo pipefail
B=$(readlink -f "${1:?usage: dockerd.sh BUILD_DIR LANE}")
export DW_DOCKERD_LANE=${2:?usage: dockerd.sh BUILD_DIR LANE}
HERE=$(dirname "$(readlink -f "$0")")
. "$HERE/../../tests/lib/e2e.sh"
AZ=$B/authz-plugin/dockwarden-authz
LOAD=$B/bench/authz/azload
ROUNDS=${ROUNDS:-5}
GETS=${GETS:-1000}
CREATES=${CREATES:-100}
CALLS=${CALLS:-300}
RUNS=${RUNS:-20}  # CLI commands of each kind per round
[ "$ROUNDS" -ge 3 ] || { echo "dockerd.sh: ROUNDS must be at least 3 (medians)" >&2; exit 2; }

dw_e2e_lock "$@"
dw_tmpdir T
dw_dockerd_lane
lane=$DW_DOCKERD_LANE

"$AZ" --socket "$T/dw.sock" --policy "$T/none.json" --docker-socket "$T/d-dockwarden/docker.sock" \
	--foreground 2>"$T/dw.err" &
echo $! >"$T/dw.pid"
dw_on_exit "_dw_kill_pidfile '$T/dw.pid'"
"$B/bench/authz/allowall" "$T/aa.sock" &
echo $! >"$T/aa.pid"
dw_on_exit "_dw_kill_pidfile '$T/aa.pid'"
# the trusted_images plugin: its list is written (and signed) once the
# image exists; until then the rule is off so the image can be imported
KEYS=$HERE/../../tests/images/data
images_policy() { # MODE
	printf '{"authz": {"rules": {"trusted_images": "%s"}, "image_lists": [{"list": "%s", "pubkey": "%s"}]}}\n' \
		"$1" "$T/bench.list" "$T/a.pub" >"$T/images.json"
	chmod 0600 "$T/images.json"
}
install -m 0644 "$KEYS/a.pub" "$T/a.pub"
: >"$T/bench.list"
chmod 0644 "$T/bench.list"
"$B/cli/dockwarden" image sign --seckey "$KEYS/a.key" "$T/bench.list" >/dev/null
images_policy off
"$AZ" --socket "$T/im.sock" --policy "$T/images.json" --docker-socket "$T/d-images/docker.sock" \
	--foreground 2>"$T/im.err" &
echo $! >"$T/im.pid"
dw_on_exit "_dw_kill_pidfile '$T/im.pid'"
dw_wait_for 10 test -S "$T/dw.sock"
dw_wait_for 10 test -S "$T/aa.sock"
dw_wait_for 10 test -S "$T/im.sock"
mkdir -p /etc/docker/plugins
sa=dwt-bench-$lane-allow sd=dwt-bench-$lane-dw si=dwt-bench-$lane-im
echo "unix://$T/aa.sock" >"/etc/docker/plugins/$sa.spec"
echo "unix://$T/dw.sock" >"/etc/docker/plugins/$sd.spec"
echo "unix://$T/im.sock" >"/etc/docker/plugins/$si.spec"
dw_on_exit "rm -f /etc/docker/plugins/$sa.spec /etc/docker/plugins/$sd.spec /etc/docker/plugins/$si.spec"
declare -A ARGS=([none]="" [allowall]="--authorization-plugin=$sa" [dockwarden]="--authorization-plugin=$sd"
	[images]="--authorization-plugin=$si")
root=$(mktemp -d /tmp/dwt-authz-rootfs.XXXXXX)
dw_on_exit "rm -rf '$root'"
mkdir -p "$root/bin" "$root/tmp"; cp /bin/busybox "$root/bin/"
for c in true sleep sh; do ln -s busybox "$root/bin/$c"; done
chmod 755 "$root"
for k in none allowall dockwarden images; do
	# shellcheck disable=SC2086
	dw_dockerd_start "$T/d-$k" ${ARGS[$k]}
	tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - dwt-bb >/dev/null
	docker run -d --name dwt-bench --memory 64m --pids-limit 64 --user 1000 dwt-bb /bin/sleep 3600 >/dev/null
done
# (on the images dockerd, the last one) an image the list will not hold
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'LABEL unlisted=1' - dwt-unlisted >/dev/null
# the image on the list, the rule on
echo "$(docker image inspect -f '{{.Id}}' dwt-bb) bench" >"$T/bench.list"
"$B/cli/dockwarden" image sign --seckey "$KEYS/a.key" "$T/bench.list" >/dev/null
images_policy deny
kill -HUP "$(cat "$T/im.pid")"
dw_wait_for 10 grep -q "image list $T/bench.list: 1 images" "$T/im.err" ||
	{ echo "the image plugin did not load its list: $(tail -3 "$T/im.err")" >&2; exit 1; }
out=$(docker run --rm --memory 64m --pids-limit 64 --user 1000 dwt-unlisted /bin/true 2>&1) &&
	{ echo "the image plugin allowed an image not on its list" >&2; exit 1; }
grep -q "trusted_images: Image dwt-unlisted .* is on no trusted image list" <<<"$out" ||
	{ echo "unlisted image: unexpected answer: $out" >&2; exit 1; }
denials=$(grep -c "trusted_images" "$T/im.err" || true)
api=$(docker version -f '{{.Server.APIVersion}}')
server=$(docker version -f '{{.Server.Version}}')

python3 - "$T" "$api" <<'PY'
import io, json, sys, tarfile
t, api = sys.argv[1], sys.argv[2]
def req(name, method, path, body=b"", ctype=None):
    h = "%s /v%s%s HTTP/1.1\r\nHost: d\r\n" % (method, api, path)
    if ctype:
        h += "Content-Type: %s\r\n" % ctype
    if method in ("POST", "PUT"):
        h += "Content-Length: %d\r\n" % len(body)
    open("%s/%s.http" % (t, name), "wb").write(h.encode() + b"\r\n" + body)
req("get", "GET", "/containers/json")
req("create", "POST", "/containers/create", json.dumps({"Image": "dwt-bb", "User": "1000",
    "Cmd": ["/bin/true"], "HostConfig": {"Memory": 67108864, "PidsLimit": 64}}).encode(), "application/json")
req("exec", "POST", "/containers/dwt-bench/exec", json.dumps({"Cmd": ["/bin/true"], "User": "1000"}).encode(),
    "application/json")
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as tf:
    data = b"hello\n"
    ti = tarfile.TarInfo("f")
    ti.size = len(data)
    tf.addfile(ti, io.BytesIO(data))
req("cp", "PUT", "/containers/dwt-bench/archive?path=/tmp", buf.getvalue(), "application/x-tar")
req("cpout", "GET", "/containers/dwt-bench/archive?path=/tmp/f")
PY

: >"$T/samples"
sample() { # KEY DAEMON REQUEST COUNT EXPECT
	local out
	out=$("$LOAD" --socket "$T/d-$2/docker.sock" --request "$T/$3.http" --count "$4" --expect "$5")
	printf '  %-10s %-10s %s\n' "$1" "$2" "$out"
	printf '%s-%s %s\n' "$1" "$2" "$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["p50_us"])' <<<"$out")" >>"$T/samples"
}
# CLI level, as a user waits for it: the median wall time of RUNS commands
# of each kind.  start: RUNS stopped containers made beforehand, each
# started once (dockwarden asks dockerd for each one's configuration).
sample_cli() { # DAEMON
	local out
	out=$(DOCKER_HOST=unix://$T/d-$1/docker.sock python3 - "$RUNS" "$T/cli-file" <<'PY'
import statistics, subprocess, sys, time
runs, f = int(sys.argv[1]), sys.argv[2]
LIM = ["--memory", "64m", "--pids-limit", "64", "--user", "1000"]
def timed(argv):
    a = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.monotonic() - a) * 1e6
ids = [subprocess.run(["docker", "create"] + LIM + ["dwt-bb", "/bin/true"], check=True,
                      capture_output=True, text=True).stdout.strip() for _ in range(runs)]
t = {"run": [], "exec": [], "cpin": [], "start": []}
for i in range(runs):
    t["run"].append(timed(["docker", "run", "--rm"] + LIM + ["dwt-bb", "/bin/true"]))
    t["exec"].append(timed(["docker", "exec", "dwt-bench", "/bin/true"]))
    t["cpin"].append(timed(["docker", "cp", f, "dwt-bench:/tmp/f"]))
    t["start"].append(timed(["docker", "start", ids[i]]))
subprocess.run(["docker", "rm", "-f"] + ids, check=True, stdout=subprocess.DEVNULL)
print(" ".join("%s=%.0f" % (k, statistics.median(v)) for k, v in t.items()))
PY
)
	printf '  %-10s %-10s %s\n' cli "$1" "$out"
	for kv in $out; do
		printf '%s-%s %s\n' "cli${kv%%=*}" "$1" "${kv#*=}" >>"$T/samples"
	done
}
echo hello >"$T/cli-file"
# the daemons' order turns each round: none is always measured first
rot() { # R ITEMS...: ITEMS rotated left by R
	local r=$1 i
	shift
	local a=("$@")
	for ((i = 0; i < ${#a[@]}; i++)); do echo "${a[(i + r) % ${#a[@]}]}"; done
}
echo "== dockerd $server (API $api), lane $lane, $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
	for k in $(rot "$r" none allowall dockwarden images); do
		sample get "$k" get "$GETS" 200
		sample create "$k" create "$CREATES" 201
		sample exec "$k" exec "$CALLS" 201
		sample cp "$k" cp "$CALLS" 200
		sample cpout "$k" cpout "$CALLS" 200
	done
	for k in $(rot "$r" allowall dockwarden images); do
		sample_cli "$k"
	done
done
[ "$(grep -c "trusted_images" "$T/im.err" || true)" = "$denials" ] ||
	{ echo "the image plugin denied a listed image: $(grep trusted_images "$T/im.err" | tail -2)" >&2; exit 1; }
grep -q "guarding dockerd" "$T/dw.err" || { echo "dockwarden never learnt its dockerd: $(cat "$T/dw.err")" >&2; exit 1; }

python3 - "$T/samples" "$lane" "$server" <<'PY'
import collections, statistics, sys
s = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    s[k].append(float(v))
m = {k: statistics.median(v) for k, v in s.items()}
lane, server = sys.argv[2], sys.argv[3]
for name, k in (("GET /containers/json", "get"), ("POST /containers/create", "create"),
                ("exec create on a container", "exec"),
                ("docker cp (PUT archive) into a container", "cp"),
                ("docker cp (GET archive) out of a container", "cpout")):
    v, a = m[k + "-dockwarden"], m[k + "-allowall"]
    print("\t".join(("%s via dockerd %s (%s), p50" % (name, server, lane), "%.1f" % v, "us/request",
                     "allow-all plugin", "%.1f" % a, "%.2f" % (v / a))))
for name, k in (("POST /containers/create, trusted_images on", "create-images"),
                ("docker run --rm (CLI), trusted_images on", "clirun-images"),
                ("docker run --rm (CLI)", "clirun-dockwarden"),
                ("docker exec (CLI) into a running container", "cliexec-dockwarden"),
                ("docker cp (CLI) into a running container", "clicpin-dockwarden"),
                ("docker start (CLI) of a stopped container", "clistart-dockwarden")):
    v, a = m[k], m[k.split("-")[0] + "-allowall"]
    print("\t".join(("%s, via dockerd %s (%s), p50" % (name, server, lane), "%.1f" % v,
                     "us/command" if k.startswith("cli") else "us/request",
                     "allow-all plugin", "%.1f" % a, "%.2f" % (v / a))))
PY
