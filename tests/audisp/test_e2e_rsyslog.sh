#!/bin/bash
# test_e2e_rsyslog.sh - dockwarden-audisp -> RELP -> a real rsyslog (imrelp,
# the shipped log-host snippet) on 127.0.0.1:20514; then the real
# `dockwarden verify` on what rsyslog stored.
#  1. a recorded stream arrives complete and verifies
#  2. rsyslog stopped mid-stream, events keep coming, rsyslog started again:
#     every sequence number arrives (duplicates allowed and recognised)
#  3. the plugin SIGKILLed mid-stream and restarted: nothing lost, the restart
#     is reported, no gap
#  4. edit, delete, swap and append lines in the stored log: verify names each
# Env: DW_AUDISP, DW_CLI, DW_DATA, DW_SNIPPET, DW_E2E_LIB.
set -euo pipefail
source "$DW_E2E_LIB"
dw_e2e_lock "$@"
dw_tmpdir T
HERE=$(dirname "$(readlink -f "$0")")
PORT=20514
export DW_AUDISP_MAX_BACKOFF_MS=400   # test-only cap on the reconnect backoff

# --- the log host: real rsyslog with the shipped snippet, own config/workdir
mkdir -p "$T/rs-work" "$T/logs"
sed -e "s/port=\"2514\"/port=\"$PORT\" address=\"127.0.0.1\"/" \
    -e "s|/var/log/dockwarden|$T/logs|" "$DW_SNIPPET" >"$T/loghost.conf"
cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rs-work")
include(file="$T/loghost.conf")
CONF
rsyslogd -N1 -f "$T/rsyslog.conf" >/dev/null 2>&1 || dw_die "rsyslog rejects the shipped snippet"
rs_start() {
	# 7>&-: the daemon must not hold the write end of the plugin's stdin fifo
	rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >>"$T/rsyslog.out" 2>&1 7>&- &
	dw_wait_for 20 bash -c "ss -ltn | grep -q '127.0.0.1:$PORT '" || dw_die "rsyslog did not listen"
}
rs_stop() { _dw_kill_pidfile "$T/rsyslog.pid"; rm -f "$T/rsyslog.pid"; }
dw_on_exit rs_stop
rs_start

"$DW_CLI" keygen "$T/k" >/dev/null
policy() { # $1 = spool dir
	cat >"$T/policy.json" <<JSON
{ "forward": { "target": "relp://127.0.0.1:$PORT", "signing_key": "$T/k.key",
               "spool_dir": "$1", "spool_max_mb": 64, "audit_keys": ["docker"],
               "host_id": "e2e-host" } }
JSON
}
LOG="$T/logs/127.0.0.1.log"
nlines() { [ -f "$LOG" ] && wc -l <"$LOG" || echo 0; }
wait_lines() { dw_wait_for "${2:-30}" bash -c "[ \$(wc -l <'$LOG' 2>/dev/null || echo 0) -ge $1 ]"; }
# every seq 1..MAX present, no failure; prints the JSON report to $1
check_complete() {
	local out=$1
	"$DW_CLI" verify --pubkey "$T/k.pub" --json "$LOG" >"$out" || { cat "$out"; dw_die "verify failed ($out)"; }
	python3 - "$out" "$LOG" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
seqs = set()
for line in open(sys.argv[2]):
    m = re.search(r" seq=(\d+) ", line)
    seqs.add(int(m.group(1)))
assert seqs == set(range(1, max(seqs) + 1)), "missing: %s" % sorted(set(range(1, max(seqs) + 1)) - seqs)
assert r["ok"] and r["failures"] == 0, r
PY
}

# --- 1. a recorded stream arrives complete
policy "$T/spool1"
"$DW_AUDISP" --policy "$T/policy.json" <"$DW_DATA/docker-stream.log" 2>"$T/p1.err"
wait_lines 16 || dw_die "records did not arrive: $(nlines) lines"
check_complete "$T/v1.json"
[ "$(grep -c ' type=event ' "$LOG")" = 14 ] || dw_die "expected 14 events"
dw_log "1: 16 records arrived and verify"
# the stored lines are byte-identical to the spooled ones (rawmsg keeps them)
cmp <(cat "$T"/spool1/seg-*) "$LOG" || dw_die "rsyslog changed the records"

# --- 2. rsyslog stopped mid-stream
python3 "$HERE/gen_events.py" 3000 10000 >"$T/ev.log"
mkfifo "$T/fifo"
"$DW_AUDISP" --policy "$T/policy.json" <"$T/fifo" 2>"$T/p2.err" &
ppid=$!
exec 7>"$T/fifo"
base=$(nlines)
head -n 5000 "$T/ev.log" >&7                       # 1000 events
wait_lines $((base + 1001)) || dw_die "phase 2a: $(nlines) lines"
rs_stop
sed -n '5001,10000p' "$T/ev.log" >&7               # 1000 events while the log host is down
dw_wait_for 20 bash -c "[ \$(grep -c ' type=event ' $T/spool1/seg-* | awk -F: '{s+=\$NF} END {print s}') -ge 2014 ]" \
	|| dw_die "events were not spooled while rsyslog was down"
sleep 1
rs_start
sed -n '10001,15000p' "$T/ev.log" >&7              # 1000 more
exec 7>&-
wait "$ppid" || dw_die "plugin exited with $?"
wait_lines $((base + 3002)) 60 || dw_die "phase 2: $(nlines) lines after restart of rsyslog"
check_complete "$T/v2.json"
dw_log "2: rsyslog stop/start: every seq arrived ($(nlines) lines)"

# --- 3. SIGKILL the plugin mid-stream (its stdin still open: it is alive and
# has not written a stop record)
python3 "$HERE/gen_events.py" 2000 20000 >"$T/ev3.log"
rm -f "$T/fifo"; mkfifo "$T/fifo"
"$DW_AUDISP" --policy "$T/policy.json" <"$T/fifo" 2>"$T/p3.err" &
ppid=$!
exec 7>"$T/fifo"
cat "$T/ev3.log" >&7
dw_wait_for 30 bash -c "[ \$(grep -c ' type=event ' $T/spool1/seg-* | awk -F: '{s+=\$NF} END {print s}') -ge 5014 ]" \
	|| dw_die "phase 3: events not spooled"
kill -KILL "$ppid"
wait "$ppid" 2>/dev/null || true
exec 7>&-
spooled=$(cat "$T"/spool1/seg-* | grep -c ' seq=' || true)
python3 "$HERE/gen_events.py" 500 30000 | "$DW_AUDISP" --policy "$T/policy.json" 2>"$T/p4.err"
total=$(cat "$T"/spool1/seg-* | sed -n 's/.* seq=\([0-9]*\) .*/\1/p' | sort -n | tail -1)
wait_lines "$total" 60 || dw_die "phase 3: $(nlines) lines, expected >= $total"
check_complete "$T/v3.json"
python3 - "$T/v3.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert any(f["kind"] == "restart" and "without a stop record" in f["detail"] for f in r["findings"]), r["findings"]
PY
dw_log "3: SIGKILL after $spooled spooled lines: nothing lost, restart reported"

# --- 4. tampering with the stored log, one edit at a time
"$DW_CLI" verify --pubkey "$T/k.pub" "$LOG" >/dev/null || dw_die "clean log does not verify"
tamper() { # name, sed/awk program producing the tampered copy, expected regex in the report
	local name=$1 prog=$2 want=$3
	eval "$prog" <"$LOG" >"$T/t-$name.log"
	if "$DW_CLI" verify --pubkey "$T/k.pub" "$T/t-$name.log" >"$T/t-$name.out"; then
		cat "$T/t-$name.out"; dw_die "tamper $name: verify passed"
	fi
	grep -Eq "$want" "$T/t-$name.out" || { cat "$T/t-$name.out"; dw_die "tamper $name: no '$want'"; }
	dw_log "4: $name -> $(grep -E "$want" "$T/t-$name.out" | head -1 | cut -c1-110)"
}
pick=$(awk '/ seq=200 /{print NR; exit}' "$LOG")
tamper edit   "sed '${pick}s/exe=/exe=X/'"                           '^modified .* seq 200 '
tamper delete "sed '${pick}d'"                                         '^deleted .* seq 200 '
tamper swap   "sed -n '${pick}{h;n;p;x;p;b};p'"                        '^reordered .* seq 200 '
tamper append "cat - <(echo 'Nov 23 12:00:00 evil someone: hello')"    '^inserted '
tamper forge  "cat - <(tail -1 '$LOG' | sed 's/ seq=[0-9]* / seq=99999 /')" '^(forged|modified|unsealed|deleted) '
dw_log "ok"
