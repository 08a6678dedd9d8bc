# tests/pam/dwt_profile.sh - the PAM stacks as "pam-auth-update --enable
# dockwarden" writes them, without touching the host.  Sourced by bash tests.

# dwt_profile_pamd OUTDIR MODULE ARGS: OUTDIR = a copy of /etc/pam.d with the
# profile in packaging/pam/dockwarden enabled.  pam-auth-update runs in a
# private mount namespace over copies of /etc/pam.d, /var/lib/pam and
# /usr/share/pam-configs; afterwards "pam_dockwarden.so" in the common-*
# files is replaced by MODULE ARGS (the build's module, the test's policy).
dwt_profile_pamd() {
	local out=$1 module=$2 args=$3 work f
	work=$(mktemp -d /tmp/dwt-pau.XXXXXX)
	mkdir -p "$work/pam.d" "$work/lib" "$work/configs"
	cp -a /etc/pam.d/. "$work/pam.d/"
	cp -a /var/lib/pam/. "$work/lib/"
	cp -a /usr/share/pam-configs/. "$work/configs/"
	cp "$(dirname "${BASH_SOURCE[0]}")/../../packaging/pam/dockwarden" "$work/configs/dockwarden"
	if ! DEBIAN_FRONTEND=noninteractive unshare -m bash -c "
		mount --make-rprivate / &&
		mount --bind '$work/pam.d' /etc/pam.d &&
		mount --bind '$work/lib' /var/lib/pam &&
		mount --bind '$work/configs' /usr/share/pam-configs &&
		pam-auth-update --enable dockwarden" >"$work/log" 2>&1; then
		cat "$work/log" >&2
		rm -rf "$work"
		return 1
	fi
	for f in common-auth common-account common-session; do
		if ! grep -q pam_dockwarden.so "$work/pam.d/$f"; then
			echo "pam-auth-update wrote no line to $f" >&2
			rm -rf "$work"
			return 1
		fi
	done
	mkdir -p "$out"
	cp -a "$work/pam.d/." "$out/"
	for f in "$out"/common-*; do
		sed -i -E "s#([[:space:]])pam_dockwarden\.so#\1$module $args#" "$f"
	done
	rm -rf "$work"
}
