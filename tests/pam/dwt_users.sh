# tests/pam/dwt_users.sh - create and remove the throw-away users and groups of
# the PAM tests (names dwt_*, reserved for the pam area).  Sourced by bash
# tests; every function retries briefly because other tests may hold the
# /etc/passwd lock (useradd/groupadd fail at once instead of waiting).

_dwt_retry() {
	local i
	for i in $(seq 1 50); do
		if "$@" 2>/tmp/dwt_users.err.$$; then
			rm -f /tmp/dwt_users.err.$$
			return 0
		fi
		# "already exists" / "does not exist" are final, not lock contention
		if grep -qE 'already exists|does not exist' /tmp/dwt_users.err.$$; then
			cat /tmp/dwt_users.err.$$ >&2
			rm -f /tmp/dwt_users.err.$$
			return 1
		fi
		sleep 0.2
	done
	cat /tmp/dwt_users.err.$$ >&2
	rm -f /tmp/dwt_users.err.$$
	return 1
}

# dwt_group NAME: create group NAME (removed by dwt_cleanup).
dwt_group() {
	getent group "$1" >/dev/null && _dwt_retry groupdel "$1"
	_dwt_retry groupadd "$1"
	_dwt_groups+=("$1")
}

# dwt_user NAME PRIMARY_GROUP SUPPLEMENTARY(comma list or "") [HOME]:
# create user NAME (a home directory only when HOME is given).
dwt_user() {
	local name=$1 primary=$2 supp=$3 home=${4:-}
	local args=(-g "$primary" -s /bin/sh)
	getent passwd "$name" >/dev/null && _dwt_retry userdel -f "$name"
	[ -n "$supp" ] && args+=(-G "$supp")
	if [ -n "$home" ]; then
		args+=(-m -d "$home")
	else
		args+=(-M -d /nonexistent)
	fi
	_dwt_retry useradd "${args[@]}" "$name"
	_dwt_users+=("$name")
}

# Remove everything created above; users first (userdel also drops them
# from the member lists of groups such as the real "docker").
dwt_cleanup() {
	local u g
	for u in "${_dwt_users[@]}"; do
		getent passwd "$u" >/dev/null && _dwt_retry userdel -f -r "$u" 2>/dev/null
	done
	for g in "${_dwt_groups[@]}"; do
		getent group "$g" >/dev/null && _dwt_retry groupdel "$g"
	done
	_dwt_users=()
	_dwt_groups=()
	return 0
}
_dwt_users=()
_dwt_groups=()
