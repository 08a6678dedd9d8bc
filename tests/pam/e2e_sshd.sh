#!/bin/bash
# e2e_sshd.sh MODULE: pam_dockwarden.so in the account stack of a real sshd.
#
# A copy of Debian's /usr/sbin/sshd named sshd-dwtest runs privately on a
# loopback port with its own host key and config.  OpenSSH names its PAM
# service after its binary (SSHD_PAM_SERVICE defaults to __progname, the
# basename of argv[0]), so /etc/pam.d/sshd-dwtest - the system's sshd stack
# plus our account line - is used and the real sshd setup is untouched.
# The log lines prove it: the module logs service=sshd-dwtest.
#
# Users (created for the run, removed after):
#   dwt_e_alice  docker group, trusted, key + password
#   dwt_e_carol  docker group, NOT trusted, key
#   dwt_e_dave   not in docker, password
# Policy: guarded_groups [docker], trusted.networks [127.0.0.0/8] only (so
# ::1 is outside), require_publickey.
#
# What sshd 9.2 passes at account time (verified here): SSH_AUTH_INFO_0 is
# EMPTY for a one-method login (the monitor runs pam_acct_mgmt before it
# records the method), so the module tells keys from passwords by whether
# PAM authentication ran in the handle (method=publickey vs method=password or
# keyboard-interactive).
#
# Every attempt is checked for its outcome, its syslog line (decision, rule,
# user, service, method) and its audit record (type, op, res) - through a
# private rsyslogd on /dev/log and a private auditd (tests/lib/e2e.sh).
set -euo pipefail

module=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"
. "$here/../lib/sshd.sh"
. "$here/dwt_users.sh"

dw_e2e_lock "$@"
dw_tmpdir T
chmod 0755 "$T"
dw_on_exit dwt_cleanup

# --- logs ------------------------------------------------------------------
dw_syslog_start "$T"
dw_auditd_start "$T/audit"

# --- users -------------------------------------------------------------------
mkdir -p "$T/home"
dwt_user dwt_e_alice users docker "$T/home/dwt_e_alice"
dwt_user dwt_e_carol users docker "$T/home/dwt_e_carol"
dwt_user dwt_e_dave users "" "$T/home/dwt_e_dave"
pw='Dw-e2e-pass-4711'
printf '%s:%s\n' dwt_e_alice "$pw" dwt_e_carol "$pw" dwt_e_dave "$pw" | chpasswd
for u in dwt_e_alice dwt_e_carol; do
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$T/key_$u"
	install -d -m 0700 -o "$u" -g users "$T/home/$u/.ssh"
	install -m 0600 -o "$u" -g users "$T/key_$u.pub" "$T/home/$u/.ssh/authorized_keys"
done

# --- policy --------------------------------------------------------------------
cat >"$T/policy.json" <<'JSON'
{
  "trusted": { "users": ["dwt_e_alice"], "groups": [], "networks": ["127.0.0.0/8"] },
  "pam": { "guarded_groups": ["docker"], "require_publickey": true, "allow_local": true }
}
JSON
chmod 0644 "$T/policy.json"

# --- sshd ------------------------------------------------------------------------
port=$(dw_free_port 22220 22239) || dw_die "no free port in 22220-22239"
svc=sshd-dwtest
dw_sshd_pam_service "$svc" "$module" "$T/policy.json"
[ "$(grep -c "pam_dockwarden.so policy=" "/etc/pam.d/$svc")" = 3 ]
dw_sshd_start "$T" "$svc" "$port" 'dwt_e_*'

try_key() { dw_ssh_key "$T/key_$1" "$port" "$1" "$2"; }
try_password() { dw_ssh_password "$pw" "$port" "$1" "$2" password; }
try_kbdint() { dw_ssh_password "$pw" "$port" "$1" "$2" keyboard-interactive; }

audit_log=$T/audit/audit.log
fails=0
n=0

# attempt NAME EXPECT(ok|refused) FUNC USER ADDR SYSLOG_RE AUDIT_RE
# SYSLOG_RE "-": the attempt must leave no dockwarden-pam line at all.
attempt() {
	local name=$1 expect=$2 func=$3 user=$4 addr=$5 sre=$6 are=$7
	local s0 a0 rc=0 ok=1 got
	n=$((n + 1))
	s0=$(wc -l <"$T/syslog.log")
	a0=$(wc -l <"$audit_log")
	"$func" "$user" "$addr" >"$T/ssh.$n.out" 2>&1 || rc=$?
	if [ "$expect" = ok ] && [ $rc -ne 0 ]; then
		dw_log "FAIL $name: login refused (ssh rc $rc): $(tail -3 "$T/ssh.$n.out")"; ok=0
	elif [ "$expect" = refused ] && [ $rc -eq 0 ]; then
		dw_log "FAIL $name: login succeeded"; ok=0
	fi
	if [ "$sre" = - ]; then
		# sshd has finished with the connection when ssh returns; give
		# rsyslog a moment, then make sure nothing of ours was logged.
		sleep 1
		if tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -q "dockwarden-pam.*user=$user"; then
			dw_log "FAIL $name: unexpected dockwarden-pam line: $(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep dockwarden-pam)"; ok=0
		fi
	else
		if ! dw_wait_for 10 bash -c "tail -n +$((s0 + 1)) '$T/syslog.log' | grep -Eq -- '$sre'"; then
			dw_log "FAIL $name: no syslog line matching /$sre/"; ok=0
		else
			got=$(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -Ec -- "dockwarden-pam: user=$user service=$svc .*decision=" || true)
			if [ "$got" != 1 ]; then
				dw_log "FAIL $name: $got decision lines, want exactly 1"; ok=0
			fi
			dw_log "  syslog: $(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -E -- "$sre" | head -1)"
		fi
	fi
	if [ "$are" = - ]; then
		sleep 1
		if tail -n +"$((a0 + 1))" "$audit_log" | grep -q "op=dockwarden-pam.*user=$user"; then
			dw_log "FAIL $name: unexpected dockwarden-pam audit record"; ok=0
		fi
	elif ! dw_wait_for 10 bash -c "tail -n +$((a0 + 1)) '$audit_log' | grep -Eq -- '$are'"; then
		dw_log "FAIL $name: no audit record matching /$are/"
		dw_log "  audit tail: $(tail -n +"$((a0 + 1))" "$audit_log" | grep -i dockwarden | tail -2)"
		ok=0
	else
		dw_log "  audit:  $(tail -n +"$((a0 + 1))" "$audit_log" | grep -E -- "$are" | head -1 | cut -c1-400)"
	fi
	if [ $ok = 1 ]; then
		dw_log "ok $name"
	else
		fails=$((fails + 1))
		dw_log "  sshd: $(tail -5 "$T/sshd.out")"
	fi
}

L='dockwarden-pam: '
A='op=dockwarden-pam'
attempt "trusted docker user, key, 127.0.0.1" ok try_key dwt_e_alice 127.0.0.1 \
	"${L}user=dwt_e_alice service=$svc origin=127.0.0.1 method=publickey group=docker decision=allow rule=trusted_user" \
	"type=USER_ACCT .*${A}.*user=dwt_e_alice.*decision=allow.*res=success"
# the session of that login is on record too (open and close)
dw_wait_for 10 grep -Eq "${L}user=dwt_e_alice service=$svc .*session=close" "$T/syslog.log" ||
	{ dw_log "FAIL: no session open/close lines for dwt_e_alice"; fails=$((fails + 1)); }
grep -Eq "${L}user=dwt_e_alice service=$svc .*session=open" "$T/syslog.log" ||
	{ dw_log "FAIL: no session open line for dwt_e_alice"; fails=$((fails + 1)); }

attempt "trusted docker user, password" refused try_password dwt_e_alice 127.0.0.1 \
	"${L}user=dwt_e_alice service=$svc origin=127.0.0.1 method=password group=docker decision=deny rule=publickey" \
	"type=ANOM_LOGIN_ACCT .*${A}.*user=dwt_e_alice.*decision=deny.*rule=publickey.*res=failed"

attempt "trusted docker user, keyboard-interactive" refused try_kbdint dwt_e_alice 127.0.0.1 \
	"${L}user=dwt_e_alice service=$svc origin=127.0.0.1 method=keyboard-interactive group=docker decision=deny rule=publickey" \
	"type=ANOM_LOGIN_ACCT .*${A}.*user=dwt_e_alice.*decision=deny.*rule=publickey.*res=failed"

attempt "untrusted docker user, key" refused try_key dwt_e_carol 127.0.0.1 \
	"${L}user=dwt_e_carol service=$svc origin=127.0.0.1 method=publickey group=docker decision=deny rule=trust" \
	"type=ANOM_LOGIN_ACCT .*${A}.*user=dwt_e_carol.*decision=deny.*rule=trust.*res=failed"

attempt "trusted docker user, key, ::1 (untrusted network)" refused try_key dwt_e_alice ::1 \
	"${L}user=dwt_e_alice service=$svc origin=::1 method=publickey group=docker decision=deny rule=network" \
	"type=ANOM_LOGIN_LOCATION .*${A}.*user=dwt_e_alice.*decision=deny.*rule=network.*res=failed"

attempt "user outside docker, password" ok try_password dwt_e_dave 127.0.0.1 - -

attempt "user outside docker, password, ::1" ok try_password dwt_e_dave ::1 - -

if [ $fails -ne 0 ]; then
	dw_log "$fails of $n attempts failed"
	dw_log "syslog (ours):"; grep dockwarden "$T/syslog.log" >&2 || true
	exit 1
fi
dw_log "all $n attempts ok"
