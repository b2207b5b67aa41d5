#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A network namespace held only by an nsfs fd in a thread's own fd table.

Inside the test's private namespaces, a holder process starts a thread
that calls unshare(CLONE_FILES) (its fd table is now its own copy) and
unshare(CLONE_NEWNET), opens its namespace's nsfs file as fd NSFD, makes
a TCP listener, an established TCP pair and a UDP socket there, and goes
back home (setns).  Nothing but that thread's table names the namespace:
no process is in it, no mount holds it, /proc/PID/fd (the leader's
table) has no fd on it, and its sockets are in the thread's table too
(pidfd_getfd() reaches the leader's table only, so SIOCGSKNS cannot open
it from them).  The /proc walk reads /proc/PID/task/TID/fd; the BPF
iterator visits the thread's table, and its nsfs record must say which
thread, so that the namespace is opened through /proc/PID/task/TID/fd/N.

`lsock -G -tuan[p] --json`, under --owners=proc and (where it can run)
--owners=bpf, must list that namespace with the sockets `nsenter
--net=/proc/PID/task/TID/fd/NSFD ss -tuane` shows there; with -p, owned by
the holder at the thread table's fds.  Needs root (exits 77 otherwise)."""
import subprocess
import sys

import lsocktest as lt

PORT = 4710
NSFD = 777  # above any fd the leader's table has

CHILD = r"""
import ctypes, os, socket, subprocess, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
CLONE_FILES, CLONE_NEWNET = 0x400, 0x40000000
port, nsfd = int(sys.argv[1]), int(sys.argv[2])
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
    fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    os.dup2(fd, nsfd, inheritable=False)
    os.close(fd)
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port)); srv.listen(8)
    cli = socket.create_connection(("127.0.0.1", port)); acc, _ = srv.accept()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", port + 1))
    check(libc.setns(home, CLONE_NEWNET), "setns")
    os.close(home)
    facts["ino"] = os.fstat(nsfd).st_ino
    facts["tid"] = threading.get_native_id()
    facts["fds"] = sorted(s.fileno() for s in (srv, cli, acc, udp))
    said.set()
    stop.wait()
threading.Thread(target=worker, daemon=True).start()
said.wait()
print("ready", facts["ino"], facts["tid"], *facts["fds"], flush=True)
sys.stdin.read()
"""


def main():
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(PORT), str(NSFD)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline().split()
        if line[:1] != ["ready"]:
            raise lt.TestFailure("the holder did not start")
        ino, tid, fds = int(line[1]), int(line[2]), {int(x) for x in line[3:]}
        via = f"/proc/{p.pid}/task/{tid}/fd/{NSFD}"

        def setup():
            # What the case rests on: the leader's table has no fd there.
            problems = []
            try:
                with open(f"/proc/{p.pid}/fd/{NSFD}"):
                    problems.append(f"/proc/{p.pid}/fd/{NSFD} opens: not thread-private")
            except OSError:
                pass
            if tid == p.pid:
                problems.append("the worker is the leader")
            lt.check(problems, "set-up")

        def oracle():
            r = subprocess.run(["nsenter", f"--net={via}", "ss", "-H", "-tuane"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if r.returncode != 0:
                raise lt.TestFailure(f"nsenter ss: {r.stderr!r}")
            return lt.parse_ss(r.stdout.decode("utf-8", "replace"))

        def listed(src, owners):
            args = ["-G", "-tuanp" if owners else "-tuan", f"--owners={src}"]
            doc, r = lt.lsock_doc(args)
            socks = [s for s in doc["sockets"] if s["netns"]["inode"] == ino]
            problems = []
            if not socks:
                problems.append(f"lsock {' '.join(args)}: net:[{ino}] not listed "
                                f"(namespaces {sorted({s['netns']['inode'] for s in doc['sockets']})}, "
                                f"stderr {r.stderr!r})")
            else:
                problems += [f"lsock {' '.join(args)}: {x}" for x in
                             lt.compare([lt.normalize_lsock(s) for s in socks], oracle(),
                                        skip_fields=lambda rec: {"owners"})]
            if owners and socks:
                held = {(o["pid"], o["fd"]) for s in socks for o in (s.get("owners") or [])}
                want = {(p.pid, fd) for fd in fds}
                if held != want:
                    problems.append(f"lsock {' '.join(args)}: owners {sorted(held)}, "
                                    f"want {sorted(want)}")
            lt.check(problems, f"lsock {' '.join(args)}")

        cases = [("the namespace is held only by a thread's own fd", setup)]
        for src in lt.owner_sources():
            for owners in (True, False):
                cases.append((f"-G{'p' if owners else ''} --owners={src} lists it",
                              lambda src=src, owners=owners: listed(src, owners)))
        lt.main(cases)
    finally:
        p.kill()
        p.wait()


if __name__ == "__main__":
    lt.run_test(main)
