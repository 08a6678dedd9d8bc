#!/bin/bash
# e2e_docker.sh PLUGIN_BINARY - dockwarden-authz in front of a real dockerd.
#
# A private dockerd uses the plugin (spec file dwt-authz-e2e).  Ordinary work
# (run with limits, exec, volumes, binds of a scratch dir) goes through; every
# denied class is denied through the docker CLI and through raw HTTP evasion
# attempts on dockerd's socket, and dockerd's own state (inspect, ps, volume
# ls) shows that nothing denied was created or changed.
set -euo pipefail
PLUGIN=$(readlink -f "$1")
. "$(dirname "$0")/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_dockerd_lane # a lane that cannot run here is a SKIP before anything starts
dw_tmpdir T
SPEC=/etc/docker/plugins/dwt-authz-e2e.spec
mkdir -p /etc/docker/plugins
[ ! -e "$SPEC" ] || dw_die "$SPEC exists: another run in progress?"

# Decisions go to syslog (LOG_AUTHPRIV) and to audit: capture both.
dw_syslog_start "$T"
dw_auditd_start "$T/audit"

"$PLUGIN" --socket "$T/authz.sock" --policy "$T/no-policy.json" --docker-socket "$T/d/docker.sock" \
	--foreground 2>"$T/authz.err" &
echo $! >"$T/authz.pid"
dw_on_exit "_dw_kill_pidfile '$T/authz.pid'"
dw_wait_for 10 test -S "$T/authz.sock" || dw_die "plugin did not start: $(cat "$T/authz.err")"
[ "$(stat -c %a "$T/authz.sock")" = 600 ] || dw_die "socket mode is $(stat -c %a "$T/authz.sock"), want 600"
echo "unix://$T/authz.sock" >"$SPEC"
dw_on_exit "rm -f '$SPEC'"

dw_dockerd_start "$T/d" --authorization-plugin=dwt-authz-e2e
SOCK="$T/d/docker.sock"
# The plugin asks dockerd its version once dockerd serves its API.
api=$(docker version -f '{{.Server.APIVersion}}')
dw_wait_for 15 grep -q "guarding dockerd .* (API $api) on $SOCK" "$T/authz.err" ||
	dw_die "the plugin did not learn dockerd's version: $(cat "$T/authz.err")"
dw_busybox_image dwt-bb
# dw_busybox_image's rootfs top directory is 0700 (mktemp -d): non-root users
# could not exec anything.  Re-import with a 0755 root.
bb_root=$(mktemp -d /tmp/dwt-authz-rootfs.XXXXXX)
dw_on_exit "rm -rf '$bb_root'"
mkdir -p "$bb_root/bin" "$bb_root/etc" "$bb_root/tmp"
cp /bin/busybox "$bb_root/bin/busybox"
for c in sh true cat id sleep touch; do ln -s busybox "$bb_root/bin/$c"; done
chmod 0755 "$bb_root"
tar -C "$bb_root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - dwt-bb >/dev/null
mkdir -p "$T/data" "$T/links"
ln -s /etc "$T/links/etc"

# no_container NAME: dockerd answers that NAME does not exist (a type-specific
# inspect: a bare "docker inspect" also asks every volume plugin, and one
# stale plugin socket anywhere on the host makes that take 15 s per call).
no_container() {
	local out
	out=$(docker container inspect "$1" 2>&1) && return 1
	grep -q 'No such container' <<<"$out" || fail "docker container inspect $1: $out"
}
pass=0
ok() { pass=$((pass + 1)); dw_log "ok: $*"; }
fail() { dw_log "plugin: $(tail -5 "$T/authz.err" 2>/dev/null)"; dw_die "$*"; }
LIM=(--memory 64m --pids-limit 64)

# --- ordinary work goes through ------------------------------------------------
docker run --rm "${LIM[@]}" --user 1000 dwt-bb /bin/true || fail "plain run with limits denied"
ok "run with limits"
docker run -d --name dwt-ok "${LIM[@]}" dwt-bb /bin/sleep 300 >/dev/null || fail "detached run denied"
docker exec dwt-ok /bin/true || fail "exec denied"
docker exec --user 1000 dwt-ok /bin/id -u | grep -qx 1000 || fail "exec as user denied"
ok "exec"
docker volume create dwt-vol >/dev/null || fail "volume create denied"
docker run --rm "${LIM[@]}" -v dwt-vol:/v dwt-bb /bin/touch /v/x || fail "named volume denied"
ok "volumes"
echo hello >"$T/data/f"
docker run --rm "${LIM[@]}" -v "$T/data:/data:ro" dwt-bb /bin/cat /data/f | grep -qx hello || fail "scratch bind denied"
docker run --rm "${LIM[@]}" --mount "type=bind,src=$T/data,dst=/d" dwt-bb /bin/true || fail "scratch --mount denied"
ok "non-sensitive binds"
docker run --rm "${LIM[@]}" --cap-add NET_BIND_SERVICE --security-opt no-new-privileges dwt-bb /bin/true ||
	fail "allowed cap / no-new-privileges denied"
ok "allowed options"
docker update --memory 128m --memory-swap 256m dwt-ok >/dev/null || fail "update within limits denied"
ok "update"
# network connect: the endpoint is judged as a create's (endpoint sysctls)
# (subnets given: the default pools run out on a host where killed dockerds left bridges)
docker network create --subnet 10.231.1.0/24 dwt-net >/dev/null || fail "network create denied"
docker network connect --alias dwt-w dwt-net dwt-ok || fail "network connect denied"
docker network create --subnet 10.231.2.0/24 dwt-net2 >/dev/null || fail "network create denied"
if out=$(docker network connect --driver-opt com.docker.network.endpoint.sysctls=net.ipv4.conf.IFNAME.forwarding=1 \
	dwt-net2 dwt-ok 2>&1); then
	fail "network connect with endpoint sysctls allowed"
fi
grep -q 'sysctls: EndpointConfig.DriverOpts\[com.docker.network.endpoint.sysctls\] net.ipv4.conf.IFNAME.forwarding is not allowed' <<<"$out" ||
	fail "network connect with endpoint sysctls: $out"
docker network disconnect dwt-net dwt-ok >/dev/null 2>&1 || true
docker network rm dwt-net dwt-net2 >/dev/null || fail "network rm"
ok "network create and connect; connect with endpoint sysctls denied"
# swarm: a manager's tasks would run here unjudged
if out=$(docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:0 2>&1); then
	docker swarm leave --force >/dev/null 2>&1 || true
	fail "swarm init allowed"
fi
grep -q 'denied: swarm: POST /swarm/init (swarm init) makes this dockerd a swarm node' <<<"$out" ||
	fail "swarm init: $out"
[ "$(docker info -f '{{.Swarm.LocalNodeState}}')" = inactive ] || fail "swarm init denied, yet the node is in a swarm"
ok "swarm init denied"
docker cp "$T/data/f" dwt-ok:/tmp/f || fail "docker cp into a container denied"
docker cp dwt-ok:/tmp/f "$T/cp-out" || fail "docker cp out of a container denied"
[ "$(docker exec dwt-ok /bin/cat /tmp/f)" = hello ] && [ "$(cat "$T/cp-out")" = hello ] || fail "docker cp copied something else"
ok "docker cp in and out"
docker logs dwt-ok >/dev/null || fail "docker logs denied"
docker ps -q >/dev/null || fail "docker ps denied"
ok "docker logs, docker ps"

# docker build: the docker CLI 23 and later build with BuildKit (the buildx
# plugin; docker-buildx is a separate package, not in these lanes) when it is
# there; without it Debian's CLI falls back to the classic builder, saying so,
# and DOCKER_BUILDKIT=1 makes it refuse.  The classic builder is what the
# plugin can judge; BuildKit's endpoints it denies (raw checks below).
cli_major=$(docker version --format '{{.Client.Version}}') cli_major=${cli_major%%.*}
mkdir -p "$T/ctx"
printf 'FROM dwt-bb\nRUN /bin/true\n' >"$T/Dockerfile"
if [ "$cli_major" -ge 23 ]; then
	if docker buildx version >/dev/null 2>&1; then
		# a buildx plugin on the host: BuildKit's session is denied
		out=$(docker build -q -t dwt-built -f "$T/Dockerfile" "$T/ctx" 2>&1) && fail "docker $cli_major build (BuildKit) allowed: $out"
		grep -qF "$D buildkit:" <<<"$out" || fail "docker $cli_major build with buildx: $out"
		ok "docker $cli_major build with buildx: denied (buildkit)"
	else
		out=$(docker build -q -t dwt-built-default -f "$T/Dockerfile" "$T/ctx" 2>&1) ||
			fail "docker $cli_major build without buildx (classic fallback) denied: $out"
		grep -qF 'legacy builder is deprecated' <<<"$out" ||
			fail "docker $cli_major build without buildx did not say it fell back to the legacy builder: $out"
		docker image inspect dwt-built-default >/dev/null || fail "docker $cli_major classic fallback made no image"
		ok "docker $cli_major build without buildx: the classic builder, with its deprecation notice"
		out=$(DOCKER_BUILDKIT=1 docker build -q -t dwt-built-bk -f "$T/Dockerfile" "$T/ctx" 2>&1) &&
			fail "docker $cli_major DOCKER_BUILDKIT=1 build without buildx succeeded: $out"
		grep -qi 'buildx component is missing or broken' <<<"$out" || fail "docker $cli_major DOCKER_BUILDKIT=1 build without buildx: $out"
		! docker image inspect dwt-built-bk >/dev/null 2>&1 || fail "dockerd built dwt-built-bk"
		ok "docker $cli_major DOCKER_BUILDKIT=1 build without buildx: refused by the CLI"
	fi
fi
DOCKER_BUILDKIT=0 docker build -q -t dwt-built -f "$T/Dockerfile" "$T/ctx" >/dev/null 2>"$T/build.err" ||
	fail "classic build denied: $(cat "$T/build.err")"
docker image inspect dwt-built >/dev/null || fail "classic build made no image"
ok "classic build"

# --- the CLI: each denied class, and dockerd created nothing --------------------
n=0
deny_run() { # MSG ARGS... : docker run must fail with MSG; the container must not exist
	local msg=$1; shift
	n=$((n + 1))
	local name=dwt-deny-$n out
	if out=$(docker run --name "$name" "$@" dwt-bb /bin/true 2>&1); then
		fail "allowed: docker run $*"
	fi
	grep -qF -- "authorization denied by plugin dwt-authz-e2e: $msg" <<<"$out" ||
		fail "docker run $*: wrong message: $out"
	no_container "$name" || fail "docker run $*: dockerd created $name"
	ok "denied: docker run $*"
}
D="dockwarden: denied:"
deny_run "$D privileged: HostConfig.Privileged is true" "${LIM[@]}" --privileged
deny_run "$D host_mounts: HostConfig.Binds[0] source /etc is a sensitive host path" "${LIM[@]}" -v /etc:/x
deny_run "$D host_mounts: HostConfig.Binds[0] source / is a sensitive host path" "${LIM[@]}" -v /:/host
deny_run "$D host_mounts: HostConfig.Binds[0] source $T/links/etc (resolves to /etc) is a sensitive host path" "${LIM[@]}" -v "$T/links/etc:/x"
deny_run "$D host_mounts: HostConfig.Mounts[0] source /var/run/docker.sock is a sensitive host path" "${LIM[@]}" --mount type=bind,src=/var/run/docker.sock,dst=/s
deny_run "$D host_namespaces: HostConfig.NetworkMode is host" "${LIM[@]}" --network host
deny_run "$D host_namespaces: HostConfig.PidMode is host" "${LIM[@]}" --pid host
deny_run "$D host_namespaces: HostConfig.IpcMode is host" "${LIM[@]}" --ipc host
deny_run "$D host_namespaces: HostConfig.UTSMode is host" "${LIM[@]}" --uts host
deny_run "$D capabilities: HostConfig.CapAdd[0] CAP_SYS_ADMIN is not allowed" "${LIM[@]}" --cap-add SYS_ADMIN
deny_run "$D capabilities: HostConfig.CapAdd[0] CAP_SYS_ADMIN is not allowed" "${LIM[@]}" --cap-add cap_sys_admin
deny_run "$D capabilities: HostConfig.CapAdd[0] ALL adds every capability" "${LIM[@]}" --cap-add ALL
deny_run "$D devices: HostConfig.Devices[0] maps host device /dev/mem" "${LIM[@]}" --device /dev/mem
deny_run "$D security_options: HostConfig.SecurityOpt[0] seccomp is unconfined" "${LIM[@]}" --security-opt seccomp=unconfined
deny_run "$D security_options: HostConfig.SecurityOpt[0] apparmor is unconfined" "${LIM[@]}" --security-opt apparmor=unconfined
deny_run "$D security_options: HostConfig.MaskedPaths omits /proc/asound (unmasks it)" "${LIM[@]}" --security-opt systempaths=unconfined
deny_run "$D sysctls: HostConfig.Sysctls kernel.msgmax is not allowed" "${LIM[@]}" --sysctl kernel.msgmax=65536
deny_run "$D resource_limits: HostConfig.Memory is not set (a memory limit is required)" --pids-limit 64
deny_run "$D resource_limits: HostConfig.PidsLimit is not set (a pids limit is required)" --memory 64m
deny_run "$D resource_limits: HostConfig.OomKillDisable is true" "${LIM[@]}" --oom-kill-disable
deny_run "$D resource_limits: HostConfig.CgroupParent is set" "${LIM[@]}" --cgroup-parent /

out=$(DOCKER_BUILDKIT=0 docker build --network host -t dwt-built-host -f "$T/Dockerfile" "$T/ctx" 2>&1) &&
	fail "classic build --network host allowed"
grep -qF "authorization denied by plugin dwt-authz-e2e: $D host_namespaces: build networkmode is host" <<<"$out" || fail "build --network host: $out"
! docker image inspect dwt-built-host >/dev/null 2>&1 || fail "dockerd built dwt-built-host"
ok "denied: docker build --network host"
out=$(docker volume create --driver local --opt type=none --opt o=bind --opt device=/etc dwt-evil 2>&1) &&
	fail "volume with bind opts to /etc allowed"
grep -qF "$D host_mounts: DriverOpts device /etc is a sensitive host path" <<<"$out" || fail "volume: $out"
! docker volume ls -q | grep -qx dwt-evil || fail "dockerd created volume dwt-evil"
ok "denied: docker volume create bind /etc"
out=$(docker exec --privileged dwt-ok /bin/true 2>&1) && fail "exec --privileged allowed"
grep -qF "$D privileged: Privileged is true" <<<"$out" || fail "exec: $out"
ok "denied: docker exec --privileged"
out=$(docker update --pids-limit -1 dwt-ok 2>&1) && fail "update removing pids limit allowed"
grep -qF "$D resource_limits: PidsLimit -1 removes the pids limit" <<<"$out" || fail "update: $out"
[ "$(docker inspect -f '{{.HostConfig.PidsLimit}}' dwt-ok)" = 64 ] || fail "pids limit changed"
ok "denied: docker update --pids-limit -1"
[ "$(docker ps -a --format '{{.Names}}' | grep -c '^dwt-deny-')" = 0 ] || fail "docker ps -a shows denied containers"
ok "docker ps -a shows none of the denied containers"

# --- raw HTTP on dockerd's socket ------------------------------------------------
# raw WANT NAME CURL-ARGS... : WANT is 403 (the plugin denied, Msg checked) or
# "no" (any non-2xx: dockerd itself refused); container NAME must not exist.
raw() {
	local want=$1 name=$2; shift 2
	local code
	code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$SOCK" "$@" || true)
	if [ "$want" = 403 ]; then
		[ "$code" = 403 ] && grep -q 'authorization denied by plugin dwt-authz-e2e: dockwarden: denied:' "$T/resp" ||
			fail "raw $name: HTTP $code $(head -c 300 "$T/resp")"
	else
		case $code in 2*) fail "raw $name: HTTP $code (accepted)";; esac
	fi
	if [ -n "${RAW_CHECK_NAME:-}" ]; then
		no_container "$RAW_CHECK_NAME" || fail "raw $name: dockerd created $RAW_CHECK_NAME"
	fi
	ok "raw: $name -> $code ($(grep -o 'dockwarden: denied: [a-z_]*' "$T/resp" | head -1))"
}
J=(-H 'Content-Type: application/json')
HC='"Memory":67108864,"PidsLimit":64'
create() { # WANT NAME PATH-PREFIX BODY [CURL-ARGS]
	local want=$1 name=$2 prefix=$3 body=$4; shift 4
	RAW_CHECK_NAME=dwt-raw-$name raw "$want" "$name" -X POST "${J[@]}" \
		"http://d${prefix}/containers/create?name=dwt-raw-$name" --data-binary "$body" "$@"
}
V=/v1.41
create 403 toplevel-privileged $V '{"Image":"dwt-bb","Privileged":true,'"$HC"'}'
create 403 toplevel-privileged-with-inner $V '{"Image":"dwt-bb","Privileged":true,"HostConfig":{'"$HC"'}}'
create 403 toplevel-binds $V '{"Image":"dwt-bb","Binds":["/etc:/x"],'"$HC"'}'
create 403 key-lower $V '{"Image":"dwt-bb","HostConfig":{"privileged":true,'"$HC"'}}'
create 403 key-upper $V '{"Image":"dwt-bb","HostConfig":{"PRIVILEGED":true,'"$HC"'}}'
create 403 key-mixed $V '{"Image":"dwt-bb","hostconfig":{"pRivileged":true,'"$HC"'}}'
create 403 key-long-s $V '{"Image":"dwt-bb","HostConfig":{"Bind\u017f":["/etc:/x"],'"$HC"'}}'
create 403 key-long-s-utf8 $V "{\"Image\":\"dwt-bb\",\"HostConfig\":{\"Bind$(printf '\xc5\xbf')\":[\"/:/h\"],$HC}}"
create 403 key-kelvin $V "{\"Image\":\"dwt-bb\",\"HostConfig\":{\"OomKillDisable\":false,\"Oom$(printf '\xe2\x84\xaa')illDisable\":true,$HC}}"
create 403 dup-exact $V '{"Image":"dwt-bb","HostConfig":{"Privileged":false,"Privileged":true,'"$HC"'}}'
create 403 dup-folded $V '{"Image":"dwt-bb","HostConfig":{"Privileged":false,"privileged":true,'"$HC"'}}'
create 403 dup-hostconfig $V '{"Image":"dwt-bb","HostConfig":{'"$HC"'},"hostConfig":{"Privileged":true}}'
create 403 unversioned "" '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}'
create 403 v1.12 /v1.12 '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}'
create 403 v1.23-toplevel /v1.23 '{"Image":"dwt-bb","Privileged":true,'"$HC"'}'
# the same attacks at this dockerd's own API version (1.45 on 26.1, 1.51 on 28.5)
create 403 own-api-privileged "/v$api" '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}'
create 403 own-api-binds "/v$api" '{"Image":"dwt-bb","HostConfig":{"Binds":["/etc:/x"],'"$HC"'}}'
create 403 own-api-unknown-key "/v$api" '{"Image":"dwt-bb","HostConfig":{"HostEscape":true,'"$HC"'}}'
create 403 own-api-createmountpoint "/v$api" '{"Image":"dwt-bb","HostConfig":{"Mounts":[{"Type":"bind","Source":"/etc/dwt-new","Target":"/x","BindOptions":{"CreateMountpoint":true}}],'"$HC"'}}'
[ ! -e /etc/dwt-new ] || { rmdir /etc/dwt-new; fail "dockerd created /etc/dwt-new"; }
create 403 own-api-endpoint-sysctl "/v$api" '{"Image":"dwt-bb","HostConfig":{'"$HC"'},"NetworkingConfig":{"EndpointsConfig":{"none":{"DriverOpts":{"com.docker.network.endpoint.sysctls":"net.ipv4.ip_forward=1"}}}}}'
create no newer-api /v1.56 '{"Image":"dwt-bb","HostConfig":{'"$HC"'}}'
create no double-slash "/" '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}' --path-as-is
create no dot-segment "/v1.41/." '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}' --path-as-is
RAW_CHECK_NAME=dwt-raw-pct raw 403 percent-encoded-path -X POST "${J[@]}" "http://d/v1.41/containers/cre%61te?name=dwt-raw-pct" \
	--data-binary '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}'
RAW_CHECK_NAME=dwt-raw-pct2 raw 403 percent-encoded-slash -X POST "${J[@]}" "http://d/v1.41/containers%2Fcreate?name=dwt-raw-pct2" \
	--data-binary '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}'
RAW_CHECK_NAME=dwt-raw-absform raw 403 absolute-form-uri -X POST "${J[@]}" --request-target "http://d/v1.41/containers/create?name=dwt-raw-absform" \
	"http://d/" --data-binary '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}'
create 403 no-content-type $V '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}' -H 'Content-Type:'
create 403 json-charset $V '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}' -H 'Content-Type: application/json; charset=utf-8'
create 403 chunked $V '{"Image":"dwt-bb","HostConfig":{"Privileged":true,'"$HC"'}}' -H 'Transfer-Encoding: chunked'
create 403 trailing-doc $V '{"Image":"dwt-bb","HostConfig":{'"$HC"'}} {"HostConfig":{"Privileged":true}}'
create 403 bind-symlink $V '{"Image":"dwt-bb","HostConfig":{"Binds":["'"$T"'/links/etc:/x"],'"$HC"'}}'
create 403 bind-dotdot $V '{"Image":"dwt-bb","HostConfig":{"Binds":["/etc/../etc:/x"],'"$HC"'}}'
create 403 bind-trailing-slash $V '{"Image":"dwt-bb","HostConfig":{"Binds":["/etc/:/x"],'"$HC"'}}'
create 403 bind-double-slash $V '{"Image":"dwt-bb","HostConfig":{"Binds":["//etc:/x"],'"$HC"'}}'
create 403 bind-tmp-dotdot $V '{"Image":"dwt-bb","HostConfig":{"Binds":["/tmp/../root:/x:rw"],'"$HC"'}}'
create no bind-relative $V '{"Image":"dwt-bb","HostConfig":{"Binds":["./etc:/x"],'"$HC"'}}'
create 403 mounts-bind-root $V '{"Image":"dwt-bb","HostConfig":{"Mounts":[{"Type":"bind","Source":"/","Target":"/h"}],'"$HC"'}}'
create 403 mounts-folded $V '{"Image":"dwt-bb","HostConfig":{"mounts":[{"type":"bind","source":"/etc","target":"/h"}],'"$HC"'}}'
create 403 mounts-volume-driveropts $V '{"Image":"dwt-bb","HostConfig":{"Mounts":[{"Type":"volume","Source":"dwt-mv","Target":"/h","VolumeOptions":{"DriverConfig":{"Name":"local","Options":{"type":"none","o":"bind","device":"/etc"}}}}],'"$HC"'}}'
create 403 masked-paths-empty $V '{"Image":"dwt-bb","HostConfig":{"MaskedPaths":[],'"$HC"'}}'
create 403 cap-lower $V '{"Image":"dwt-bb","HostConfig":{"CapAdd":["sys_admin"],'"$HC"'}}'
create 403 capabilities-field $V '{"Image":"dwt-bb","HostConfig":{"Capabilities":["CAP_SYS_ADMIN"],'"$HC"'}}'
create 403 seccomp-colon $V '{"Image":"dwt-bb","HostConfig":{"SecurityOpt":["seccomp:unconfined"],'"$HC"'}}'
create 403 label-disable $V '{"Image":"dwt-bb","HostConfig":{"SecurityOpt":["label:disable"],'"$HC"'}}'
create 403 pids-minus-one $V '{"Image":"dwt-bb","HostConfig":{"Memory":67108864,"PidsLimit":-1}}'
create 403 privileged-string $V '{"Image":"dwt-bb","HostConfig":{"Privileged":"true",'"$HC"'}}'

RAW_CHECK_NAME=dwt-raw-vol raw 403 volume-driveropts-folded -X POST "${J[@]}" "http://d$V/volumes/create" \
	--data-binary '{"Name":"dwt-raw-vol","driveropts":{"type":"none","o":"bind","device":"/"}}'
! docker volume ls -q | grep -qx dwt-raw-vol || fail "dockerd created volume dwt-raw-vol"
raw 403 exec-privileged-folded -X POST "${J[@]}" "http://d$V/containers/dwt-ok/exec" \
	--data-binary '{"Cmd":["true"],"pRIVILEGED":true}'
raw 403 update-pids-unlimited -X POST "${J[@]}" "http://d$V/containers/dwt-ok/update" --data-binary '{"PidsLimit":0}'
[ "$(docker inspect -f '{{.HostConfig.PidsLimit}}' dwt-ok)" = 64 ] || fail "pids limit changed by raw update"
raw 403 service-create-bind-root -X POST "${J[@]}" "http://d$V/services/create" \
	--data-binary '{"Name":"dwt-svc","TaskTemplate":{"ContainerSpec":{"Image":"dwt-bb","Mounts":[{"Type":"bind","Source":"/","Target":"/h"}]},"Resources":{"Limits":{"MemoryBytes":67108864,"Pids":64}}}}'
raw 403 service-create-caps -X POST "${J[@]}" "http://d$V/services/create" \
	--data-binary '{"Name":"dwt-svc","TaskTemplate":{"ContainerSpec":{"Image":"dwt-bb","CapabilityAdd":["CAP_SYS_ADMIN"]},"Resources":{"Limits":{"MemoryBytes":67108864,"Pids":64}}}}'
raw 403 plugin-pull -X POST "${J[@]}" "http://d$V/plugins/pull?remote=example.com/evil" --data-binary '[]'
raw 403 build-network-host -X POST -H 'Content-Type: application/x-tar' "http://d$V/build?networkmode=host" --data-binary @/dev/null
raw 403 build-form-encoded -X POST -H 'Content-Type: application/x-www-form-urlencoded' "http://d$V/build" --data-binary 'networkmode=host'
raw 403 grpc -X POST "http://d/grpc" -H 'Upgrade: h2c' -H 'Connection: Upgrade'
raw 403 buildkit-session -X POST "http://d$V/session" -H 'Upgrade: h2c' -H 'Connection: Upgrade'
raw 403 buildkit-build -X POST -H 'Content-Type: application/x-tar' "http://d$V/build?version=2" --data-binary @/dev/null

# API < 1.24: a start body is a HostConfig that replaces the created one.
# dockerd 25 and later refuse those versions themselves (after the plugin
# allowed the request): the plugin must still deny the start bodies below, as
# it cannot know which dockerd it is in front of.
minapi=$(docker version --format '{{.Server.MinAPIVersion}}')
old_create=/v1.23
if [ "$minapi" != 1.12 ]; then
	code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$SOCK" -X POST "${J[@]}" "http://d/v1.23/containers/create?name=dwt-old" \
		--data-binary '{"Image":"dwt-bb","Cmd":["sleep","300"],'"$HC"'}')
	[ "$code" = 400 ] && grep -qF "client version 1.23 is too old. Minimum supported API version is $minapi" "$T/resp" ||
		fail "dockerd (min API $minapi) on a v1.23 create: HTTP $code $(head -c 300 "$T/resp")"
	no_container dwt-old || fail "dockerd (min API $minapi) created dwt-old at v1.23"
	ok "dockerd (min API $minapi) refuses a v1.23 create itself"
	old_create=/v$minapi
fi
curl -sf --unix-socket "$SOCK" -X POST "${J[@]}" "http://d$old_create/containers/create?name=dwt-old" \
	--data-binary '{"Image":"dwt-bb","Cmd":["sleep","300"],'"$HC"'}' >/dev/null || fail "$old_create create denied"
RAW_CHECK_NAME= raw 403 v1.23-start-hostconfig -X POST "${J[@]}" "http://d/v1.23/containers/dwt-old/start" \
	--data-binary '{"Privileged":true,"Binds":["/:/host"],'"$HC"'}'
[ "$(docker inspect -f '{{.State.Running}} {{.HostConfig.Privileged}} {{len .HostConfig.Binds}}' dwt-old)" = "false false 0" ] ||
	fail "dwt-old changed: $(docker inspect -f '{{.State.Running}} {{.HostConfig.Privileged}} {{.HostConfig.Binds}}' dwt-old)"
RAW_CHECK_NAME= raw 403 v1.12-start-no-content-type -X POST "http://d/v1.12/containers/dwt-old/start" \
	--data-binary '{"Privileged":true}' -H 'Content-Type:'
[ "$(docker inspect -f '{{.State.Running}} {{.HostConfig.Privileged}}' dwt-old)" = "false false" ] || fail "dwt-old started privileged"
ok "dwt-old neither started nor changed"

# A positive control for the raw harness: a well-formed create is accepted
# (at dockerd's own API version: dockerd 29 no longer serves 1.41).
code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$SOCK" -X POST "${J[@]}" \
	"http://d/v$(docker version --format '{{.Server.APIVersion}}')/containers/create?name=dwt-raw-good" --data-binary '{"Image":"dwt-bb","User":"1000","HostConfig":{'"$HC"'}}')
[ "$code" = 201 ] && docker container inspect dwt-raw-good >/dev/null || fail "raw good create: HTTP $code $(cat "$T/resp")"
ok "raw: well-formed create -> 201"

# --- masked paths: the plugin's table of dockerd's defaults, against this dockerd --
# dockerd stores its default MaskedPaths/ReadonlyPaths in every container it
# makes: a create naming exactly those is allowed, and one leaving out any
# one of them is denied naming it (a list dockerd runs would unmask it).
api=$(docker version --format '{{.Server.APIVersion}}')
docker create --name dwt-defaults "${LIM[@]}" dwt-bb /bin/true >/dev/null || fail "default create denied"
for key in MaskedPaths ReadonlyPaths; do
	mapfile -t paths < <(docker inspect -f "{{range .HostConfig.$key}}{{println .}}{{end}}" dwt-defaults | sed '/^$/d')
	[ "${#paths[@]}" -ge 5 ] || fail "dockerd stored no default $key: ${paths[*]}"
	list() { printf '%s\n' "$@" | jq -R . | jq -sc .; }
	code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$SOCK" -X POST "${J[@]}" \
		"http://d/v$api/containers/create?name=dwt-$key-all" \
		--data-binary '{"Image":"dwt-bb","User":"1000","HostConfig":{'"$HC"',"'"$key"'":'"$(list "${paths[@]}")"'}}')
	[ "$code" = 201 ] || fail "$key: dockerd's own defaults denied: HTTP $code $(cat "$T/resp")"
	docker rm "dwt-$key-all" >/dev/null
	for drop in "${paths[@]}"; do
		rest=()
		for p in "${paths[@]}"; do [ "$p" = "$drop" ] || rest+=("$p"); done
		code=$(curl -s -o "$T/resp" -w '%{http_code}' --unix-socket "$SOCK" -X POST "${J[@]}" \
			"http://d/v$api/containers/create" \
			--data-binary '{"Image":"dwt-bb","User":"1000","HostConfig":{'"$HC"',"'"$key"'":'"$([ ${#rest[@]} -gt 0 ] && list "${rest[@]}" || echo '[]')"'}}')
		[ "$code" = 403 ] && grep -qF "HostConfig.$key omits $drop (unmasks it)" "$T/resp" ||
			fail "$key without $drop: HTTP $code $(cat "$T/resp")"
	done
	ok "$key: dockerd's ${#paths[@]} defaults allowed, each one left out denied"
done
docker rm dwt-defaults >/dev/null

# --- decisions in syslog and audit; never a secret value -------------------------
docker run --rm "${LIM[@]}" -e DB_PASSWORD=dwt-hunter2-value dwt-bb /bin/true || fail "secret env run denied (warn only)"
dw_syslog_wait "$T" 'dockwarden-authz: .*decision=deny .*rule=privileged ' || fail "no privileged deny in syslog"
dw_syslog_wait "$T" 'dockwarden-authz: .*method=GET uri=/containers/json decision=allow ' ||
	fail "no allow in syslog: $(grep -m3 'dockwarden-authz: ' "$T/syslog.log")"
dw_syslog_wait "$T" 'dockwarden-authz: .*decision=warn rule=[a-z_,]*secrets_in_env.*DB_PASSWORD' || fail "no secrets_in_env warning in syslog: $(grep 'decision=warn' "$T/syslog.log" | tail -2)"
ok "decisions in syslog (authpriv): $(grep -c 'dockwarden-authz: ' "$T/syslog.log") lines"
grep -q 'authpriv' <<<"$(grep -m1 'dockwarden-authz: .*decision=' "$T/syslog.log")" || fail "decision not logged to authpriv"
dw_wait_for 10 grep -q 'type=TRUSTED_APP.*op=dockwarden-authz.*decision=deny.*rule=host_mounts' "$T/audit/audit.log" ||
	fail "no audit record of a host_mounts deny"
ok "decisions in audit: $(grep -c 'op=dockwarden-authz' "$T/audit/audit.log") TRUSTED_APP records"
! grep -rq 'dwt-hunter2-value' "$T/syslog.log" "$T/audit/audit.log" || fail "an env value reached the logs"
ok "no env value in syslog or audit"

kill -0 "$(cat "$T/authz.pid")" || fail "plugin died"
dw_log "PASS: $pass checks"
