#!/bin/bash
# test_auditd_takeover.sh: dw_auditd_start on a host whose own auditd runs.
#
# A "host" auditd is started first (its own config and log, not under this
# harness's control, one watch rule of its own); then, in a child test:
#   - without DW_AUDITD_TAKEOVER, dw_auditd_start refuses and the host's
#     auditd is untouched;
#   - with DW_AUDITD_TAKEOVER=1 the private auditd gets the kernel's slot
#     and logs an event of ours; at the child's exit the host's auditd is
#     running again with its own command line, registered with the kernel,
#     its rules exactly as before (even though the child deleted them all),
#     and it logs again.
set -euo pipefail
. "${DW_E2E_LIB:?}"
dw_e2e_lock "$@"
if pgrep -x auditd >/dev/null; then
	dw_log "SKIP: an auditd runs on this machine already; this test starts its own \"host\" auditd"
	exit 77
fi
dw_tmpdir T
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# --- the "host" auditd: foreground, its own config, a rule of its own ----------
H=$T/host
mkdir -p "$H/plugins.d"
cat >"$H/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $H/audit.log
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 1
max_log_file = 64
num_logs = 2
max_log_file_action = ROTATE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
plugin_dir = $H/plugins.d
CONF
chmod 0640 "$H/auditd.conf"
was_enabled=$(auditctl -s | awk '$1 == "enabled" {print $2}')
auditd -n -c "$H" >"$H/auditd.out" 2>&1 &
# Whatever happens below, the "host" auditd (whichever pid it has by then)
# and its rule go at the end, and the kernel's enabled flag is put back.
# It has stopped before the lock is released: the next test must not find it.
stop_host() {
	local p
	for p in $(pgrep -f "^auditd -n -c $H\$"); do
		kill -TERM "$p" 2>/dev/null || continue
		dw_wait_for 10 bash -c "! kill -0 $p" || kill -KILL "$p" 2>/dev/null
	done
	dw_wait_for 5 bash -c "! pgrep -f '^auditd -n -c $H\$'" || true
}
dw_on_exit "stop_host; auditctl -W '$T/watched' -p wa -k dwt_host >/dev/null 2>&1; auditctl -e '${was_enabled:-0}' >/dev/null 2>&1"
registered() { [ "$(auditctl -s | awk '$1 == "pid" {print $2}')" = "$(pgrep -f -o "^auditd -n -c $H\$")" ]; }
dw_wait_for 20 registered || dw_die "the host auditd did not start: $(tail -3 "$H/auditd.out")"
auditctl -e 1 >/dev/null
touch "$T/watched"
auditctl -w "$T/watched" -p wa -k dwt_host >/dev/null
auditctl -l >"$T/rules.before"
host_pid=$(pgrep -f -o "^auditd -n -c $H\$")
ok "host auditd runs (pid $host_pid), rules: $(tr '\n' ';' <"$T/rules.before")"

# --- without the opt-in: refused, nothing touched -------------------------------
cat >"$T/child.sh" <<'SH'
set -euo pipefail
. "${DW_E2E_LIB:?}"
dw_auditd_start "$1/audit"
# our private auditd holds the slot and logs what happens now
[ "$(auditctl -s | awk '$1 == "pid" {print $2}')" = "$(cat "$1/audit/auditd.pid")" ] || { echo "private auditd not registered"; exit 3; }
auditctl -w "$1/mine" -p wa -k dwt_private >/dev/null
touch "$1/mine"; echo x >>"$1/mine"
dw_wait_for 10 grep -q 'key="dwt_private"' "$1/audit/audit.log" || { echo "private auditd logged nothing"; exit 4; }
# rules gone while the host's auditd is down: it must get them back
auditctl -D >/dev/null
SH
mkdir "$T/c1" "$T/c2"
rc=0
bash "$T/child.sh" "$T/c1" >"$T/c1.out" 2>&1 || rc=$?
if [ "$rc" != 0 ] && grep -q 'an auditd is already running' "$T/c1.out"; then
	ok "without DW_AUDITD_TAKEOVER: refused ($(grep -o 'an auditd is already running[^;]*' "$T/c1.out"))"
else
	bad "without DW_AUDITD_TAKEOVER: exit $rc: $(cat "$T/c1.out")"
fi
[ "$(pgrep -f -o "^auditd -n -c $H\$")" = "$host_pid" ] && ok "host auditd untouched (pid $host_pid)" ||
	bad "host auditd pid changed after a refusal"

# --- with it: taken over, then given back ----------------------------------------
rc=0
DW_AUDITD_TAKEOVER=1 bash "$T/child.sh" "$T/c2" >"$T/c2.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && ok "with DW_AUDITD_TAKEOVER=1: the private auditd ran and logged" || bad "with DW_AUDITD_TAKEOVER=1: exit $rc: $(cat "$T/c2.out")"
grep -q 'stopping it for this run' "$T/c2.out" && ok "said what it does before doing it" || bad "no announcement: $(cat "$T/c2.out")"
new_pid=$(pgrep -f -o "^auditd -n -c $H\$" || true)
if [ -n "$new_pid" ] && [ "$new_pid" != "$host_pid" ]; then
	ok "host auditd started again with its own command line (pid $new_pid)"
else
	bad "host auditd not restarted (pid now '${new_pid}', was $host_pid)"
fi
dw_wait_for 10 registered && ok "host auditd registered with the kernel again" || bad "host auditd is not the kernel's audit daemon"
auditctl -l >"$T/rules.after"
cmp -s "$T/rules.before" "$T/rules.after" && ok "host rules as before" ||
	bad "host rules differ: $(diff "$T/rules.before" "$T/rules.after" | tr '\n' ' ')"
grep -q 'key="dwt_private"' "$H/audit.log" && bad "the private run's events are in the host's log" ||
	ok "the private run's events are not in the host's log"
n0=$(grep -c '^type=SYSCALL.*key="dwt_host"' "$H/audit.log" || true)
echo y >>"$T/watched"
more() { [ "$(grep -c '^type=SYSCALL.*key="dwt_host"' "$H/audit.log" || true)" -gt "$n0" ]; }
dw_wait_for 10 more && ok "host auditd logs its own rule's events again" ||
	bad "host auditd logged no event of its rule after the restart"
grep -q 'runs again' "$T/c2.out" || bad "the child did not report the host's auditd back: $(tail -3 "$T/c2.out")"
echo "test_auditd_takeover: $fails failures"
[ "$fails" = 0 ]
