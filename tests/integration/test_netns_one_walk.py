#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One fd walk per lsock run, shared by owners and namespace discovery
(issue 12: "The fd walk is shared by all namespaces, never repeated per
namespace").

Inside the test's private namespaces, three other network namespaces: one
held by a process in it, one held only by an fd on its nsfs file (in a
process back home), one held only by its sockets (in a process back
home, with many sockets there).  Under `strace -f -y`:

  - `lsock -G -tuanp --owners=proc` and `lsock -G -tuan --owners=proc`
    open each /proc/PID/fd directory once, and read each fd link once; a
    socket no dump explained is asked for its namespace, but not the
    other sockets of a namespace found so;
  - the note of `lsock -tlnp --owners=proc` does too;
  - with --owners=bpf (where it can run) none of the three reads a /proc
    fd link or opens a /proc fd directory at all, and the socket-held
    namespace costs one pidfd_getfd(), not one per socket;
  - and every run lists (or counts) all three namespaces;
  - with --owners=bpf, the note of `lsock -tlnp` does not dump lsock's
    own namespace whole (the iterator names each socket's namespace, so
    no dump has to explain our sockets): it receives less than a full
    dump of the CONNS established connections held here would bring.

Needs root and strace (skips with 77 otherwise)."""
import collections
import socket
import os
import re
import shutil
import subprocess
import sys
import tempfile

import lsocktest as lt

SOCKETS = 200  # in the socket-held namespace: the /proc walk asks each
CONNS = 1000   # established pairs in lsock's own namespace

CHILD = r"""
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
kind, n = sys.argv[1], int(sys.argv[2])
home = os.open("/proc/self/ns/net", os.O_RDONLY)
def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")
if libc.unshare(CLONE_NEWNET) != 0:
    raise OSError(ctypes.get_errno(), "unshare")
ino = os.stat("/proc/thread-self/ns/net").st_ino
held = os.open("/proc/thread-self/ns/net", os.O_RDONLY) if kind == "fd" else None
keep = []
for i in range(n):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); keep.append(s)
if kind != "process":
    setns(home)
print("ready", ino, flush=True)
sys.stdin.read()
"""

# strace -y: "openat(5</proc/12>, "fd", ...) = 6</proc/12/fd>" and
# "readlinkat(6</proc/12/fd>, "3", ...)"; and the path forms of both.
FD_DIR_OPEN = re.compile(r'^\d+\s+openat\(.*= \d+</proc/(\d+(?:/task/\d+)?)/fd>$')
FD_LINK = re.compile(r'^\d+\s+readlinkat\((?:\d+</proc/(\d+(?:/task/\d+)?)/fd>, "(\d+)"|'
                     r'[^,]+, "/proc/(\d+(?:/task/\d+)?)/fd/(\d+)")')
FD_LINK_PATH = re.compile(r'^\d+\s+readlink\("/proc/(\d+(?:/task/\d+)?)/fd/(\d+)"')
GETFD = re.compile(r'^\d+\s+pidfd_getfd\(.*= \d+')
# Every netlink read (sock_diag dumps, and a few small rtnetlink ones).
RECVMSG = re.compile(r'^\d+\s+recvmsg\(.*\) = (\d+)$')


class Holders:
    def __init__(self):
        self.procs, self.inos = [], {}

    def __enter__(self):
        return self

    def add(self, kind, n):
        p = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(n)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        line = p.stdout.readline().split()
        if line[:1] != ["ready"]:
            raise lt.TestFailure(f"holder {kind} did not start")
        self.inos[kind] = int(line[1])

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()
        return False


def traced(args):
    """Runs lsock args under strace; returns (result, strace lines)."""
    d = tempfile.mkdtemp()
    log = os.path.join(d, "trace.log")
    # LeakSanitizer cannot run under ptrace: an ASan build keeps its other
    # checks here; leaks are checked elsewhere.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    try:
        r = lt.run([shutil.which("strace"), "-f", "-qq", "-y", "-o", log, "-e",
                    "trace=openat,readlinkat,readlink,pidfd_getfd,recvmsg"] +
                   lt.lsock_argv(args, wrapped=False), env=env, timeout=300)
        with open(log) as f:
            lines = f.read().splitlines()
    finally:
        if os.path.exists(log):
            os.unlink(log)
        os.rmdir(d)
    return r, lines


def counts(lines):
    dirs = collections.Counter()
    links = collections.Counter()
    getfd = 0
    diag_bytes = 0
    for line in lines:
        m = RECVMSG.match(line)
        if m:
            diag_bytes += int(m.group(1))
        m = FD_DIR_OPEN.match(line)
        if m:
            dirs[m.group(1)] += 1
        m = FD_LINK.match(line) or FD_LINK_PATH.match(line)
        if m:
            g = [x for x in m.groups() if x is not None]
            links[(g[0], g[1])] += 1
        if GETFD.match(line):
            getfd += 1
    return dirs, links, getfd, diag_bytes


def established(n):
    """n loopback TCP connections in our namespace, both ends held here."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(n)
    keep = [srv]
    for _ in range(n):
        c = socket.create_connection(srv.getsockname())
        a, _ = srv.accept()
        keep += [c, a]
    return keep


def main():
    if not shutil.which("strace"):
        lt.skip("no strace")
    sources = lt.owner_sources()
    conns = established(CONNS)
    with Holders() as h:
        h.add("process", 1)
        h.add("fd", 1)
        h.add("socket", SOCKETS)
        want = set(h.inos.values())
        problems = []

        def listed(r):
            if r.status not in (0, 1):
                return None
            return {int(m) for m in re.findall(r"net:\[(\d+)\]", r.stdout)}

        def one_walk(args, note=False):
            r, lines = traced(args)
            dirs, links, getfd, diag_bytes = counts(lines)
            what = " ".join(args)
            if note:
                line = [x for x in r.stderr_lines() if "use --all-netns" in x]
                if line != [f"lsock: note: {1 + 1 + SOCKETS} listening sockets in 3 other "
                            "network namespaces are not shown; use --all-netns"]:
                    problems.append(f"{what}: note {line}, stderr {r.stderr!r}")
            else:
                got = listed(r)
                if got is None or not want <= got:
                    problems.append(f"{what}: namespaces {got}, want {want} among them "
                                    f"({r.describe()})")
            return what, dirs, links, getfd, diag_bytes

        for args, note in ((["-G", "-tuanp"], False), (["-G", "-tuan"], False),
                           (["-tlnp"], True)):
            what, dirs, links, getfd, full = one_walk(args + ["--owners=proc"], note)
            twice = sorted(d for d, k in dirs.items() if k > 1)
            again = sorted(k for k, c in links.items() if c > 1)
            if not dirs:
                problems.append(f"{what}: no /proc fd directory opened (strace -y format?)")
            if twice:
                problems.append(f"{what}: fd directories opened more than once: {twice[:5]}")
            if again:
                problems.append(f"{what}: fd links read more than once: {again[:5]}")
            # Each socket no dump explained is asked, but once its namespace
            # is dumped the others there are explained: not SOCKETS asks.
            if not 1 <= getfd < SOCKETS // 2:
                problems.append(f"{what}: {getfd} pidfd_getfd() calls, want 1 to {SOCKETS // 2}")
            if "bpf" not in sources:
                continue
            what, dirs, links, getfd, diag_bytes = one_walk(args + ["--owners=bpf"], note)
            # The /proc walk's note dumps every socket here (one record of
            # ~100 bytes or more per socket); the iterator's needs no such dump.
            if note and diag_bytes >= 100 * CONNS:
                problems.append(f"{what}: {diag_bytes} bytes of sock_diag dumps (with "
                                f"--owners=proc {full}); want under {100 * CONNS}: our "
                                "namespace dumped whole")
            if dirs or links:
                problems.append(f"{what}: {len(dirs)} /proc fd directories opened, "
                                f"{len(links)} fd links read; want none")
            # The socket-held namespace: one socket asked, not SOCKETS.
            if getfd != 1:
                problems.append(f"{what}: {getfd} pidfd_getfd() calls, want 1")
        lt.check(problems, "one fd walk per run")
    for s in conns:
        s.close()


if __name__ == "__main__":
    lt.run_test(main)
