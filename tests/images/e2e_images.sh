#!/bin/bash
# e2e_images.sh PLUGIN_BINARY DATA_DIR DOCKWARDEN - trusted_images through a
# real dockerd.
#
# Two local images; a list holding the first one's image ID, signed by
# minisign itself with the test key (DATA_DIR/a.key).  Through the docker
# CLI: the listed image runs; the other one, the listed tag re-pointed at
# the other image, an expired entry and a list signed by a key that is not
# trusted are denied with their messages; a list with one changed byte is
# refused on reload (the previous list stays) and, at a fresh start, makes
# the image's run denied naming the bad signature.  In a one-node swarm,
# service create and update are judged by the digest they are pinned to.
# `dockwarden doctor` reports the lists and each existing container's image.
set -euo pipefail
PLUGIN=$(readlink -f "$1")
DATA=$(readlink -f "$2")
DW=$(readlink -f "$3")
. "$(dirname "$0")/../lib/e2e.sh"

command -v minisign >/dev/null || { dw_log "SKIP: minisign is not installed (scripts/install-deps installs it)"; exit 77; }
dw_e2e_lock "$@"
dw_tmpdir T
dw_authz_spec dwt-images

L=$T/team-a.list
cp "$DATA/a.pub" "$T/a.pub"
chmod 0644 "$T/a.pub"
policy() { # MODE: the trusted_images rule's mode
	printf '{"authz": {"rules": {"trusted_images": "%s", "swarm": "off"}, "image_lists": [{"list": "%s", "pubkey": "%s"}]}}\n' \
		"$1" "$L" "$T/a.pub" >"$T/policy.json"
	chmod 0600 "$T/policy.json"
}
start_plugin() { dw_authz_start "$PLUGIN" "$T" "$T/policy.json" "$T/d/docker.sock"; }
reload() { # wait for the Nth reload of this run
	local n
	n=$(grep -c "policy $T/policy.json reloaded" "$T/authz.err" || true)
	kill -HUP "$(cat "$T/authz.pid")"
	dw_wait_for 10 bash -c "[ \$(grep -c 'policy $T/policy.json reloaded' '$T/authz.err') -gt $n ]" ||
		fail "no reload: $(tail -3 "$T/authz.err")"
}
sign() { # KEY [FILE]: sign FILE (default the list) as a pipeline would, with minisign
	minisign -S -s "$DATA/$1" -m "${2:-$L}" -t "promoted by e2e_images" >/dev/null 2>&1 ||
		fail "minisign -S failed"
	chmod 0644 "${2:-$L}.minisig"
}
fail() { dw_log "plugin: $(tail -5 "$T/authz.err" 2>/dev/null)"; dw_die "$*"; }

# --- a dockerd, two images, the rule off while they are made ------------------
policy off
: >"$L"
start_plugin
dw_dockerd_start "$T/d" --authorization-plugin=dwt-images
dw_busybox_image dwt-good
good=$(docker image inspect -f '{{.Id}}' dwt-good)
# the other image: the same files plus one, so another image ID
cid=$(docker create --memory 64m --pids-limit 64 dwt-good /bin/touch /extra)
docker start -a "$cid" >/dev/null
docker commit "$cid" dwt-other >/dev/null
docker rm "$cid" >/dev/null
other=$(docker image inspect -f '{{.Id}}' dwt-other)
[ "$good" != "$other" ] || fail "the two images have one ID"
dw_ok "images dwt-good ($good) and dwt-other ($other)"

printf '# team a: promoted images\n%s e2e scan 1 clean\n' "$good" >"$L"
chmod 0644 "$L"
sign a.key
policy deny
reload
grep -q "image list $L: 1 images, signed by key" "$T/authz.err" || fail "list not loaded: $(tail -3 "$T/authz.err")"
dw_ok "list signed by minisign loaded"

LIM=(--rm --memory 64m --pids-limit 64 --user 1000)
DW_DENIED_BY="authorization denied by plugin dwt-images: dockwarden: denied: trusted_images:"

dw_allowed docker run "${LIM[@]}" dwt-good /bin/true
dw_allowed docker run "${LIM[@]}" "$good" /bin/true
dw_denied "Image dwt-other ($other) is on no trusted image list" docker run "${LIM[@]}" dwt-other /bin/true
# the tag moved after the list was signed: what it names now is judged
docker tag dwt-other dwt-good
dw_denied "Image dwt-good ($other) is on no trusted image list" docker run "${LIM[@]}" dwt-good /bin/true
docker tag "$good" dwt-good
dw_allowed docker run "${LIM[@]}" dwt-good /bin/true

# one changed byte: the reload keeps the previous list...
sed -i 's/scan 1 clean/scan 2 clean/' "$L"
reload
grep -q "image list not reloaded, keeping the previous one (1 images): $L: the signature does not verify" "$T/authz.err" ||
	fail "changed list not refused: $(tail -3 "$T/authz.err")"
dw_allowed docker run "${LIM[@]}" dwt-good /bin/true
# ...and a fresh start has no previous list: denied naming the signature
_dw_kill_pidfile "$T/authz.pid"
start_plugin
dw_denied "Image dwt-good ($good) is on no trusted image list; unusable list $L: the signature does not verify" \
	docker run "${LIM[@]}" dwt-good /bin/true

# signed by a key that is not the trusted one
sign other.key
_dw_kill_pidfile "$T/authz.pid"
start_plugin
trusted=$(sed -n 's/^untrusted comment: minisign public key //p' "$DATA/a.pub")
dw_denied "Image dwt-good ($good) is on no trusted image list; unusable list $L: signed by key" docker run "${LIM[@]}" dwt-good /bin/true
grep -q "signed by key [0-9A-F]*, not by the trusted key $trusted" "$T/authz.err" || fail "no key message in the log"

# an expired entry
printf '%s expires=2020-01-01 retired\n' "$good" >"$L"
sign a.key
reload
dw_denied "Image dwt-good ($good): its entry in $L expired at 2020-01-01T00:00:00Z" docker run "${LIM[@]}" dwt-good /bin/true


# --- services: pinned to a listed digest, or denied --------------------------------
printf '%s e2e scan 3 clean\n' "$good" >"$L"
sign a.key
reload
docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:0 >/dev/null 2>"$T/swarm.err" ||
	fail "swarm init: $(cat "$T/swarm.err")"
dw_on_exit "docker swarm leave --force >/dev/null 2>&1 || true"
# the image is local only: nothing to resolve against a registry
SVC=(--detach --no-resolve-image --limit-memory 64m --limit-pids 64 --user 1000)
dw_allowed docker service create "${SVC[@]}" --name dwt-svc "dwt-good@$good" /bin/sleep 600
dw_denied "TaskTemplate.ContainerSpec.Image dwt-good:latest is not pinned to a digest" \
	docker service create "${SVC[@]}" --name dwt-svc2 dwt-good:latest /bin/sleep 600
dw_denied "TaskTemplate.ContainerSpec.Image dwt-good@$other ($other) is on no trusted image list" \
	docker service update --detach --no-resolve-image --image "dwt-good@$other" dwt-svc
[ "$(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' dwt-svc)" = "dwt-good@$good" ] ||
	fail "the denied update changed the service"
dw_ok "the service still runs the listed digest"
docker swarm leave --force >/dev/null

# --- doctor: the lists, and each existing container's image --------------------
# two containers made while the rule is off, one from each image
policy off
reload
docker create --name dwt-img-good --memory 64m --pids-limit 64 --user 1000 dwt-good /bin/true >/dev/null
docker create --name dwt-img-other --memory 64m --pids-limit 64 --user 1000 dwt-other /bin/true >/dev/null
doctor() { # MODE: doctor's JSON for the two image checks, the rule in MODE
	policy "$1"
	"$DW" doctor --json --only dw-image-lists --only dw-container-image \
		--docker-socket "$T/d/docker.sock" --policy "$T/policy.json" >"$T/doctor.json" 2>"$T/doctor.err" || true
	jq -e . "$T/doctor.json" >/dev/null || fail "doctor: no JSON: $(cat "$T/doctor.err")"
}
result() { # ID OBJECT: "LEVEL MESSAGE" of that result
	jq -r --arg id "$1" --arg o "$2" \
		'.checks[] | select(.id == $id and .object == $o) | "\(.level) \(.evidence)"' "$T/doctor.json"
}
expect() { # ID OBJECT LEVEL MESSAGE-PART
	local got
	got=$(result "$1" "$2")
	[[ "$got" == "$3 "*"$4"* ]] || fail "doctor $1 $2: want $3 ...$4..., got: ${got:-nothing}"
	dw_ok "doctor: $1 $2: $3"
}
doctor deny
expect dw-image-lists "$L" pass "1 images (0 expired), signed by key"
expect dw-container-image dwt-img-good pass "image dwt-good is on a trusted list"
expect dw-container-image dwt-img-other fail "image dwt-other ($other) is on no trusted image list"
doctor warn
expect dw-container-image dwt-img-other warn "(trusted_images is warn in the default profile)"
printf '%s e2e scan 4 clean\n' "$good" >"$L" # changed after signing
doctor deny
expect dw-image-lists "$L" fail "the signature does not verify"
expect dw-container-image dwt-img-good fail "unusable list $L: the signature does not verify"
docker rm dwt-img-good dwt-img-other >/dev/null

dw_log "e2e_images: $DW_PASS checks passed"
