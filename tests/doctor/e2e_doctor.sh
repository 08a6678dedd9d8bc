#!/bin/bash
# e2e_doctor.sh DOCKWARDEN AUTHZ_PLUGIN - dockwarden doctor against real daemons.
#
# A private dockerd (Debian's), the real dockwarden-authz in front of it, a
# private auditd: a host set up well gives no fail and no false warn; then
# each setting is broken in turn and its check must flip: the plugin dead,
# a TCP listener without TLS (127.0.0.1 only), daemon.json settings, file
# modes, audit watches, the forwarder file, sshd's PasswordAuthentication;
# existing containers and volumes are judged with the plugin's messages.
# Creates the user dwt_dr_user and group dwt_dr_guard, removed after.
set -euo pipefail
DW=$(readlink -f "$1")
PLUGIN=$(readlink -f "$2")
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"
. "$here/../pam/dwt_users.sh"
dw_e2e_lock "$@"
dw_tmpdir T
dw_on_exit "dwt_cleanup"
SPEC=/etc/docker/plugins/dwt-doctor.spec
mkdir -p /etc/docker/plugins
[ ! -e "$SPEC" ] || dw_die "$SPEC exists: another run in progress?"
pass=0
ok() { pass=$((pass + 1)); dw_log "ok: $*"; }
fail() { dw_log "--- doctor output:"; cat "$T/out.txt" >&2 2>/dev/null || true; dw_die "$*"; }

dwt_group dwt_dr_guard
dwt_user dwt_dr_user users dwt_dr_guard
cat >"$T/policy.json" <<JSON
{ "trusted": { "users": ["dwt_dr_user"], "networks": ["127.0.0.0/8"] },
  "pam": { "guarded_groups": ["dwt_dr_guard"] } }
JSON
chmod 0644 "$T/policy.json"
mkdir -p "$T/pam.d" "$T/audit-plugins"
printf 'auth required pam_unix.so\nauth optional pam_dockwarden.so\naccount required pam_unix.so\naccount required pam_dockwarden.so\nsession required pam_unix.so\nsession required pam_dockwarden.so\n' >"$T/pam.d/sshd"
if [ ! -d /run/sshd ]; then # sshd -T wants its privilege separation directory
	install -d -m 0755 /run/sshd
	dw_on_exit "rmdir /run/sshd 2>/dev/null"
fi
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
printf 'HostKey %s\nUsePAM yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n' \
	"$T/hostkey" >"$T/sshd_config"

D="$T/d"
SOCK="$D/docker.sock"
# doctor ARGS...: run it; text in out.txt, JSON in out.json, exit status in $rc
doctor() {
	rc=0
	"$DW" doctor --docker-socket "$SOCK" --policy "$T/policy.json" --sshd-pam "$T/pam.d/sshd" \
		--sshd-config "$T/sshd_config" --audit-plugins-dir "$T/audit-plugins" "$@" \
		>"$T/out.txt" 2>&1 || rc=$?
	"$DW" doctor --json --docker-socket "$SOCK" --policy "$T/policy.json" --sshd-pam "$T/pam.d/sshd" \
		--sshd-config "$T/sshd_config" --audit-plugins-dir "$T/audit-plugins" "$@" \
		>"$T/out.json" 2>/dev/null || true
}
# level ID [OBJECT]: the levels of ID's results (of OBJECT), one per line
level() {
	jq -r --arg id "$1" --arg obj "${2:-}" \
		'.checks[] | select(.id == $id and ($obj == "" or .object == $obj)) | .level' "$T/out.json"
}
want() { # ID LEVEL [OBJECT]
	local got
	got=$(level "$1" "${3:-}" | sort -u | tr '\n' ' ')
	[ "$got" = "$2 " ] || fail "$1${3:+ [$3]}: level '$got', want $2"
}
evidence() { # ID: evidence (or reason) of its results
	jq -r --arg id "$1" '.checks[] | select(.id == $id) | (.evidence // .reason)' "$T/out.json"
}

GOOD_JSON='{"live-restore": true, "userland-proxy": false, "no-new-privileges": true,
 "builder": {"entitlements": {"network-host": false, "device": false}}}'
start_dockerd() { # DAEMON_JSON EXTRA ARGS...
	local j=$1; shift
	DW_DOCKERD_JSON=$j dw_dockerd_start "$D" "$@"
}
start_plugin() {
	"$PLUGIN" --socket "$T/authz.sock" --policy "$PLUGIN_POLICY" --foreground 2>>"$T/authz.err" &
	echo $! >"$T/authz.pid"
	dw_wait_for 10 test -S "$T/authz.sock" || dw_die "plugin did not start: $(cat "$T/authz.err")"
}
dw_on_exit "_dw_kill_pidfile '$T/authz.pid'"
echo "unix://$T/authz.sock" >"$SPEC"
dw_on_exit "rm -f '$SPEC'"

# --- dockerd with no authorization plugin ----------------------------------------
start_dockerd '{}'
doctor --only cis-2.12
[ $rc = 2 ] || fail "no plugin: exit $rc, want 2"
want cis-2.12 fail
evidence cis-2.12 | grep -q "dockerd uses no authorization plugin" || fail "no-plugin evidence"
ok "no authorization plugin: cis-2.12 fails"
dw_dockerd_stop "$D"

# --- a host set up well ----------------------------------------------------------
# The plugin only warns on privileged and host mounts, so that the objects
# below exist; doctor judges them by its own policy (the default rules: deny).
printf '{"authz": {"rules": {"privileged": "warn", "host_mounts": "warn", "swarm": "off"}}}\n' >"$T/lenient.json"
chmod 0644 "$T/lenient.json"
PLUGIN_POLICY=$T/lenient.json
start_plugin
start_dockerd "$GOOD_JSON" --authorization-plugin=dwt-doctor
dw_busybox_image dwt-bb
LIM=(--memory 64m --pids-limit 64)
docker create --name dwt-good "${LIM[@]}" --user 1000 dwt-bb /bin/true >/dev/null
docker create --name dwt-priv "${LIM[@]}" --user 1000 --privileged dwt-bb /bin/true >/dev/null
docker create --name dwt-etc "${LIM[@]}" --user 1000 -v /etc:/x dwt-bb /bin/true >/dev/null
docker volume create dwt-vol >/dev/null
docker volume create --driver local --opt type=none --opt o=bind --opt device=/etc dwt-evil >/dev/null
dw_auditd_start "$T/audit"
# the watches of two sections, on this host's paths; removed again at exit
mkdir -p /etc/docker
# A rule the kernel holds already (the host's own, loaded before this run)
# stays: it is neither added twice nor removed at exit.
add_watch() { # auditctl -a ARGS...
	local err
	if err=$(auditctl -a "$@" 2>&1 >/dev/null); then
		dw_on_exit "auditctl -d $(printf '%q ' "$@") >/dev/null 2>&1"
	elif grep -q 'Rule exists' <<<"$err"; then
		dw_log "the kernel has this rule already (kept as found): $*"
	else
		dw_die "auditctl -a $*: $err"
	fi
}
add_watch always,exit -F dir=/etc/docker -F perm=wa -k docker
add_watch always,exit -F path=/usr/sbin/dockerd -F perm=wax -k docker
doctor
for id in dw-policy dw-docker-api dw-daemon-json cis-2.12 cis-2.7 cis-2.15 cis-2.16 cis-2.14 \
	cis-2.17 dw-buildkit dw-docker-version cis-3.15 cis-3.17 dw-auditd cis-1.1.6 cis-1.1.3 \
	cis-1.1.2 dw-pam-sshd dw-ssh-password dw-swarm; do
	want "$id" pass
done
want cis-2.2 skip   # --bridge=none: there is no default bridge
want dw-apparmor "$( [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && echo pass || echo skip)"
want dw-container pass dwt-good
want dw-volume pass dwt-vol
# what may still warn on a well-set test host, each for a true reason:
# cis-2.9 (no userns-remap: it would add a host user), other audit sections
# (this test loads two), the forwarder (not installed here)
bad=$(jq -r '.checks[] | select(.level == "fail" and .id != "dw-container" and .id != "dw-volume") | .id' "$T/out.json")
[ -z "$bad" ] || fail "well-set host fails: $bad"
warns=$(jq -r '.checks[] | select(.level == "warn") | .id' "$T/out.json" | sort -u | tr '\n' ' ')
for w in $warns; do
	case $w in cis-2.9|cis-1.1.*|dw-forwarder) ;; *) fail "false warning $w" ;; esac
done
ok "well-set host: no fail, warnings only where true ($warns)"

# --- existing objects, judged with the plugin's own messages ---------------------
want dw-container fail dwt-priv
jq -e '.checks[] | select(.object == "dwt-priv") | .evidence == "dockwarden: denied: privileged: HostConfig.Privileged is true"' "$T/out.json" >/dev/null ||
	fail "dwt-priv message"
jq -e '.checks[] | select(.object == "dwt-etc") | .evidence == "dockwarden: denied: host_mounts: HostConfig.Binds[0] source /etc is a sensitive host path"' "$T/out.json" >/dev/null ||
	fail "dwt-etc message"
jq -e '.checks[] | select(.object == "dwt-evil") | .evidence == "dockwarden: denied: host_mounts: DriverOpts device /etc is a sensitive host path"' "$T/out.json" >/dev/null ||
	fail "dwt-evil message"
# the plugin itself, on the default rules, denies the same request word for word
_dw_kill_pidfile "$T/authz.pid"
PLUGIN_POLICY=$T/no-policy.json
start_plugin
out=$(docker run --rm "${LIM[@]}" --user 1000 --privileged dwt-bb /bin/true 2>&1) && fail "privileged run allowed"
grep -qF "dockwarden: denied: privileged: HostConfig.Privileged is true" <<<"$out" || fail "plugin said: $out"
[ $rc = 2 ] || fail "objects failing: exit $rc, want 2"
ok "containers and volumes judged like denials (exit 2)"
doctor --skip dw-container dw-volume
[ $rc = 0 ] || fail "without the objects: exit $rc, want 0"
doctor --strict --skip dw-container dw-volume
[ $rc = 1 ] || fail "--strict with warnings: exit $rc, want 1"
ok "exit 0 with warnings, 1 with --strict"

# --- file modes ----------------------------------------------------------------------
chmod 0666 "$D/daemon.json" "$SOCK"
chmod 0664 "$T/policy.json"
doctor --only cis-3 dw-file-policy dw-policy
want cis-3.17 fail; want cis-3.15 fail; want dw-file-policy fail; want dw-policy fail
chmod 0644 "$D/daemon.json" "$T/policy.json"; chmod 0660 "$SOCK"
doctor --only cis-3.15 cis-3.17 dw-file-policy
want cis-3.17 pass; want cis-3.15 pass; want dw-file-policy pass
ok "file modes flip cis-3.15, cis-3.17, dw-file-policy"

# --- audit -----------------------------------------------------------------------------
auditctl -d always,exit -F dir=/etc/docker -F perm=wa -k docker >/dev/null
doctor --only cis-1.1.6
want cis-1.1.6 warn
evidence cis-1.1.6 | grep -q "not watched (key docker): /etc/docker" || fail "cis-1.1.6 evidence"
auditctl -a always,exit -F dir=/etc/docker -F perm=wa -k docker >/dev/null
printf 'active = no\npath = /usr/sbin/dockwarden-audisp\ntype = always\n' >"$T/audit-plugins/dw.conf"
doctor --only dw-forwarder cis-1.1.6
want cis-1.1.6 pass; want dw-forwarder warn
sed -i 's/active = no/active = yes/' "$T/audit-plugins/dw.conf"
doctor --only dw-forwarder
want dw-forwarder fail   # active, but the policy has no forward.target
dw_auditd_stop
doctor --only dw-auditd
want dw-auditd fail      # the forwarder is active and no auditd runs
rm "$T/audit-plugins/dw.conf"
doctor --only dw-auditd
want dw-auditd warn
ok "audit: a missing watch, the forwarder file and auditd flip their checks"

# --- sshd password logins for a guarded user ---------------------------------------------
sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' "$T/sshd_config"
doctor --only dw-ssh-password
want dw-ssh-password warn dwt_dr_user
sed -i 's/^PasswordAuthentication yes/PasswordAuthentication no/' "$T/sshd_config"
ok "sshd PasswordAuthentication yes for a guarded user warns"

# --- daemon.json settings broken -----------------------------------------------------------
dw_dockerd_stop "$D"
start_dockerd '{"live-restore": false, "userland-proxy": true, "no-new-privileges": false,
 "builder": {"entitlements": {"security-insecure": true}}}' --authorization-plugin=dwt-doctor
doctor --only cis-2.15 cis-2.16 cis-2.14 dw-buildkit
want cis-2.15 warn; want cis-2.16 warn; want cis-2.14 warn; want dw-buildkit fail
[ $rc = 2 ] || fail "security-insecure: exit $rc"
ok "live-restore, userland-proxy, no-new-privileges, BuildKit entitlements flip"
# a swarm node (live-restore is off here, as swarm mode needs): the plugin's
# lenient policy lets it init, doctor's own denies swarm
_dw_kill_pidfile "$T/authz.pid"
PLUGIN_POLICY=$T/lenient.json
start_plugin
docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:0 >/dev/null 2>"$T/swarm.err" ||
	fail "swarm init: $(cat "$T/swarm.err")"
doctor --only dw-swarm
want dw-swarm fail
[ $rc = 2 ] || fail "swarm node: exit $rc, want 2"
evidence dw-swarm | grep -q 'Swarm.LocalNodeState is active: tasks a manager sends run without passing any authorization plugin' ||
	fail "dw-swarm evidence: $(evidence dw-swarm)"
docker swarm leave --force >/dev/null 2>&1 || fail "swarm leave"
doctor --only dw-swarm
want dw-swarm pass
ok "a swarm node fails dw-swarm"
_dw_kill_pidfile "$T/authz.pid"
PLUGIN_POLICY=$T/no-policy.json
start_plugin

# --- a TCP listener without TLS, on 127.0.0.1 ---------------------------------------------
dw_dockerd_stop "$D"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_dockerd "$GOOD_JSON" --authorization-plugin=dwt-doctor -H "tcp://127.0.0.1:$port"
doctor --only cis-2.7
want cis-2.7 fail "tcp://127.0.0.1:$port"
ok "TCP without TLS verification fails cis-2.7"

# --- the plugin configured but dead ---------------------------------------------------------
_dw_kill_pidfile "$T/authz.pid"
start=$SECONDS
doctor --only cis-2.12 dw-docker-api
[ $rc = 2 ] || fail "dead plugin: exit $rc, want 2"
want cis-2.12 fail dwt-doctor
want dw-docker-api fail
evidence cis-2.12 | grep -q "configured but not answering: POST /Plugin.Activate on unix://$T/authz.sock" ||
	fail "dead plugin evidence"
[ $((SECONDS - start)) -lt 10 ] || fail "dead plugin: doctor took $((SECONDS - start)) s"
ok "a configured but dead plugin fails cis-2.12 and dw-docker-api, quickly"
rm -f "$SPEC"
doctor --only cis-2.12
want cis-2.12 fail dwt-doctor
evidence cis-2.12 | grep -q "no dwt-doctor.sock in /run/docker/plugins" || fail "missing spec evidence"
ok "a configured plugin with no spec or socket fails cis-2.12"
# the plugin back, so that the cleanup's docker calls are answered at once
echo "unix://$T/authz.sock" >"$SPEC"
start_plugin

dw_log "all $pass doctor checks passed"
