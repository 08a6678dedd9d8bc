#!/bin/bash
# run-cases.sh DOCKWARDEN valid|invalid DIR [EXTRA_VALID_FILE...]
#
# Data-driven policy tests.  Each case is run from its own directory with the
# bare file name, so the expected lines do not depend on where the tree is.
#   valid:   exit 0, stdout "NAME: ok", stderr empty
#   invalid: exit 1, stderr exactly equal to NAME.expected (sibling file)
# Files are checked with --no-owner-check: a git checkout need not be
# root-owned; the ownership rule has its own unit tests.
set -euo pipefail

# absolute: meson passes a path relative to the build dir, cases run elsewhere
dw=$(realpath -- "$1")
kind=$2
dir=$3
shift 3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0

report() { # RESULT NAME [DETAIL]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "PASS $2"
	else
		fail=$((fail + 1))
		echo "FAIL $2: $3"
	fi
}

run_case() { # DIR FILE
	local d=$1 f=$2 rc=0
	(cd "$d" && "$dw" policy check --no-owner-check "$f") >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$kind" = valid ]; then
		if [ "$rc" -ne 0 ]; then
			report fail "$f" "exit $rc, stderr: $(cat "$tmp/err")"
		elif [ -s "$tmp/err" ] || [ "$(cat "$tmp/out")" != "$f: ok" ]; then
			report fail "$f" "unexpected output: $(cat "$tmp/out" "$tmp/err")"
		else
			report ok "$f"
		fi
		return
	fi
	local expected="$d/${f%.json}.expected"
	if [ ! -f "$expected" ]; then
		report fail "$f" "missing ${f%.json}.expected"
	elif [ "$rc" -ne 1 ]; then
		report fail "$f" "exit $rc (expected 1), stderr: $(cat "$tmp/err")"
	elif [ -s "$tmp/out" ]; then
		report fail "$f" "unexpected stdout: $(cat "$tmp/out")"
	elif ! diff -u "$expected" "$tmp/err" >"$tmp/diff"; then
		report fail "$f" "stderr differs from expected:
$(cat "$tmp/diff")"
	else
		report ok "$f"
	fi
}

shopt -s nullglob
cases=("$dir"/*.json)
if [ "${#cases[@]}" -eq 0 ]; then
	echo "no cases in $dir" >&2
	exit 1
fi
for c in "${cases[@]}"; do
	run_case "$dir" "$(basename "$c")"
done
# extra valid files given by path (e.g. the shipped packaging/policy.json)
for x in "$@"; do
	run_case "$(dirname "$x")" "$(basename "$x")"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
