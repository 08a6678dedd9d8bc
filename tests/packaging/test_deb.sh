#!/bin/bash
# test_deb.sh SOURCE_ROOT - the Debian package, end to end, on this machine:
# build it with scripts/build-deb (lintian: no errors), install it with
# dpkg -i, check every installed file and mode, that the policy checks, that
# each binary starts and does its first job, that libpam loads the module
# from where the package put it, that the PAM profile enables and that
# removal takes it out of the PAM stacks again; then purge and check the
# host is exactly as before.
#
# Skips (77) when dockwarden is already installed: this test must not clobber
# a real installation.
set -euo pipefail

src=$(cd "${1:?usage: test_deb.sh SOURCE_ROOT}" && pwd)
# shellcheck source=../lib/e2e.sh
. "$src/tests/lib/e2e.sh"

dw_require_root
dw_e2e_lock "$@"

pkg_status() {
	local s
	s=$(dpkg-query -W -f='${db:Status-Status}' dockwarden 2>/dev/null || true)
	[ -n "$s" ] && [ "$s" != not-installed ] && echo "$s" || echo absent
}
before_status=$(pkg_status)
if [ "$before_status" != absent ]; then
	dw_log "SKIP: dockwarden is already on this machine (status: $before_status); not touching it"
	exit 77
fi

dw_tmpdir T
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # DESCRIPTION CMD... : run CMD, ok when it succeeds
	local what=$1; shift
	if "$@" >"$T/check.out" 2>&1; then ok "$what"; else bad "$what: $(head -c 600 "$T/check.out")"; fi
}

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
# The package's version names the release it is built for (0.1.0~deb12).
deb_version=$("$src/scripts/build-deb" --print-version)
case "$deb_version" in "$version~deb"[0-9]*) ;; *) dw_die "package version $deb_version is not $version~debN" ;; esac
# PAM modules belong where this release's libpam-modules keeps pam_unix.so
# (/lib on Debian 12, /usr/lib on 13), the systemd units beside them.
secdir=$(dpkg-query -L libpam-modules | sed -n 's,/pam_unix\.so$,,p' | head -n 1)
[ -n "$secdir" ] || dw_die "libpam-modules lists no pam_unix.so"
unitdir=${secdir%/lib/$multiarch/security}/lib/systemd/system
export DEBIAN_FRONTEND=noninteractive

# --- 1. build ------------------------------------------------------------------
dw_log "building the package (scripts/build-deb)"
if ! "$src/scripts/build-deb" "$T/out" >"$T/build-deb.log" 2>&1; then
	# the package build's own test run (failing tests' logs), else the tail
	if grep -q 'dh_auto_test' "$T/build-deb.log"; then
		sed -n '/dh_auto_test/,$p' "$T/build-deb.log"
	else
		tail -n 80 "$T/build-deb.log"
	fi
	dw_die "scripts/build-deb failed"
fi
deb=$T/out/dockwarden_${deb_version}_${arch}.deb
[ -f "$deb" ] || dw_die "no $deb"
ok "built $(basename "$deb")"
nerr=$(grep -c '^E: ' "$T/out/lintian.txt" || true)
nwarn=$(grep -c '^W: ' "$T/out/lintian.txt" || true)
if [ "$nerr" = 0 ]; then ok "lintian: 0 errors, $nwarn warnings"; else bad "lintian: $nerr errors"; fi
grep -E '^[EW]: ' "$T/out/lintian.txt" || true

# --- 2. what the package must contain -------------------------------------------
# path mode: always, plus what depends on a component or on a file another
# area provides, but only once that exists in the source tree (so the test
# tracks the tree as it grows and still fails on a packaging mistake).
expected=(
	"/usr/bin/dockwarden 755"
	"/etc/audit/plugins.d/dockwarden.conf 640"
	"/usr/share/pam-configs/dockwarden 644"
	"$unitdir/dockwarden-authz.service 644"
	"$unitdir/dockwarden-authz.socket 644"
	"/usr/share/man/man8/dockwarden.8.gz 644"
	"/usr/share/man/man8/dockwarden-authz.8.gz 644"
	"/usr/share/man/man8/dockwarden-audisp.8.gz 644"
	"/usr/share/man/man8/pam_dockwarden.8.gz 644"
	"/usr/share/man/man5/dockwarden-policy.5.gz 644"
	"/usr/share/doc/dockwarden/copyright 644"
)
have_authz=0 have_audisp=0 have_pam=0
[ -f "$src/authz-plugin/meson.build" ] && have_authz=1 && expected+=("/usr/sbin/dockwarden-authz 755")
[ -f "$src/audisp-plugin/meson.build" ] && have_audisp=1 && expected+=("/usr/sbin/dockwarden-audisp 755")
[ -f "$src/pam-module/meson.build" ] && have_pam=1 && expected+=("$secdir/pam_dockwarden.so 644")
[ -f "$src/packaging/policy.json" ] && expected+=("/etc/dockwarden/policy.json 644")
[ -f "$src/packaging/audit/dockwarden.rules" ] && expected+=("/etc/audit/rules.d/dockwarden.rules 640")
[ -f "$src/packaging/rsyslog-dockwarden-loghost.conf" ] &&
	expected+=("/usr/share/doc/dockwarden/examples/rsyslog-dockwarden-loghost.conf 644")
for c in authz-plugin:$have_authz audisp-plugin:$have_audisp pam-module:$have_pam; do
	[ "${c#*:}" = 1 ] || dw_log "NOTE: ${c%%:*}/ is not in the tree yet: its checks are not run"
done

# Every non-directory the package ships, for the before/after comparison.
mapfile -t pkgfiles < <(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|')

# --- 3. the host before -----------------------------------------------------------
snapshot() { # OUT: everything the package or its scripts may touch
	local p
	{
		for p in /etc/dockwarden /etc/audit /etc/pam.d /usr/share/pam-configs /var/lib/pam \
			/var/spool/dockwarden /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
			/var/lib/systemd/deb-systemd-helper-masked /run/docker/plugins /usr/share/doc/dockwarden \
			"${pkgfiles[@]}"; do
			if [ ! -e "$p" ] && [ ! -L "$p" ]; then
				echo "absent $p"
				continue
			fi
			find "$p" -xdev \( -type f -printf '%y %m %u:%g %p ' -exec sha256sum {} \; \) -o \
				\( ! -type f -printf '%y %m %u:%g %p -> %l\n' \)
		done | sort
		echo "debconf:"
		debconf-show libpam-runtime 2>/dev/null | sort
		echo "dpkg: $(pkg_status)"
	} >"$1"
}
snapshot "$T/before"
# If anything below dies half-way: purge first, then put back the PAM files
# pam-auth-update manages (cleanups run in reverse order of registration).
mkdir -p "$T/saved/pam.d" "$T/saved/lib-pam"
cp -a /etc/pam.d/common-* "$T/saved/pam.d/"
cp -a /var/lib/pam/. "$T/saved/lib-pam/"
dw_on_exit "_restore_pam"
_restore_pam() {
	local f
	for f in "$T"/saved/pam.d/*; do
		cmp -s "$f" "/etc/pam.d/$(basename "$f")" || cp -a "$f" /etc/pam.d/
	done
	for f in "$T"/saved/lib-pam/*; do
		cmp -s "$f" "/var/lib/pam/$(basename "$f")" || cp -a "$f" /var/lib/pam/
	done
}
dw_on_exit "[ \"\$(pkg_status)\" = absent ] || dpkg --purge dockwarden >/dev/null 2>&1"

# --- 4. install ---------------------------------------------------------------------
dw_log "dpkg -i $(basename "$deb")"
if dpkg -i "$deb" >"$T/dpkg-i.log" 2>&1; then ok "dpkg -i"; else bad "dpkg -i: $(cat "$T/dpkg-i.log")"; fi
[ "$(pkg_status)" = installed ] && ok "package status installed" || bad "package status is $(pkg_status)"

dpkg -L dockwarden >"$T/dpkg-L"
for e in "${expected[@]}"; do
	path=${e% *} mode=${e##* }
	if ! grep -qxF "$path" "$T/dpkg-L"; then
		bad "$path is not in dpkg -L"
	elif [ ! -f "$path" ]; then
		bad "$path is listed but not on disk"
	else
		got=$(stat -c '%a %U:%G' "$path")
		[ "$got" = "$mode root:root" ] && ok "$path $got" || bad "$path is $got, want $mode root:root"
	fi
done
# Nothing listed is missing on disk.
while read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || bad "dpkg -L lists $p but it does not exist"
done <"$T/dpkg-L"

# Directories: auditd's modes are kept, ours are as the postinst makes them.
check "/etc/audit/plugins.d is 750 root:root" test "$(stat -c '%a %U:%G' /etc/audit/plugins.d)" = "750 root:root"
check "/etc/dockwarden is 755 root:root" test "$(stat -c '%a %U:%G' /etc/dockwarden)" = "755 root:root"
check "/var/spool/dockwarden is 700 root:root (postinst)" \
	test "$(stat -c '%a %U:%G %F' /var/spool/dockwarden)" = "700 root:root directory"

# Conffiles: everything the package ships in /etc.
conffiles=$(dpkg-query -W -f='${Conffiles}\n' dockwarden | awk 'NF {print $1}' | sort)
etcfiles=$(grep '^/etc/' "$T/dpkg-L" | while read -r p; do [ -f "$p" ] && echo "$p"; done | sort)
[ -n "$conffiles" ] && [ "$conffiles" = "$etcfiles" ] && ok "conffiles: $(echo $conffiles)" ||
	bad "conffiles ($(echo $conffiles)) differ from the files in /etc ($(echo $etcfiles))"

# The audit plugin is shipped inactive, names the installed binary, and says why.
conf=/etc/audit/plugins.d/dockwarden.conf
check "plugin conf: active = no" grep -qE '^active *= *no$' "$conf"
check "plugin conf: path = /usr/sbin/dockwarden-audisp" grep -qE '^path *= */usr/sbin/dockwarden-audisp$' "$conf"
check "plugin conf: type = always" grep -qE '^type *= *always$' "$conf"
check "plugin conf: format = string" grep -qE '^format *= *string$' "$conf"
check "plugin conf: args = --policy /etc/dockwarden/policy.json" \
	grep -qE '^args *= *--policy /etc/dockwarden/policy.json$' "$conf"
check "plugin conf: explains why it is inactive" grep -qi '^#.*signing key' "$conf"
if [ -f /etc/audit/rules.d/dockwarden.rules ]; then
	check "audit rules use the key docker" grep -qE -- '-k docker|key=docker' /etc/audit/rules.d/dockwarden.rules
fi

# The socket unit is enabled (deb-systemd-helper), the service is not by itself.
check "dockwarden-authz.socket enabled in sockets.target.wants" \
	test "$(readlink /etc/systemd/system/sockets.target.wants/dockwarden-authz.socket)" = \
	"$unitdir/dockwarden-authz.socket"
check "socket unit listens on /run/docker/plugins/dockwarden.sock" grep -qxF 'ListenStream=/run/docker/plugins/dockwarden.sock' \
	"$unitdir/dockwarden-authz.socket"
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify: units are clean" bash -c \
		'out=$(systemd-analyze verify "$1/dockwarden-authz.socket" "$1/dockwarden-authz.service" 2>&1) && [ -z "$out" ] || { echo "$out"; false; }' _ "$unitdir"
fi

# Man pages render without warnings.
for m in $(grep -E '^/usr/share/man/' "$T/dpkg-L" | grep '\.gz$'); do
	check "man page $m renders cleanly" bash -c \
		'w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null) && [ -z "$w" ] || { echo "$w"; false; }' _ "$m"
done

# --- 5. the command-line tool -----------------------------------------------------------
check "dockwarden --version says $version" bash -c '[ "$(dockwarden --version)" = "dockwarden $1" ]' _ "$version"
if [ -f /etc/dockwarden/policy.json ]; then
	check "dockwarden policy check /etc/dockwarden/policy.json" bash -c \
		'[ "$(dockwarden policy check /etc/dockwarden/policy.json)" = "/etc/dockwarden/policy.json: ok" ]'
	# The shipped file is the built-in default: both show the same effective policy.
	mv /etc/dockwarden/policy.json "$T/policy.json.moved"
	dockwarden policy show >"$T/show-builtin.json"
	mv "$T/policy.json.moved" /etc/dockwarden/policy.json
	dockwarden policy show >"$T/show-shipped.json"
	check "shipped policy.json equals the built-in default" cmp "$T/show-builtin.json" "$T/show-shipped.json"
fi
check "dockwarden keygen" dockwarden keygen "$T/sig"
check "keygen: secret key 0600" test "$(stat -c %a "$T/sig.key")" = 600

# --- 6. the authz plugin starts from the package and answers Plugin.Activate ----------------
if [ "$have_authz" = 1 ]; then
	check "dockwarden-authz --help" bash -c 'dockwarden-authz --help | grep -q -- --socket'
	sock=$T/dwt-pkg-authz.sock
	dockwarden-authz --foreground --socket "$sock" >"$T/authz.out" 2>&1 &
	authz_pid=$!
	dw_on_exit "kill $authz_pid 2>/dev/null"
	if dw_wait_for 10 test -S "$sock"; then
		reply=$(curl -s --max-time 5 --unix-socket "$sock" -X POST \
			-H 'Content-Type: application/vnd.docker.plugins.v1.2+json' -d '{}' http://plugin/Plugin.Activate || true)
		[ "$(echo "$reply" | tr -d ' \n')" = '{"Implements":["authz"]}' ] &&
			ok "dockwarden-authz (installed policy) answers Plugin.Activate" ||
			bad "Plugin.Activate answered: $reply"
	else
		bad "dockwarden-authz did not create its socket: $(cat "$T/authz.out")"
	fi
	kill -TERM "$authz_pid" 2>/dev/null || true
	rc=0; wait "$authz_pid" || rc=$?
	[ "$rc" = 0 ] && ok "dockwarden-authz stops cleanly on SIGTERM" || bad "dockwarden-authz exit status $rc on SIGTERM"
fi

# --- 7. the audit forwarder starts, signs and spools --------------------------------------
if [ "$have_audisp" = 1 ]; then
	check "dockwarden-audisp --help" bash -c 'dockwarden-audisp --help | grep -q -- --policy'
	mkdir -m 0700 "$T/spool"
	cat >"$T/audisp-policy.json" <<-JSON
	{ "forward": { "target": "", "signing_key": "$T/sig.key", "spool_dir": "$T/spool" } }
	JSON
	chmod 0644 "$T/audisp-policy.json"
	# One event with the audit key "docker", then EOF, as auditd would send it.
	now=$(date +%s)
	printf 'type=SYSCALL msg=audit(%s.000:4242): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=0 a2=0 a3=0 items=1 ppid=1 pid=4242 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="cat" exe="/usr/bin/cat" key="docker"\ntype=EOE msg=audit(%s.000:4242): \n' \
		"$now" "$now" >"$T/event.txt"
	rc=0
	timeout 30 dockwarden-audisp --policy "$T/audisp-policy.json" <"$T/event.txt" >"$T/audisp.out" 2>&1 || rc=$?
	[ "$rc" = 0 ] && ok "dockwarden-audisp runs to EOF and exits 0" || bad "dockwarden-audisp exit $rc: $(cat "$T/audisp.out")"
	if grep -rqs 'msg=audit([0-9.]*:4242)' "$T/spool"; then
		ok "dockwarden-audisp spooled the selected event"
	else
		bad "the event is not in the spool ($(ls -A "$T/spool" | tr '\n' ' '))"
	fi
	# With the installed policy (no signing key on this host) it refuses to run.
	rc=0
	timeout 30 dockwarden-audisp </dev/null >"$T/audisp-nokey.out" 2>&1 || rc=$?
	if [ -e /etc/dockwarden/signing.key ]; then
		dw_log "NOTE: /etc/dockwarden/signing.key exists on this host; refusal check not applicable"
	else
		[ "$rc" != 0 ] && ok "dockwarden-audisp refuses to run without a signing key (exit $rc)" ||
			bad "dockwarden-audisp ran without a signing key"
	fi
fi

# --- 7b. the demo, on the installed binaries -----------------------------------------------
# scripts/demo with DW_DEMO_INSTALLED=1 runs every step against /usr/sbin,
# /usr/bin and the PAM module directory instead of a build tree.
if [ "$have_authz$have_audisp$have_pam" = 111 ]; then
	if DW_DEMO_INSTALLED=1 "$src/scripts/demo" >"$T/demo.log" 2>&1; then
		ok "scripts/demo passes on the installed package ($(grep -E '^   .* (ok|FAIL)$' "$T/demo.log" | grep -c ' ok$') steps, $(grep -o 'Summary ([0-9]* s)' "$T/demo.log"))"
	else
		bad "scripts/demo on the installed package: $(tail -n 25 "$T/demo.log")"
	fi
fi

# --- 8. the PAM module: libpam loads it by bare name from the package's directory ----------
if [ "$have_pam" = 1 ]; then
	check "pam_dockwarden.so dlopens with RTLD_NOW and exports pam_sm_acct_mgmt" \
		/usr/bin/python3 -c 'import ctypes, os, sys
m = ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW)
m.pam_sm_acct_mgmt; m.pam_sm_open_session' "$secdir/pam_dockwarden.so"
	mkdir -p "$T/pam.d"
	printf 'account required pam_dockwarden.so\naccount required pam_permit.so\n' >"$T/pam.d/dwt-pkg"
	# root guarded through its own group, nobody trusted: the module must deny.
	printf '{ "pam": { "guarded_groups": ["root"] } }\n' >"$T/pam-guard-root.json"
	chmod 0644 "$T/pam-guard-root.json"
	printf 'account required pam_dockwarden.so policy=%s\naccount required pam_permit.so\n' \
		"$T/pam-guard-root.json" >"$T/pam.d/dwt-pkg-deny"
	cat >"$T/pam_acct.py" <<-'PY'
	#!/usr/bin/python3
	"""pam_acct.py CONFDIR SERVICE USER: print pam_acct_mgmt's result name."""
	import ctypes, sys
	pam = ctypes.CDLL("libpam.so.0")
	class Conv(ctypes.Structure):
	    _fields_ = [("conv", ctypes.c_void_p), ("appdata_ptr", ctypes.c_void_p)]
	conv = Conv(None, None)
	h = ctypes.c_void_p()
	rc = pam.pam_start_confdir(sys.argv[2].encode(), sys.argv[3].encode(), ctypes.byref(conv),
	                           sys.argv[1].encode(), ctypes.byref(h))
	if rc != 0:
	    sys.exit("pam_start_confdir: %d" % rc)
	rc = pam.pam_acct_mgmt(h, 0)
	pam.pam_strerror.restype = ctypes.c_char_p
	print(rc, pam.pam_strerror(h, rc).decode())
	pam.pam_end(h, rc)
	PY
	out=$(/usr/bin/python3 "$T/pam_acct.py" "$T/pam.d" dwt-pkg root 2>&1 || true)
	[ "${out%% *}" = 0 ] && ok "libpam runs the installed module (unguarded root: success)" ||
		bad "libpam with the installed module: $out"
	out=$(/usr/bin/python3 "$T/pam_acct.py" "$T/pam.d" dwt-pkg-deny root 2>&1 || true)
	[ "${out%% *}" = 6 ] && ok "installed module denies a guarded untrusted user (PAM_PERM_DENIED)" ||
		bad "guarded untrusted root: $out (want 6 PAM_PERM_DENIED)"

	# The pam-auth-update profile: known, not enabled; enabling adds the three
	# lines; removing the package takes them out again (a "required" line for
	# a module that is gone would lock everybody out).
	check "postinst registered the PAM profile (seen, not enabled)" grep -qx dockwarden /var/lib/pam/seen
	if grep -qs pam_dockwarden /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-session; then
		bad "the PAM profile is enabled by installation"
	else
		ok "the PAM profile is not enabled by installation"
	fi
	pam-auth-update --enable dockwarden >"$T/pam-enable.log" 2>&1 || true
	check "pam-auth-update --enable: account required pam_dockwarden.so" \
		grep -qE '^account[[:space:]]+required[[:space:]]+pam_dockwarden.so' /etc/pam.d/common-account
	check "pam-auth-update --enable: session required pam_dockwarden.so" \
		grep -qE '^session[[:space:]]+required[[:space:]]+pam_dockwarden.so' /etc/pam.d/common-session
	check "pam-auth-update --enable: auth optional pam_dockwarden.so" \
		grep -qE '^auth[[:space:]]+optional[[:space:]]+pam_dockwarden.so' /etc/pam.d/common-auth
	check "dockwarden doctor sees the module in sshd's account stack" bash -c \
		'[ ! -f /etc/pam.d/sshd ] || dockwarden doctor | grep -q "account required pam_dockwarden.so"'
fi

# --- 9. purge: the host as before --------------------------------------------------------
dw_log "dpkg --purge dockwarden"
if dpkg --purge dockwarden >"$T/purge.log" 2>&1; then ok "dpkg --purge"; else bad "dpkg --purge: $(cat "$T/purge.log")"; fi
if grep -qs pam_dockwarden /etc/pam.d/common-*; then
	bad "pam_dockwarden.so is still in /etc/pam.d/common-* after removal"
else
	ok "removal took pam_dockwarden.so out of the PAM stacks"
fi
snapshot "$T/after"
if diff -u "$T/before" "$T/after" >"$T/diff"; then
	ok "host after purge is as before ($(wc -l <"$T/before") entries compared)"
else
	bad "host differs after purge:"
	cat "$T/diff"
fi

echo "test_deb: $fails failures"
[ "$fails" = 0 ]
