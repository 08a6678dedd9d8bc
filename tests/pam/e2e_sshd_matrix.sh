#!/bin/bash
# e2e_sshd_matrix.sh MODULE: pam.require_publickey through a real sshd, for
# every PAM stack an admin may write, every login method and both
# ExposeAuthInfo settings, for a trusted and an untrusted docker member and an
# outsider.  Prints one table; every cell is checked for the login's outcome,
# exactly one decision line in syslog (decision, rule, method, phase) and
# exactly one audit record of the right type - none at all for the outsider.
#
# Stacks (/etc/pam.d/sshd-dwmatrix, read by sshd per connection):
#   full      the system's sshd stack + auth optional / account required /
#             session required after the three @include lines
#   acct      auth pam_unix; account pam_dockwarden + pam_unix; session pam_unix
#             (one line added, as an admin reading "account does the work" would)
#   acctsess  acct + session required pam_dockwarden.so
#   profile   the system's sshd stack including copies of common-* as
#             pam-auth-update --enable dockwarden writes them: pam-auth-update
#             runs in a private mount namespace over copies of /etc/pam.d and
#             /var/lib/pam, so the host's files are never touched
# Methods: publickey, password, keyboard-interactive, and
# "AuthenticationMethods publickey,password" (a key, then a password).
# Four sshd copies run at once: ExposeAuthInfo yes/no x with/without that
# AuthenticationMethods line.
set -euo pipefail

module=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"
. "$here/../lib/sshd.sh"
. "$here/dwt_users.sh"
. "$here/dwt_profile.sh"

dw_e2e_lock "$@"
dw_tmpdir T
chmod 0755 "$T"
dw_on_exit dwt_cleanup

svc=sshd-dwmatrix
commons="common-auth common-account common-session common-session-noninteractive common-password"
for f in "$svc" $(printf 'dwt-%s ' $commons); do
	[ ! -e "/etc/pam.d/$f" ] || dw_die "/etc/pam.d/$f exists (left over from a crashed run?)"
done
dw_on_exit "rm -f /etc/pam.d/$svc $(printf '/etc/pam.d/dwt-%s ' $commons)"

dw_syslog_start "$T"
dw_auditd_start "$T/audit"
audit_log=$T/audit/audit.log

# --- users, keys, policy --------------------------------------------------------------
mkdir -p "$T/home"
alice=dwt_m_alice carol=dwt_m_carol dave=dwt_m_dave
dwt_user $alice users docker "$T/home/$alice"
dwt_user $carol users docker "$T/home/$carol"
dwt_user $dave users "" "$T/home/$dave"
pw='Dw-matrix-pass-0815'
printf '%s:%s\n' $alice "$pw" $carol "$pw" $dave "$pw" | chpasswd
for u in $alice $carol $dave; do
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$T/key_$u"
	install -d -m 0700 -o "$u" -g users "$T/home/$u/.ssh"
	install -m 0600 -o "$u" -g users "$T/key_$u.pub" "$T/home/$u/.ssh/authorized_keys"
done
cat >"$T/policy.json" <<JSON
{
  "trusted": { "users": ["$alice"], "groups": [], "networks": ["127.0.0.0/8"] },
  "pam": { "guarded_groups": ["docker"], "require_publickey": true, "allow_local": true }
}
JSON
chmod 0644 "$T/policy.json"
args="policy=$T/policy.json"

# --- the pam-auth-update profile, as pam-auth-update writes it ------------------------
dwt_profile_pamd "$T/pau" "$module" "$args" || dw_die "pam-auth-update in a private namespace failed"
for f in $commons; do
	install -m 0644 "$T/pau/$f" "/etc/pam.d/dwt-$f"
done
dw_log "profile lines: $(grep -h "$module" $(printf '/etc/pam.d/dwt-%s ' $commons) | tr -s ' \t' ' ' | sed "s#$module#pam_dockwarden.so#" | tr '\n' ';')"

write_stack() {
	local tmp=$T/stack.tmp
	case $1 in
	full)
		awk -v acct="account required $module $args" -v auth="auth optional $module $args" \
		    -v sess="session required $module $args" '
			{ print }
			/^@include[ \t]+common-auth/ { print auth }
			/^@include[ \t]+common-account/ { print acct }
			/^@include[ \t]+common-session/ { print sess }' /etc/pam.d/sshd >"$tmp" ;;
	acct | acctsess)
		{
			echo "auth     required pam_unix.so"
			echo "account  required $module $args"
			echo "account  required pam_unix.so"
			echo "session  required pam_unix.so"
			[ "$1" = acct ] || echo "session  required $module $args"
		} >"$tmp" ;;
	profile)
		sed -E 's/^@include[[:space:]]+common-/@include dwt-common-/' /etc/pam.d/sshd >"$tmp" ;;
	esac
	install -m 0644 "$tmp" "/etc/pam.d/$svc"
}

# --- four sshd ---------------------------------------------------------------------------
declare -A port
for e in yes no; do
	for am in one am; do
		extra="ExposeAuthInfo $e"
		[ $am = one ] || extra="$extra
AuthenticationMethods publickey,password"
		p=$(dw_free_port 22240 22269) || dw_die "no free port in 22240-22269"
		dw_sshd_start "$T/sshd-$e-$am" "$svc" "$p" 'dwt_m_*' "$extra"
		port[$e-$am]=$p
	done
done

login() {   # METHOD EXPOSE USER
	local m=$1 e=$2 u=$3
	case $m in
	publickey) dw_ssh_key "$T/key_$u" "${port[$e-one]}" "$u" 127.0.0.1 ;;
	password) dw_ssh_password "$pw" "${port[$e-one]}" "$u" 127.0.0.1 password ;;
	kbdint) dw_ssh_password "$pw" "${port[$e-one]}" "$u" 127.0.0.1 keyboard-interactive ;;
	pk+pw) dw_ssh_key_password "$T/key_$u" "$pw" "${port[$e-am]}" "$u" 127.0.0.1 ;;
	esac
}

# expect STACK METHOD USER -> "OUTCOME DECISION RULE METHOD PHASE" ("-": no record)
expect() {
	local s=$1 m=$2 u=$3 keyev meth
	# what the account phase can know of the current method
	case $s in full | profile) keyev=hook ;; *) keyev=none ;; esac
	case $keyev-$m in
	hook-publickey) meth=publickey ;;
	hook-password) meth=password ;;
	hook-kbdint) meth=keyboard-interactive ;;
	hook-pk+pw) meth=publickey,password ;;
	none-pk+pw) meth=publickey,unknown ;;
	none-*) meth=unknown ;;
	esac
	if [ "$u" = $dave ]; then echo "ok - - - -"; return; fi
	if [ "$u" = $carol ]; then echo "refused deny trust $meth account"; return; fi
	case $s-$m in
	*-pk+pw) echo "ok allow trusted_user $meth account" ;;
	full-publickey | profile-publickey) echo "ok allow trusted_user publickey account" ;;
	full-* | profile-*) echo "refused deny publickey $meth account" ;;
	acct-*) echo "refused deny publickey unknown account" ;;
	acctsess-publickey) echo "ok allow publickey_session publickey session" ;;
	acctsess-password) echo "refused deny publickey password session" ;;
	acctsess-kbdint) echo "refused deny publickey keyboard-interactive session" ;;
	esac
}

fails=0
n=0
rows=()
cell() {   # STACK METHOD EXPOSE USER
	local s=$1 m=$2 e=$3 u=$4 want got s0 a0 rc=0 out lines nl na line rec
	local dec=- rule=- meth=- phase=- atype=- why=""
	n=$((n + 1))
	want=$(expect "$s" "$m" "$u")
	s0=$(wc -l <"$T/syslog.log")
	a0=$(wc -l <"$audit_log")
	login "$m" "$e" "$u" >"$T/ssh.$n.out" 2>&1 || rc=$?
	[ $rc = 0 ] && out=ok || out=refused
	if [ "$u" = $dave ]; then
		sleep 1
	else
		dw_wait_for 10 bash -c "tail -n +$((s0 + 1)) '$T/syslog.log' | grep -q 'dockwarden-pam: user=$u .*decision='" || true
		dw_wait_for 10 bash -c "tail -n +$((a0 + 1)) '$audit_log' | grep -q 'op=dockwarden-pam user=$u '" || true
		sleep 0.3   # a second record, if there were one, would be there by now
	fi
	lines=$(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep "dockwarden-pam: user=$u .*decision=" || true)
	nl=$(printf '%s' "$lines" | grep -c . || true)
	na=$(tail -n +"$((a0 + 1))" "$audit_log" | grep -c "op=dockwarden-pam user=$u " || true)
	if [ "$nl" -ge 1 ]; then
		line=$(printf '%s\n' "$lines" | head -1)
		dec=$(sed -nE 's/.* decision=([^ ]*).*/\1/p' <<<"$line")
		rule=$(sed -nE 's/.* rule=([^ ]*).*/\1/p' <<<"$line")
		meth=$(sed -nE 's/.* method=([^ ]*).*/\1/p' <<<"$line")
		phase=$(sed -nE 's/.* phase=([^ ]*).*/\1/p' <<<"$line")
	fi
	if [ "$na" -ge 1 ]; then
		rec=$(tail -n +"$((a0 + 1))" "$audit_log" | grep -m1 "op=dockwarden-pam user=$u ")
		atype=$(sed -nE 's/^type=([A-Z_]*) .*/\1/p' <<<"$rec")
	fi
	got="$out $dec $rule $meth $phase"
	[ "$got" = "$want" ] || why="want \"$want\""
	if [ "$u" = $dave ]; then
		[ "$nl" = 0 ] && [ "$na" = 0 ] || why="$why; outsider has $nl syslog lines, $na audit records"
	else
		[ "$nl" = 1 ] || why="$why; $nl decision lines, want 1"
		[ "$na" = 1 ] || why="$why; $na audit records, want 1"
		case $dec in
		allow) [ "$atype" = USER_ACCT ] || why="$why; audit type $atype, want USER_ACCT" ;;
		deny) [ "$atype" = ANOM_LOGIN_ACCT ] || why="$why; audit type $atype, want ANOM_LOGIN_ACCT" ;;
		esac
		# a refusal for want of evidence says what to add
		if [ "$s" = acct ] && [ "$rule" = publickey ] &&
			! grep -q 'reason="[^"]*add the lines auth optional pam_dockwarden.so' <<<"$line"; then
			why="$why; the reason does not say which lines to add"
		fi
	fi
	rows+=("$(printf '%-8s %-9s %-6s %-6s | %-7s %-5s %-17s %-22s %-7s %-15s | %s' \
		"$s" "$m" "$e" "${u#dwt_m_}" "$out" "$dec" "$rule" "$meth" "$phase" "$atype" \
		"${why:-ok}")")
	if [ -n "$why" ]; then
		fails=$((fails + 1))
		dw_log "FAIL $s/$m/ExposeAuthInfo=$e/$u: got \"$got\"$why"
		[ -z "$lines" ] || dw_log "  syslog: $lines"
		dw_log "  ssh: $(tail -2 "$T/ssh.$n.out" | tr '\n' ' ')"
	fi
}

for s in full acct acctsess profile; do
	write_stack $s
	for m in publickey password kbdint pk+pw; do
		for e in yes no; do
			for u in $alice $carol $dave; do
				cell $s $m $e $u
			done
		done
	done
done

printf '\n%-8s %-9s %-6s %-6s | %-7s %-5s %-17s %-22s %-7s %-15s | %s\n' \
	stack method expose user login dec rule method phase audit check
printf '%s\n' "${rows[@]}"
printf '\n'
if [ $fails -ne 0 ]; then
	dw_log "$fails of $n cells failed"
	exit 1
fi
dw_log "all $n cells as expected"
