#!/bin/bash
# test_e2e_transports.sh - the two forward.target schemes besides relp://,
# end to end against a real rsyslog, then the real `dockwarden verify` on
# what rsyslog stored:
#  1. relp+tls://127.0.0.1:20531 -> imrelp with tls="on" and mutual
#     certificate authentication (a throwaway CA made here with openssl):
#     every record arrives and verifies
#  2. fail closed: the plugin trusts a CA that did not sign the server's
#     certificate, or the certificate names another host (127.0.0.1:20534)
#     -> the log host stores nothing, the records stay spooled
#     (unacknowledged) and arrive once the right CA is configured; pointed at
#     a plain TCP listener (127.0.0.1:20533), the plugin sends a TLS
#     handshake and no record in cleartext; a policy without a client
#     certificate (librelp would run anonymous TLS) is refused at load
#  3. tcp://127.0.0.1:20532 -> imtcp (RFC 6587 octet-counted framing): every
#     record arrives exactly once and verifies
# Env: DW_AUDISP, DW_CLI, DW_E2E_LIB.
set -euo pipefail
source "$DW_E2E_LIB"
dw_e2e_lock "$@"
dw_tmpdir T
HERE=$(dirname "$(readlink -f "$0")")
TLS_PORT=20531
TCP_PORT=20532
SNIFF_PORT=20533
NAME_PORT=20534
N=500 # events per run
export DW_AUDISP_MAX_BACKOFF_MS=400 # test-only cap on the reconnect backoff

# --- a throwaway PKI: CA, server (127.0.0.1) and client certificates, and a
# second CA that signed neither
pki() {
	local d=$T/pki
	mkdir -p "$d"
	cd "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dwt test CA" \
		-keyout ca.key -out ca.pem 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dwt other CA" \
		-keyout other-ca.key -out other-ca.pem 2>/dev/null
	local who
	for who in server client; do
		# the plugin dials 127.0.0.1 and librelp compares that name with
		# the certificate's CN and DNS names (not its IP addresses)
		openssl req -newkey rsa:2048 -nodes -subj "/CN=$([ $who = server ] && echo 127.0.0.1 || echo dwt-client)" \
			-keyout "$who.key" -out "$who.csr" 2>/dev/null
		printf 'subjectAltName=IP:127.0.0.1,DNS:127.0.0.1\nextendedKeyUsage=%s\n' \
			"$([ $who = server ] && echo serverAuth || echo clientAuth)" >"$who.ext"
		openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 2 -extfile "$who.ext" -out "$who.pem" 2>/dev/null
	done
	# signed by the right CA, but for another host
	openssl req -newkey rsa:2048 -nodes -subj "/CN=loghost.example" \
		-keyout wrongname.key -out wrongname.csr 2>/dev/null
	printf 'subjectAltName=DNS:loghost.example\nextendedKeyUsage=serverAuth\n' >wrongname.ext
	openssl x509 -req -in wrongname.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-days 2 -extfile wrongname.ext -out wrongname.pem 2>/dev/null
	chmod 0600 ./*.key
	openssl verify -CAfile ca.pem server.pem client.pem wrongname.pem >/dev/null || dw_die "openssl made a broken PKI"
	if openssl verify -CAfile other-ca.pem server.pem >/dev/null 2>&1; then
		dw_die "the other CA verifies the server certificate"
	fi
	cd - >/dev/null
}
pki
P=$T/pki

# --- the log hosts: private rsyslogds, one per transport, storing %rawmsg%
# like the shipped log-host snippet (packaging/rsyslog-dockwarden-loghost.conf)
# NAME PORT INPUT-LINES...: start rsyslogd NAME storing to $T/NAME.log
rs_start() {
	local name=$1 port=$2; shift 2
	mkdir -p "$T/$name-work"
	{
		echo "global(workDirectory=\"$T/$name-work\" maxMessageSize=\"128k\")"
		printf '%s\n' "$@"
		cat <<-CONF
		template(name="dockwarden_raw" type="string" string="%rawmsg%\n")
		ruleset(name="dockwarden" queue.type="Direct") {
			action(type="omfile" file="$T/$name.log" template="dockwarden_raw"
			       fileCreateMode="0640" flushOnTXEnd="on" asyncWriting="off")
			stop
		}
		CONF
	} >"$T/$name.conf"
	rsyslogd -N1 -f "$T/$name.conf" >"$T/$name.check" 2>&1 || dw_die "rsyslog rejects $name.conf: $(cat "$T/$name.check")"
	# 7>&-: the daemon must not hold the write end of a plugin's stdin fifo
	rsyslogd -n -f "$T/$name.conf" -i "$T/$name.pid" >>"$T/$name.out" 2>&1 7>&- &
	dw_on_exit "_dw_kill_pidfile '$T/$name.pid'"
	dw_wait_for 20 bash -c "ss -ltn | grep -q '127.0.0.1:$port '" || dw_die "rsyslog $name did not listen: $(cat "$T/$name.out")"
}

"$DW_CLI" keygen "$T/k" >/dev/null
# NAME TARGET CA [CERT KEY]: policy $T/NAME.json spooling to $T/spool-NAME
policy() {
	cat >"$T/$1.json" <<-JSON
	{ "forward": { "target": "$2", "signing_key": "$T/k.key",
	               "spool_dir": "$T/spool-$1", "spool_max_mb": 64, "audit_keys": ["docker"],
	               "host_id": "e2e-transports", "tls_ca": "$3",
	               "tls_cert": "${4-$P/client.pem}", "tls_key": "${5-$P/client.key}" } }
	JSON
}
# NAME FIRST-SERIAL: N events through the plugin; it waits (up to
# DW_AUDISP_DRAIN_MS) for the log host to take the spool, then exits
run_plugin() {
	python3 "$HERE/gen_events.py" "$N" "$2" >"$T/ev-$1.log"
	"$DW_AUDISP" --policy "$T/$1.json" <"$T/ev-$1.log" 2>>"$T/plugin-$1.err" ||
		dw_die "plugin ($1) exited with $?: $(tail -5 "$T/plugin-$1.err")"
}
nlines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
acked() { cat "$T/spool-$1/acked" 2>/dev/null || echo 0; }
# LOG FIRST LAST: verify passes and seqs FIRST..LAST are all in LOG
check_complete() {
	local log=$1 out=$1.verify.json
	"$DW_CLI" verify --pubkey "$T/k.pub" --json "$log" >"$out" || { cat "$out"; dw_die "verify failed on $log"; }
	python3 - "$out" "$log" "$2" "$3" <<-'PY' || dw_die "$log is incomplete"
	import json, re, sys
	r = json.load(open(sys.argv[1]))
	first, last = int(sys.argv[3]), int(sys.argv[4])
	seqs = set()
	for line in open(sys.argv[2]):
	    m = re.search(r" seq=(\d+) ", line)
	    assert m, "a stored line without seq: %r" % line[:200]
	    seqs.add(int(m.group(1)))
	missing = sorted(set(range(first, last + 1)) - seqs)
	assert not missing, "missing %d seqs, first %s" % (len(missing), missing[:10])
	assert max(seqs) == last, "unexpected seqs beyond %d: %d" % (last, max(seqs))
	assert r["ok"] and r["failures"] == 0, r
	PY
}
export DW_AUDISP_DRAIN_MS=60000

# --- 1. relp+tls with mutual certificate authentication
rs_start tls "$TLS_PORT" 'module(load="imrelp")' \
	"input(type=\"imrelp\" port=\"$TLS_PORT\" address=\"127.0.0.1\" ruleset=\"dockwarden\" maxDataSize=\"128k\"
	       tls=\"on\" tls.caCert=\"$P/ca.pem\" tls.myCert=\"$P/server.pem\" tls.myPrivKey=\"$P/server.key\"
	       tls.authMode=\"certvalid\")"
policy tls "relp+tls://127.0.0.1:$TLS_PORT" "$P/ca.pem"
t0=$SECONDS
run_plugin tls 10000
# start + N events + stop; the plugin exits only once the spool is acknowledged
[ "$(acked tls)" = $((N + 2)) ] || dw_die "1: acked $(acked tls), expected $((N + 2)): $(tail -5 "$T/plugin-tls.err")"
[ "$(nlines "$T/tls.log")" -ge $((N + 2)) ] || dw_die "1: $(nlines "$T/tls.log") lines stored"
check_complete "$T/tls.log" 1 $((N + 2))
[ "$(grep -c ' type=event ' "$T/tls.log")" -ge "$N" ] || dw_die "1: fewer than $N events stored"
dw_log "1: relp+tls: $(nlines "$T/tls.log") lines arrived and verify ($((SECONDS - t0)) s)"

# --- 2. fail closed: a CA that did not sign the server certificate
policy badca "relp+tls://127.0.0.1:$TLS_PORT" "$P/other-ca.pem"
before=$(nlines "$T/tls.log")
t0=$SECONDS
DW_AUDISP_DRAIN_MS=4000 run_plugin badca 20000
[ "$(nlines "$T/tls.log")" = "$before" ] || dw_die "2: the log host stored records sent to a server the plugin must not trust"
[ "$(acked badca)" = 0 ] || dw_die "2: records acknowledged ($(acked badca)) by an untrusted server"
spooled=$(cat "$T"/spool-badca/seg-* | grep -c ' seq=' || true)
[ "$spooled" = $((N + 2)) ] || dw_die "2: $spooled records spooled, expected $((N + 2))"
grep -q 'TLS with log host 127.0.0.1:[0-9]* failed: ' "$T/plugin-badca.err" || dw_die "2: the plugin did not report the failed TLS authentication: $(tail -3 "$T/plugin-badca.err")"
dw_log "2: wrong CA: nothing stored, $spooled records kept spooled ($((SECONDS - t0)) s)"
# the right CA, but the certificate names another host: refused as well
rs_start wrongname "$NAME_PORT" 'module(load="imrelp")' \
	"input(type=\"imrelp\" port=\"$NAME_PORT\" address=\"127.0.0.1\" ruleset=\"dockwarden\" maxDataSize=\"128k\"
	       tls=\"on\" tls.caCert=\"$P/ca.pem\" tls.myCert=\"$P/wrongname.pem\" tls.myPrivKey=\"$P/wrongname.key\"
	       tls.authMode=\"certvalid\")"
policy wrongname "relp+tls://127.0.0.1:$NAME_PORT" "$P/ca.pem"
DW_AUDISP_DRAIN_MS=3000 run_plugin wrongname 22000
[ "$(nlines "$T/wrongname.log")" = 0 ] || dw_die "2: records stored by a log host whose certificate names another host"
[ "$(acked wrongname)" = 0 ] || dw_die "2: records acknowledged by a log host with another host's certificate"
grep -q "TLS with log host 127.0.0.1:$NAME_PORT failed: " "$T/plugin-wrongname.err" ||
	dw_die "2: the plugin did not report the failed TLS authentication: $(tail -3 "$T/plugin-wrongname.err")"
dw_log "2: right CA, wrong host name: nothing stored, records kept spooled"
# the same plugin, now pointed at a plain TCP listener that records every byte:
# a TLS ClientHello at most, never a record or a RELP command in cleartext
python3 - "$SNIFF_PORT" "$T/sniffed" <<-'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
s.settimeout(0.5)
out = open(sys.argv[2], "wb")
end = time.time() + 30
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    c.settimeout(2)
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            out.write(b)
            out.flush()
    except socket.timeout:
        pass
    c.close()
PY
sniffer=$!
dw_on_exit "kill $sniffer 2>/dev/null"
dw_wait_for 20 bash -c "ss -ltn | grep -q '127.0.0.1:$SNIFF_PORT '" || dw_die "2: sniffer did not listen"
# without a client certificate librelp would run anonymous TLS, which
# authenticates nobody: the policy is refused and the plugin does not start
# (its sender refuses such a target too, should one ever get that far)
policy anon "relp+tls://127.0.0.1:$SNIFF_PORT" "$P/ca.pem" "" ""
python3 "$HERE/gen_events.py" "$N" 25000 >"$T/ev-anon.log"
rc=0
"$DW_AUDISP" --policy "$T/anon.json" <"$T/ev-anon.log" 2>"$T/plugin-anon.err" || rc=$?
[ "$rc" != 0 ] || dw_die "2: the plugin ran with relp+tls and no client certificate"
grep -q '"forward.target": relp+tls:// needs forward.tls_ca, forward.tls_cert and forward.tls_key' \
	"$T/plugin-anon.err" || dw_die "2: no clear refusal for relp+tls without a client certificate: $(cat "$T/plugin-anon.err")"
[ ! -s "$T/sniffed" ] || dw_die "2: the plugin connected for anonymous TLS"
policy badca "relp+tls://127.0.0.1:$SNIFF_PORT" "$P/ca.pem"
DW_AUDISP_DRAIN_MS=5000 run_plugin badca 30000
kill "$sniffer" 2>/dev/null || true
wait "$sniffer" 2>/dev/null || true
[ -s "$T/sniffed" ] || dw_die "2: the plugin never connected to the listener"
if grep -a -q -E 'seq=|type=|syslog|open' "$T/sniffed"; then
	dw_die "2: cleartext reached the listener: $(grep -a -o -E '.{0,40}(seq=|type=|syslog|open).{0,40}' "$T/sniffed" | head -3)"
fi
# first bytes: a TLS handshake record (0x16, version 3.x)
[ "$(head -c 2 "$T/sniffed" | od -An -tx1 | tr -d ' \n')" = 1603 ] ||
	dw_die "2: the first bytes are not a TLS handshake: $(head -c 16 "$T/sniffed" | od -An -c)"
[ "$(acked badca)" = 0 ] || dw_die "2: records acknowledged by a plain TCP listener"
# kept, not lost: with the right CA the spooled records are delivered
before=$(nlines "$T/tls.log")
policy badca "relp+tls://127.0.0.1:$TLS_PORT" "$P/ca.pem"
N=0 run_plugin badca 40000
[ "$(acked badca)" -ge $((2 * N + 6)) ] || dw_die "2: after fixing the CA, acked $(acked badca), expected $((2 * N + 6))"
tail -n +$((before + 1)) "$T/tls.log" >"$T/tls-badca.log"
check_complete "$T/tls-badca.log" 1 $((2 * N + 6))
dw_log "2: with the right CA all $((2 * N + 6)) records of that spool arrived and verify"

# --- 3. tcp:// with octet-counted framing
rs_start tcp "$TCP_PORT" 'module(load="imtcp")' \
	"input(type=\"imtcp\" port=\"$TCP_PORT\" address=\"127.0.0.1\" ruleset=\"dockwarden\")"
policy tcp "tcp://127.0.0.1:$TCP_PORT" ""
t0=$SECONDS
run_plugin tcp 50000
[ "$(acked tcp)" = $((N + 2)) ] || dw_die "3: acked $(acked tcp), expected $((N + 2)): $(tail -5 "$T/plugin-tcp.err")"
check_complete "$T/tcp.log" 1 $((N + 2))
# one clean batch: each record stored exactly once (no resend, no split frame)
[ "$(nlines "$T/tcp.log")" = $((N + 2)) ] || dw_die "3: $(nlines "$T/tcp.log") lines stored, expected $((N + 2))"
dw_log "3: tcp: $(nlines "$T/tcp.log") lines arrived and verify ($((SECONDS - t0)) s)"
dw_log "ok"
