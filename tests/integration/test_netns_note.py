#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hidden-listeners note counts the listeners of every kind of other
network namespace that --all-netns finds (issue 12), and only those:

  - ipnetns:  /run/netns/NAME (ip netns add), no process in it;
  - process:  a process in it (unshare -n);
  - bind:     an nsfs bind mount elsewhere, no process in it;
  - othermnt: a bind mount made in another mount namespace (seen only
              through /proc/PID/root), no process in it;
  - fd:       only an open fd on /proc/PID/ns/net, in a process back home;
  - socket:   only its sockets, in a process back home (SIOCGSKNS).

The sockets of the first, third, fourth and fifth kinds are held by a
process that made them there and went back home.  For each kind alone:
with k listeners (and a UDP socket) the note says exactly k in 1
namespace; with none (only the UDP socket) there is no note.  All kinds at
once: the sum.  The fd and socket kinds are found by a walk of every fd
table, which the note does only when -p walks them anyway (the same walk,
not a second one), with either owner source (--owners=proc, and
--owners=bpf where it can run): without -p they are not counted."""
import os
import shlex
import socket
import subprocess
import sys

import lsocktest as lt

KINDS = ("ipnetns", "process", "bind", "othermnt", "fd", "socket")
WALK_ONLY = ("fd", "socket")  # found by the fd walk, which only -p pays for

CHILD = r"""
import ctypes, os, socket, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET, CLONE_NEWNS = 0x40000000, 0x00020000
kind, path, nl = sys.argv[1], sys.argv[2], int(sys.argv[3])
home = os.open("/proc/self/ns/net", os.O_RDONLY)
def check(rc, what):
    if rc != 0:
        raise OSError(ctypes.get_errno(), what)
def setns(fd):
    check(libc.setns(fd, CLONE_NEWNET), "setns")
held = None
if kind == "othermnt":
    check(libc.unshare(CLONE_NEWNS), "unshare mnt")
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "lsock-note", "/mnt"], check=True)
    open("/mnt/ns", "w").close()
    subprocess.run(["unshare", "--net=/mnt/ns", "true"], check=True)
    setns(os.open("/mnt/ns", os.O_RDONLY))
elif kind in ("ipnetns", "bind"):
    setns(os.open(path, os.O_RDONLY))
else:
    check(libc.unshare(CLONE_NEWNET), "unshare net")
    if kind == "fd":
        held = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
socks = []
for i in range(nl):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    socks.append(s)
if kind != "fd" or nl:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    socks.append(u)
if kind != "process":
    setns(home)
print("ready", flush=True)
sys.stdin.read()
"""


class Holders:
    def __init__(self):
        self.procs, self.mounts, self.ipns = [], [], []

    def __enter__(self):
        return self

    def add(self, kind, nl):
        path = "-"
        tag = f"{kind}{len(self.procs)}"
        if kind == "ipnetns":
            lt.ip("netns", "add", tag)
            self.ipns.append(tag)
            path = f"/run/netns/{tag}"
        elif kind == "bind":
            os.makedirs("/run/lsock-bind", exist_ok=True)
            path = f"/run/lsock-bind/{tag}"
            open(path, "w").close()
            self.mounts.append(path)
            subprocess.run(["unshare", f"--net={path}", "true"], check=True)
        p = subprocess.Popen([sys.executable, "-c", CHILD, kind, path, str(nl)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        if p.stdout.readline().split()[:1] != ["ready"]:
            raise lt.TestFailure(f"holder {kind} did not start")

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()
        for n in self.ipns:
            subprocess.run(["ip", "netns", "delete", n])
        for m in self.mounts:
            subprocess.run(["umount", m])
            os.unlink(m)
        return False


def want_note(k, m):
    return (f"lsock: note: {k} listening socket{'s' if k != 1 else ''} in {m} other "
            f"network namespace{'s' if m != 1 else ''} {'are' if k != 1 else 'is'} "
            "not shown; use --all-netns")


def notes(args=("-tlnp",)):
    r = lt.run_lsock(list(args))
    lt.expect(r.status in (0, 1), r.describe())
    return [x for x in r.stderr_lines() if "use --all-netns" in x]


def main():
    r = lt.run(["mount", "-t", "tmpfs", "lsock-run", "/run"])
    if r.status != 0:
        lt.skip(f"cannot mount a tmpfs on /run: {r.stderr.strip()}")
    valgrind = "valgrind" in " ".join(lt.lsock_wrapper())
    # valgrind has no pidfd_open(): no SIOCGSKNS through pidfd_getfd.
    kinds = [k for k in KINDS if not (valgrind and k == "socket")]
    walks = [["-tlnp", f"--owners={src}"] for src in lt.owner_sources()]

    def alone():
        problems = []
        lt.expect(notes() == [], f"a note with no other namespace: {notes()}")
        for i, kind in enumerate(kinds):
            for nl in (0, i + 1):
                with Holders() as h:
                    h.add(kind, nl)
                    want = [want_note(nl, 1)] if nl else []
                    for args in walks:
                        got = notes(args)
                        if got != want:
                            problems.append(f"{' '.join(args)}, {kind} with {nl} listener(s): "
                                            f"{got}, want {want}")
                    # Without -p there is no fd walk: fd- and socket-held
                    # namespaces are not counted (lsock(8)).
                    if kind in WALK_ONLY:
                        want = []
                    if notes(["-tln"]) != want:
                        problems.append(f"-tln, {kind} with {nl}: {notes(['-tln'])}, want {want}")
        lt.check(problems, "the note for each kind of namespace")

    def together():
        with Holders() as h:
            for kind in kinds:
                h.add(kind, 0)
            lt.expect(notes() == [], f"a note with no hidden listener: {notes()}")
            for i, kind in enumerate(kinds):
                h.add(kind, i + 1)
            k = sum(range(1, len(kinds) + 1))
            cheap = [i + 1 for i, kind in enumerate(kinds) if kind not in WALK_ONLY]
            got = notes(["-tln"])
            lt.expect(got == [want_note(sum(cheap), len(cheap))],
                      f"lsock -tln: {got}, want {want_note(sum(cheap), len(cheap))}")
            # The streamed listing (no -p: rows flushed in batches) puts
            # the note out before its first row, as the table path does:
            # stdout and stderr into one pipe, the note is line one.
            # Rows of our own to stream: 2000 listeners, more than the output
            # buffer holds, so batches reach stdout before the dump ends.
            ours = [socket.create_server(("127.0.0.1", 0)) for _ in range(2000)]
            for fmt in ([], ["--json"], ["--ndjson"]):
                argv = " ".join(map(shlex.quote, lt.lsock_argv(["-tan"] + fmt)))
                out = subprocess.run(["sh", "-c", argv + " 2>&1"], capture_output=True,
                                     env=dict(os.environ, LSOCK_BATCH_ROWS="1")).stdout
                first = out.split(b"\n", 1)[0].decode(errors="replace")
                lt.expect(first == want_note(sum(cheap), len(cheap)),
                          f"lsock -tan {' '.join(fmt)} 2>&1 (streamed): line 1 is {first!r}, "
                          "not the note")
            for sk in ours:
                sk.close()
            # -tanp lists every TCP state here: the note then dumps only
            # the other protocols of our namespace, and counts the same.
            alls = [["-tanp", w[1]] for w in walks]
            for args in walks + [w + ["--json"] for w in walks] + alls:
                got = notes(args)
                lt.expect(got == [want_note(k, len(kinds))],
                          f"lsock {' '.join(args)}: {got}, want {want_note(k, len(kinds))}")

    lt.main([("each kind alone: exact count, none without listeners", alone),
             ("every kind at once: the sum", together)])


if __name__ == "__main__":
    lt.run_test(main)
