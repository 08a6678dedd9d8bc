#!/bin/bash
# e2e_state.sh PLUGIN_BINARY - requests that borrow from existing objects,
# judged by those objects' configuration as a real dockerd reports it.
#
# Objects are made while the policy only warns (as on a host where they were
# made before the plugin, or under a looser profile); then the policy is
# reloaded to deny.  Each class of borrowing (exec, start, restart, attach,
# cp in and out, VolumesFrom, container: namespaces, named volumes, a classic
# build's network) is denied naming the object, and its benign twin (an
# ordinary container or volume, by name and by id prefix) works.  Last, 200
# concurrent exec/start/cp requests, each of which makes the plugin ask
# dockerd while dockerd waits for the plugin, all complete.
set -euo pipefail
PLUGIN=$(readlink -f "$1")
. "$(dirname "$0")/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_tmpdir T
dw_authz_spec dwt-authz-state
dw_syslog_start "$T"

warn='{"authz":{"rules":{"privileged":"warn","host_mounts":"warn","host_namespaces":"warn"}}}'
printf '%s\n' "$warn" >"$T/policy.json"
chmod 0600 "$T/policy.json"
dw_authz_start "$PLUGIN" "$T" "$T/policy.json" "$T/d/docker.sock"
dw_dockerd_start "$T/d" --authorization-plugin=dwt-authz-state
dw_busybox_image dwt-bb

fail() { dw_log "plugin: $(tail -5 "$T/authz.err" 2>/dev/null)"; dw_die "$*"; }
LIM=(--memory 64m --pids-limit 64 --user 1000)
D="dockwarden: denied:"
DW_DENIED_BY="authorization denied by plugin dwt-authz-state:"

# --- objects made while the rules only warn -------------------------------------
run_bg() { docker run -d "${LIM[@]}" --name "$@" dwt-bb /bin/sleep 600 >/dev/null || fail "setup: run $*"; }
run_bg dwt-priv --privileged
run_bg dwt-etc -v /etc:/host-etc
run_bg dwt-hostpid --pid host
run_bg dwt-hostnet --network host
run_bg dwt-plain
# many execs at once: each one is a process, and each runc exec setting it up is
# charged to its memory cgroup, so 64 MiB can OOM-kill an exec (exit 137)
run_bg dwt-busy --pids-limit 4096 --memory 1g
mkdir -p "$T/scratch"
run_bg dwt-scratch -v "$T/scratch:/s"
docker create "${LIM[@]}" --name dwt-stopped --privileged dwt-bb /bin/sleep 600 >/dev/null || fail "setup: create"
docker volume create --driver local --opt type=none --opt o=bind --opt device=/etc dwt-evil >/dev/null ||
	fail "setup: volume"
docker volume create dwt-vol >/dev/null || fail "setup: plain volume"
grep -q 'decision=warn' "$T/syslog.log" || fail "setup made no warnings: the policy was not the warning one"
dw_ok "objects made under the warning policy"

printf '{}\n' >"$T/policy.json"
kill -HUP "$(cat "$T/authz.pid")"
dw_wait_for 10 grep -q "policy $T/policy.json reloaded" "$T/authz.err" || fail "no reload"
dw_ok "policy reloaded: the defaults deny"

# dw_denied MSG CMD... (tests/lib/e2e.sh): CMD fails with MSG from the plugin
plain_id=$(docker container inspect -f '{{.Id}}' dwt-plain)
short=${plain_id:0:8}

# exec, start, restart, attach
dw_denied "$D privileged: exec into container dwt-priv (HostConfig.Privileged is true)" docker exec dwt-priv /bin/true
dw_denied "$D host_mounts: exec into container dwt-etc (HostConfig.Binds[0] source /etc is a sensitive host path)" docker exec dwt-etc /bin/true
dw_denied "$D host_namespaces: exec into container dwt-hostpid (HostConfig.PidMode is host)" docker exec dwt-hostpid /bin/true
dw_denied "$D host_namespaces: exec into container dwt-hostnet (HostConfig.NetworkMode is host)" docker exec dwt-hostnet /bin/true
priv_short=$(docker container inspect -f '{{.Id}}' dwt-priv | cut -c1-10)
dw_denied "$D privileged: exec into container $priv_short (HostConfig.Privileged is true)" docker exec "$priv_short" /bin/true
dw_denied "$D privileged: start container dwt-stopped (HostConfig.Privileged is true)" docker start dwt-stopped
[ "$(docker container inspect -f '{{.State.Running}}' dwt-stopped)" = false ] || fail "dwt-stopped runs"
dw_denied "$D privileged: restart container dwt-priv (HostConfig.Privileged is true)" docker restart -t 0 dwt-priv
# the CLI shows only the upgrade's status for attach: the reason is in the log
if out=$(timeout 20 docker attach --no-stdin dwt-priv 2>&1); then fail "attach to dwt-priv allowed"; fi
grep -q 'received 403' <<<"$out" || fail "attach: $out"
dw_syslog_wait "$T" 'uri=/containers/dwt-priv/attach decision=deny rule=privileged reason=".*attach to container dwt-priv' ||
	fail "no attach denial in syslog: $(grep attach "$T/syslog.log" | tail -2)"
dw_ok "denied: docker attach dwt-priv"
dw_allowed docker exec dwt-plain /bin/true
dw_allowed docker exec "$short" /bin/true
dw_allowed docker restart -t 0 dwt-plain
dw_allowed docker exec dwt-scratch /bin/true

# docker cp in and out through a host bind
echo planted >"$T/planted"
dw_denied "$D host_mounts: copy files into container dwt-etc (HostConfig.Binds[0] source /etc is a sensitive host path)" docker cp "$T/planted" dwt-etc:/host-etc/dwt-planted
[ ! -e /etc/dwt-planted ] || { rm -f /etc/dwt-planted; fail "a file was planted in the host's /etc"; }
dw_denied "$D host_mounts: copy files out of container dwt-etc (HostConfig.Binds[0] source /etc is a sensitive host path)" docker cp dwt-etc:/host-etc/shadow "$T/shadow"
[ ! -e "$T/shadow" ] || fail "/etc/shadow was read"
dw_allowed docker cp "$T/planted" dwt-plain:/tmp/planted
dw_allowed docker cp dwt-plain:/tmp/planted "$T/back"
grep -qx planted "$T/back" || fail "cp round trip lost the file"
dw_allowed docker cp "$T/planted" "$short:/tmp/p2"
dw_allowed docker cp "$T/planted" dwt-scratch:/s/p3
[ -e "$T/scratch/p3" ] || fail "cp into the scratch bind did not arrive"

# create borrowing from existing objects
n=0
deny_run() { # MSG ARGS...
	local msg=$1 name; shift
	n=$((n + 1))
	name=dwt-deny-$n
	dw_denied "$msg" docker run --rm --name "$name" "${LIM[@]}" "$@" dwt-bb /bin/true
	docker container inspect "$name" >/dev/null 2>&1 && fail "dockerd created $name"
	return 0
}
deny_run "$D host_mounts: HostConfig.VolumesFrom[0] container dwt-etc (Mounts[0] source /etc is a sensitive host path)" --volumes-from dwt-etc
deny_run "$D host_mounts: HostConfig.VolumesFrom[0] container dwt-etc (Mounts[0] source /etc is a sensitive host path)" --volumes-from dwt-etc:ro
deny_run "$D host_namespaces: HostConfig.NetworkMode joins container dwt-hostnet, whose NetworkMode is host" --network container:dwt-hostnet
deny_run "$D host_namespaces: HostConfig.PidMode joins container dwt-hostpid, whose PidMode is host" --pid container:dwt-hostpid
deny_run "$D host_mounts: HostConfig.Binds[0] volume dwt-evil (DriverOpts device /etc is a sensitive host path)" -v dwt-evil:/d
deny_run "$D host_mounts: HostConfig.Mounts[0] volume dwt-evil (DriverOpts device /etc is a sensitive host path)" --mount type=volume,src=dwt-evil,dst=/d
dw_allowed docker run --rm "${LIM[@]}" --volumes-from dwt-plain dwt-bb /bin/true
dw_allowed docker run --rm "${LIM[@]}" --volumes-from dwt-scratch dwt-bb /bin/true
dw_allowed docker run --rm "${LIM[@]}" --network "container:$short" dwt-bb /bin/true
dw_allowed docker run --rm "${LIM[@]}" --pid container:dwt-plain dwt-bb /bin/true
dw_allowed docker run --rm "${LIM[@]}" -v dwt-vol:/d dwt-bb /bin/true
dw_allowed docker run --rm "${LIM[@]}" -v dwt-newvol:/d dwt-bb /bin/true

# a classic build joining a host-network container (raw: the build context is empty)
SOCK="$T/d/docker.sock"
tar -C "$T" -cf "$T/ctx.tar" --files-from /dev/null
code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' \
	--data-binary @"$T/ctx.tar" "http://d/v1.41/build?networkmode=container:dwt-hostnet")
[ "$code" = 403 ] && grep -qF "$D host_namespaces: build networkmode joins container dwt-hostnet, whose NetworkMode is host" "$T/resp" ||
	fail "build networkmode=container:dwt-hostnet: $code $(cat "$T/resp")"
dw_ok "denied: classic build joining a host-network container"

# --- concurrency: every request below makes the plugin ask dockerd -------------
t0=$SECONDS
printf '%s\n' $(seq 1 100 | sed 's/^/exec /') $(seq 1 50 | sed 's/^/cp /') $(seq 1 50 | sed 's/^/start /') |
	timeout 300 xargs -P 50 -I{} sh -c '
		set -- {}
		out=$(case $1 in
		exec) docker exec dwt-busy /bin/true ;;
		cp) docker cp "'"$T"'/planted" dwt-busy:/tmp/c$2 ;;
		start) docker start dwt-busy ;;
		esac 2>&1) || { echo "request {} failed (exit $?): $out" >&2; exit 255; }' ||
	fail "concurrent borrowing requests failed or hung"
dw_ok "200 concurrent exec/cp/start through dockerd in $((SECONDS - t0)) s"

dw_log "$DW_PASS checks passed"
echo "1 passed, 0 failed"
