# SPDX-License-Identifier: MIT
"""Held UNIX sockets that a resumed dump skipped are fetched by inode in
every namespace a listing enters, not only in lsock's own (issue 12).

A unix_diag dump resumed under churn can skip a socket; with owners, lsock
looks up by inode the held sockets no dump listed (snapshot_take()).  Real
churn does that at random (tests/stress/test_churn.py with
LSOCK_CHURN_NETNS=1); here tests/helpers/preload/nl_drop_unix.so makes
every dump skip three chosen sockets, every time, while a lookup by inode
still finds them.

In lsock's own namespace (the control: -xap) and in a second namespace held
by a process (-G -xap and -N PID -xap), each of the three long-lived sockets
must be listed exactly once, in its namespace (netns.inode), owned by its
holder, and -v must say that sockets were fetched by inode.  Each namespace
holds 1500 socket pairs, so that its UNIX dump needs several datagrams
(the check runs only then).
"""
import os
import re
import subprocess

import lsocktest as lt

PAIRS = 1500

HOLDER = r"""
import ctypes
if sys.argv[1] == "netns":
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
raise_nofile()
keep = [socket.socketpair() for _ in range(int(sys.argv[2]))]
lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lst.bind(b"\0lsock-recover-" + sys.argv[1].encode())
lst.listen(4)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
picked = [keep[len(keep) // 2][0], lst, dg]
ns = os.stat("/proc/self/ns/net").st_ino
ready(" ".join(str(os.fstat(s.fileno()).st_ino) for s in picked), str(ns))
"""


def preload_env(drop):
    so = os.path.join(os.path.dirname(lt.helper_path("churn")), "nl_drop_unix.so")
    if not os.path.exists(so):
        raise lt.TestFailure(f"{so} not built")
    env = dict(os.environ, LD_PRELOAD=so, LSOCK_TEST_DROP_UNIX=",".join(map(str, drop)))
    # An ASan lsock wants its runtime first in the list; the shim does not
    # need it (it allocates nothing).
    env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                 "verify_asan_link_order=0"]))
    return env


def check(args, drop, pid, ns_ino, what):
    doc, r = lt.lsock_doc(args + ["-v"], env=preload_env(drop))
    problems = []
    rows = {}
    for s in doc["sockets"]:
        if s.get("inode") in drop:
            rows.setdefault(s["inode"], []).append(s)
    for ino in drop:
        got = rows.get(ino, [])
        if len(got) != 1:
            problems.append(f"inode {ino} (#{drop.index(ino)}) listed {len(got)} times")
            continue
        s = got[0]
        pids = sorted(o["pid"] for o in s.get("owners") or ())
        if (s.get("netns") or {}).get("inode") != ns_ino or pids != [pid]:
            problems.append(f"inode {ino}: netns {s.get('netns')}, owners {pids}; expected "
                            f"netns inode {ns_ino}, owner {pid}")
    if not re.search(r"unix: \d+ socket\(s\) a dump missed under churn were fetched by inode",
                     r.stderr):
        problems.append(f"no recovery reported on stderr: {r.stderr.strip()[:400]}")
    lt.check(problems, what)
    print(f"ok: {what}: the {len(drop)} skipped sockets listed once, with their owner")


def main():
    lt.unmount_foreign_netns()
    with lt.Holders() as h:
        pid, facts = h.start(HOLDER, "here", PAIRS)
        drop, own = [int(x) for x in facts[0].split()], int(facts[1])
        check(["-xap"], drop, pid, own, "lsock's own namespace (control)")
        pid2, facts = h.start(HOLDER, "netns", PAIRS)
        drop2, other = [int(x) for x in facts[0].split()], int(facts[1])
        lt.expect(other != own, "the holder did not get a namespace of its own")
        check(["-G", "-xap"], drop2, pid2, other, "-G, a second namespace")
        check(["-N", str(pid2), "-xap"], drop2, pid2, other, "-N PID")
        # The shim really hides them: without owners there is no check.
        doc, _ = lt.lsock_doc(["-G", "-xa"], env=preload_env(drop2))
        lt.expect(not [s for s in doc["sockets"] if s.get("inode") in drop2],
                  "nl_drop_unix.so did not hide the sockets from the dump")


lt.run_test(main)
