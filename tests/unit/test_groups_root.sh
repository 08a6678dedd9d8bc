#!/bin/bash
# test_groups_root.sh TEST_GROUPS_BINARY
# A real user with a primary group and more supplementary groups than
# dw_user_gids's first buffer holds (32), created with groupadd/useradd and
# removed again at exit.  Root only; changes /etc/passwd and /etc/group, so
# it is its own suite ('unit-root') and never runs in parallel.
set -euo pipefail

bin=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "needs root (creates a user and groups)" >&2
	exit 77
fi

user=dwt_match_u
groups=()
cleanup() {
	userdel "$user" >/dev/null 2>&1 || true
	groupdel dwt_match_p >/dev/null 2>&1 || true
	for g in "${groups[@]}"; do
		groupdel "$g" >/dev/null 2>&1 || true
	done
}
trap cleanup EXIT
cleanup   # leftovers of an interrupted run

groupadd dwt_match_p
for i in $(seq -w 0 69); do
	groupadd "dwt_match_g$i"
	groups+=("dwt_match_g$i")
done
groupadd dwt_match_other   # exists, but the user is not in it
groups+=(dwt_match_other)
useradd -M -N -s /usr/sbin/nologin -g dwt_match_p \
	-G "$(IFS=,; echo "${groups[*]:0:70}")" "$user"

# 71 gids (primary included), each group matched by name, and a group
# that exists but does not have the user is not matched.
"$bin" "$user" 71 dwt_match_p "${groups[@]:0:70}" -dwt_match_other

# The checker itself must fail on a wrong claim, or the line above proves
# nothing.
if "$bin" "$user" 71 dwt_match_p dwt_match_other >/dev/null 2>&1; then
	echo "FAIL: checker accepted dwt_match_other as a group of $user" >&2
	exit 1
fi
echo "ok: $user in 71 groups, not in dwt_match_other"
