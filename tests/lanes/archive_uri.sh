#!/bin/bash
# archive_uri.sh FETCH-DOCKERD - the archive fetch-dockerd takes from an apt
# configuration: the first enabled "deb" source for the host's own release
# (not -security, -updates, deb-src, comments), deb822 and one-line formats,
# its Signed-By when it is a readable file, else Debian's archive keyring.
set -euo pipefail
fetch=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo 'VERSION_CODENAME=bookworm' >"$T/os-release"
KR=/usr/share/keyrings/debian-archive-keyring.gpg
n=0
case_() { # NAME WANT: WANT is "URI KEYRING", or "fail"
	local name=$1 want=$2 out rc=0
	out=$(DW_APT_ETC="$T/$name" DW_OS_RELEASE="$T/os-release" "$fetch" --print-archive 2>&1) || rc=$?
	if [ "$want" = fail ]; then
		[ $rc = 1 ] && grep -q 'no deb source for the host.s release' <<<"$out" || { echo "FAIL $name: rc $rc: $out"; exit 1; }
	else
		[ $rc = 0 ] && [ "$out" = "$want" ] || { echo "FAIL $name: rc $rc, got '$out', want '$want'"; exit 1; }
	fi
	n=$((n + 1))
	echo "ok $name"
}
mk() { mkdir -p "$T/$1/sources.list.d"; cat >"$T/$1/$2"; }

mk deb822 sources.list.d/debian.sources <<'S'
# a disabled entry first
Types: deb
URIs: http://off.example/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb-src deb
URIs: http://sec.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://a.example/debian http://b.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /nonexistent/key.gpg
S
case_ deb822 "http://a.example/debian $KR"

mk oneline sources.list <<S
deb-src http://src.example/debian bookworm main
# deb http://comment.example/debian bookworm main
deb http://sec.example/debian-security bookworm-security main
deb [arch=amd64 signed-by=$KR] http://m.example/debian bookworm main contrib
deb http://later.example/debian bookworm main
S
case_ oneline "http://m.example/debian $KR"

mk inline-key sources.list.d/d.sources <<'S'
Types: deb
URIs: http://k.example/debian
Suites: bookworm
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mDMEZAAAABYJKwYBBAHaRw8BAQdA
 -----END PGP PUBLIC KEY BLOCK-----
S
case_ inline-key "http://k.example/debian $KR"

mk only-updates sources.list <<'S'
deb http://u.example/debian bookworm-updates main
deb http://s.example/debian-security bookworm-security main
S
case_ only-updates fail

mkdir -p "$T/empty"
case_ empty fail
echo "PASS: $n configurations"
