#!/bin/bash
# authz_logging.sh PLUGIN AZLOAD: every decision is logged, or counted.
#  A. 4 keep-alive clients as fast as they can for 4 s, private rsyslogd and
#     auditd: every answered AuthZReq is one syslog line and one audit record,
#     and nothing is reported dropped (requests wait for the logger instead).
#  B. rsyslogd stopped (SIGSTOP) during 4 s of the same load: every request is
#     still answered (no error, p99 under 2.5 s: at most one stall wait of
#     AZ_LOGQ_STALL_MS); after SIGCONT and one more request, lines logged plus
#     the dropped=N the plugin reported add up exactly to the requests made.
set -euo pipefail
PLUGIN=$(readlink -f "$1") LOAD=$(readlink -f "$2")
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/e2e.sh"

dw_e2e_lock "$@"
dw_tmpdir T
dw_syslog_start "$T"
dw_auditd_start "$T/audit"

python3 - "$T" <<'PY'
import base64, json, sys
t = sys.argv[1]
body = {"Image": "registry.example.com/team/app:1.2", "User": "1000", "Cmd": ["true"],
        "HostConfig": {"Binds": ["/srv/app/data:/data:rw"], "Memory": 268435456, "PidsLimit": 256}}
env = json.dumps({"User": "", "UserAuthNMethod": "", "RequestMethod": "POST",
                  "RequestUri": "/v1.41/containers/create",
                  "RequestBody": base64.b64encode(json.dumps(body).encode()).decode(),
                  "RequestHeaders": {"Content-Type": "application/json"}}).encode()
open(t + "/req.http", "wb").write(
    b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: plugin\r\n"
    b"Content-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: %d\r\n\r\n"
    % len(env) + env)
PY

"$PLUGIN" --socket "$T/authz.sock" --policy "$T/no-policy.json" --foreground 2>"$T/plugin.err" &
echo $! >"$T/plugin.pid"
dw_on_exit "_dw_kill_pidfile '$T/plugin.pid'"
dw_wait_for 10 test -S "$T/authz.sock" || dw_die "plugin did not start: $(cat "$T/plugin.err")"

field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
lines() { grep -c 'dockwarden-authz: user=' "$T/syslog.log" || true; }
dropped() { { grep -oE 'dropped=[0-9]+' "$T/syslog.log" || true; } | awk -F= '{s += $2} END {print s + 0}'; }
# wait until the log stops growing (the logger and the daemons caught up)
settle() {
	local a b
	b=$(lines)
	for _ in $(seq 1 30); do
		sleep 0.5
		a=$(lines)
		[ "$a" = "$b" ] && return 0
		b=$a
	done
}

# --- A ------------------------------------------------------------------------
out=$("$LOAD" --socket "$T/authz.sock" --request "$T/req.http" --threads 4 --seconds 4)
dw_log "A: $out"
reqA=$(field "$out" requests)
[ "$(field "$out" errors)" = 0 ] || dw_die "A: requests failed"
settle
nA=$(lines)
aA=$(grep -c 'op=dockwarden-authz' "$T/audit/audit.log" || true)
dA=$(dropped)
dw_log "A: $reqA answered, $nA syslog lines, $aA audit records, dropped reported: $dA"
[ "$nA" = "$reqA" ] && [ "$aA" = "$reqA" ] && [ "$dA" = 0 ] ||
	dw_die "A: not every decision was logged once"

# --- B ------------------------------------------------------------------------
rs=$(cat "$T/rsyslog-local.pid")
kill -STOP "$rs"
dw_on_exit "kill -CONT $rs 2>/dev/null"
out=$("$LOAD" --socket "$T/authz.sock" --request "$T/req.http" --threads 4 --seconds 4)
kill -CONT "$rs"
dw_log "B (rsyslogd stopped): $out"
reqB=$(field "$out" requests)
[ "$(field "$out" errors)" = 0 ] || dw_die "B: requests failed while syslog was stalled"
python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["p99_us"] < 2.5e6 else 1)' "$out" ||
	dw_die "B: a stalled syslog daemon held requests too long"
one=$("$LOAD" --socket "$T/authz.sock" --request "$T/req.http" --count 1)
[ "$(field "$one" errors)" = 0 ] || dw_die "B: request after the stall failed"
settle
n=$(lines)
d=$(dropped)
dw_log "B: $((reqB + 1)) answered, $((n - nA)) logged, $d reported dropped"
[ "$d" -gt 0 ] || dw_die "B: nothing was dropped: the stall did not fill the queue (test too weak)"
[ $((n - nA + d)) = $((reqB + 1)) ] || dw_die "B: logged + dropped != requests ($((n - nA)) + $d != $((reqB + 1)))"
grep -q 'dropped=' "$T/syslog.log" || dw_die "B: no record carries dropped="
echo "ok: A every one of $reqA decisions logged to syslog and audit; B during a syslog stall $((reqB + 1)) answered, $((n - nA)) logged + $d counted dropped"
