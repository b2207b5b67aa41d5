#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""lsock --all-netns: the cost of finding the namespaces that only fds and
sockets hold (issue 12: one fd walk per run).  Not a test.

    unshare -n -p -f --mount-proc python3 tests/bench/netns_walk.py \\
        NEW_LSOCK [OLD_LSOCK] [--runs N] [--netns K] [--sockets S]
        [--fds F] [--unix U] [--held H]

In the private namespaces: K other namespaces (a third each held by a
process, by an nsfs fd only, by sockets only), S TCP listeners each; a
process holding F plain fds (the walk reads each link) and U UNIX
socketpairs in our namespace (sockets that no -tuan dump lists: the /proc
walk asks each for its namespace); then, for the socket-held case, one
more namespace held only by H TCP listeners.  Prints the median wall and
CPU (user+sys) time of `lsock -G -tuanp` and `-G -tuan` under each owner
source, and the pidfd_getfd() calls (strace -c), for each binary.
"""
import argparse
import ctypes
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time

CHILD = r"""
import ctypes, os, signal, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
kind, n = sys.argv[1], int(sys.argv[2])
home = os.open("/proc/self/ns/net", os.O_RDONLY)
if libc.unshare(0x40000000) != 0:
    raise OSError(ctypes.get_errno(), "unshare")
os.system("ip link set lo up")
held = os.open("/proc/thread-self/ns/net", os.O_RDONLY) if kind == "fd" else None
# RLIMIT_NOFILE may be 20000 and not ours to raise: workers of CHUNK each.
CHUNK = 15000
r, w = os.pipe()
kids = 0
for base in range(0, n, CHUNK):
    if os.fork() == 0:
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        keep = []
        for i in range(base, min(n, base + CHUNK)):
            s = socket.socket(); s.bind(("127.0.0.1", 1024 + i)); s.listen(); keep.append(s)
        if kind != "process":
            libc.setns(home, 0x40000000)
        os.write(w, b"x")
        while True:
            signal.pause()
    kids += 1
for _ in range(kids):
    os.read(r, 1)
if kind != "process":
    libc.setns(home, 0x40000000)
print("ready", flush=True)
sys.stdin.read()
"""

HOG = r"""
import os, socket, sys
f, u = int(sys.argv[1]), int(sys.argv[2])
keep = [os.open("/dev/null", os.O_RDONLY) for _ in range(f)]
keep += [socket.socketpair() for _ in range(u)]
print("ready", flush=True)
sys.stdin.read()
"""


def start(code, *args):
    p = subprocess.Popen([sys.executable, "-c", code] + [str(a) for a in args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if p.stdout.readline().strip() != "ready":
        raise SystemExit(f"holder {args} did not start")
    return p


def measure(argv, runs):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.monotonic() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def getfd_calls(argv):
    log = "/tmp/lsock-netns-walk.strace"
    subprocess.run(["strace", "-f", "-c", "-e", "trace=pidfd_getfd", "-o", log] + argv,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    n = 0
    with open(log) as f:
        for line in f:
            parts = line.split()
            if parts and parts[-1] == "pidfd_getfd":
                n = int(parts[3])
    os.unlink(log)
    return n


def table(binaries, runs, label):
    print(f"\n### {label}\n")
    print("| binary | args | owners | wall (s) | user+sys (s) | pidfd_getfd |")
    print("|---|---|---|---|---|---|")
    for name, path in binaries:
        for args in (["-G", "-tuanp"], ["-G", "-tuan"]):
            for src in ("bpf", "proc"):
                argv = [path] + args + [f"--owners={src}"]
                wall, cpu = measure(argv, runs)
                calls = getfd_calls(argv) if shutil.which("strace") else -1
                print(f"| {name} | {' '.join(args)} | {src} | {wall:.3f} | {cpu:.3f} | {calls} |",
                      flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("new")
    ap.add_argument("old", nargs="?")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--netns", type=int, default=9)
    ap.add_argument("--sockets", type=int, default=200)
    ap.add_argument("--fds", type=int, default=8000)
    ap.add_argument("--unix", type=int, default=5000)
    ap.add_argument("--held", type=int, default=50000)
    a = ap.parse_args()
    subprocess.run(["ip", "link", "set", "lo", "up"])
    binaries = [("new", a.new)] + ([("old", a.old)] if a.old else [])
    procs = []
    try:
        kinds = ("process", "fd", "socket")
        for i in range(a.netns):
            procs.append(start(CHILD, kinds[i % 3], a.sockets))
        procs.append(start(HOG, a.fds, a.unix))
        table(binaries, a.runs, f"{a.netns} namespaces x {a.sockets} listeners, {a.fds} fds, "
              f"{a.unix} UNIX pairs")
        procs.append(start(CHILD, "socket", a.held))
        table(binaries, a.runs, f"and one namespace held only by {a.held} listeners")
    finally:
        for p in procs:
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
