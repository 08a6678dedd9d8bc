#!/bin/bash
# bench/doctor/run.sh BUILDDIR [CONTAINERS [ROUNDS]] - how long the whole
# `dockwarden doctor` report takes on a host with CONTAINERS (default 100)
# containers and 10 volumes, a private dockerd behind the real dockwarden-authz
# plugin (every API call doctor makes goes through it), a private auditd.
# Baseline, measured interleaved: `docker ps -a` + one `docker inspect` of
# every container through the same dockerd (what any report must at least ask).
# (For comparison: docker-bench-security took 70 s for 23 containers.)
set -euo pipefail
B=$(readlink -f "${1:?usage: run.sh BUILDDIR [CONTAINERS [ROUNDS]]}")
N=${2:-100}
ROUNDS=${3:-5}
here=$(dirname "$(readlink -f "$0")")
. "$here/../../tests/lib/e2e.sh"
dw_e2e_lock "$@"
dw_tmpdir T
DW=$B/cli/dockwarden
PLUGIN=$B/authz-plugin/dockwarden-authz
SPEC=/etc/docker/plugins/dwt-bench-doctor.spec
mkdir -p /etc/docker/plugins

"$PLUGIN" --socket "$T/authz.sock" --policy "$T/no-policy.json" --foreground 2>"$T/authz.err" &
echo $! >"$T/authz.pid"
dw_on_exit "_dw_kill_pidfile '$T/authz.pid'"
dw_wait_for 10 test -S "$T/authz.sock" || dw_die "plugin did not start"
echo "unix://$T/authz.sock" >"$SPEC"
dw_on_exit "rm -f '$SPEC'"
DW_DOCKERD_JSON='{"live-restore": true, "userland-proxy": false, "no-new-privileges": true}' \
	dw_dockerd_start "$T/d" --authorization-plugin=dwt-bench-doctor
dw_auditd_start "$T/audit"
dw_busybox_image dwt-bb
dw_log "creating $N containers and 10 volumes"
for i in $(seq 1 "$N"); do
	docker create --name "dwt-c$i" --memory 64m --pids-limit 64 --user 1000 \
		-v "dwt-v$((i % 10))":/v dwt-bb /bin/true >/dev/null
done
n=$(docker ps -aq | wc -l)
[ "$n" = "$N" ] || dw_die "$n containers, want $N"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
report() { "$DW" doctor --docker-socket "$T/d/docker.sock"; }
baseline() { docker ps -aq | xargs docker inspect >/dev/null; }
report >"$T/report.txt" || true
checked=$(grep -c '^PASS dw-container\|^FAIL dw-container\|^WARN dw-container' "$T/report.txt" || true)
[ "$checked" = "$N" ] || dw_die "the report judged $checked containers, want $N"
d=() b=()
for r in $(seq 1 "$ROUNDS"); do
	d+=("$(ms report)")
	b+=("$(ms baseline)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
md=$(median "${d[@]}") mb=$(median "${b[@]}")
dw_log "doctor, $N containers: ${d[*]} ms; docker ps + inspect: ${b[*]} ms"
tail -1 "$T/report.txt" >&2
printf 'doctor report, %s containers\t%s\tms\tdocker ps -a + inspect each\t%s\t%s\n' "$N" "$md" "$mb" \
	"$(awk -v a="$md" -v b="$mb" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
