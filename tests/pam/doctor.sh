#!/bin/bash
# doctor.sh DOCKWARDEN: "dockwarden doctor" finds untrusted members (primary
# and supplementary) of guarded groups (cis-1.1.2, a warning) and checks the
# sshd PAM stack (dw-pam-sshd, a failure when the module is not enforced),
# following @include.  Creates dwt_d_* users and groups, removes them after;
# the names are host-wide, so it runs under the global e2e lock (suite
# 'unit-root'): two build directories never share them at the same time.
set -euo pipefail
dw=$1
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (creates test users)" >&2; exit 77; }
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=../lib/e2e.sh
. "$here/../lib/e2e.sh"
. "$here/dwt_users.sh"
dw_e2e_lock "$@"
tmp=$(mktemp -d /tmp/dwt-doctor.XXXXXX)
dw_on_exit "dwt_cleanup; rm -rf '$tmp'"
fail() { echo "FAIL: $*" >&2; echo "--- output:" >&2; cat "$tmp/out" >&2; exit 1; }
doctor() { "$dw" doctor --only dw-policy cis-1.1.2 dw-pam-sshd "$@"; }

dwt_group dwt_d_guard
dwt_group dwt_d_admins
dwt_user dwt_d_prim dwt_d_guard ""                 # untrusted, primary group
dwt_user dwt_d_supp users dwt_d_guard              # untrusted, supplementary
dwt_user dwt_d_named users dwt_d_guard             # trusted by name
dwt_user dwt_d_viagrp users dwt_d_guard,dwt_d_admins  # trusted through a group
dwt_user dwt_d_other users ""                      # not guarded

cat >"$tmp/policy.json" <<'JSON'
{ "trusted": { "users": ["dwt_d_named"], "groups": ["dwt_d_admins"], "networks": ["127.0.0.0/8"] },
  "pam": { "guarded_groups": ["dwt_d_guard"] } }
JSON
chmod 0644 "$tmp/policy.json"
mkdir "$tmp/pam.d"
printf 'account required pam_unix.so\naccount required /lib/security/pam_dockwarden.so\n' >"$tmp/pam.d/common-account"
printf '@include common-auth\n@include common-account\n' >"$tmp/pam.d/sshd"
printf 'auth required pam_unix.so\n' >"$tmp/pam.d/common-auth"

# 1: two untrusted members (warnings: exit 1 with --strict, else 0), module
# present through @include
rc=0; doctor --policy "$tmp/policy.json" --sshd-pam "$tmp/pam.d/sshd" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 0 ] || fail "exit $rc, want 0 (warnings only, no --strict)"
rc=0; doctor --strict --policy "$tmp/policy.json" --sshd-pam "$tmp/pam.d/sshd" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "exit $rc, want 1"
grep -q "untrusted member of guarded group dwt_d_guard: dwt_d_prim (primary group)" "$tmp/out" || fail "dwt_d_prim not reported"
grep -q "untrusted member of guarded group dwt_d_guard: dwt_d_supp (supplementary)" "$tmp/out" || fail "dwt_d_supp not reported"
! grep -q "dwt_d_named\|dwt_d_viagrp\|dwt_d_other" "$tmp/out" || fail "trusted or unguarded user reported"
grep -q "account required pam_dockwarden.so at $tmp/pam.d/common-account:2" "$tmp/out" || fail "module line not found via @include"
grep -q "^2 pass, 2 warn, 0 fail, 0 skip" "$tmp/out" || fail "want 2 warnings"
grep -q "^WARN cis-1.1.2 .*\[dwt_d_prim\]" "$tmp/out" || fail "want one warning per member, with its id"
echo "ok untrusted members reported, module found through @include"

# 2: everyone trusted, module present -> exit 0
sed -i 's/"dwt_d_named"/"dwt_d_named", "dwt_d_prim", "dwt_d_supp"/' "$tmp/policy.json"
rc=0; doctor --strict --policy "$tmp/policy.json" --sshd-pam "$tmp/pam.d/sshd" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 0 ] || fail "exit $rc, want 0"
grep -q "^3 pass, 0 warn, 0 fail, 0 skip" "$tmp/out" || fail "want nothing to report"
echo "ok nothing to report"

# What the module needs in each stack that holds its account line
# (dw-pam-evidence).  require_publickey (the default) asks sshd's stack for the
# auth or session line as well.
ev() { "$dw" doctor --only dw-pam-evidence --policy "$tmp/policy.json" --sshd-pam "$tmp/pam.d/sshd" "$@"; }
rc=0; ev >"$tmp/out" 2>&1 || rc=$?
[ $rc = 0 ] || fail "evidence: exit $rc, want 0 (warnings)"
grep -q "^WARN dw-pam-evidence .*\[sshd:0\]: no \"auth optional pam_dockwarden.so\" line" "$tmp/out" || fail "missing auth line not reported"
grep -q "^WARN dw-pam-evidence .*\[sshd:0\]: no \"session required pam_dockwarden.so\" line" "$tmp/out" || fail "missing session line not reported"
echo "ok missing auth and session lines named"

# the lines of the pam-auth-update profile
cp "$tmp/pam.d/common-auth" "$tmp/common-auth.saved"
cp "$tmp/pam.d/sshd" "$tmp/sshd.saved"
printf 'auth required pam_unix.so\nauth optional pam_dockwarden.so\n' >"$tmp/pam.d/common-auth"
printf 'session required pam_unix.so\nsession required pam_dockwarden.so\n' >"$tmp/pam.d/common-session"
printf '@include common-auth\n@include common-account\n@include common-session\n' >"$tmp/pam.d/sshd"
rc=0; ev --strict >"$tmp/out" 2>&1 || rc=$?
[ $rc = 0 ] && grep -q "^PASS dw-pam-evidence .*every stack holding pam_dockwarden's account line has what it needs" "$tmp/out" ||
	fail "profile lines: exit $rc"
echo "ok the profile's lines give the module what it needs"

# a second sshd whose auth stack can end before the auth line and whose
# session line is optional; a local service whose account stack can end before
# the module; Debian's pam_unix account line in an include file (reported once)
printf 'auth sufficient pam_rootok.so\n@include common-auth\n@include common-account\nsession optional pam_dockwarden.so\n' >"$tmp/pam.d/sshd-second"
printf 'auth sufficient pam_rootok.so\naccount sufficient pam_permit.so\n@include common-account\n' >"$tmp/pam.d/dwt-local"
printf 'auth required pam_unix.so\n' >"$tmp/pam.d/dwt-plain"   # no account line: not reported
cp "$tmp/pam.d/common-account" "$tmp/common-account.saved"
printf 'account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so\naccount requisite pam_deny.so\naccount required pam_permit.so\naccount required /lib/security/pam_dockwarden.so\n' >"$tmp/pam.d/common-account"
rc=0; ev >"$tmp/out" 2>&1 || rc=$?
[ $rc = 0 ] || fail "evidence: exit $rc"
grep -q "\[$tmp/pam.d/sshd-second:1\]: \"sufficient pam_rootok.so\" can end the auth stack before pam_dockwarden.so at $tmp/pam.d/common-auth:2" "$tmp/out" || fail "skipping auth line not named"
[ "$(grep -c "\[$tmp/pam.d/common-account:1\]: .*password has expired" "$tmp/out")" = 1 ] || fail "new_authtok_reqd=done not reported exactly once"
grep -q "\[$tmp/pam.d/sshd-second:4\]: session line is \"optional\"" "$tmp/out" || fail "optional session line not named"
grep -q "\[$tmp/pam.d/dwt-local:2\]: \"sufficient pam_permit.so\" can end the account stack before pam_dockwarden.so at $tmp/pam.d/common-account:4" "$tmp/out" || fail "skipping account line not named"
! grep -q "dwt-local:1\]" "$tmp/out" || fail "a local service was held to the key checks"
! grep -q "dwt-plain" "$tmp/out" || fail "a stack without the account line was reported"
grep -q "^0 pass, 4 warn, 0 fail, 0 skip" "$tmp/out" || fail "want 4 findings"
rm -f "$tmp/pam.d/sshd-second" "$tmp/pam.d/dwt-local" "$tmp/pam.d/dwt-plain" "$tmp/pam.d/common-session"
mv "$tmp/common-account.saved" "$tmp/pam.d/common-account"
mv "$tmp/common-auth.saved" "$tmp/pam.d/common-auth"
mv "$tmp/sshd.saved" "$tmp/pam.d/sshd"
echo "ok skipping lines, an optional session line and the expired-password exit named, each once"

# 3: module only optional -> failure (exit 2); module absent -> failure
sed -i 's/^account required \/lib/account optional \/lib/' "$tmp/pam.d/common-account"
rc=0; doctor --policy "$tmp/policy.json" --sshd-pam "$tmp/pam.d/sshd" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q 'is "optional"' "$tmp/out" || fail "optional control not reported (exit $rc)"
printf 'account required pam_unix.so\n' >"$tmp/pam.d/common-account"
rc=0; doctor --policy "$tmp/policy.json" --sshd-pam "$tmp/pam.d/sshd" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q 'no "account required pam_dockwarden.so" line' "$tmp/out" || fail "missing module not reported (exit $rc)"
echo "ok optional and missing module lines reported"

# 4: corrupt policy -> failure; bad usage and unknown ids -> 2 with a reason
echo '{"trusted": ' >"$tmp/bad.json"; chmod 0644 "$tmp/bad.json"
rc=0; doctor --policy "$tmp/bad.json" --sshd-pam "$tmp/pam.d/sshd" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "^FAIL dw-policy .*unusable" "$tmp/out" || fail "corrupt policy not reported (exit $rc)"
rc=0; "$dw" doctor --frobnicate >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] || fail "bad usage exit $rc, want 2"
rc=0; "$dw" doctor --only cis-9.9 >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q 'no check has the id "cis-9.9"' "$tmp/out" || fail "unknown id: exit $rc"
echo "ok corrupt policy and usage"
