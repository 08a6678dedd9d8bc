#!/bin/bash
# forward_chaos.sh AUDISP CLI SNIPPET GEN_EVENTS [ROUNDS]: dockwarden-audisp
# forwarding to a real rsyslog (imrelp, the shipped log-host snippet) on
# 127.0.0.1:20539 while things go wrong:
#  A. ROUNDS (default 12) rounds of 400 events; in each, at a random moment,
#     the log host is stopped and restarted, or the plugin is SIGKILLed and
#     started again, or both.  Then `dockwarden verify` on what the log host
#     stored: no integrity failure, and every sequence number the plugin
#     assigned arrived - once, or again as a recognised duplicate.
#  B. The log host down while 6,000 events arrive at a 1 MiB spool: the spool
#     stays within its bound, the plugin keeps reading (auditd never blocks),
#     and once the log host is back the loss is announced by a signed
#     "dropped" record: verify reports it as such, and nothing else is missing.
set -euo pipefail
AUDISP=$(readlink -f "$1") CLI=$(readlink -f "$2") SNIPPET=$(readlink -f "$3") GEN=$(readlink -f "$4")
rounds=${5:-12}
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"
dw_e2e_lock "$@"
dw_tmpdir T
PORT=20539
export DW_AUDISP_MAX_BACKOFF_MS=300   # test-only cap on the reconnect backoff
export DW_AUDISP_DRAIN_MS=20000       # let the plugin flush at EOF

mkdir -p "$T/rs-work" "$T/logs"
sed -e "s/port=\"2514\"/port=\"$PORT\" address=\"127.0.0.1\"/" \
    -e "s|/var/log/dockwarden|$T/logs|" "$SNIPPET" >"$T/loghost.conf"
printf 'global(workDirectory="%s/rs-work")\ninclude(file="%s/loghost.conf")\n' "$T" "$T" >"$T/rsyslog.conf"
rs_start() {
	rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >>"$T/rsyslog.out" 2>&1 7>&- &
	dw_wait_for 20 bash -c "ss -ltn | grep -q '127.0.0.1:$PORT '" || dw_die "rsyslog did not listen"
}
rs_stop() { _dw_kill_pidfile "$T/rsyslog.pid"; rm -f "$T/rsyslog.pid"; }
dw_on_exit rs_stop
rs_start
LOG="$T/logs/127.0.0.1.log"

"$CLI" keygen "$T/k" >/dev/null
policy() { # SPOOL_DIR SPOOL_MAX_MB
	cat >"$T/policy.json" <<-JSON
	{ "forward": { "target": "relp://127.0.0.1:$PORT", "signing_key": "$T/k.key",
	               "spool_dir": "$1", "spool_max_mb": $2, "audit_keys": ["docker"],
	               "host_id": "chaos-host" } }
	JSON
}
# wait_arrival SPOOL_DIR LABEL: the log host has the last record the plugin
# spooled (stream and seq of the highest seq still in the spool).
wait_arrival() {
	local last
	last=$(cat "$1"/seg-* 2>/dev/null | sed -n 's/.* \(stream=[0-9a-f]* seq=[0-9]*\) .*/\1/p' |
		sort -t= -k3 -n | tail -1)
	[ -n "$last" ] || dw_die "$2: nothing in the spool"
	dw_wait_for 120 grep -q " $last " "$LOG" || dw_die "$2: '$last' never reached the log host"
}
# the highest seq the log host stored so far (for the failure timeline)
last_stored() {
	{ sed -n 's/.* seq=\([0-9]*\) .*/\1/p' "$LOG" 2>/dev/null || true; } | sort -n | tail -n 1
}
plugin_start() { # FIFO: a plugin reading FIFO; fd 7 is its writer
	rm -f "$1"; mkfifo "$1"
	"$AUDISP" --policy "$T/policy.json" <"$1" 2>>"$T/plugin.err" &
	echo $! >"$T/plugin.pid"
	exec 7>"$1"
}
dw_on_exit "_dw_kill_pidfile '$T/plugin.pid'"
# SIGKILL the running plugin and reap it at once (a killed but unreaped
# plugin would still pass the `kill -0` check below); it must have been
# running: a status other than SIGKILL's means it exited by itself.
kill_plugin() {
	local pid rc=0
	pid=$(cat "$T/plugin.pid")
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	[ "$rc" = 137 ] || dw_die "the plugin exited by itself (status $rc): $(tail -n 15 "$T/plugin.err")"
}

# verify JSON -> $1; asserts: no failure except kinds in $2 (comma list),
# every seq 1..max present at least once; prints a summary.
judge() {
	local out=$1 allowed=$2 rc=0
	"$CLI" verify --pubkey "$T/k.pub" --json "$LOG" >"$out" || rc=$?
	python3 - "$out" "$LOG" "$allowed" "$rc" <<-'PY'
	import collections, json, re, sys
	r = json.load(open(sys.argv[1]))
	allowed = set(filter(None, sys.argv[3].split(",")))
	count = collections.Counter()   # (stream, seq) -> copies stored
	for line in open(sys.argv[2]):
	    m = re.search(r" stream=([0-9a-f]{32}) seq=(\d+) ", line)
	    if m:
	        count[(m.group(1), int(m.group(2)))] += 1
	missing = []
	tops = {}
	for stream in {s for s, _ in count}:
	    seqs = {q for s, q in count if s == stream}
	    tops[stream[:8]] = max(seqs)
	    missing += [(stream[:8], q) for q in range(1, max(seqs) + 1) if q not in seqs]
	top = ", ".join("%s: 1..%d" % kv for kv in sorted(tops.items()))
	kinds = collections.Counter(f["kind"] for f in r["findings"])
	bad = [f for f in r["findings"] if f["kind"] in
	       ("deleted", "modified", "forged", "inserted", "reordered", "unsealed", "unverifiable",
	        "dropped", "truncated") and f["kind"] not in allowed]
	dups = sum(c - 1 for c in count.values())
	print("records: streams %s; %d stored lines, %d duplicates, findings %s"
	      % (top, sum(count.values()), dups, dict(kinds)))
	assert not missing, "missing sequence numbers: %s" % missing[:20]
	assert not bad, "integrity failures: %s" % bad[:5]
	if not allowed:
	    assert r["ok"] and r["failures"] == 0 and sys.argv[4] == "0", (r["ok"], r["failures"], sys.argv[4])
	PY
}

# --- A. chaos ------------------------------------------------------------------
policy "$T/spoolA" 64
plugin_start "$T/fifo"
kills=0 outages=0
for ((i = 0; i < rounds; i++)); do
	python3 "$GEN" 400 $((100000 + i * 1000)) >&7 2>/dev/null &  # EPIPE when its reader is killed
	writer=$!
	sleep "0.$((RANDOM % 8 + 1))"
	action=$((RANDOM % 3))
	echo "round $i: action $action at $(date +%T.%N); log host has up to $(last_stored)" >>"$T/events"
	case $action in
	0) rs_stop; outages=$((outages + 1)); sleep "0.$((RANDOM % 9 + 1))"; rs_start ;;
	1) kill_plugin; kills=$((kills + 1)) ;;
	2) rs_stop; outages=$((outages + 1)); kill_plugin; kills=$((kills + 1))
	   sleep "0.$((RANDOM % 9 + 1))"; rs_start ;;
	esac
	echo "round $i: done at $(date +%T.%N); log host has up to $(last_stored)" >>"$T/events"
	wait "$writer" 2>/dev/null || true   # EPIPE when its reader was killed: auditd's loss, not ours
	if ! kill -0 "$(cat "$T/plugin.pid")" 2>/dev/null; then
		exec 7>&-
		plugin_start "$T/fifo"
	fi
done
exec 7>&-
pid=$(cat "$T/plugin.pid")
while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done   # EOF: flush and exit
wait_arrival "$T/spoolA" A
# (actions: 0 log host restarted, 1 plugin SIGKILLed, 2 both)
judge "$T/vA.json" "" || dw_die "A failed; timeline:
$(cat "$T/events")
plugin stderr (tail):
$(tail -n 20 "$T/plugin.err")
rsyslog (tail):
$(tail -n 10 "$T/rsyslog.out")"
dw_log "ok A: $rounds rounds, $kills plugin SIGKILLs, $outages log-host outages: every record arrived"

# --- B. spool filled to its bound -------------------------------------------------
rs_stop
policy "$T/spoolB" 1
plugin_start "$T/fifoB"
timeout 120 python3 "$GEN" 6000 500000 >&7 ||    # auditd must never block on us
	dw_die "B: the plugin stopped reading its input while the spool was full"
maxkb=0
for _ in $(seq 1 20); do
	kb=$(du -sk "$T/spoolB" | cut -f1); [ "$kb" -gt "$maxkb" ] && maxkb=$kb
	sleep 0.1
done
[ "$maxkb" -le 1100 ] || dw_die "B: spool grew to $maxkb kB, bound 1 MiB"
rs_start
sleep 2
python3 "$GEN" 50 900000 >&7                     # room again: the loss gets announced
exec 7>&-
pid=$(cat "$T/plugin.pid")
while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
wait_arrival "$T/spoolB" B
judge "$T/vB.json" "dropped"
python3 - "$T/vB.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = [f for f in r["findings"] if f["kind"] == "dropped"]
assert d and all("spool_full" in f.get("detail", "") or "spool" in json.dumps(f) for f in d), d
print("dropped announced:", [f.get("detail") for f in d][:3])
PY
dw_log "ok B: spool stayed <= $maxkb kB; the loss while full was announced and verified as dropped"
