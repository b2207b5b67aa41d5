#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Owners that /proc/PID/fd alone does not show (issue 11, item 2).

(a) The leader called pthread_exit() while a worker keeps the process
    alive: the leader's fd dir lists nothing, the table lives on in
    /proc/PID/task/TID/fd.
(b) A thread called unshare(CLONE_FILES) and then listened: its table is
    its own.
(Case (c), a nested PID namespace, is test_owner_pidns.py.)

ss reads only /proc/PID/fd (it misses (a) and half of (b)), so the holder
helper's own account of pid, fd and inode is the oracle for the thread
cases; lsock must also know at least everything ss knows."""
import os
import subprocess

import lsocktest as lt


class Holder:
    """One tests/helpers/thread_holder process and what it says it holds:
    self.pid, self.listeners = {port: (fd, inode, tid)}."""

    def __init__(self, mix, mode, port, *extra):
        argv = [lt.helper_path("thread_holder"), mode, str(port)] + [str(x) for x in extra]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        mix.holders.procs.append(self.proc)
        self.pid = None
        self.listeners = {}
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise lt.TestFailure(f"thread_holder {mode} died before it was ready")
            tok = line.split()
            if tok == ["ready"]:
                break
            if tok[0] == "pid":
                self.pid = int(tok[1])
            elif tok[0] == "listener":
                self.listeners[int(tok[1])] = (int(tok[2]), int(tok[3]), int(tok[4]))


def listeners_by_port(doc):
    return {s["local"]["port"]: s for s in doc["sockets"]
            if s.get("proto") == "tcp" and s.get("state") == "LISTEN"}


def ss_owners():
    """port -> set of (pid, fd) that `ss -tulnp` shows for TCP listeners."""
    # Two protocols, so that ss prints the Netid column the parser expects.
    recs, _ = lt.ss_sockets("-tulnp")
    return {r["lport"]: {(o[0], o[1]) for o in r["owners"]} for r in recs if r["proto"] == "tcp"}


def lsock_json(args, **kw):
    r = lt.run_lsock(list(args) + ["--json"], **kw)
    lt.expect(r.status == 0, f"{r.describe()}, expected exit 0")
    return r.json(), r


def check_holder(doc, holder, ss, port, comm="thread_holder"):
    """Problems if lsock's owners of `port` are not exactly the helper's
    (pid, fd) once, or miss something ss shows."""
    problems = []
    fd, inode, tid = holder.listeners[port]
    socks = listeners_by_port(doc)
    s = socks.get(port)
    if s is None:
        return [f"no listener on {port} in lsock's output"]
    if s["inode"] != inode:
        problems.append(f"port {port}: inode {s['inode']}, helper says {inode}")
    want = [{"pid": holder.pid, "fd": fd, "comm": comm}]
    # The unit keys depend on the cgroup the test runs in, not on the walk.
    if [{k: o[k] for k in ("pid", "fd", "comm")} for o in s["owners"]] != want:
        problems.append(f"port {port} (fd {fd} in thread {tid}'s table): owners {s['owners']}, "
                        f"want {want}")
    got = {(o["pid"], o["fd"]) for o in s["owners"]}
    missed = ss.get(port, set()) - got
    if missed:
        problems.append(f"port {port}: ss knows {sorted(missed)}, lsock does not")
    return problems


def main():
    lt.helper_path("thread_holder")
    me = os.getpid()
    with lt.SocketMix() as mix:
        own = mix.tcp_listen("127.0.0.1", 4199)
        own_fd = own.fileno()
        exited = Holder(mix, "exit-main", 4101)
        unshared = Holder(mix, "unshare-files", 4110)
        shared = Holder(mix, "shared", 4120, 16)

        def exited_leader():
            doc, r = lsock_json(["-tlnp"])
            ss = ss_owners()
            print(f"     ss owners of 4101: {sorted(ss.get(4101, set()))}", flush=True)
            problems = check_holder(doc, exited, ss, 4101)
            if doc.get("owners_complete") is not True:
                problems.append(f"owners_complete {doc.get('owners_complete')!r}, want true")
            if r.stderr:
                problems.append(f"unexpected stderr {r.stderr!r}")
            lt.check(problems, "leader gone (pthread_exit in main)")

        def exited_leader_text():
            r = lt.run_lsock(["-tlnp"])
            rows = [line.split() for line in r.stdout.splitlines()]
            row = [t for t in rows if "127.0.0.1:4101" in t]
            want = f"{exited.pid}/thread_holder"
            lt.expect(len(row) == 1 and row[0][-1] == want, f"row for 4101: {row}, want ... {want}")

        def unshared_thread():
            doc, r = lsock_json(["-tlnp"])
            ss = ss_owners()
            print(f"     ss owners of 4110/4111: {sorted(ss.get(4110, set()))} / "
                  f"{sorted(ss.get(4111, set()))}", flush=True)
            # 4110's fd is in both tables (the thread's copy and the
            # leader's): once.  4111 is only in the thread's.
            problems = check_holder(doc, unshared, ss, 4110)
            problems += check_holder(doc, unshared, ss, 4111)
            if doc.get("owners_complete") is not True:
                problems.append(f"owners_complete {doc.get('owners_complete')!r}, want true")
            lt.check(problems, "thread with its own fd table (unshare(CLONE_FILES))")

        def shared_threads():
            doc, _ = lsock_json(["-tlnp"])
            ss = ss_owners()
            lt.expect(ss.get(4120) == {(shared.pid, shared.listeners[4120][0])},
                      f"ss owners of 4120: {ss.get(4120)}")
            lt.check(check_holder(doc, shared, ss, 4120), "17 threads sharing one table")

        def same_as_ss_elsewhere():
            # Sockets of plain processes: exactly what ss says.
            doc, _ = lsock_json(["-tlnp"])
            ss = ss_owners()
            s = listeners_by_port(doc).get(4199)
            lt.expect(s is not None and [{k: o[k] for k in ("pid", "fd", "comm")} for o in s["owners"]]
                      == [{"pid": me, "fd": own_fd, "comm": "python3"}],
                      f"our own listener 4199: {s and s['owners']}")
            lt.expect(ss.get(4199) == {(me, own_fd)}, f"ss owners of 4199: {ss.get(4199)}")

        lt.main([
            ("(a) leader exited: owner found in task/TID/fd", exited_leader),
            ("(a) leader exited: text row names the process", exited_leader_text),
            ("(b) unshare(CLONE_FILES) thread: both tables, no duplicate", unshared_thread),
            ("shared table across 17 threads: one owner", shared_threads),
            ("plain process: same owner as ss", same_as_ss_elsewhere),
        ])


lt.run_test(main)
