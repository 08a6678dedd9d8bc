#!/bin/bash
# run_pam_module.sh TEST_BINARY MODULE: create the users and groups
# test_pam_module needs, run it, remove them again (also on failure).
# The names are fixed (test_pam_module.c knows them) and host-wide, so two
# build directories running this at once would create and delete each
# other's users: suite 'unit-root', under the global e2e lock.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (creates test users; policy files must be root-owned)" >&2
	exit 77
fi
getent group docker >/dev/null || { echo "no 'docker' group (is docker.io installed?)" >&2; exit 99; }

here=$(dirname "$(readlink -f "$0")")
# shellcheck source=../lib/e2e.sh
. "$here/../lib/e2e.sh"
# shellcheck source=dwt_users.sh
. "$here/dwt_users.sh"
dw_e2e_lock "$@"
dw_on_exit dwt_cleanup

dwt_group dwt_docker
dwt_group dwt_admins
dwt_user dwt_u_alice users dwt_docker          # trusted by name
dwt_user dwt_u_bob users dwt_docker,dwt_admins # trusted through dwt_admins
dwt_user dwt_u_carol dwt_docker ""             # guarded through its primary group, untrusted
dwt_user dwt_u_dave users ""                   # not guarded
dwt_user dwt_u_erin users docker               # real docker group, trusted by name
dwt_user dwt_u_frank users docker              # real docker group, untrusted
dwt_user dwt_u_gina users dwt_docker           # guarded, untrusted, password expired:
_dwt_retry usermod -p '$6$dwt$x' dwt_u_gina    # pam_unix's account says NEW_AUTHTOK_REQD
_dwt_retry chage -d 0 dwt_u_gina

"$1" "$2"
