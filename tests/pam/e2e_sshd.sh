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
# PAM authentication ran in the handle (method=publickey vs method=pam-auth).
#
# Every attempt is checked for its outcome, its syslog line (decision, rule,
# user, service, method) and its audit record (type, op, res) - through a
# private rsyslogd on /dev/log and a private auditd (tests/lib/e2e.sh).
set -euo pipefail

module=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"
. "$here/dwt_users.sh"

dw_e2e_lock
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
port=
for p in $(seq 22220 22239); do
	if ! ss -Hltn "( sport = :$p )" | grep -q .; then port=$p; break; fi
done
[ -n "$port" ] || dw_die "no free port in 22220-22239"

svc=sshd-dwtest
[ ! -e "/etc/pam.d/$svc" ] || dw_die "/etc/pam.d/$svc exists (left over from a crashed run?)"
# The system's sshd stack with our two lines, as the README tells admins:
#   auth optional pam_dockwarden.so     after @include common-auth (marks
#                                       that PAM authentication = a password
#                                       or keyboard-interactive succeeded)
#   account required pam_dockwarden.so  after @include common-account
#   session optional pam_dockwarden.so  after @include common-session (logs)
awk -v acct="account required $module policy=$T/policy.json" \
    -v auth="auth optional $module policy=$T/policy.json" \
    -v sess="session optional $module policy=$T/policy.json" '
	{ print }
	/^@include[ \t]+common-auth/ { print auth; a = 1 }
	/^@include[ \t]+common-account/ { print acct; b = 1 }
	/^@include[ \t]+common-session/ { print sess; c = 1 }
	END { if (!a || !b || !c) exit 1 }' /etc/pam.d/sshd >"$T/pam.d-$svc" ||
	dw_die "/etc/pam.d/sshd lacks @include common-auth/-account/-session"
install -m 0644 "$T/pam.d-$svc" "/etc/pam.d/$svc"
dw_on_exit "rm -f /etc/pam.d/$svc"
[ "$(grep -c "pam_dockwarden.so policy=" "/etc/pam.d/$svc")" = 3 ]

if [ ! -d /run/sshd ]; then
	install -d -m 0755 /run/sshd
	dw_on_exit "rmdir /run/sshd 2>/dev/null"
fi
cp /usr/sbin/sshd "$T/$svc"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_ed25519_key"
cat >"$T/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
ListenAddress ::1
HostKey $T/ssh_host_ed25519_key
PidFile $T/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PermitRootLogin no
AllowUsers dwt_e_*
UseDNS no
PrintMotd no
LogLevel VERBOSE
SyslogFacility AUTH
CONF
"$T/$svc" -t -f "$T/sshd_config"
"$T/$svc" -D -e -f "$T/sshd_config" >"$T/sshd.out" 2>&1 &
echo $! >"$T/sshd.ownpid"
dw_on_exit "_dw_kill_pidfile '$T/sshd.ownpid'"
dw_wait_for 20 bash -c "ss -Hltn '( sport = :$port )' | grep -q '::1'" ||
	dw_die "sshd did not listen on $port: $(tail -5 "$T/sshd.out")"

cat >"$T/askpass" <<EOF
#!/bin/sh
echo '$pw'
EOF
chmod 0700 "$T/askpass"

ssh_opts=(-F /dev/null -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1)

# try_key USER ADDR / try_password USER ADDR / try_kbdint USER ADDR: run
# "true" over ssh; returns ssh's exit status.
try_key() {
	ssh "${ssh_opts[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$T/key_$1" \
		-o PreferredAuthentications=publickey "$1@$2" true </dev/null
}
try_password() {
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no \
		-o PreferredAuthentications=password "$1@$2" true </dev/null
}
try_kbdint() {
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no \
		-o PreferredAuthentications=keyboard-interactive "$1@$2" true </dev/null
}

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
	"${L}user=dwt_e_alice service=$svc origin=127.0.0.1 method=pam-auth group=docker decision=deny rule=publickey" \
	"type=ANOM_LOGIN_ACCT .*${A}.*user=dwt_e_alice.*decision=deny.*rule=publickey.*res=failed"

attempt "trusted docker user, keyboard-interactive" refused try_kbdint dwt_e_alice 127.0.0.1 \
	"${L}user=dwt_e_alice service=$svc origin=127.0.0.1 method=pam-auth group=docker decision=deny rule=publickey" \
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
