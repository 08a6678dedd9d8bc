#!/bin/bash
# fetch_lanes.sh FETCH-DOCKERD LANES-DIR SUITE... - fetch each lane's dockerd
# (apt-get update always runs: --refresh) and prove the host's apt state is
# untouched: /etc/apt, /var/lib/apt and /var/cache/apt list the same (names,
# sizes, modes, mtimes) and /etc/apt and /var/lib/apt hash the same, before
# and after.  Each fetched lane's binaries are the suite's packages and
# its archive is one the host's own apt sources name.  A lane that cannot be
# fetched (no network, no such suite) makes this a SKIP, saying which.
set -euo pipefail
fetch=$1 dir=$2; shift 2
dw_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
fail() { dw_log "FAIL: $*"; exit 1; }

apt_state() {
	find /etc/apt /var/lib/apt /var/cache/apt -xdev -printf '%p %y %s %m %U:%G %T@ %l\n' 2>/dev/null | sort
	# contents too where apt keeps its sources and index; the package cache's
	# .debs are many and large, and a change there shows in size and mtime
	find /etc/apt /var/lib/apt -xdev -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha256sum
}
before=$(mktemp) after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
apt_state >"$before"
[ -s "$before" ] || fail "could not list the host's apt state"

unfetched=()
for suite in "$@"; do
	lane=$dir/$suite t0=$SECONDS
	if ! out=$("$fetch" --refresh "$suite" "$lane" 2>&1); then
		dw_log "lane $suite not fetched: $(tail -1 <<<"$out")"
		unfetched+=("$suite")
		continue
	fi
	[ -z "$out" ] || dw_log "$suite: $out"
	# apt-get update ran into the lane's own state directory
	ls "$lane"/apt/state/lists/*_dists_"${suite}"_InRelease >/dev/null 2>&1 ||
		fail "$suite: no InRelease in $lane/apt/state/lists"
	read -r _ uri s < <(grep '^archive ' "$lane/complete") || fail "$suite: no archive line in $lane/complete"
	[ "$s" = "$suite" ] || fail "$suite: complete names suite $s"
	grep -rqsF -- "$uri" /etc/apt/sources.list /etc/apt/sources.list.d ||
		[ "$uri" = "${DW_APT_ARCHIVE:-}" ] || fail "$suite: archive $uri is not in the host's apt sources"
	v=$(awk -F= '$1 == "pkg docker.io" {print $2}' "$lane/complete")
	dv=$("$lane/root/usr/sbin/dockerd" --version 2>&1) || fail "$suite: dockerd --version: $dv"
	grep -qF -- "${v%%+*}" <<<"$dv" || fail "$suite: unpacked dockerd says '$dv', package is docker.io $v"
	dw_log "lane $suite: $(grep -c '^pkg ' "$lane/complete") packages ($(awk '$1 == "pkg" {printf "%s ", $2}' "$lane/complete")) from $uri in $((SECONDS - t0)) s, $(du -sm "$lane/debs" | cut -f1) MB of .deb, $(du -sm "$lane/root" | cut -f1) MB unpacked"
done

apt_state >"$after"
if ! cmp -s "$before" "$after"; then
	diff "$before" "$after" | head -20 >&2
	fail "the host's apt state changed while fetching"
fi
dw_log "host /etc/apt, /var/lib/apt, /var/cache/apt unchanged ($(grep -c . "$before") entries compared)"
if [ ${#unfetched[@]} -gt 0 ]; then
	dw_log "SKIP: dockerd lanes not fetched: ${unfetched[*]}"
	exit 77
fi
