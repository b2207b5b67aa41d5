#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Network namespaces held only from a thread's own fd table.

Inside the test's private namespaces, two holder processes each start a
thread that calls unshare(CLONE_FILES) (its fd table is now its own copy)
and unshare(CLONE_NEWNET), makes sockets there and goes back home
(setns).  No process is in either namespace, no mount holds it, and the
leader's table (/proc/PID/fd, what a process's pidfd reaches) has no fd
on it:

  - "nsfd": the thread keeps an fd on its namespace's nsfs file (fd
    NSFD) and no socket fd: the TCP pair it made is closed, leaving a
    TIME_WAIT socket, which no fd holds.  Only that nsfs fd names the
    namespace: the /proc walk reads /proc/PID/task/TID/fd, and the BPF
    iterator's nsfs record must say which thread, so that the namespace
    is opened through /proc/PID/task/TID/fd/NSFD.
  - "sockets": the thread keeps a TCP listener, an established pair and a
    UDP socket, and no nsfs fd.  With the BPF iterator, which reads each
    socket's namespace, the socket is asked (SIOCGSKNS) through a pidfd
    of that thread (PIDFD_THREAD, Linux 6.9), as a process's pidfd reaches
    the leader's table only.  The /proc walk records no thread for an
    owner, so it cannot ask those sockets: only --owners=bpf is checked.

`lsock -G -tuan[p] --json` must list each namespace with the sockets `ss
-tuane` shows inside it (nsenter), and with -p the "sockets" ones owned by
the holder at the thread table's fds.  Needs root (exits 77 otherwise)."""
import os
import subprocess
import sys

import lsocktest as lt

PORT = {"nsfd": 4710, "sockets": 4720}
NSFD = 777  # above any fd the leader's table has
PIDFD_THREAD = os.O_EXCL

CHILD = r"""
import ctypes, os, socket, subprocess, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
CLONE_FILES, CLONE_NEWNET = 0x400, 0x40000000
mode, port, nsfd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
said, stop = threading.Event(), threading.Event()
facts = {}
def check(r, what):
    if r != 0:
        raise OSError(ctypes.get_errno(), what)
def worker():
    check(libc.unshare(CLONE_FILES), "unshare(CLONE_FILES)")
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    check(libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
    # A child forked here is in this thread's namespace.
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    facts["ino"] = os.stat("/proc/thread-self/ns/net").st_ino
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port)); srv.listen(8)
    cli = socket.create_connection(("127.0.0.1", port)); acc, _ = srv.accept()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", port + 1))
    keep = [srv, cli, acc, udp]
    if mode == "nsfd":
        fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        os.dup2(fd, nsfd, inheritable=False)
        os.close(fd)
        # The accepted end closes first: it is left in TIME_WAIT, held by no fd.
        acc.close(); time.sleep(0.2); cli.close(); srv.close(); udp.close()
        keep = []
    check(libc.setns(home, CLONE_NEWNET), "setns")
    os.close(home)
    facts["tid"] = threading.get_native_id()
    facts["fds"] = sorted(s.fileno() for s in keep)
    said.set()
    stop.wait()
threading.Thread(target=worker, daemon=True).start()
said.wait()
print("ready", facts["ino"], facts["tid"], *facts["fds"], flush=True)
sys.stdin.read()
"""


def thread_pidfd_works(tid):
    try:
        os.close(os.pidfd_open(tid, PIDFD_THREAD))
        return True
    except OSError:
        return False


class Holder:
    def __init__(self, mode):
        self.mode = mode
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(PORT[mode]),
                                      str(NSFD)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        if line[:1] != ["ready"]:
            raise lt.TestFailure(f"the {mode} holder did not start")
        self.pid = self.proc.pid
        self.ino, self.tid = int(line[1]), int(line[2])
        self.fds = {int(x) for x in line[3:]}

    def oracle(self):
        """ss -tuane inside the namespace.  For "sockets" the namespace is
        opened only now, after lsock ran: an fd of ours on it would let
        lsock find it by the fd walk instead."""
        fds = []
        if self.mode == "nsfd":
            via = f"/proc/{self.pid}/task/{self.tid}/fd/{NSFD}"
        else:
            fds = [lt.socket_ns_fd(self.tid, min(self.fds), PIDFD_THREAD)]
            via = f"/proc/self/fd/{fds[0]}"
        return lt.ss_in_netns(via, ["-H", "-tuane"], fds, f"nsenter ss ({self.mode})")

    def close(self):
        self.proc.kill()
        self.proc.wait()


def main():
    holders = []
    try:
        for mode in ("nsfd", "sockets"):
            holders.append(Holder(mode))
        sources = lt.owner_sources()

        def setup():
            # What the cases rest on.
            problems = []
            for h in holders:
                if h.tid == h.pid:
                    problems.append(f"{h.mode}: the worker is the leader")
                for fd in [NSFD] + sorted(h.fds):
                    if os.path.exists(f"/proc/{h.pid}/fd/{fd}") and \
                            os.readlink(f"/proc/{h.pid}/fd/{fd}") == \
                            os.readlink(f"/proc/{h.pid}/task/{h.tid}/fd/{fd}"):
                        problems.append(f"{h.mode}: fd {fd} is in the leader's table too")
            if not os.path.exists(f"/proc/{holders[0].pid}/task/{holders[0].tid}/fd/{NSFD}"):
                problems.append("nsfd: no nsfs fd in the thread's table")
            if holders[0].fds:
                problems.append(f"nsfd: socket fds {holders[0].fds} left")
            lt.check(problems, "set-up")

        def listed(h, src, owners):
            args = ["-G", "-tuanp" if owners else "-tuan", f"--owners={src}"]
            what = f"lsock {' '.join(args)} ({h.mode})"
            doc, r = lt.lsock_doc(args)
            socks = [s for s in doc["sockets"] if s["netns"]["inode"] == h.ino]
            problems = []
            if not socks:
                got = sorted({s["netns"]["inode"] for s in doc["sockets"]})
                problems.append(f"{what}: net:[{h.ino}] not listed (namespaces {got}, "
                                f"stderr {r.stderr!r})")
            else:
                problems += [f"{what}: {x}" for x in
                             lt.compare([lt.normalize_lsock(s) for s in socks], h.oracle(),
                                        skip_fields=lambda rec: {"owners"})]
            if owners and socks:
                held = {(o["pid"], o["fd"]) for s in socks for o in (s.get("owners") or [])}
                want = {(h.pid, fd) for fd in h.fds}
                if held != want:
                    problems.append(f"{what}: owners {sorted(held)}, want {sorted(want)}")
            lt.check(problems, what)

        cases = [("the namespaces are held only from a thread's own table", setup)]
        # valgrind has no pidfd_open(): no SIOCGSKNS through pidfd_getfd.
        under_valgrind = "valgrind" in " ".join(lt.lsock_wrapper())
        for h in holders:
            for src in sources:
                if h.mode == "sockets" and (src != "bpf" or under_valgrind or
                                            not thread_pidfd_works(h.tid)):
                    continue
                for owners in (True, False):
                    cases.append((f"{h.mode}: -G{'p' if owners else ''} --owners={src} lists it",
                                  lambda h=h, src=src, owners=owners: listed(h, src, owners)))
        lt.main(cases)
    finally:
        for h in holders:
            h.close()


if __name__ == "__main__":
    lt.run_test(main)
