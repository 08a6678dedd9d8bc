#!/bin/bash
# bench/pam/run.sh BUILDDIR [ITERATIONS [MODULE [REFERENCE...]]]: time what
# pam_dockwarden.so adds to pam_acct_mgmt (target: under 1 ms).  MODULE
# defaults to BUILDDIR's pam_dockwarden.so; REFERENCE modules (e.g. an older
# build, or an empty module: the cost of loading any module) are timed in the
# same interleaved loop, so machine load hits all of them alike.  Needs root: creates the throw-away
# users dwt_b_guarded (in group dwt_b_docker, trusted) and dwt_b_other, and
# removes them again.  Decisions are logged as in production: to syslog
# (/dev/log; dropped when nothing listens) and to the audit log when auditd
# runs - so the numbers include the logging cost.  Prints the table rows of
# bench/run-all (bench/README.md) for each case, wall and CPU time.
set -euo pipefail
build=$(readlink -f "${1:?usage: run.sh BUILDDIR [ITERATIONS]}")
n=${2:-2000}
module=$(readlink -f "${3:-$build/pam-module/pam_dockwarden.so}")
refs=()
for r in "${@:4}"; do refs+=("$(readlink -f "$r")"); done
here=$(dirname "$(readlink -f "$0")")
[ "$(id -u)" = 0 ] || { echo "bench/pam: needs root" >&2; exit 1; }

# Under the global e2e lock (re-executes this script under flock(1)): the
# module logs to /dev/log and the audit log, which an e2e test may own, and
# a concurrent test would skew the timings.
. "$here/../../tests/lib/e2e.sh"
dw_e2e_lock "$@"
. "$here/../../tests/pam/dwt_users.sh"
tmp=$(mktemp -d /tmp/dwt-pam-bench-run.XXXXXX)
chmod 0755 "$tmp"
dw_on_exit 'dwt_cleanup; rm -rf "$tmp"'

dwt_group dwt_b_docker
dwt_user dwt_b_guarded users dwt_b_docker
dwt_user dwt_b_other users ""
cat >"$tmp/policy.json" <<'JSON'
{
  "trusted": { "users": ["dwt_b_guarded"], "networks": ["127.0.0.0/8", "::1/128"] },
  "pam": { "guarded_groups": ["dwt_b_docker"], "require_publickey": true }
}
JSON
chmod 0644 "$tmp/policy.json"
echo "module $module; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
"$build/bench/pam/bench_pam" "$module" "$tmp/policy.json" \
	dwt_b_guarded dwt_b_other "$n" "${refs[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
