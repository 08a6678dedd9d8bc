#!/bin/bash
# test_e2e_auditd.sh - the whole forwarding path through the REAL kernel audit
# subsystem and a real Debian auditd:
#   kernel -> auditd (private auditd.conf, private plugins.d) -> dockwarden-audisp
#   -> RELP -> rsyslog (the shipped log-host snippet, 127.0.0.1:20530)
#   -> `dockwarden verify`.
#  1. auditd starts the plugin from our plugins.d (type = always)
#  2. test-only rules (key dwt_audisp_PID on a temp dir "etc-docker", a watch
#     on /usr/bin/docker with key docker, and a second temp dir with a key that
#     is NOT selected); file writes and real Docker CLI commands against a
#     private dockerd produce events
#  3. the events arrive signed on the log host and verify; their text is
#     byte-identical to what auditd wrote to its own log (the raw part: auditd
#     hands plugins raw records and adds the ENRICHED part only to its log)
#  4. selection against auditd's log: every event with a selected key is
#     forwarded, none with the unselected key, every forwarded event matches
#     the selection (key, Docker binary or Docker path)
#  5. auditd stopped (SIGTERM; auditd then signals the plugin): the plugin
#     flushes, a signed stop record arrives, it counts exactly the events on
#     the log host, verify reports nothing but "stream created" and the summary
#  6. the rules are removed and `auditctl -l` is as before
# Decision records of the authz plugin / PAM module are not produced here
# (scripts/demo covers them end to end).
# Env: DW_AUDISP, DW_CLI, DW_SNIPPET, DW_E2E_LIB.
set -euo pipefail
# shellcheck source=../lib/e2e.sh
source "$DW_E2E_LIB"
dw_e2e_lock "$@"
dw_tmpdir T
chmod 0755 "$T"
PORT=20530
KEY=dwt_audisp_$$
OTHER=dwt_audisp_other_$$
t0=$SECONDS
# debugging aid: DW_E2E_KEEP=DIR copies the logs there at exit
[ -z "${DW_E2E_KEEP:-}" ] || dw_on_exit "mkdir -p '$DW_E2E_KEEP' && cp -r '$T/logs' '$T/audit' '$T/syslog' '$DW_E2E_KEEP/' 2>/dev/null"

rules_before=$(auditctl -l)

# --- the log host: real rsyslog, the shipped snippet, own config and workdir
mkdir -p "$T/rs-work" "$T/logs"
sed -e "s/port=\"2514\"/port=\"$PORT\" address=\"127.0.0.1\"/" \
    -e "s|/var/log/dockwarden|$T/logs|" "$DW_SNIPPET" >"$T/loghost.conf"
printf 'global(workDirectory="%s")\ninclude(file="%s")\n' "$T/rs-work" "$T/loghost.conf" >"$T/rsyslog.conf"
rsyslogd -N1 -f "$T/rsyslog.conf" >/dev/null 2>&1 || dw_die "rsyslog rejects the shipped snippet"
rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >"$T/rsyslog.out" 2>&1 &
dw_on_exit "_dw_kill_pidfile '$T/rsyslog.pid'"
dw_wait_for 20 bash -c "ss -ltn | grep -q '127.0.0.1:$PORT '" || dw_die "rsyslog did not listen: $(cat "$T/rsyslog.out")"
LOG=$T/logs/127.0.0.1.log

# --- key and policy
"$DW_CLI" keygen "$T/k" >/dev/null
mkdir -p "$T/spool"
chmod 0700 "$T/spool"
cat >"$T/policy.json" <<JSON
{ "forward": { "target": "relp://127.0.0.1:$PORT", "signing_key": "$T/k.key",
               "spool_dir": "$T/spool", "spool_max_mb": 64,
               "audit_keys": ["docker", "$KEY"], "host_id": "e2e-auditd" } }
JSON
chmod 0644 "$T/policy.json"
"$DW_CLI" policy check "$T/policy.json" >/dev/null || dw_die "policy check failed"

# --- syslog (the plugin and auditd log there), auditd with our plugins.d
dw_syslog_start "$T/syslog"
mkdir -p "$T/plugins.d"
cat >"$T/plugins.d/dockwarden.conf" <<CONF
active = yes
direction = out
path = $DW_AUDISP
type = always
args = --policy $T/policy.json
format = string
CONF
chmod 0640 "$T/plugins.d/dockwarden.conf"
DW_AUDITD_PLUGIN_DIR=$T/plugins.d dw_auditd_start "$T/audit"
AUDITD_PID=$(cat "$T/audit/auditd.pid")
dw_wait_for 20 pgrep -P "$AUDITD_PID" -f "^$DW_AUDISP " ||
	dw_die "auditd did not start the plugin: $(tail -5 "$T/syslog/syslog.log")"
PLUGIN_PID=$(pgrep -P "$AUDITD_PID" -f "^$DW_AUDISP ")
dw_syslog_wait "$T/syslog" "dockwarden-audisp\[$PLUGIN_PID\]: started: host=e2e-auditd" 10 ||
	dw_die "the plugin did not report its start: $(grep -i dockwarden "$T/syslog/syslog.log" | tail -5)"
dw_log "auditd $AUDITD_PID started the plugin $PLUGIN_PID ($((SECONDS - t0)) s)"

# --- test-only rules, removed at exit with exactly the same arguments
mkdir -p "$T/etc-docker" "$T/other"
add_rule() { # ARGS of auditctl -w ...; the removal uses -W with the same ones
	auditctl -w "$@" >/dev/null || dw_die "auditctl rejected -w $*"
	dw_on_exit "auditctl -W $(printf '%q ' "$@") >/dev/null 2>&1"
}
add_rule "$T/etc-docker" -p wa -k "$KEY"
add_rule "$T/other" -p wa -k "$OTHER"
docker_rule=0
if ! auditctl -l | grep -Eq -- '^-w /usr/bin/docker -p x -k docker$'; then
	add_rule /usr/bin/docker -p x -k docker
	docker_rule=1
fi
[ "$(auditctl -l | grep -c -- "-k $KEY\$")" = 1 ] || dw_die "rule with key $KEY not listed: $(auditctl -l)"

# --- events
echo '{}' >"$T/etc-docker/daemon.json"
echo '{"debug": false}' >>"$T/etc-docker/daemon.json"
chmod 0600 "$T/etc-docker/daemon.json"
touch "$T/etc-docker/key.json"
mv "$T/etc-docker/key.json" "$T/etc-docker/key2.json"
rm -f "$T/etc-docker/key2.json"
for i in 1 2 3; do echo "$i" >"$T/other/unrelated-$i"; done
dw_dockerd_start "$T/docker"
dw_busybox_image "dwt-audisp-$$:bb"
# the Debian docker.io CLI by its path: that is the binary the rule watches
# (a PATH lookup may find another docker CLI first)
/usr/bin/docker run --rm --memory 32m "dwt-audisp-$$:bb" true || dw_die "docker run failed"
/usr/bin/docker ps >/dev/null
/usr/bin/docker ps -a >/dev/null
touch "$T/etc-docker/last-marker"
dw_log "events generated ($((SECONDS - t0)) s)"

# --- they arrive
arrived() {
	grep -q "name=\"$T/etc-docker/last-marker\"" "$LOG" 2>/dev/null &&
		grep -q 'exe=\\"/usr/bin/docker\\"\|exe="/usr/bin/docker"' "$LOG"
}
dw_wait_for 60 arrived || dw_die "events did not arrive: $(wc -l <"$LOG" 2>/dev/null || echo 0) lines; $(grep dockwarden-audisp "$T/syslog/syslog.log" | tail -3)"

# verify VERIFY_JSON ALLOWED_KINDS_REGEX: exit 0, ok, no failures, only the
# expected (informational) kinds of findings: the stream summary, the
# "stream created" note and, while the plugin runs, the open tail
verify_log() {
	local out=$1 kinds=$2
	"$DW_CLI" verify --pubkey "$T/k.pub" --json "$LOG" >"$out" || { cat "$out"; dw_die "verify failed ($out)"; }
	python3 - "$out" "$kinds" <<'PY' || dw_die "verify report not as expected: $(cat "$out")"
import json, re, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True and r["failures"] == 0, r
assert r["streams"] == 1, r
kinds = [f["kind"] for f in r["findings"]]
assert all(not f["failure"] for f in r["findings"]), kinds
assert all(re.fullmatch(sys.argv[2], k) for k in kinds), kinds
assert kinds.count("stream") == 1, kinds
# the one restart note is the stream's creation (seq 1), nothing else
assert [(f["detail"], f["seq_from"]) for f in r["findings"] if f["kind"] == "restart"] == \
    [("stream created", 1)], r["findings"]
PY
}
verify_log "$T/v1.json" 'stream|restart|open'
dw_log "1: $(wc -l <"$LOG") records arrived and verify ($((SECONDS - t0)) s)"

# --- specific content, and the forwarded text against auditd's own log
# (no grep -q at the end of a pipe: with pipefail its early exit would fail it)
grep -F " type=event " "$LOG" | grep -F "key=\"$KEY\"" | grep -F "name=\"$T/etc-docker/daemon.json\"" >/dev/null ||
	dw_die "no forwarded event for $T/etc-docker/daemon.json with key $KEY"
grep -F " type=event " "$LOG" | grep -F 'key="docker"' | grep -F 'exe="/usr/bin/docker"' >/dev/null ||
	dw_die "no forwarded exec of /usr/bin/docker with key docker"
grep -F " type=event " "$LOG" | grep -F 'name="/usr/bin/docker"' | grep -F 'type=EXECVE' >/dev/null ||
	dw_die "no forwarded EXECVE record of /usr/bin/docker"
! grep -F "key=\"$OTHER\"" "$LOG" >/dev/null || dw_die "an event with the unselected key $OTHER was forwarded"

# selection, completeness and fidelity against auditd's log.
# $1 audit.log, $2 log host file, $3 selected keys (comma), $4 unselected key,
# $5 the watched dir, $6 the image name, $7 live|final; prints a summary.
# The selection below is the plugin's (audisp-plugin/select.h) with the policy defaults for
# docker_binaries/docker_paths.  "live": auditd and the plugin still run, so
# auditd may not have written yet what the plugin already forwarded (its log
# writes are asynchronous) and later events may still be on their way: only
# what is in both is compared.  "final": after auditd stopped, all of it.
check_selection() {
	python3 - "$T/audit/audit.log" "$LOG" "docker,$KEY" "$OTHER" "$T/etc-docker" "dwt-audisp-$$:bb" "$1" <<'PY'
import fnmatch, re, sys
audit_log, host_log, keys, other, wdir, image, mode = sys.argv[1:8]
live = mode == "live"
test_key = keys.split(",")[1]
keys = set(keys.split(","))
SEP = "\x1d"
ev_re = re.compile(r"msg=audit\((\d+\.\d+:\d+)\)")

# the fields auditd may write hex-encoded (audit_log_untrustedstring and
# the EXECVE arguments); any other unquoted value is as written: argc=16
# is sixteen, not the byte 0x16
HEXABLE = re.compile(r"(name|exe|comm|cwd|proctitle|key|path|data|a\d+)")

def field(rec, name):
    raw = rec.split(SEP, 1)[0]
    m = re.search(r"(?:^| )" + name + r'=("([^"]*)"|(\S+))', raw)
    if not m:
        return None
    if m.group(2) is not None:
        return m.group(2)
    v = m.group(3)
    if v == "(null)":
        return None
    if HEXABLE.fullmatch(name) and len(v) % 2 == 0 and re.fullmatch(r"[0-9A-Fa-f]+", v):
        return bytes.fromhex(v).decode("latin-1")
    return v

# auditd's log: records grouped by event id, in order
events = {}
for line in open(audit_log, encoding="latin-1"):
    line = line.rstrip("\n")
    m = ev_re.search(line)
    if m:
        events.setdefault(m.group(1), []).append(line)

bins = ["/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/bin/docker", "/usr/bin/containerd",
        "/usr/bin/containerd-shim*", "/usr/sbin/runc", "/usr/bin/runc", "/usr/bin/docker-proxy",
        "/usr/sbin/docker-proxy", "/usr/bin/docker-init", "/usr/sbin/docker-init"]
paths = ["/usr/bin/dockerd", "/var/lib/docker", "/etc/docker", "/lib/systemd/system/docker.service",
         "/lib/systemd/system/docker.socket", "/etc/default/docker", "/etc/docker/daemon.json",
         "/etc/containerd/config.toml", "/usr/bin/containerd", "/usr/bin/containerd-shim",
         "/usr/bin/containerd-shim-runc-v1", "/usr/bin/containerd-shim-runc-v2", "/usr/bin/runc",
         "/usr/sbin/runc", "/run/containerd/containerd.sock", "/var/run/docker.sock", "/run/docker.sock"]

def ev_keys(recs):
    out = set()
    for r in recs:
        k = field(r, "key")
        if k:
            out |= set(k.split("\x01"))
    return out

def selected(recs):
    if any("op=dockwarden-authz" in r or "op=dockwarden-pam" in r for r in recs):
        return True
    if ev_keys(recs) & keys:
        return True
    for r in recs:
        e = field(r, "exe")
        if e and any(fnmatch.fnmatchcase(e, b) for b in bins):
            return True
    for r in recs:
        if r.startswith("type=PATH "):
            n = field(r, "name")
            if n and n.startswith("/") and any(n == p or n.startswith(p + "/") for p in paths):
                return True
    return False

# the log host: event records, msg unescaped
def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "\\": out.append("\\"); i += 2; continue
            if n == "n": out.append("\n"); i += 2; continue
            if n == "x": out.append(chr(int(s[i + 2:i + 4], 16))); i += 4; continue
        out.append(c); i += 1
    return "".join(out)

fwd = {}
for line in open(host_log, encoding="latin-1"):
    if " type=event " not in line:
        continue
    body = line.rstrip("\n")
    body = re.sub(r" sig=[0-9a-f]{128}$", "", body)
    msg = unescape(body.split(" msg=", 1)[1])
    assert " part=" not in body.split(" msg=", 1)[0], "unexpected split event: " + body[:200]
    m = ev_re.search(msg)
    assert m, "forwarded event without audit id: " + msg[:200]
    assert m.group(1) not in fwd, "event forwarded twice: " + m.group(1)
    fwd[m.group(1)] = msg

# 1. fidelity: each forwarded event is exactly auditd's records of that id
#    (auditd 3.0.9 gives plugins the raw records: its log adds the ENRICHED
#    part after 0x1d, so compare with that part cut off)
def ts(eid):
    a, b = eid.split(":")
    return (float(a), int(b))
newest_logged = max(events, key=ts)
for eid in list(fwd):
    if live and eid not in events and ts(eid) > ts(newest_logged):
        del fwd[eid]    # forwarded already, not yet written by auditd
for eid, msg in fwd.items():
    assert eid in events, "forwarded event %s is not in auditd's log" % eid
    got = [r for r in msg.split("\n") if r]
    want = [r.split(SEP, 1)[0] for r in events[eid] if not r.startswith("type=EOE ")]
    assert got == want or got == events[eid], "event %s differs:\n%r\n%r" % (eid, got, events[eid])
# 2. every forwarded event matches the selection
for eid, msg in fwd.items():
    assert selected(events[eid]), "event %s forwarded but not selected: %r" % (eid, events[eid][:2])
# 3. completeness: every selected event in auditd's log was forwarded
missing = [eid for eid, recs in events.items() if selected(recs) and eid not in fwd]
assert live or not missing, "selected but not forwarded: %s" % [(e, events[e][0][:160]) for e in missing]
# 4. the unselected key and unrelated events exist in auditd's log, not on the log host
oth = [eid for eid, recs in events.items() if other in ev_keys(recs) and not selected(recs)]
assert len(oth) >= 3, "expected >= 3 events with key %s in audit.log, got %d" % (other, len(oth))
assert not set(oth) & set(fwd)
unrel = [eid for eid, recs in events.items() if not selected(recs)]
# 5. what the test did is there: the file changes under the watched dir with
#    the test key, and the Docker CLI runs with their arguments
names = set()
argvs = set()
for eid, msg in fwd.items():
    recs = msg.split("\n")
    if test_key in ev_keys(recs):
        names |= {field(r, "name") for r in recs if r.startswith("type=PATH ")}
    for r in recs:
        if r.startswith("type=EXECVE ") and "docker" in ev_keys(recs):
            argc = int(field(r, "argc"))
            argvs.add(tuple(field(r, "a%d" % i) for i in range(1, argc)))
for f in () if live else ("daemon.json", "key.json", "key2.json", "last-marker"):
    assert wdir + "/" + f in names, "no forwarded event names %s/%s: %s" % (wdir, f, sorted(names))
for a in [] if live else [("run", "--rm", "--memory", "32m", image, "true"), ("ps",), ("ps", "-a")]:
    assert a in argvs, "no forwarded exec of docker %s: %s" % (" ".join(a), sorted(argvs))
bykey = {}
for eid, msg in fwd.items():
    for k in ev_keys(events[eid]) or {"(none)"}:
        bykey[k] = bykey.get(k, 0) + 1
print("%s: audit.log %d events; forwarded %d (by key %s); not forwarded %d (%d with key %s)" %
      (mode, len(events), len(fwd), dict(sorted(bykey.items())), len(unrel), len(oth), other))
PY
}
sel_summary=$(check_selection live) || dw_die "selection check failed"
dw_log "2: $sel_summary"

# --- stop auditd: the plugin flushes and writes a signed stop record
before_stop=$(grep -c ' type=event ' "$LOG")
dw_auditd_stop
dw_wait_for 15 bash -c "! kill -0 $PLUGIN_PID" || dw_die "the plugin did not exit after auditd stopped"
dw_wait_for 30 grep -q ' type=stop ' "$LOG" || dw_die "no stop record arrived: $(grep dockwarden-audisp "$T/syslog/syslog.log" | tail -3)"
stop_line=$(grep ' type=stop ' "$LOG")
[ "$(grep -c ' type=stop ' "$LOG")" = 1 ] || dw_die "more than one stop record"
[[ $stop_line =~ \ sig=[0-9a-f]{128}$ ]] || dw_die "the stop record is not signed: $stop_line"
[ "$(tail -n 1 "$LOG")" = "$stop_line" ] || dw_die "the stop record is not the last line"
# the stop record counts what the plugin selected: all of it is on the log host
selected_n=$(sed -n 's/.* selected=\([0-9]*\) .*/\1/p' <<<"$stop_line")
events_n=$(sed -n 's/.* events=\([0-9]*\) .*/\1/p' <<<"$stop_line")
after_stop=$(grep -c ' type=event ' "$LOG")
if [ -z "$selected_n" ] || [ "$selected_n" != "$after_stop" ]; then
	dw_die "stop record says selected=$selected_n, the log host has $after_stop events"
fi
[ "$events_n" -gt "$selected_n" ] || dw_die "the plugin saw $events_n events and selected all of them"
[ "$(grep -c ' type=start ' "$LOG")" = 1 ] || dw_die "expected exactly one start record"
verify_log "$T/v2.json" 'stream|restart'
sel_summary=$(check_selection final) || dw_die "selection check after stop failed"
dw_syslog_wait "$T/syslog" "dockwarden-audisp\[$PLUGIN_PID\]: stopped: $events_n events read, $selected_n forwarded" 5 ||
	dw_die "the plugin did not log its clean stop"
dw_log "3: auditd stopped: signed stop record ($(grep -o 'reason=[a-z]*' <<<"$stop_line")), $events_n events read, $selected_n forwarded ($before_stop before the stop), verify clean"
dw_log "   $sel_summary"

# --- the rules go away exactly as they came
auditctl -W "$T/etc-docker" -p wa -k "$KEY" >/dev/null
auditctl -W "$T/other" -p wa -k "$OTHER" >/dev/null
[ "$docker_rule" = 0 ] || auditctl -W /usr/bin/docker -p x -k docker >/dev/null
[ "$(auditctl -l)" = "$rules_before" ] || dw_die "audit rules differ from before: $(auditctl -l)"
dw_log "ok ($((SECONDS - t0)) s)"
