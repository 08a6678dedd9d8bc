#!/bin/bash
# test_plugin_spool.sh - dockwarden-audisp on recorded streams, spooling only
# (no log host): what it signs verifies; restarts, SIGKILL and a torn spool
# line continue the same chain without a gap.
# Env: DW_AUDISP, DW_CLI (binaries), DW_DATA (tests/audisp/data).
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the plugin insists on root-owned policy files"
	exit 77
fi
T=$(mktemp -d /tmp/dwt-audisp-spool.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$DW_CLI" keygen "$T/k" >/dev/null
cat >"$T/policy.json" <<JSON
{ "forward": { "target": "", "signing_key": "$T/k.key", "spool_dir": "$T/spool",
               "spool_max_mb": 16, "audit_keys": ["docker"], "host_id": "unit-host" } }
JSON
verify() { "$DW_CLI" verify --pubkey "$T/k.pub" "$@"; }
count() { grep -c " type=$1 " "$T"/spool/seg-* | awk -F: '{s+=$NF} END {print s+0}'; }

# 1. the docker-ish stream: 14 events forwarded, signed, verifiable
"$DW_AUDISP" --policy "$T/policy.json" <"$DW_DATA/docker-stream.log" 2>"$T/err1"
[ "$(count event)" = 14 ] || fail "expected 14 event records, got $(count event)"
verify "$T"/spool/seg-* >"$T/v1" || { cat "$T/v1"; fail "verify of a clean run"; }
grep -q '^OK: 16 lines' "$T/v1" || { cat "$T/v1"; fail "expected 16 lines (start, 14 events, stop)"; }
# the ENRICHED and node= events kept their raw text
grep -q 'node=web01 type=SYSCALL' "$T"/spool/seg-* || fail "node= prefix lost"
grep -q 'sel=dockwarden msg=type=TRUSTED_APP' "$T"/spool/seg-* || fail "authz decision record not forwarded"

# 2. second run on the public samples: the chain continues, restart after a clean stop
cat "$DW_DATA"/samples/*.txt "$DW_DATA"/samples/*.log | "$DW_AUDISP" --policy "$T/policy.json" 2>"$T/err2"
verify --json "$T"/spool/seg-* >"$T/v2" || { cat "$T/v2"; fail "verify after a restart"; }
python3 - "$T/v2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
kinds = [f["kind"] for f in r["findings"]]
assert r["ok"] and r["failures"] == 0, r
restarts = [f for f in r["findings"] if f["kind"] == "restart"]
assert len(restarts) == 2 and "clean stop" in restarts[1]["detail"], restarts
assert r["lines"] == 16 + 4, r["lines"]   # start, 2 sample events, stop
PY

# 3. SIGKILL mid-stream: nothing lost, the restart is visible, no gap
mkfifo "$T/fifo"
"$DW_AUDISP" --policy "$T/policy.json" <"$T/fifo" 2>"$T/err3" &
pid=$!
exec 7>"$T/fifo"
head -c 6000 "$DW_DATA/docker-stream.log" >&7
for _ in $(seq 50); do [ "$(count event)" -ge 17 ] && break; sleep 0.1; done
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
exec 7>&-
before=$(count event)
[ "$before" -ge 17 ] || fail "events of the killed run were not spooled ($before)"
"$DW_AUDISP" --policy "$T/policy.json" <"$DW_DATA/docker-stream.log" 2>"$T/err4"
verify --json "$T"/spool/seg-* >"$T/v3" || { cat "$T/v3"; fail "verify after SIGKILL"; }
python3 - "$T/v3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"], r
restarts = [f for f in r["findings"] if f["kind"] == "restart"]
assert any("without a stop record" in f["detail"] for f in restarts), restarts
assert not any(f["kind"] in ("deleted", "unverifiable") for f in r["findings"]), r
PY

# 4. a torn last line (crash in the middle of a write) is cut, the chain goes on
seg=$(ls "$T"/spool/seg-* | tail -1)
printf '<86>1 2024-01-01T00:00:00Z h dockwarden-audisp 1 dw1 - dw1 host=unit-host stream=' >>"$seg"
"$DW_AUDISP" --policy "$T/policy.json" </dev/null 2>"$T/err5"
verify "$T"/spool/seg-* >"$T/v4" || { cat "$T/v4"; fail "verify after a torn line"; }

# 5. tampering with the spool copy is caught by the real CLI
cp "$seg" "$T/tampered.log"
sed -i '3s/exe=/exe=X/' "$T/tampered.log"
if verify "$T/tampered.log" >"$T/v5"; then cat "$T/v5"; fail "tampered log verified"; fi
grep -q '^modified ' "$T/v5" || { cat "$T/v5"; fail "no modified finding"; }
echo "ok"
