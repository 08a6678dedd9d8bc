#!/bin/bash
# cli_image.sh DOCKWARDEN DATA_DIR - dockwarden image sign|verify|list
# against minisign 0.11 itself: each verifies what the other signs, with an
# unencrypted key and with a password-protected one (password on stdin).
set -euo pipefail
DW=$(readlink -f "$1")
DATA=$(readlink -f "$2")
command -v minisign >/dev/null || { echo "SKIP: minisign is not installed (scripts/install-deps installs it)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@" >"$T/out" 2>&1; then ok "$what"; else bad "$what: $(cat "$T/out")"; fi; }
refused() { local what=$1 want=$2; shift 2
	if "$@" >"$T/out" 2>&1; then bad "$what: accepted"; elif grep -qF -- "$want" "$T/out"; then ok "$what"; else bad "$what: $(cat "$T/out")"; fi; }

printf '# promoted\nsha256:%s expires=2020-01-01 old\nsha256:%s scan 7\n' \
	"$(printf 'a1%.0s' {1..32})" "$(printf 'b2%.0s' {1..32})" >"$T/l"
check "sign with minisign's unencrypted key" "$DW" image sign --seckey "$DATA/a.key" --comment "ci run 5" "$T/l"
check "minisign -V accepts our signature" minisign -V -p "$DATA/a.pub" -m "$T/l"
grep -q "Trusted comment: ci run 5" "$T/out" || bad "minisign did not show our trusted comment: $(cat "$T/out")"
check "our verify" "$DW" image verify --pubkey "$DATA/a.pub" "$T/l"
check "list" "$DW" image list --pubkey "$DATA/a.pub" "$T/l"
grep -q "line 2.*expires 2020-01-01T00:00:00Z (EXPIRED)" "$T/out" || bad "list does not mark the expired entry: $(cat "$T/out")"
grep -q "line 3.*never.*scan 7" "$T/out" || bad "list entry 3: $(cat "$T/out")"
refused "another key's public key" "not by the trusted key" "$DW" image verify --pubkey "$DATA/other.pub" "$T/l"
echo "sha256:$(printf 'c3%.0s' {1..32})" >>"$T/l"
refused "a line added after signing" "the signature does not verify" "$DW" image verify --pubkey "$DATA/a.pub" "$T/l"

# minisign signs (password on stdin), we verify; we sign with its encrypted key
echo pw1 | minisign -S -s "$DATA/enc.key" -m "$T/l" >/dev/null 2>&1 || bad "minisign -S with enc.key"
check "our verify of minisign's signature" "$DW" image verify --pubkey "$DATA/enc.pub" "$T/l"
check "sign with minisign's encrypted key" bash -c "echo pw1 | '$DW' image sign --seckey '$DATA/enc.key' '$T/l'"
check "minisign -V accepts it" minisign -V -p "$DATA/enc.pub" -m "$T/l"
refused "a wrong password" "wrong password" bash -c "echo nope | '$DW' image sign --seckey '$DATA/enc.key' '$T/l'"
printf 'busybox:latest\n' >"$T/bad"
"$DW" image sign --seckey "$DATA/a.key" "$T/bad" >/dev/null
refused "a list that does not parse" "bad:1: expected an image digest" "$DW" image verify --pubkey "$DATA/a.pub" "$T/bad"
refused "usage" "usage:" "$DW" image verify "$T/l"
echo "cli_image: $fails failures"
[ "$fails" = 0 ]
