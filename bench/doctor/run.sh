#!/bin/bash
# bench/doctor/run.sh BUILDDIR [CONTAINERS [ROUNDS]] - how long the whole
# `dockwarden doctor` report takes on a host with CONTAINERS (default 100)
# containers and 10 volumes, a private dockerd behind the real dockwarden-authz
# plugin (every API call doctor makes goes through it), a private auditd.
# The policy has trusted_images on with a minisign-signed list that holds
# half the containers' image (the others' is unlisted), so the report also
# verifies the list and looks up each distinct image (dw-image-lists,
# dw-container-image).
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
dw_authz_spec dwt-bench-doctor
# the plugin with its built-in default policy, asking the dockerd behind it
dw_authz_start "$PLUGIN" "$T" "$T/no-policy.json" "$T/d/docker.sock"
DW_DOCKERD_JSON='{"live-restore": true, "userland-proxy": false, "no-new-privileges": true}' \
	dw_dockerd_start "$T/d" --authorization-plugin=dwt-bench-doctor
dw_auditd_start "$T/audit"
dw_busybox_image dwt-bb
# a second image: the same files, another label, so another image ID
cid=$(docker create --memory 64m --pids-limit 64 --user 1000 dwt-bb /bin/true)
docker commit --change 'LABEL dwt.bench=2' "$cid" dwt-bb2 >/dev/null
docker rm "$cid" >/dev/null
DATA=$here/../../tests/images/data
command -v minisign >/dev/null || dw_die "minisign is not installed (scripts/install-deps installs it)"
printf '%s bench\n' "$(docker image inspect -f '{{.Id}}' dwt-bb)" >"$T/team.list"
minisign -S -s "$DATA/a.key" -m "$T/team.list" -t bench >/dev/null 2>&1 || dw_die "minisign -S failed"
cp "$DATA/a.pub" "$T/a.pub"
chmod 0644 "$T/team.list" "$T/team.list.minisig" "$T/a.pub"
printf '{"authz": {"rules": {"trusted_images": "deny"}, "image_lists": [{"list": "%s", "pubkey": "%s"}]}}\n' \
	"$T/team.list" "$T/a.pub" >"$T/policy.json"
chmod 0600 "$T/policy.json"
dw_log "creating $N containers (two images) and 10 volumes"
for i in $(seq 1 "$N"); do
	docker create --name "dwt-c$i" --memory 64m --pids-limit 64 --user 1000 \
		-v "dwt-v$((i % 10))":/v "dwt-bb$([ $((i % 2)) = 0 ] || echo 2)" /bin/true >/dev/null
done
n=$(docker ps -aq | wc -l)
[ "$n" = "$N" ] || dw_die "$n containers, want $N"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
report() { "$DW" doctor --docker-socket "$T/d/docker.sock" --policy "$T/policy.json"; }
baseline() { docker ps -aq | xargs docker inspect >/dev/null; }
report >"$T/report.txt" || true
# the host-wide findings (the bench host is not set up well; the count is the point)
grep -E "^(FAIL|WARN) " "$T/report.txt" | grep -vE " dw-container(-image)? " | cut -c1-160 >&2 || true
checked=$(grep -cE '^(PASS|FAIL|WARN) dw-container ' "$T/report.txt" || true)
[ "$checked" = "$N" ] || dw_die "the report judged $checked containers, want $N"
grep -q '^PASS dw-image-lists' "$T/report.txt" || dw_die "the image list did not verify: $(grep dw-image-lists "$T/report.txt")"
img=$(grep -c '^FAIL dw-container-image' "$T/report.txt" || true)
[ "$img" = $((N - N / 2)) ] || dw_die "dw-container-image failed $img containers, want $((N - N / 2)): $(grep dw-container-image "$T/report.txt" | head -3)"
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
