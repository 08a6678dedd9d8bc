#!/bin/bash
# authz_stress.sh PLUGIN [SECONDS [CLIENTS [SLOW [KILL_EVERY]]]]
#
# dockwarden-authz in front of a private dockerd under load:
# CLIENTS (200) concurrent Docker API clients and SLOW (20) byte-at-a-time
# clients that never finish, for SECONDS (60), while the plugin is killed
# (SIGKILL and SIGTERM, alternately) every KILL_EVERY (5) seconds and
# restarted on the same listening socket (socket_holder.py: what systemd
# socket activation does).  Zero failed Docker API calls allowed.
set -euo pipefail
PLUGIN=$(readlink -f "$1")
secs=${2:-60} clients=${3:-200} slow=${4:-20} every=${5:-5}
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_dockerd_lane # a lane that cannot run here is a SKIP before anything starts
dw_tmpdir T
SPEC=/etc/docker/plugins/dwt-authz-stress.spec
mkdir -p /etc/docker/plugins
[ ! -e "$SPEC" ] || dw_die "$SPEC exists: another run in progress?"
dw_syslog_start "$T"

# built-in default policy (no file): privileged creates are denied
"$here/socket_holder.py" "$T/authz.sock" "$T/plugin.pid" -- \
	"$PLUGIN" --policy "$T/no-policy.json" --foreground 2>"$T/plugin.err" &
echo $! >"$T/holder.pid"
dw_on_exit "_dw_kill_pidfile '$T/holder.pid'"
dw_wait_for 10 test -s "$T/plugin.pid" || dw_die "socket holder did not start the plugin"
# The plugin must answer on the inherited socket (not a socket of its own).
activate() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"POST /Plugin.Activate HTTP/1.1\r\nHost: p\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
data = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
sys.exit(0 if b'"authz"' in data else 1)
PY
}
activate "$T/authz.sock" || dw_die "plugin does not answer on the activated socket: $(tail -3 "$T/plugin.err")"
grep -q "socket-activated" "$T/plugin.err" || dw_die "plugin did not use LISTEN_FDS: $(tail -3 "$T/plugin.err")"
echo "unix://$T/authz.sock" >"$SPEC"
dw_on_exit "rm -f '$SPEC'"

dw_dockerd_start "$T/d" --authorization-plugin=dwt-authz-stress
ulimit -n 65536 2>/dev/null || true
# calls at this dockerd's own API version (each lane's differs)
DW_DOCKER_API=$(docker version --format '{{.Server.APIVersion}}')
export DW_DOCKER_API
rc=0
"$here/authz_load.py" "$T/d/docker.sock" "$T/authz.sock" "$T/plugin.pid" "$secs" "$clients" "$slow" "$every" || rc=$?
if [ $rc -ne 0 ]; then
	dw_log "plugin stderr (last lines):"; tail -20 "$T/plugin.err" >&2
	dw_log "dockerd log (authz lines):"; grep -i authz "$T/d/dockerd.log" | tail -20 >&2 || true
	dw_die "Docker API calls failed under load and plugin restarts"
fi
dw_log "dockerd retried plugin calls $(grep -c 'Unable to connect to plugin' "$T/d/dockerd.log" || true) times"
# The plugin still decides after all that: one denied and one allowed call.
docker ps >/dev/null || dw_die "docker ps after the run"
if out=$(docker create --privileged dwt-none 2>&1); then dw_die "privileged create allowed"; fi
grep -q "dockwarden: denied: privileged" <<<"$out" || dw_die "unexpected answer: $out"
dw_log "ok: $secs s under load with restarts, zero failed Docker API calls"
