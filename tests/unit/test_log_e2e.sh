#!/bin/bash
# test_log_e2e.sh LOG_PROBE - dw_log_decision against a real rsyslogd and a
# real auditd (private instances from tests/lib/e2e.sh): the syslog line is
# at authpriv with the exact field text, and the audit record carries the
# same fields, the outcome, host and address, and parses with ausearch.
set -euo pipefail
probe=$1
. "$(dirname "$0")/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_tmpdir dir
dw_syslog_start "$dir"
dw_auditd_start "$dir/audit"

tag=dwt-match-$$-$RANDOM
"$probe" unit-test "$tag"

fields="tag=$tag user=alice decision=deny rule=host_mounts why=\"source /etc is a sensitive host path\" path=2F746D702F612262 reason=?"

# syslog: facility authpriv, level warning, the caller's ident, then the text.
dw_syslog_wait "$dir" "$tag" ||
	dw_die "no syslog line with $tag: $(tail -5 "$dir/syslog.log")"
line=$(grep -F "$tag" "$dir/syslog.log")
dw_log "syslog: $line"
case "$line" in
*" authpriv.warning dockwarden-probe["*"]: dockwarden-unit-test: $fields") ;;
*) dw_die "syslog line differs from: authpriv.warning dockwarden-probe[PID]: dockwarden-unit-test: $fields" ;;
esac
[ "$(grep -cF "$tag" "$dir/syslog.log")" = 1 ] || dw_die "decision logged more than once"

# audit: one TRUSTED_APP record with op=, the fields, res=failed, host, addr.
dw_wait_for 10 grep -qF "$tag" "$dir/audit/audit.log" ||
	dw_die "no audit record with $tag"
rec=$(grep -F "$tag" "$dir/audit/audit.log")
dw_log "audit: $rec"
case "$rec" in
"type=TRUSTED_APP "*"msg='op=dockwarden-unit-test $fields exe="*"hostname=client.example addr=192.0.2.7 "*"res=failed'"*) ;;
*) dw_die "audit record lacks the expected text" ;;
esac

# auparse (through ausearch) reads the record's fields back.
ausearch -if "$dir/audit/audit.log" -m TRUSTED_APP --success no --raw >"$dir/ausearch.out" || true
grep -qF "$tag" "$dir/ausearch.out" ||
	dw_die "ausearch does not find the record as a failure"
interp=$(ausearch -if "$dir/audit/audit.log" -m TRUSTED_APP -i | grep -F "$tag")
dw_log "ausearch -i: $interp"
case "$interp" in
*"op=dockwarden-unit-test"*"decision=deny"*"rule=host_mounts"*"res=failed"*) ;;
*) dw_die "ausearch -i lost fields" ;;
esac
echo "ok: syslog and audit carry: $fields"

# dw_logbatch (the authz plugin's logger) writes the same records as
# dw_log_decision: one record each way, compared with the tag, pid and time
# taken out; then 150 batched records (three batches) all arrive once.
ptag=dwt-plain-$$-$RANDOM
btag=dwt-batch-$$-$RANDOM
"$probe" unit-test "$ptag" plain
"$probe" unit-test "$btag" batch 150
dw_wait_for 10 grep -qF "tag=$btag-149 " "$dir/syslog.log" || dw_die "batched syslog lines missing"
dw_wait_for 10 grep -qF "tag=$btag-149 " "$dir/audit/audit.log" || dw_die "batched audit records missing"
# (grep -m1, not "| head -1": under pipefail grep may take SIGPIPE)
norm_syslog() { grep -m1 -F "tag=$1" "$dir/syslog.log" | sed -E "s/^.* (authpriv\.[a-z]+ )/\1/; s/\[[0-9]+\]/[PID]/; s/tag=$1(-0)? /tag=T /"; }
norm_audit() { grep -m1 -F "tag=$1" "$dir/audit/audit.log" | sed -E "s/^.*msg='//; s/tag=$1(-0)? /tag=T /; s/exe=[^ ]+ //"; }
a=$(norm_syslog "$ptag"); b=$(norm_syslog "$btag")
dw_log "syslog, dw_log_decision: $a"
dw_log "syslog, dw_logbatch:      $b"
[ -n "$a" ] && [ "$a" = "$b" ] || dw_die "batched syslog line differs"
a=$(norm_audit "$ptag"); b=$(norm_audit "$btag")
dw_log "audit, dw_log_decision: $a"
dw_log "audit, dw_logbatch:     $b"
[ -n "$a" ] && [ "$a" = "$b" ] || dw_die "batched audit record differs"
grep -m1 -F "tag=$btag-0 " "$dir/audit/audit.log" | grep -qF "exe=\"$(readlink -f "$probe")\"" ||
	dw_die "batched audit record names another exe"
for f in syslog.log audit/audit.log; do
	n=$(grep -oE "tag=$btag-[0-9]+ " "$dir/$f" | sort -u | wc -l)
	t=$(grep -cF "tag=$btag-" "$dir/$f")
	[ "$n" = 150 ] && [ "$t" = 150 ] || dw_die "$f: $n distinct of $t batched records, want 150 once each"
done
echo "ok: dw_logbatch writes what dw_log_decision writes; 150 of 150 batched records arrived once"
