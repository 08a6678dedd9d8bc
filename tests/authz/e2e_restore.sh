#!/bin/bash
# e2e_restore.sh PLUGIN_BINARY - containers made before the plugin existed.
#
# A dockerd with live-restore and no authorization plugin runs a privileged
# container, one that binds /etc, and a plain one.  dockerd stops (the
# containers keep running, as live-restore promises) and comes back with
# dockwarden in front.  Borrowing from the old containers is judged by what
# dockerd reports of them now: exec and cp into the privileged and the /etc
# ones are denied naming them, the plain one works, and none of them was
# stopped by the restart.
set -euo pipefail
PLUGIN=$(readlink -f "$1")
. "$(dirname "$0")/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_tmpdir T
dw_authz_spec dwt-authz-restore
fail() { dw_log "plugin: $(tail -5 "$T/authz.err" 2>/dev/null)"; dw_die "$*"; }

# --- before: no plugin ---------------------------------------------------------
dw_dockerd_start "$T/d" --live-restore
dw_busybox_image dwt-bb
LIM=(--memory 64m --pids-limit 64 --user 1000)
docker run -d --name dwt-pre-priv "${LIM[@]}" --privileged dwt-bb /bin/sleep 600 >/dev/null
docker run -d --name dwt-pre-etc "${LIM[@]}" -v /etc:/host-etc:ro dwt-bb /bin/sleep 600 >/dev/null
docker run -d --name dwt-pre-plain "${LIM[@]}" dwt-bb /bin/sleep 600 >/dev/null
declare -A pid
for c in dwt-pre-priv dwt-pre-etc dwt-pre-plain; do
	pid[$c]=$(docker inspect -f '{{.State.Pid}}' "$c")
	[ "${pid[$c]}" -gt 0 ] || fail "$c is not running"
done
dw_ok "three containers running under a dockerd without a plugin"

# --- dockerd restarts with dockwarden; the containers stay up ----------------------
_dw_kill_pidfile "$T/d/dockerd.ownpid"
for c in "${!pid[@]}"; do
	kill -0 "${pid[$c]}" 2>/dev/null || fail "$c died with dockerd (live-restore did not keep it)"
done
dw_ok "dockerd stopped; its containers still run (live-restore)"

printf '{}\n' >"$T/policy.json"
chmod 0600 "$T/policy.json"
dw_authz_start "$PLUGIN" "$T" "$T/policy.json" "$T/d/docker.sock"
dw_dockerd_start "$T/d" --live-restore --authorization-plugin=dwt-authz-restore
for c in "${!pid[@]}"; do
	[ "$(docker inspect -f '{{.State.Pid}}' "$c")" = "${pid[$c]}" ] ||
		fail "$c was restarted: pid $(docker inspect -f '{{.State.Pid}}' "$c"), was ${pid[$c]}"
done
dw_ok "dockerd back with dockwarden in front; the three containers restored, same processes"

D="dockwarden: denied:"
DW_DENIED_BY="authorization denied by plugin dwt-authz-restore:"
echo planted >"$T/planted"
dw_denied "$D privileged: exec into container dwt-pre-priv (HostConfig.Privileged is true)" \
	docker exec dwt-pre-priv /bin/true
dw_denied "$D host_mounts: exec into container dwt-pre-etc (HostConfig.Binds[0] source /etc is a sensitive host path)" \
	docker exec dwt-pre-etc /bin/true
dw_denied "$D privileged: copy files into container dwt-pre-priv (HostConfig.Privileged is true)" \
	docker cp "$T/planted" dwt-pre-priv:/tmp/planted
dw_allowed docker exec dwt-pre-plain /bin/true
dw_allowed docker cp "$T/planted" dwt-pre-plain:/tmp/planted

kill -0 "$(cat "$T/authz.pid")" || fail "plugin died"
dw_log "e2e_restore: $DW_PASS checks passed"
