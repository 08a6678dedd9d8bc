# tests/lib/e2e.sh - shared harness for end-to-end tests against real daemons.
#
# Source it from a bash test (set -euo pipefail).  Every daemon started here is a
# private instance (own config, state and log files under a temp dir) and is
# stopped at exit; the host is left as it was found.  All e2e tests take one
# global lock, because some resources are host-wide: the kernel audit daemon
# slot (one auditd at a time), /dev/log, and dockerd's plugin directory.

DW_E2E_LOCK=${DW_E2E_LOCK:-/run/lock/dockwarden-e2e.lock}

# The programs under test come from Debian's packages: an image may carry
# other builds earlier in PATH (e.g. a newer docker CLI in /usr/local/bin).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
_dw_cleanups=()

dw_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
dw_die() { dw_log "FAIL: $*"; exit 1; }

# Checks.  dw_ok counts one (DW_PASS); a script's own fail() (which can add
# its daemon's log) is used when it has one.  dw_denied/dw_allowed run a
# command through the plugin: a denial must carry "$DW_DENIED_BY MSG", the
# words dockerd puts around a plugin's message.
DW_PASS=0
dw_ok() { DW_PASS=$((DW_PASS + 1)); dw_log "ok: $*"; }
_dw_fail() { if declare -F fail >/dev/null; then fail "$@"; else dw_die "$@"; fi; }
dw_denied() { # MSG CMD...
	local msg=$1 out
	shift
	if out=$("$@" 2>&1); then _dw_fail "allowed: $*"; fi
	grep -qF -- "$DW_DENIED_BY $msg" <<<"$out" || _dw_fail "$*: wrong message: $out"
	dw_ok "denied: $* ($msg)"
}
dw_allowed() { # CMD...
	local out
	out=$("$@" 2>&1) || _dw_fail "denied: $*: $out"
	dw_ok "allowed: $*"
}

# The authz plugin under test, where dockerd finds it.  dw_authz_spec NAME
# claims /etc/docker/plugins/NAME.spec for this run (removed at exit);
# dw_authz_start PLUGIN DIR POLICY DOCKER_SOCK starts PLUGIN on DIR/authz.sock
# (stderr appended to DIR/authz.err, pid in DIR/authz.pid, stopped at exit),
# waits for its socket and points the spec at it.  Called again (after the
# plugin was stopped), it starts a new plugin process the same way.
dw_authz_spec() {
	DW_AUTHZ_SPEC=/etc/docker/plugins/$1.spec
	mkdir -p /etc/docker/plugins
	[ ! -e "$DW_AUTHZ_SPEC" ] || dw_die "$DW_AUTHZ_SPEC exists: another run in progress?"
	dw_on_exit "rm -f '$DW_AUTHZ_SPEC'"
}
dw_authz_start() { # PLUGIN DIR POLICY DOCKER_SOCK
	local plugin=$1 dir=$2
	"$plugin" --socket "$dir/authz.sock" --policy "$3" --docker-socket "$4" --foreground \
		2>>"$dir/authz.err" &
	echo $! >"$dir/authz.pid"
	# once per DIR, at its first start: it must run after the dockerd
	# started next is stopped (a dockerd whose plugin is gone hangs its
	# cleanup's requests), not before it
	case " ${_dw_authz_dirs:-} " in
	*" $dir "*) ;;
	*)
		dw_on_exit "_dw_kill_pidfile '$dir/authz.pid'"
		_dw_authz_dirs="${_dw_authz_dirs:-} $dir"
		;;
	esac
	dw_wait_for 10 test -S "$dir/authz.sock" || dw_die "plugin did not start: $(cat "$dir/authz.err")"
	echo "unix://$dir/authz.sock" >"$DW_AUTHZ_SPEC"
}

# Register a cleanup command (a string, eval'd); run in reverse order at exit.
dw_on_exit() { _dw_cleanups+=("$*"); }
_dw_run_cleanups() {
	local rc=$? i
	set +e
	for ((i = ${#_dw_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_dw_cleanups[i]}"
	done
	exit $rc
}
trap _dw_run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dw_require_root() {
	if [ "$(id -u)" != 0 ]; then
		dw_log "SKIP: end-to-end tests need root"
		exit 77
	fi
}

# dw_e2e_lock "$@": run the rest of the calling script under the global e2e
# lock, waiting up to DW_E2E_LOCK_WAIT seconds (default 4 minutes: meson runs
# e2e tests one at a time, so a longer wait means a stuck run elsewhere).
#
# The script re-executes itself under flock(1) -o: flock holds the lock and
# the script (and every daemon it starts) never has the lock's descriptor, so
# a daemon that outlives a killed test (a containerd-shim, say) cannot keep
# the lock and starve every later test.  Leftovers of such a killed run are
# cleared once the lock is ours (_dw_reap_stale).
_DW_SELF=${_DW_SELF:-$(readlink -f "$0")}
dw_e2e_lock() {
	dw_require_root
	if [ "${DW_E2E_LOCK_HELD:-}" != "$DW_E2E_LOCK" ]; then
		mkdir -p "$(dirname "$DW_E2E_LOCK")"
		flock -n "$DW_E2E_LOCK" true 2>/dev/null || dw_log "waiting for $DW_E2E_LOCK (another e2e test is running)"
		export DW_E2E_LOCK_HELD=$DW_E2E_LOCK
		trap - EXIT
		exec flock -o -E 75 -w "${DW_E2E_LOCK_WAIT:-240}" "$DW_E2E_LOCK" "$BASH" "$_DW_SELF" "$@"
	fi
	# Only the outermost script reaps: a nested one runs beside its caller's daemons.
	if [ "${DW_E2E_REAPED:-}" != 1 ]; then
		export DW_E2E_REAPED=1
		_dw_reap_stale
	fi
}

# Under the lock no other e2e test runs, so anything of ours still around is
# the remains of a run that was killed before its cleanups ran.
_dw_reap_stale() {
	local f m
	if pkill -KILL -f '/tmp/dwt[.][A-Za-z0-9]{6}/' 2>/dev/null; then
		dw_log "killed processes left by an earlier, interrupted e2e run"
		sleep 0.5
	fi
	for f in /etc/docker/plugins/dwt-*.spec /etc/docker/plugins/dwdemo.spec; do
		[ -e "$f" ] || continue
		dw_log "removing stale $f"
		rm -f "$f"
	done
	if [ -e /dev/log.dwtest-saved ] || [ -L /dev/log.dwtest-saved ]; then
		dw_log "restoring /dev/log saved by an interrupted run"
		rm -f /dev/log
		mv /dev/log.dwtest-saved /dev/log
	fi
	while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk 'index($2, "/tmp/dwt.") == 1 {print $2}' /proc/self/mounts | sort -r)
}

# dw_tmpdir VAR: a private temp dir (short path: unix sockets live inside).
dw_tmpdir() {
	local d
	d=$(mktemp -d /tmp/dwt.XXXXXX)
	chmod 0711 "$d"
	dw_on_exit "_dw_rmtree '$d'"
	printf -v "$1" '%s' "$d"
}
_dw_rmtree() {
	# Unmount anything a daemon left mounted below DIR before removing it.
	local m
	while read -r m; do umount -l "$m" 2>/dev/null; done < <(awk -v d="$1" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r)
	rm -rf "$1"
}

# Wait (up to SECS, default 20) for a command to succeed.
dw_wait_for() {
	local secs=$1; shift
	local end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

_dw_kill_pidfile() {
	local pidfile=$1 pid i
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# --- syslog: a private rsyslogd owning /dev/log --------------------------------
# If /dev/log already exists (a host syslog daemon), it is moved aside for the
# duration of the test and put back afterwards.
dw_syslog_start() {
	local dir=$1
	mkdir -p "$dir/rsyslog-work"
	if [ -e /dev/log ] || [ -L /dev/log ]; then
		mv /dev/log /dev/log.dwtest-saved
		dw_on_exit "rm -f /dev/log; mv /dev/log.dwtest-saved /dev/log"
	fi
	cat >"$dir/rsyslog-local.conf" <<-CONF
	global(workDirectory="$dir/rsyslog-work")
	module(load="imuxsock" SysSock.Name="/dev/log" SysSock.Unlink="on" SysSock.RateLimit.Interval="0")
	template(name="dwfile" type="string" string="%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%\n")
	*.* action(type="omfile" file="$dir/syslog.log" template="dwfile" flushOnTXEnd="on" asyncWriting="off")
	CONF
	rsyslogd -n -f "$dir/rsyslog-local.conf" -i "$dir/rsyslog-local.pid" >"$dir/rsyslog-local.out" 2>&1 &
	dw_on_exit "_dw_kill_pidfile '$dir/rsyslog-local.pid'; rm -f /dev/log"
	dw_wait_for 10 test -S /dev/log || dw_die "private rsyslogd did not create /dev/log: $(cat "$dir/rsyslog-local.out")"
	dw_wait_for 10 test -s "$dir/syslog.log" || dw_die "private rsyslogd wrote nothing"
}

# dw_syslog_wait DIR REGEX [SECS]: wait for a matching line in DIR/syslog.log.
dw_syslog_wait() {
	dw_wait_for "${3:-10}" grep -Eq -- "$2" "$1/syslog.log"
}

# --- auditd: a private instance with its own auditd.conf -----------------------
# Only one audit daemon can be registered with the kernel.  If one runs, the
# tests refuse; with DW_AUDITD_TAKEOVER=1 (the demo, on a host whose own
# auditd runs) it is stopped for the run and started again afterwards, by
# systemd if it runs it (auditd.service refuses "systemctl stop": it gets
# SIGTERM, which systemd does not restart) or else with its own command line;
# then its kernel rules must be the ones it had (they are reloaded from the
# saved list if they are not), or the run fails.  Meanwhile the host's audit
# events go to the private auditd's log, not the host's.
dw_auditd_start() {
	local dir=$1 plugins=${DW_AUDITD_PLUGIN_DIR:-$1/plugins.d}
	if pgrep -x auditd >/dev/null; then
		[ "${DW_AUDITD_TAKEOVER:-0}" = 1 ] ||
			dw_die "an auditd is already running; the e2e tests need the kernel's audit slot (DW_AUDITD_TAKEOVER=1: stop it for the run and restart it after)"
		mkdir -p "$dir"
		_dw_auditd_suspend_host "$dir"
	fi
	mkdir -p "$dir" "$plugins"
	local was_enabled
	was_enabled=$(auditctl -s | awk '$1 == "enabled" {print $2}')
	cat >"$dir/auditd.conf" <<-CONF
	local_events = yes
	write_logs = yes
	log_file = $dir/audit.log
	log_group = root
	log_format = ENRICHED
	flush = INCREMENTAL_ASYNC
	freq = ${DW_AUDITD_FREQ:-1}
	max_log_file = 256
	num_logs = 2
	priority_boost = 0
	name_format = NONE
	max_log_file_action = ROTATE
	space_left = 2
	space_left_action = IGNORE
	admin_space_left = 1
	admin_space_left_action = IGNORE
	disk_full_action = IGNORE
	disk_error_action = IGNORE
	use_libwrap = no
	tcp_client_max_idle = 0
	transport = TCP
	distribute_network = no
	q_depth = 4000
	overflow_action = SYSLOG
	max_restarts = 10
	plugin_dir = $plugins
	end_of_event_timeout = 2
	CONF
	chmod 0640 "$dir/auditd.conf"
	# -n: no fork (-f would send events to stderr instead of the log file).
	auditd -n -c "$dir" >"$dir/auditd.out" 2>&1 &
	echo $! >"$dir/auditd.pid"
	_DW_AUDITD_DIR=$dir
	dw_on_exit "dw_auditd_stop; auditctl -e '${was_enabled:-0}' >/dev/null 2>&1"
	dw_wait_for 20 _dw_auditd_registered || dw_die "auditd did not start (config errors go to syslog): $(tail -5 "$dir/auditd.out")"
	auditctl -e 1 >/dev/null
}
_dw_auditd_registered() {
	[ "$(auditctl -s | awk '$1 == "pid" {print $2}')" = "$(cat "$_DW_AUDITD_DIR/auditd.pid")" ] && [ -e "$_DW_AUDITD_DIR/audit.log" ]
}
dw_auditd_stop() {
	[ -n "${_DW_AUDITD_DIR:-}" ] || return 0
	_dw_kill_pidfile "$_DW_AUDITD_DIR/auditd.pid"
	_DW_AUDITD_DIR=
}

# _dw_auditd_suspend_host DIR: stop the running auditd, remembering how to
# start it again (DIR/host-auditd.*), and register its restart.
_dw_auditd_suspend_host() {
	local dir=$1 pid unit=
	pid=$(auditctl -s | awk '$1 == "pid" {print $2}')
	[ -n "$pid" ] && [ "$pid" != 0 ] && [ -d "/proc/$pid" ] || pid=$(pgrep -x -o auditd)
	auditctl -l >"$dir/host-auditd.rules"
	tr '\0' '\n' <"/proc/$pid/cmdline" >"$dir/host-auditd.cmdline"
	if command -v systemctl >/dev/null && grep -q '/auditd\.service$' "/proc/$pid/cgroup" 2>/dev/null; then
		unit=auditd.service
	fi
	local how nrules
	nrules=$(grep -vc '^No rules$' "$dir/host-auditd.rules" || true)
	if [ -n "$unit" ]; then how="by systemd ($unit)"; else how="as: $(tr '\n' ' ' <"$dir/host-auditd.cmdline")"; fi
	dw_log "an auditd is running (pid $pid, $nrules rules): stopping it for this run; it is started again afterwards $how and its rules checked; until then the host's audit events go to the private auditd's log ($dir)"
	kill -TERM "$pid"
	local i
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null || dw_die "the host's auditd (pid $pid) did not stop on SIGTERM"
	dw_on_exit "_dw_auditd_resume_host '$dir' '$unit'"
}
# Runs as a cleanup: a failure sets _dw_run_cleanups's rc (bash's dynamic
# scope), so a run that could not give the host its auditd back fails.
_dw_auditd_resume_host() {
	local dir=$1 unit=$2 cmd
	if [ -n "$unit" ]; then
		systemctl start "$unit" || dw_log "FAIL: systemctl start $unit failed"
	else
		mapfile -t cmd <"$dir/host-auditd.cmdline"
		setsid "${cmd[@]}" </dev/null >/dev/null 2>&1 &
	fi
	if ! dw_wait_for 20 _dw_auditd_any_registered; then
		dw_log "FAIL: the host's auditd did not come back ($(tr '\n' ' ' <"$dir/host-auditd.cmdline"))"
		rc=1
		return 1
	fi
	auditctl -l >"$dir/host-auditd.rules.after"
	if ! cmp -s "$dir/host-auditd.rules" "$dir/host-auditd.rules.after"; then
		dw_log "the host's audit rules changed while it was stopped: loading the saved ones again"
		auditctl -D >/dev/null
		grep -v '^No rules$' "$dir/host-auditd.rules" >"$dir/host-auditd.reload" || true
		chmod 0600 "$dir/host-auditd.reload"
		[ ! -s "$dir/host-auditd.reload" ] || auditctl -R "$dir/host-auditd.reload" >"$dir/host-auditd.reload.out" 2>&1 || true
		auditctl -l >"$dir/host-auditd.rules.after"
		if ! cmp -s "$dir/host-auditd.rules" "$dir/host-auditd.rules.after"; then
			dw_log "FAIL: the host's audit rules could not be restored: $(diff "$dir/host-auditd.rules" "$dir/host-auditd.rules.after" | head -5 | tr '\n' ' ') $(head -3 "$dir/host-auditd.reload.out" 2>/dev/null)"
			rc=1
			return 1
		fi
	fi
	dw_log "the host's auditd runs again (pid $(auditctl -s | awk '$1 == "pid" {print $2}')), its rules as before"
}
_dw_auditd_any_registered() {
	local p
	p=$(auditctl -s | awk '$1 == "pid" {print $2}')
	[ -n "$p" ] && [ "$p" != 0 ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = auditd ]
}

# --- dockerd: a private daemon --------------------------------------------------
# Which Debian release's dockerd, containerd and docker CLI (DW_DOCKERD_LANE):
# bookworm (default) is the host's own, from /usr; trixie and sid are unpacked
# by scripts/fetch-dockerd under DW_DOCKERD_LANES_DIR/<lane>/root (fetched on
# first use, a no-op after).  Every lane uses the host's runc: the newer
# releases' runc needs a newer glibc than Debian 12's.
_DW_LIB=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
DW_DOCKERD_LANE=${DW_DOCKERD_LANE:-bookworm}

_DW_PATH=$PATH

# dw_dockerd_lane [LANE]: make LANE's (default DW_DOCKERD_LANE's) binaries
# first in PATH, for the dockerds started next and the docker CLI.  A lane
# that cannot be fetched or whose binaries do not run here is a SKIP (one
# line, exit 77), said before any daemon starts when a test calls this early.
dw_dockerd_lane() {
	local lane=${1:-$DW_DOCKERD_LANE} root= why
	[ "${_DW_LANE_READY:-}" != "$lane" ] || return 0
	case $lane in
	bookworm) ;;
	trixie | sid)
		local lanes=${DW_DOCKERD_LANES_DIR:-$_DW_LIB/../../build/dockerd-lanes}
		if ! why=$("$_DW_LIB/../../scripts/fetch-dockerd" "$lane" "$lanes/$lane" 2>&1); then
			dw_log "SKIP: dockerd lane $lane cannot be fetched: $(tail -1 <<<"$why")"
			exit 77
		fi
		root=$(readlink -f "$lanes/$lane/root")
		;;
	*) dw_die "dockerd lane $lane: not one of bookworm, trixie, sid" ;;
	esac
	export PATH="${root:+$root/usr/bin:$root/usr/sbin:}$_DW_PATH"
	if [ -n "$root" ]; then
		local b
		for b in sbin/dockerd bin/docker bin/containerd; do
			[ "$(command -v "${b#*/}")" = "$root/usr/$b" ] || dw_die "lane $lane: ${b#*/} is $(command -v "${b#*/}"), not $root/usr/$b"
			if ! why=$("$root/usr/$b" --version 2>&1); then
				dw_log "SKIP: dockerd lane $lane: its ${b#*/} does not run here: $(head -1 <<<"$why")"
				exit 77
			fi
		done
	fi
	DW_DOCKERD_LANE=$lane _DW_LANE_READY=$lane
}

# dw_dockerd_start DIR [EXTRA DOCKERD ARGS...]; exports DOCKER_HOST.
# DW_DOCKERD_JSON, when set, is the daemon.json to use (default {}).
dw_dockerd_start() {
	local dir=$1; shift
	dw_dockerd_lane
	mkdir -p "$dir"
	printf '%s\n' "${DW_DOCKERD_JSON:-{\}}" >"$dir/daemon.json"
	chmod 0644 "$dir/daemon.json"
	# dockerd consults every legacy plugin on the host when it looks a volume
	# up; a dead one costs 15 s per lookup.  Say so when there are any.
	local others
	others=$(find /etc/docker/plugins /run/docker/plugins /usr/lib/docker/plugins -maxdepth 1 \
		\( -name '*.spec' -o -name '*.json' -o -name '*.sock' \) 2>/dev/null | tr '\n' ' ' || true)
	[ -z "$others" ] || dw_log "dockerd will see these plugin files: $others"
	dockerd --config-file "$dir/daemon.json" --data-root "$dir/data" --exec-root "$dir/exec" \
		-H "unix://$dir/docker.sock" --pidfile "$dir/docker.pid" \
		--storage-driver vfs --iptables=false --ip-masq=false --bridge=none "$@" \
		>"$dir/dockerd.log" 2>&1 &
	echo $! >"$dir/dockerd.ownpid"
	dw_on_exit "dw_dockerd_stop '$dir'"
	export DOCKER_HOST="unix://$dir/docker.sock"
	# the CLI's own config (contexts, plugins) private too: not root's ~/.docker
	export DOCKER_CONFIG="$dir/cli"
	dw_wait_for 60 docker version ||
		dw_die "dockerd did not start: $(tail -5 "$dir/dockerd.log"); docker version: $(docker version 2>&1 | tail -2)"
	dw_log "dockerd lane $DW_DOCKERD_LANE: $(docker version --format 'dockerd {{.Server.Version}} (API {{.Server.APIVersion}}, min {{.Server.MinAPIVersion}}), docker CLI {{.Client.Version}} (API {{.Client.APIVersion}})' 2>&1 | head -1)"
}
dw_dockerd_stop() {
	local dir=$1
	[ -s "$dir/dockerd.ownpid" ] || return 0
	if [ -S "$dir/docker.sock" ]; then
		# bounded: a broken authorization plugin must not hang the cleanup
		DOCKER_HOST="unix://$dir/docker.sock" timeout 20 docker ps -aq 2>/dev/null |
			xargs -r timeout 60 env DOCKER_HOST="unix://$dir/docker.sock" docker rm -f >/dev/null 2>&1
	fi
	_dw_kill_pidfile "$dir/dockerd.ownpid"
	rm -f "$dir/dockerd.ownpid"
}

# dw_busybox_image NAME: import a busybox-static rootfs as image NAME.
dw_busybox_image() {
	local name=$1 root
	root=$(mktemp -d /tmp/dwt-rootfs.XXXXXX)
	chmod 0755 "$root" # the image's / : mktemp's 0700 would lock out non-root users
	mkdir -p "$root/bin" "$root/etc" "$root/tmp"
	chmod 1777 "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	local c
	for c in sh ls cat id echo sleep true false touch mkdir rm env ps grep wc head; do
		ln -s busybox "$root/bin/$c"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$name" >/dev/null
	rm -rf "$root"
}
