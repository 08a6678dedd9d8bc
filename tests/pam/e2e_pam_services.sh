#!/bin/bash
# e2e_pam_services.sh MODULE PAM_RUN: the other services the pam-auth-update
# profile reaches (it edits common-auth/-account/-session/-session-
# noninteractive, which every Debian service includes), with the profile
# enabled.  Runs in a private mount namespace whose /etc/pam.d is a copy with
# the profile applied by pam-auth-update itself (tests/pam/dwt_profile.sh):
# the host's stacks are never changed.
#
# Services: login, su, su-l, runuser, runuser-l as installed; sudo and cron
# (not installed here) with the stacks Debian 12's sudo 1.9.13 and cron 3.0pl1
# packages ship.  Each through pam_run (account, setcred, session: what cron,
# "login -f" and su/runuser run by root ask libpam), and su / runuser through
# the real binaries run by root.
#
# Each cell is compared with the same call on the stacks without the profile:
# root, the outsider and the trusted docker member (a local login:
# pam.allow_local) get the same answer, the untrusted docker member is
# refused (rule trust); guarded users leave one decision line and one audit
# record, root and the outsider none.  Keys are not asked for locally.
# The runuser binary (root only) runs no account phase, and Debian's runuser
# stacks include no common-session: it is not reached (pam_run's account
# call still is, through libpam's fallback to "other").
set -euo pipefail

module=$(readlink -f "$1")
pam_run=$(readlink -f "$2")
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"
. "$here/dwt_users.sh"
. "$here/dwt_profile.sh"

dw_e2e_lock "$@"
dw_tmpdir T
chmod 0755 "$T"
dw_on_exit dwt_cleanup
dw_syslog_start "$T"
dw_auditd_start "$T/audit"
audit_log=$T/audit/audit.log

alice=dwt_s_alice carol=dwt_s_carol dave=dwt_s_dave
dwt_user $alice users docker
dwt_user $carol users docker
dwt_user $dave users ""
cat >"$T/policy.json" <<JSON
{
  "trusted": { "users": ["$alice"], "groups": [], "networks": ["127.0.0.0/8"] },
  "pam": { "guarded_groups": ["docker"], "require_publickey": true, "allow_local": true }
}
JSON
chmod 0644 "$T/policy.json"

dwt_profile_pamd "$T/with" "$module" "policy=$T/policy.json" || dw_die "pam-auth-update in a private namespace failed"
mkdir -p "$T/without"
cp -a /etc/pam.d/. "$T/without/"
for d in "$T/with" "$T/without"; do
	[ -e "$d/sudo" ] || cat >"$d/sudo" <<-'PAM'
	#%PAM-1.0
	session    required   pam_limits.so
	session    required   pam_env.so readenv=1 user_readenv=0
	session    required   pam_env.so readenv=1 envfile=/etc/default/locale user_readenv=0
	@include common-auth
	@include common-account
	@include common-session-noninteractive
	PAM
	[ -e "$d/cron" ] || cat >"$d/cron" <<-'PAM'
	@include common-auth
	session    required     pam_loginuid.so
	session       required   pam_env.so
	session       required   pam_env.so envfile=/etc/default/locale
	@include common-account
	@include common-session-noninteractive
	session    required   pam_limits.so
	PAM
done

# in_ns DIR CMD...: CMD with DIR as /etc/pam.d, in a private mount namespace
in_ns() {
	local dir=$1; shift
	unshare -m bash -c 'mount --make-rprivate / && mount --bind "$0" /etc/pam.d && exec "$@"' "$dir" "$@"
}

run_via() {   # HOW SERVICE USER: pam_run, or the real binary
	case $1 in
	pam_run) "$pam_run" "$2" "$3" ;;
	binary)
		# Under scripts/ci-sanitize the module is built with ASan and
		# su/runuser are not: the runtime must then be preloaded.
		local pre=()
		[ -z "${DW_SANITIZE_PRELOAD:-}" ] ||
			pre=(env "LD_PRELOAD=$DW_SANITIZE_PRELOAD"
				"ASAN_OPTIONS=detect_leaks=0:log_path=/tmp/dockwarden-sanitize/asan-su")
		case $2 in
		su) "${pre[@]}" su -s /bin/sh -c true "$3" ;;
		su-l) "${pre[@]}" su -l -s /bin/sh -c true "$3" ;;
		runuser) "${pre[@]}" runuser -u "$3" -- true ;;
		runuser-l) "${pre[@]}" runuser -l "$3" -s /bin/sh -c true ;;
		esac ;;
	esac
}

fails=0
rows=()
cell() {   # HOW SERVICE USER
	local how=$1 svc=$2 u=$3 base=0 got=0 s0 a0 nl na nso why="" dec=- rule=- atype=-
	in_ns "$T/without" bash -c "$(declare -f run_via); pam_run='$pam_run'; run_via $how $svc $u" \
		</dev/null >"$T/base.out" 2>&1 || base=$?
	s0=$(wc -l <"$T/syslog.log")
	a0=$(wc -l <"$audit_log")
	in_ns "$T/with" bash -c "$(declare -f run_via); pam_run='$pam_run'; run_via $how $svc $u" \
		</dev/null >"$T/with.out" 2>&1 || got=$?
	if [ "$u" = $alice ] || [ "$u" = $carol ]; then
		dw_wait_for 10 bash -c "tail -n +$((s0 + 1)) '$T/syslog.log' | grep -q 'dockwarden-pam: user=$u .*decision='" || true
		dw_wait_for 10 bash -c "tail -n +$((a0 + 1)) '$audit_log' | grep -q 'op=dockwarden-pam user=$u '" || true
		sleep 0.3
	else
		sleep 0.5
	fi
	nl=$(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -c "dockwarden-pam: user=$u .*decision=" || true)
	na=$(tail -n +"$((a0 + 1))" "$audit_log" | grep -c "op=dockwarden-pam user=$u " || true)
	if [ "$nl" -ge 1 ]; then
		dec=$(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -m1 "dockwarden-pam: user=$u .*decision=" | sed -nE 's/.* decision=([^ ]*).*/\1/p')
		rule=$(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -m1 "dockwarden-pam: user=$u .*decision=" | sed -nE 's/.* rule=([^ ]*).*/\1/p')
	fi
	if [ "$na" -ge 1 ]; then
		atype=$(tail -n +"$((a0 + 1))" "$audit_log" | grep -m1 "op=dockwarden-pam user=$u " | sed -nE 's/^type=([A-Z_]*) .*/\1/p')
	fi
	nso=$(tail -n +"$((s0 + 1))" "$T/syslog.log" | grep -c "dockwarden-pam: user=$u .*session=open" || true)
	case $how-$svc-$u in
	binary-runuser*-$alice | binary-runuser*-$carol)
		# runuser (root only) runs no account phase (util-linux skips
		# pam_acct_mgmt for it), and Debian's runuser stacks include no
		# common-session: the profile does not reach it at all
		[ "$got" = "$base" ] || why="exit $got, without the profile $base"
		[ "$nl $na $nso" = "0 0 0" ] || why="$why; $nl decision lines, $na audit records, $nso session lines" ;;
	*-$carol)
		[ "$base" = 0 ] || why="baseline refused too ($(tr '\n' ' ' <"$T/base.out"))"
		[ "$got" != 0 ] || why="$why; admitted"
		[ "$dec $rule $atype" = "deny trust ANOM_LOGIN_ACCT" ] || why="$why; record \"$dec $rule $atype\""
		[ "$nl $na" = "1 1" ] || why="$why; $nl lines, $na audit records" ;;
	*-$alice)
		[ "$got" = "$base" ] || why="exit $got, without the profile $base"
		[ "$dec $rule $atype" = "allow trusted_user USER_ACCT" ] || why="$why; record \"$dec $rule $atype\""
		[ "$nl $na" = "1 1" ] || why="$why; $nl lines, $na audit records" ;;
	*)
		[ "$got" = "$base" ] || why="exit $got, without the profile $base"
		[ "$nl $na" = "0 0" ] || why="$why; $nl lines, $na audit records" ;;
	esac
	rows+=("$(printf '%-8s %-10s %-12s | %-8s %-8s | %-5s %-12s %-15s | %s' "$how" "$svc" "$u" \
		"$([ $base = 0 ] && echo ok || echo refused)" "$([ $got = 0 ] && echo ok || echo refused)" \
		"$dec" "$rule" "$atype" "${why:-ok}")")
	if [ -n "$why" ]; then
		fails=$((fails + 1))
		dw_log "FAIL $how $svc $u: $why; output: $(tr '\n' ' ' <"$T/with.out")"
	fi
}

for svc in login su su-l runuser runuser-l sudo cron; do
	for u in root $alice $carol $dave; do
		cell pam_run $svc $u
	done
done
for svc in su su-l runuser runuser-l; do
	for u in root $alice $carol $dave; do
		cell binary $svc $u
	done
done

printf '\n%-8s %-10s %-12s | %-8s %-8s | %-5s %-12s %-15s | %s\n' via service user without with dec rule audit check
printf '%s\n' "${rows[@]}"
printf '\n'
[ $fails = 0 ] || { dw_log "$fails cells failed"; exit 1; }
dw_log "all ${#rows[@]} cells as expected"
