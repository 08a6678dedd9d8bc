# tests/lib/sshd.sh - a private sshd with pam_dockwarden.so in its PAM stack.
# Source after tests/lib/e2e.sh.
#
# OpenSSH up to 9.7 (Debian 12: 9.2) names its PAM service after its binary
# (SSHD_PAM_SERVICE defaults to __progname), so a copy of /usr/sbin/sshd
# named SERVICE reads /etc/pam.d/SERVICE: the system's sshd stack plus our
# lines, while the real sshd setup stays untouched.  From 9.8 (Debian 13:
# 10.0) PAM runs in sshd-session, which always uses "sshd" unless
# sshd_config says PAMServiceName; the copy's config then says SERVICE.
# Either way the module's log lines name SERVICE, which the tests check, so
# a login through the system's own stack cannot pass for one through ours.

# dw_free_port LOW HIGH: print the first TCP port in [LOW, HIGH] nobody listens on.
dw_free_port() {
	local p
	for p in $(seq "$1" "$2"); do
		if ! ss -Hltn "( sport = :$p )" | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# dw_sshd_pam_service SERVICE MODULE POLICY: /etc/pam.d/SERVICE = the system's
# sshd stack with the three lines the README gives admins:
#   auth optional     after @include common-auth    (marks that PAM auth ran)
#   account required  after @include common-account (the decision)
#   session required  after @include common-session (checks sshd's list of
#                     methods at session open; open/close logged)
dw_sshd_pam_service() {
	local svc=$1 module=$2 policy=$3 tmp
	[ ! -e "/etc/pam.d/$svc" ] || dw_die "/etc/pam.d/$svc exists (left over from a crashed run?)"
	tmp=$(mktemp)
	awk -v acct="account required $module policy=$policy" \
	    -v auth="auth optional $module policy=$policy" \
	    -v sess="session required $module policy=$policy" '
		{ print }
		/^@include[ \t]+common-auth/ { print auth; a = 1 }
		/^@include[ \t]+common-account/ { print acct; b = 1 }
		/^@include[ \t]+common-session/ { print sess; c = 1 }
		END { if (!a || !b || !c) exit 1 }' /etc/pam.d/sshd >"$tmp" ||
		dw_die "/etc/pam.d/sshd lacks @include common-auth/-account/-session"
	install -m 0644 "$tmp" "/etc/pam.d/$svc"
	rm -f "$tmp"
	dw_on_exit "rm -f /etc/pam.d/$svc"
}

# dw_sshd_start DIR SERVICE PORT ALLOWUSERS [EXTRA_CONFIG]: start the copy of
# sshd on 127.0.0.1 and ::1, own host key and config, in the foreground (-D -e).
# EXTRA_CONFIG: more sshd_config lines (e.g. "ExposeAuthInfo yes").
dw_sshd_start() {
	local dir=$1 svc=$2 port=$3 allow=$4 extra=${5:-}
	mkdir -p "$dir"
	if [ ! -d /run/sshd ]; then
		install -d -m 0755 /run/sshd
		dw_on_exit "rmdir /run/sshd 2>/dev/null"
	fi
	cp /usr/sbin/sshd "$dir/$svc"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key"
	cat >"$dir/sshd_config" <<-CONF
	Port $port
	ListenAddress 127.0.0.1
	ListenAddress ::1
	HostKey $dir/ssh_host_ed25519_key
	PidFile $dir/sshd.pid
	UsePAM yes
	PubkeyAuthentication yes
	PasswordAuthentication yes
	KbdInteractiveAuthentication yes
	AuthorizedKeysFile .ssh/authorized_keys
	PermitRootLogin no
	AllowUsers $allow
	UseDNS no
	PrintMotd no
	LogLevel VERBOSE
	SyslogFacility AUTH
	$extra
	CONF
	# sshd -T lists every option it knows: pamservicename from OpenSSH 9.8 on.
	# (Output captured first: grep -q ending the pipe early would SIGPIPE
	# sshd and, under pipefail, read as "no such option".)
	local known
	known=$("$dir/$svc" -T -f "$dir/sshd_config" 2>/dev/null) || dw_die "sshd -T failed on $dir/sshd_config"
	if grep -q '^pamservicename ' <<<"$known"; then
		echo "PAMServiceName $svc" >>"$dir/sshd_config"
	fi
	# OpenSSH 9.8 on (Debian 13's 10.0) penalises a source address for
	# failed logins and then resets its connections at once
	# (PerSourcePenalties, on by default): every test login comes from
	# 127.0.0.1 and many are refused on purpose, so the penalty is off here.
	if grep -q '^persourcepenalties ' <<<"$known"; then
		echo "PerSourcePenalties no" >>"$dir/sshd_config"
	fi
	# Under scripts/ci-sanitize the module is built with ASan, and sshd is
	# not: the ASan runtime must then be preloaded (DW_SANITIZE_PRELOAD).
	local pre=()
	if [ -n "${DW_SANITIZE_PRELOAD:-}" ]; then
		pre=(env "LD_PRELOAD=$DW_SANITIZE_PRELOAD"
			"ASAN_OPTIONS=detect_leaks=0:log_path=/tmp/dockwarden-sanitize/asan-sshd")
	fi
	"${pre[@]}" "$dir/$svc" -t -f "$dir/sshd_config"
	"${pre[@]}" "$dir/$svc" -D -e -f "$dir/sshd_config" >"$dir/sshd.out" 2>&1 &
	echo $! >"$dir/sshd.ownpid"
	dw_on_exit "_dw_kill_pidfile '$dir/sshd.ownpid'"
	dw_wait_for 20 bash -c "ss -Hltn '( sport = :$port )' | grep -q '::1'" ||
		dw_die "sshd did not listen on $port: $(tail -5 "$dir/sshd.out")"
}

# dw_ssh_key KEYFILE PORT USER ADDR / dw_ssh_password PASSWORD PORT USER ADDR
# [METHOD]: run "true" over ssh with one method; returns ssh's exit status.
_dw_ssh_opts() {
	_dw_ssh=(-F /dev/null -p "$1" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
		-o LogLevel=ERROR -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1)
}
dw_ssh_key() {
	_dw_ssh_opts "$2"
	ssh "${_dw_ssh[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$1" \
		-o PreferredAuthentications=publickey "$3@$4" true </dev/null
}
# dw_ssh_key_password KEYFILE PASSWORD PORT USER ADDR: a key, then a password
# (for AuthenticationMethods publickey,password).
dw_ssh_key_password() {
	local askpass rc=0
	_dw_ssh_opts "$3"
	askpass=$(mktemp)
	printf '#!/bin/sh\necho %q\n' "$2" >"$askpass"
	chmod 0700 "$askpass"
	SSH_ASKPASS="$askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		ssh "${_dw_ssh[@]}" -o IdentitiesOnly=yes -i "$1" \
		-o PreferredAuthentications=publickey,password "$4@$5" true </dev/null || rc=$?
	rm -f "$askpass"
	return $rc
}
dw_ssh_password() {
	local askpass rc=0
	_dw_ssh_opts "$2"
	askpass=$(mktemp)
	printf '#!/bin/sh\necho %q\n' "$1" >"$askpass"
	chmod 0700 "$askpass"
	SSH_ASKPASS="$askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		ssh "${_dw_ssh[@]}" -o PubkeyAuthentication=no \
		-o PreferredAuthentications="${5:-password}" "$3@$4" true </dev/null || rc=$?
	rm -f "$askpass"
	return $rc
}
