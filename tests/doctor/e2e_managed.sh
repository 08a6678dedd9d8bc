#!/bin/bash
# e2e_managed.sh DOCKWARDEN AUTHZ_PLUGIN - doctor probes a managed (v2)
# authorization plugin where dockerd runs it.
#
# dockwarden-authz itself, packed as a managed plugin (its binary and the
# libraries it loads, docker plugin create from a directory: no registry),
# enabled, and named by dockerd's --authorization-plugin.  doctor asks
# dockerd's GET /plugins for it and POSTs /Plugin.Activate on the socket
# dockerd gave it (/run/docker/plugins/ID/SOCKET, whatever dockerd's
# --exec-root): cis-2.12 passes with that answer.
set -euo pipefail
DW=$(readlink -f "$1")
PLUGIN=$(readlink -f "$2")
. "$(dirname "$0")/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_tmpdir T
D=$T/d
fail() { dw_log "--- doctor: $(cat "$T/out.txt" 2>/dev/null)"; dw_die "$*"; }
doctor() {
	rc=0
	"$DW" doctor --docker-socket "$D/docker.sock" --only cis-2.12 "$@" >"$T/out.txt" 2>&1 || rc=$?
}

# the plugin's directory: config.json and a rootfs with the binary and its libraries
P=$T/plugin
mkdir -p "$P/rootfs/run/docker/plugins" "$P/rootfs/tmp"
cp "$PLUGIN" "$P/rootfs/dockwarden-authz"
for lib in $(ldd "$PLUGIN" | grep -o '/[^ ]*'); do
	cp --parents -L "$lib" "$P/rootfs/"
done
printf '{}\n' >"$P/rootfs/policy.json"
chmod 0600 "$P/rootfs/policy.json"
cat >"$P/config.json" <<'EOF'
{
  "description": "dockwarden-authz (test)",
  "documentation": "https://example.invalid/dockwarden",
  "entrypoint": ["/dockwarden-authz", "--socket", "/run/docker/plugins/dw.sock",
                 "--policy", "/policy.json", "--docker-socket", "/run/nonexistent.sock",
                 "--foreground"],
  "interface": { "types": ["docker.authz/1.0"], "socket": "dw.sock" },
  "network": { "type": "host" }
}
EOF

# dockerd runs managed plugins under the host's /run/docker/plugins: what
# this test makes there goes again
for d in /run/docker /run/docker/plugins; do
	[ -d "$d" ] || dw_on_exit "rmdir '$d' 2>/dev/null || true"
done
dw_dockerd_start "$D"
docker plugin create dwt/authz "$P" >/dev/null || fail "docker plugin create"
docker plugin enable dwt/authz >/dev/null || fail "docker plugin enable: $(tail -3 "$D/dockerd.log")"
id=$(docker plugin inspect -f '{{.Id}}' dwt/authz)
# dockerd removes it when the plugin stops; not left behind if it does not
dw_on_exit "rm -rf '/run/docker/plugins/$id'"
dw_ok "managed plugin dwt/authz:latest created and enabled ($id)"
_dw_kill_pidfile "$D/dockerd.ownpid"
dw_dockerd_start "$D" --authorization-plugin=dwt/authz
docker ps >/dev/null || fail "dockerd with the managed plugin refuses docker ps"

doctor
[ $rc = 0 ] || fail "doctor exit $rc"
grep -q "^PASS cis-2.12 .*\[dwt/authz\]: answered on unix:///run/docker/plugins/$id/dw.sock: {\"Implements\":\[\"authz\"\]}" "$T/out.txt" ||
	fail "cis-2.12 did not probe the managed plugin's socket"
dw_ok "doctor: cis-2.12 passes on the managed plugin's own answer"

dw_log "e2e_managed: $DW_PASS checks passed"
