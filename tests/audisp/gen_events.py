#!/usr/bin/python3
"""gen_events.py N [FIRST_SERIAL] - N Docker-related audit events as auditd's
dispatcher writes them (string format): SYSCALL + CWD + PATH + PROCTITLE + EOE,
alternating docker CLI / dockerd / runc, key "docker".  Used by the e2e tests
and the benchmark."""
import sys

n = int(sys.argv[1])
first = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
exes = [("docker", "/usr/bin/docker"), ("dockerd", "/usr/bin/dockerd"), ("runc", "/usr/bin/runc")]
out = sys.stdout
for i in range(n):
    s = first + i
    ts = f"1700000000.{i % 1000:03d}:{s}"
    comm, exe = exes[i % 3]
    out.write(
        f"type=SYSCALL msg=audit({ts}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c "
        f"a1=55d0c0ffee a2=80000 a3=0 items=1 ppid=1 pid={2000 + i % 30000} auid=1000 uid=0 gid=0 "
        f"euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"{comm}\" exe=\"{exe}\" "
        f"subj=unconfined key=\"docker\"\n"
        f"type=CWD msg=audit({ts}): cwd=\"/root\"\n"
        f"type=PATH msg=audit({ts}): item=0 name=\"/etc/docker/daemon.json\" inode={100000 + i} "
        f"dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0\n"
        f"type=PROCTITLE msg=audit({ts}): proctitle=646F636B657200707300"
        f"2D61\n"
        f"type=EOE msg=audit({ts}): \n")
