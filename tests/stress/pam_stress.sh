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
# shellcheck source=../pam/dwt_users.sh
. "$here/../pam/dwt_users.sh"
T=$(mktemp -d /tmp/dwt-stress-pam.XXXXXX)
chmod 0755 "$T"
trap 'dwt_cleanup; rm -rf "$T"' EXIT

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
