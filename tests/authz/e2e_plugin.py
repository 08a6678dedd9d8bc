#!/usr/bin/python3
"""e2e_plugin.py PLUGIN_BINARY - the plugin daemon under stress, without dockerd.

- refuses to start on an invalid or insecure policy file;
- SIGHUP with valid and invalid policies while clients send AuthZReq over
  keep-alive connections: no request fails, every answer is exactly what one
  of the two policies says (never a mix), an invalid file keeps the old policy;
- garbage on the socket (not HTTP, not JSON, a 10 MiB body, a byte-at-a-time
  client, hundreds of idle connections) gets an error or a closed connection,
  never an allow, and the plugin keeps answering.
"""
import base64
import fcntl
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PLUGIN = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="dwt-authz-plugin.")
SOCK = os.path.join(TMP, "authz.sock")
POLICY = os.path.join(TMP, "policy.json")
FAILS = []

POL_A = "{}\n"  # built-in defaults: privileged denied
POL_B = json.dumps({"authz": {"rules": {"privileged": "off", "capabilities": "off"}}})
POL_BAD = '{"authz": {"rules": {"privileged": "maybe"}}}\n'
DENY_A = "dockwarden: denied: privileged: HostConfig.Privileged is true"


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what, flush=True)


def write_policy(text, mode=0o644):
    tmp = POLICY + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.rename(tmp, POLICY)  # atomic: the plugin never reads a half-written file


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def envelope(body, uri="/v1.41/containers/create"):
    return json.dumps({
        "User": "", "UserAuthNMethod": "", "RequestMethod": "POST", "RequestUri": uri,
        "RequestBody": base64.b64encode(json.dumps(body).encode()).decode(),
        "RequestHeaders": {"Content-Type": "application/json"},
    }).encode()


MIXED = envelope({"Image": "b", "User": "1000", "HostConfig": {
    "Privileged": True, "CapAdd": ["SYS_ADMIN"], "Memory": 67108864, "PidsLimit": 64}})
HDRS = {"Content-Type": "application/json"}


def ask(conn, payload=MIXED):
    conn.request("POST", "/AuthZPlugin.AuthZReq", body=payload, headers=HDRS)
    r = conn.getresponse()
    data = r.read()
    return r.status, json.loads(data)


def start_plugin(extra_env=None):
    err = open(os.path.join(TMP, "plugin.err"), "ab")
    if os.path.exists(SOCK):
        os.unlink(SOCK)
    p = subprocess.Popen([PLUGIN, "--socket", SOCK, "--policy", POLICY, "--foreground"],
                         stderr=err, env=dict(os.environ, **(extra_env or {})))
    for _ in range(100):
        if p.poll() is not None:
            break
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(SOCK)
            s.close()
            break
        except OSError:
            time.sleep(0.05)
    return p


def refuses(text, mode, what):
    write_policy(text, mode)
    p = subprocess.Popen([PLUGIN, "--socket", SOCK, "--policy", POLICY, "--foreground"],
                         stderr=subprocess.PIPE)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        if os.path.exists(SOCK):
            os.unlink(SOCK)
        check(False, what + ": plugin started anyway")
        return
    check(p.returncode != 0 and not os.path.exists(SOCK), what + " (exit %d: %s)" % (
        p.returncode, err.decode(errors="replace").strip().splitlines()[-1:]))


def reload_under_load(p):
    stop = threading.Event()
    counts = {"A": 0, "B": 0}
    errors = []
    lock = threading.Lock()

    def client():
        conn = UnixHTTP(SOCK)
        while not stop.is_set():
            try:
                status, ans = ask(conn)
            except Exception as e:  # a failed request is a test failure
                errors.append(repr(e))
                conn = UnixHTTP(SOCK)
                continue
            with lock:
                if status == 200 and ans.get("Allow") is False and ans.get("Msg") == DENY_A:
                    counts["A"] += 1
                elif status == 200 and ans.get("Allow") is True and not ans.get("Msg"):
                    counts["B"] += 1
                else:
                    errors.append("half-policy or bad answer: %d %r" % (status, ans))

    threads = [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    end = time.time() + 4
    n = 0
    while time.time() < end:
        for text in (POL_B, POL_BAD, POL_A, POL_BAD):
            write_policy(text)
            p.send_signal(signal.SIGHUP)
            n += 1
            time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join()
    check(not errors, "reload under load: %d SIGHUPs, answers A=%d B=%d, errors=%d %s" % (
        n, counts["A"], counts["B"], len(errors), errors[:3]))
    check(counts["A"] > 0 and counts["B"] > 0, "both policies were in force during the run")


def settle(expect_allow, secs=5):
    end = time.time() + secs
    conn = UnixHTTP(SOCK)
    while time.time() < end:
        _, ans = ask(conn)
        if ans.get("Allow") is expect_allow:
            return True
        time.sleep(0.05)
    return False


def raw_exchange(data, chunk_delay=0.0, timeout=10):
    """Send DATA on a fresh connection; return what came back before close/timeout."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(SOCK)
    got = b""
    try:
        if chunk_delay:
            for i in range(len(data)):
                s.sendall(data[i:i + 1])
                time.sleep(chunk_delay)
        else:
            s.sendall(data)
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
            if b"\r\n\r\n" in got:
                head, _, rest = got.partition(b"\r\n\r\n")
                cl = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if cl and len(rest) >= int(cl[0].split(b":")[1]):
                    break
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    finally:
        s.close()
    return got


def garbage():
    got = raw_exchange(b"\x00\x01\x02 this is not HTTP\r\n\r\n")
    check(b'"Allow":true' not in got and (got == b"" or got.startswith(b"HTTP/1.1 400")),
          "not HTTP -> %r" % got[:40])
    conn = UnixHTTP(SOCK)
    conn.request("POST", "/AuthZPlugin.AuthZReq", body=b"{not json", headers=HDRS)
    r = conn.getresponse()
    ans = json.loads(r.read())
    check(ans.get("Allow") is False and ans.get("Err"), "not JSON -> %r" % ans)
    # dockerd's retry of a request cut off by a plugin restart: no body at all
    conn.request("POST", "/AuthZPlugin.AuthZReq", body=b"", headers=HDRS)
    ans = json.loads(conn.getresponse().read())
    check(ans.get("Allow") is False and ans.get("Msg") == "dockwarden: denied: request: AuthZReq is empty",
          "empty AuthZReq -> %r" % ans)
    big = b"x" * (10 << 20)
    req = (b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n" % len(big)) + big
    got = raw_exchange(req, timeout=20)
    check(b'"Allow":true' not in got and (got == b"" or b" 200 " not in got.split(b"\r\n")[0]),
          "10 MiB body -> closed/error (%r)" % got[:40])
    ok_env = envelope({"Image": "b", "User": "1000", "HostConfig": {"Privileged": True}})
    req = (b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(ok_env)) + ok_env
    t0 = time.time()
    got = raw_exchange(req, chunk_delay=0.004)
    check(b'"Allow":false' in got and DENY_A.encode() in got,
          "byte-at-a-time client answered correctly after %.1fs" % (time.time() - t0))
    idle = []
    for _ in range(300):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(SOCK)
        s.sendall(b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        idle.append(s)
    t0 = time.time()
    status, ans = ask(UnixHTTP(SOCK))
    check(status == 200 and ans.get("Msg") == DENY_A,
          "answers with 300 stalled connections open (%.1f ms)" % ((time.time() - t0) * 1000))
    for s in idle:
        s.close()
    conn = UnixHTTP(SOCK)
    conn.request("POST", "/Plugin.Activate", body=b"", headers=HDRS)
    r = conn.getresponse()
    check(r.status == 200 and json.loads(r.read()) == {"Implements": ["authz"]}, "Plugin.Activate")
    conn.request("POST", "/AuthZPlugin.AuthZRes", body=MIXED, headers=HDRS)
    r = conn.getresponse()
    check(r.status == 200 and json.loads(r.read()).get("Allow") is True, "AuthZRes allows")
    conn.request("POST", "/nope", body=b"", headers=HDRS)
    r = conn.getresponse()
    r.read()
    check(r.status == 404, "unknown path -> 404")


def e2e_lock():
    """The global e2e lock of tests/lib/e2e.sh: the plugin writes audit and
    syslog records, which another test's private auditd/rsyslogd would see."""
    path = os.environ.get("DW_E2E_LOCK", "/run/lock/dockwarden-e2e.lock")
    if os.environ.get("DW_E2E_LOCK_HELD") == path:
        return None  # run from a script that holds it already
    os.makedirs(os.path.dirname(path), exist_ok=True)
    f = open(path, "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def main():
    p = None
    lock = e2e_lock()  # held until exit
    try:
        refuses(POL_BAD, 0o644, "refuses an invalid policy")
        refuses(POL_A, 0o666, "refuses a world-writable policy")
        write_policy(POL_A)
        p = start_plugin()
        check(p.poll() is None and os.path.exists(SOCK), "starts on a valid policy")
        check(oct(os.stat(SOCK).st_mode & 0o777) == "0o600", "socket mode 0600")
        status, ans = ask(UnixHTTP(SOCK))
        check(ans.get("Msg") == DENY_A, "policy A in force")
        reload_under_load(p)
        write_policy(POL_B)
        p.send_signal(signal.SIGHUP)
        check(settle(True), "valid reload takes effect")
        write_policy(POL_BAD)
        p.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        check(not settle(False, 1), "invalid reload keeps the previous policy")
        write_policy(POL_A)
        p.send_signal(signal.SIGHUP)
        check(settle(False), "back to policy A")
        garbage()
        check(p.poll() is None, "plugin still alive")
        check(ask(UnixHTTP(SOCK))[1].get("Msg") == DENY_A, "plugin still answering")
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=10)
        check(rc == 0 and not os.path.exists(SOCK), "SIGTERM: clean exit %d, socket removed" % rc)
        p = None
        # socket activation: systemd passes the listening socket as fd 3
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        act = os.path.join(TMP, "activated.sock")
        ls.bind(act)
        ls.listen(16)
        write_policy(POL_A)
        q = subprocess.Popen(["/bin/sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" --policy "$1" --foreground 3<&%d' % ls.fileno(),
                              PLUGIN, POLICY], pass_fds=(ls.fileno(),),
                             stderr=open(os.path.join(TMP, "plugin.err"), "ab"))
        ls.close()
        try:
            ok = False
            for _ in range(50):
                try:
                    ok = ask(UnixHTTP(act))[1].get("Msg") == DENY_A
                    break
                except OSError:
                    time.sleep(0.1)
            check(ok, "socket activation (LISTEN_FDS) serves requests")
        finally:
            q.send_signal(signal.SIGTERM)
            q.wait(timeout=10)
    finally:
        if p is not None:
            p.kill()
            p.wait()
        subprocess.run(["rm", "-rf", TMP])
    print("%d failures" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
