#!/bin/bash
# pam_stress.sh PAM_STRESS MODULE [THREADS [ROUNDS]]: users, policy and PAM
# service for pam_stress, then THREADS concurrent account checks ROUNDS times
# (default 1000 x 5).  Root: creates dwt_s_* users (pam area names) and
# removes them again.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (creates test users; policy files must be root-owned)" >&2
	exit 77
fi
stress=$1 module=$2 threads=${3:-1000} rounds=${4:-5}
here=$(dirname "$(readlink -f "$0")")
# The e2e lock: the module logs every decision to /dev/log, which the e2e
# tests own while they run their private rsyslogd.
# shellcheck source=../lib/e2e.sh
. "$here/../lib/e2e.sh"
# shellcheck source=../pam/dwt_users.sh
. "$here/../pam/dwt_users.sh"
dw_e2e_lock "$@"
dw_tmpdir T
chmod 0755 "$T"
dw_on_exit dwt_cleanup

dwt_group dwt_s_docker
dwt_user dwt_s_alice users dwt_s_docker    # guarded, trusted: allowed
dwt_user dwt_s_mallory users dwt_s_docker  # guarded, untrusted: denied
dwt_user dwt_s_dave users ""               # not guarded: module ignores

cat >"$T/policy.json" <<'JSON'
{
  "trusted": { "users": ["dwt_s_alice"], "networks": ["127.0.0.0/8", "::1/128"] },
  "pam": { "guarded_groups": ["dwt_s_docker"], "require_publickey": true, "allow_local": false }
}
JSON
chmod 0644 "$T/policy.json"
mkdir "$T/pam.d"
echo "account required $module policy=$T/policy.json" >"$T/pam.d/dwt-stress"

ulimit -n 65536 2>/dev/null || true
"$stress" "$T/pam.d" dwt-stress dwt_s_alice dwt_s_mallory dwt_s_dave "$threads" "$rounds"
