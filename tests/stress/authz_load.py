#!/usr/bin/python3
"""authz_load.py DOCKER_SOCK PLUGIN_SOCK PIDFILE SECONDS CLIENTS SLOW KILL_EVERY

Load on a private dockerd that uses dockwarden-authz, while the plugin is
killed and restarted (socket_holder.py keeps its listening socket):
  - CLIENTS threads call dockerd's API back to back: GET /containers/json
    (must be 200) and a privileged POST /containers/create (must be 403 with
    dockwarden's privileged message).  Any other answer, or an error, is a
    failed Docker API call: there must be none.
  - SLOW threads talk to the plugin socket directly, one byte every 0.2 s,
    and never finish a request (reconnecting when the plugin restarts).
  - every KILL_EVERY seconds the current plugin gets SIGTERM or SIGKILL
    (alternately); the holder starts the next one on the same socket.

A graceful stop (SIGTERM) costs dockerd 20.10 nothing: the plugin finishes
what it accepted and the next instance takes the backlog.  A SIGKILL loses
the requests in flight; dockerd then retries them with an empty body (moby
pkg/plugins callWithRetry re-reads a consumed body), which the plugin must
deny (fail closed).  dockerd 26 also does so for a request it sent on a kept
connection just as a stopping instance closed it.  Those are counted apart,
only within one kill period after a SIGKILL or a SIGTERM, at most one per
client and restart, and only as such a denial; a privileged create is never
allowed."""
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time

DOCKER, PLUGIN, PIDFILE = sys.argv[1], sys.argv[2], sys.argv[3]
SECONDS, CLIENTS, SLOW, KILL_EVERY = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
# the API version the calls use: dockerd's own (DW_DOCKER_API), 1.41 if unset
API = "/v" + os.environ.get("DW_DOCKER_API", "1.41")
PRIV = json.dumps({"Image": "dwt-none", "HostConfig": {"Privileged": True}}).encode()

lock = threading.Lock()
stats = {"get": 0, "deny": 0, "failed": 0, "slow_reconnects": 0, "kills": 0, "terms": 0,
         "killed_inflight": 0, "term_cut": 0}
sigkill_times = []
sigterm_times = []
EMPTY_DENIAL = b"dockwarden: denied: request: AuthZReq is empty"


def after(times):
    now = time.time()
    with lock:
        # dockerd 26+ retries with a backoff, and a loaded machine delays the
        # next instance: one kill period
        return any(0 <= now - t <= KILL_EVERY for t in times)
failures = []
stop = threading.Event()


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


def bump(key, what=None):
    with lock:
        stats[key] += 1
        if what is not None and len(failures) < 20:
            failures.append(what)


def client(i):
    conn = None
    n = 0
    while not stop.is_set():
        priv = n % 4 == 3
        n += 1
        try:
            if conn is None:
                conn = UnixHTTP(DOCKER)
            if priv:
                conn.request("POST", API + "/containers/create", body=PRIV,
                             headers={"Content-Type": "application/json"})
            else:
                conn.request("GET", API + "/containers/json")
            resp = conn.getresponse()
            body = resp.read()
        except Exception as e:  # noqa: BLE001 - every error is a failed call
            bump("failed", "client %d: %r" % (i, e))
            if conn is not None:
                conn.close()
            conn = None
            continue
        if resp.status == 403 and EMPTY_DENIAL in body and after(sigkill_times):
            bump("killed_inflight")
        elif resp.status == 403 and EMPTY_DENIAL in body and after(sigterm_times):
            # dockerd 26 sent it on a kept connection the stopping instance
            # closed under it, then retried with the body already consumed
            bump("term_cut")
        elif priv:
            if resp.status == 403 and b"dockwarden: denied: privileged" in body:
                bump("deny")
            else:
                bump("failed", "create privileged: %d %s" % (resp.status, body[:200]))
        elif resp.status == 200:
            bump("get")
        else:
            bump("failed", "GET /containers/json: %d %s" % (resp.status, body[:200]))
    if conn is not None:
        conn.close()


def slow(i):
    req = (b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: plugin\r\n"
           b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"User\":\"")
    while not stop.is_set():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(PLUGIN)
            k = 0
            while not stop.is_set():
                s.sendall(req[k % len(req):k % len(req) + 1] if k < len(req) else b"a")
                k += 1
                time.sleep(0.2)
        except OSError:
            bump("slow_reconnects")
            time.sleep(0.2)
        finally:
            s.close()


def killer():
    sig = signal.SIGTERM
    seen = set()
    while not stop.wait(KILL_EVERY):
        try:
            pid = int(open(PIDFILE).read())
        except (OSError, ValueError):
            continue
        seen.add(pid)
        try:
            with lock:
                (sigkill_times if sig == signal.SIGKILL else sigterm_times).append(time.time())
            os.kill(pid, sig)
            bump("kills" if sig == signal.SIGKILL else "terms")
        except ProcessLookupError:
            pass
        sig = signal.SIGTERM if sig == signal.SIGKILL else signal.SIGKILL
    stats["plugin_pids"] = len(seen)


def main():
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    threads += [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(SLOW)]
    k = threading.Thread(target=killer)
    t0 = time.time()
    for t in threads:
        t.start()
    k.start()
    time.sleep(SECONDS)
    stop.set()
    k.join()
    for t in threads[:CLIENTS]:
        t.join(150)
    elapsed = time.time() - t0
    calls = (stats["get"] + stats["deny"] + stats["failed"] + stats["killed_inflight"] +
             stats["term_cut"])
    print("%.0f s: %d Docker API calls (%d allowed GET, %d denied privileged create), "
          "%d failed, %d in flight at a SIGKILL denied (fail closed), %d cut by a SIGTERM's "
          "close and retried empty, denied; %d SIGTERM and %d SIGKILL "
          "restarts, %d slow-client reconnects; %.0f calls/s"
          % (elapsed, calls, stats["get"], stats["deny"], stats["failed"], stats["killed_inflight"],
             stats["term_cut"], stats["terms"], stats["kills"], stats["slow_reconnects"],
             calls / elapsed))
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    ok = stats["failed"] == 0 and stats["get"] > 0 and stats["deny"] > 0
    if stats["killed_inflight"] > CLIENTS * stats["kills"]:
        print("FAIL: more in-flight losses than clients per SIGKILL", file=sys.stderr)
        ok = False
    if stats["term_cut"] > CLIENTS * stats["terms"]:
        print("FAIL: more requests cut than clients per SIGTERM", file=sys.stderr)
        ok = False
    if KILL_EVERY < SECONDS and stats["kills"] + stats["terms"] < int(SECONDS / KILL_EVERY) - 1:
        print("FAIL: only %d plugin restarts" % (stats["kills"] + stats["terms"]), file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
