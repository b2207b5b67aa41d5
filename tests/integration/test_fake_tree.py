#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""FIFOs and devices in an LSOCK_PROC_ROOT tree (issue 11, item 7, "Hangs
on a fake tree").

Every file lsock reads in a real /proc is a regular file (S_IFREG, size 0).
A FIFO in its place used to block lsock in open(2) for ever, and /dev/zero
made it spin at full CPU.  Now each is opened with O_NONBLOCK, refused
unless fstat(2) says it is a regular file, and reported once:
  - a /proc/net file fails its protocol: exit 3, one line naming the file;
  - a process's comm costs that process its rows, and mountinfo or 2/stat
    only their probe: exit 0, one warning for all of them, and JSON says
    owners_complete false.
Each run must end within TIMEOUT seconds."""
import json
import os
import shutil
import tempfile

import lsocktest as lt

TIMEOUT = 5
# A LISTEN row of tests/fixtures/proc_net_tcp.txt: 127.0.0.1:8080.
LISTEN_INODE = 2085625
NOT_REGULAR = "is not a regular file"
REFUSED = "lsock: warning: refused {n} file(s) of the /proc tree that are not regular files"


def fixture(name):
    return os.path.join(lt.source_dir(), "tests", "fixtures", name)


class Tree:
    """A fake proc root: net/ from the fixtures, plus whatever a case adds."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="lsock-fake-")
        os.mkdir(self.path("net"))
        for name in ("tcp", "tcp6", "udp", "udp6", "unix", "raw", "raw6"):
            shutil.copy(fixture(f"proc_net_{name}.txt"), self.path("net", name))

    def path(self, *rel):
        return os.path.join(self.root, *rel)

    def fifo(self, *rel):
        p = self.path(*rel)
        if os.path.lexists(p):
            os.unlink(p)
        os.mkfifo(p)

    def link(self, target, *rel):
        p = self.path(*rel)
        if os.path.lexists(p):
            os.unlink(p)
        os.symlink(target, p)

    def file(self, data, *rel):
        with open(self.path(*rel), "w") as f:
            f.write(data)

    def proc(self, pid, comm, fds):
        """A process dir holding fd -> socket inode; comm None: no comm file."""
        os.makedirs(self.path(str(pid), "fd"))
        if comm is not None:
            self.file(comm, str(pid), "comm")
        for fd, inode in fds.items():
            self.link(f"socket:[{inode}]", str(pid), "fd", str(fd))

    def initial_pidns(self):
        os.makedirs(self.path("self", "ns"), exist_ok=True)
        self.link("pid:[4026531836]", "self", "ns", "pid")

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def run_in(tree, args):
    env = dict(os.environ, LSOCK_PROC_ROOT=tree.root)
    env.pop("LSOCK_TEST_ASSUME_INITIAL_PIDNS", None)
    timeout = 300 if lt.lsock_wrapper() else TIMEOUT
    return lt.run_lsock(args, env=env, timeout=timeout)


def case(build, check):
    tree = Tree()
    try:
        build(tree)
        check(tree)
    finally:
        tree.cleanup()


def expect_slot_refused(args, file):
    """The run fails (3) with one line naming <root>/net/<file>, no stdout."""
    def check(tree):
        r = run_in(tree, args)
        want = f"{tree.root}/net/{file} {NOT_REGULAR}"
        lines = r.stderr_lines()
        lt.expect(r.status == 3 and not r.out and len(lines) == 1 and want in lines[0],
                  f"{r.describe()}: want exit 3, no stdout, one line with {want!r}")
    return check


def owners_of(doc, inode):
    for s in doc["sockets"]:
        if s.get("inode") == inode:
            return sorted(o["pid"] for o in s["owners"])
    raise lt.TestFailure(f"socket {inode} missing: {json.dumps(doc)[:1000]}")


def expect_owners(want_pids, want_lines):
    """Exit 0; the LISTEN row's owners are want_pids; stderr is want_lines
    (prefixes); owners_complete is false."""
    def check(tree):
        r = run_in(tree, ["-tanp", "--source=proc", "--json"])
        lt.expect(r.status == 0, f"{r.describe()}: want exit 0")
        doc = r.json()
        problems = []
        got = owners_of(doc, LISTEN_INODE)
        if got != want_pids:
            problems.append(f"owners of {LISTEN_INODE}: {got}, want {want_pids}")
        if doc.get("owners_complete") is not False:
            problems.append(f"owners_complete {doc.get('owners_complete')!r}, want false")
        lines = r.stderr_lines()
        if len(lines) != len(want_lines) or \
                not all(l.startswith(w) for l, w in zip(lines, want_lines)):
            problems.append(f"stderr {lines!r}, want lines starting with {want_lines!r}")
        lt.check(problems, "lsock -tanp --source=proc --json")
    return check


def main():
    def comm_fifo_and_zero(t):
        t.initial_pidns()
        t.proc(42, None, {3: LISTEN_INODE})
        t.fifo("42", "comm")
        t.proc(43, None, {4: LISTEN_INODE})
        t.link("/dev/zero", "43", "comm")
        t.proc(44, "fine\n", {5: LISTEN_INODE})

    def mountinfo_fifo(t):
        t.initial_pidns()
        t.proc(44, "fine\n", {5: LISTEN_INODE})
        t.fifo("self", "mountinfo")

    def stat_fifo(t):
        # No self/ns/pid: 2/stat decides whether this is the initial PID namespace.
        t.proc(44, "fine\n", {5: LISTEN_INODE})
        os.mkdir(t.path("2"))
        t.fifo("2", "stat")

    def icmp_fifo(t):
        t.fifo("net", "icmp")

    lt.main([
        ("net/tcp a FIFO (--source=proc)",
         lambda: case(lambda t: t.fifo("net", "tcp"),
                      expect_slot_refused(["-tan", "--source=proc"], "tcp"))),
        ("net/unix -> /dev/zero (--source=proc)",
         lambda: case(lambda t: t.link("/dev/zero", "net", "unix"),
                      expect_slot_refused(["-xa", "--source=proc"], "unix"))),
        ("net/tcp a directory (--source=proc)",
         lambda: case(lambda t: (os.unlink(t.path("net", "tcp")), os.mkdir(t.path("net", "tcp"))),
                      expect_slot_refused(["-tan", "--source=proc"], "tcp"))),
        ("net/icmp a FIFO (default source: icmp is always read from /proc)",
         lambda: case(icmp_fifo, expect_slot_refused(["--icmp", "-a"], "icmp"))),
        ("PID/comm a FIFO and /dev/zero",
         lambda: case(comm_fifo_and_zero, expect_owners([44], [REFUSED.format(n=2)]))),
        ("self/mountinfo a FIFO",
         lambda: case(mountinfo_fifo, expect_owners([44], [REFUSED.format(n=1)]))),
        ("2/stat a FIFO",
         lambda: case(stat_fifo, expect_owners([44], [REFUSED.format(n=1),
                                                      "lsock: note: running in a PID namespace"]))),
    ])


lt.run_test(main)
