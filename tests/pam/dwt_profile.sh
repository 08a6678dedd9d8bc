# tests/pam/dwt_profile.sh - the PAM stacks as "pam-auth-update --enable
# dockwarden" writes them, without touching the host.  Sourced by bash tests.

# dwt_profile_pamd OUTDIR MODULE ARGS: OUTDIR = a copy of /etc/pam.d with the
# profile in packaging/pam/dockwarden enabled.  pam-auth-update runs in a
# private mount namespace over copies of /etc/pam.d, /var/lib/pam,
# /usr/share/pam-configs and /var/cache/debconf (it records the chosen
# profiles in debconf's database too); afterwards "pam_dockwarden.so" in the common-*
# files is replaced by MODULE ARGS (the build's module, the test's policy).
dwt_profile_pamd() {
	local out=$1 module=$2 args=$3 work f host_before
	work=$(mktemp -d /tmp/dwt-pau.XXXXXX)
	host_before=$(_dwt_profile_host_sums)
	mkdir -p "$work/pam.d" "$work/lib" "$work/configs" "$work/debconf"
	cp -a /etc/pam.d/. "$work/pam.d/"
	cp -a /var/cache/debconf/. "$work/debconf/"
	cp -a /var/lib/pam/. "$work/lib/"
	cp -a /usr/share/pam-configs/. "$work/configs/"
	cp "$(dirname "${BASH_SOURCE[0]}")/../../packaging/pam/dockwarden" "$work/configs/dockwarden"
	if ! DEBIAN_FRONTEND=noninteractive unshare -m bash -c "
		mount --make-rprivate / &&
		mount --bind '$work/pam.d' /etc/pam.d &&
		mount --bind '$work/lib' /var/lib/pam &&
		mount --bind '$work/configs' /usr/share/pam-configs &&
		mount --bind '$work/debconf' /var/cache/debconf &&
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
	if [ "$(_dwt_profile_host_sums)" != "$host_before" ]; then
		echo "pam-auth-update changed the host's PAM or debconf state" >&2
		rm -rf "$work"
		return 1
	fi
	mkdir -p "$out"
	cp -a "$work/pam.d/." "$out/"
	for f in "$out"/common-*; do
		sed -i -E "s#([[:space:]])pam_dockwarden\.so#\1$module $args#" "$f"
	done
	rm -rf "$work"
}

# What pam-auth-update may write on the host: it must stay as it was.
_dwt_profile_host_sums() {
	find /etc/pam.d /var/lib/pam /var/cache/debconf -maxdepth 1 -type f -name '*' \
		! -name '*-old' -print0 2>/dev/null | sort -z | xargs -0 md5sum
}
