#!/usr/bin/python3
"""socket_holder.py SOCKET PIDFILE -- PLUGIN ARGS...

What systemd's socket activation does for dockwarden-authz, small enough for
a test (no systemd here): bind and listen on SOCKET once (mode 0600), then
run PLUGIN with the listening socket as fd 3 and LISTEN_FDS=1 /
LISTEN_PID=<its pid>, and start it again whenever it exits (Restart=always).
The socket never closes, so while a plugin restarts, dockerd's connections
wait in the listen backlog instead of failing.  The current plugin's pid is
written to PIDFILE.  SIGTERM: stop the plugin, then exit."""
import os
import signal
import socket
import sys
import time


def main():
    path, pidfile = sys.argv[1], sys.argv[2]
    if sys.argv[3] != "--":
        sys.exit("usage: socket_holder.py SOCKET PIDFILE -- PLUGIN ARGS...")
    cmd = sys.argv[4:]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    old = os.umask(0o177)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    os.umask(old)
    sock.listen(socket.SOMAXCONN)
    stopping = False
    child = 0

    def on_term(signum, frame):
        nonlocal stopping
        stopping = True
        if child:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    starts = 0
    while not stopping:
        child = os.fork()
        if child == 0:
            # fd 3 may already be the socket: dup2(3, 3) would keep its
            # close-on-exec flag, so clear that flag explicitly.
            if sock.fileno() != 3:
                os.dup2(sock.fileno(), 3)
            os.set_inheritable(3, True)
            env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
            os.execve(cmd[0], cmd, env)
        starts += 1
        with open(pidfile + ".tmp", "w") as f:
            f.write("%d\n" % child)
        os.rename(pidfile + ".tmp", pidfile)
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        child = 0
        if not stopping:
            time.sleep(0.05)  # like RestartSec, short: the socket keeps the clients
    print("socket_holder: %d plugin starts" % starts, file=sys.stderr)


if __name__ == "__main__":
    main()
