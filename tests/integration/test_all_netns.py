#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--all-netns, --netns and the hidden-listeners note, against ss run
inside each namespace (issue 12).

Inside the test's private network, PID and mount namespaces (a tmpfs on
/run, so nothing is left on the host) it makes 1 + 20 namespaces, five of
each kind that hides differently:

  - ip netns: a process in it, named by /run/netns/NAME (one of the names
    is hostile: an ESC and a byte that is not UTF-8);
  - unshare -n: only a process is in it;
  - bind mount: `unshare --net=FILE true`, no process in it; a process
    made its sockets there and went back home;
  - socket only: a process unshared, made its sockets, and went back home:
    nothing but those sockets keeps it alive (found by SIOCGSKNS).

Each holds a TCP listener, an established TCP pair, a UDP socket and a
UNIX stream listener.  `lsock --all-netns -tuxanp --json` must agree with
`nsenter --net=NS ss -tuxanpe` for every namespace, socket for socket,
owners included, with either owner source (--owners=proc and, where it
can run, --owners=bpf: both walks find the fd- and socket-held
namespaces), and list the same namespaces without -p; names must be the ip netns names, else null (net:[INODE]
in text).  The note must appear exactly when listeners hide: with -tl and
-xl, not with -t (no listeners shown), and not before the namespaces
exist.  A bad --netns is exit status 2, an unenterable one exit status 3."""
import json
import os
import subprocess
import sys
import time

import lsocktest as lt

KINDS = ("ipnetns", "unshare", "bind", "socket")
PER_KIND = 5
HOSTILE = b"evil\x1b[31m\xff"

CHILD = r"""
import ctypes, os, socket, subprocess, sys, time
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
kind, path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
home = os.open("/proc/self/ns/net", os.O_RDONLY)
def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")
if kind in ("ipnetns", "bind"):
    setns(os.open(path, os.O_RDONLY))
else:
    if libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
ino = os.stat("/proc/thread-self/ns/net").st_ino
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen(8)
cli = socket.create_connection(("127.0.0.1", port)); acc, _ = srv.accept()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", port + 1))
ux = socket.socket(socket.AF_UNIX); ux.bind("\0lsock-netns-%d" % port); ux.listen(4)
keep = [srv, cli, acc, udp, ux]
if kind in ("bind", "socket"):
    setns(home)   # the namespace is now held by the mount, or only by the sockets
print("ready", ino, flush=True)
sys.stdin.read()
"""



class Namespaces:
    """The 20 namespaces and their holder processes; undone on exit."""

    def __init__(self):
        self.ns = []     # dicts: kind, name, path (for nsenter), ino, proc
        self.mounts = []

    def __enter__(self):
        return self

    def make(self):
        os.makedirs("/run/netns", exist_ok=True)
        os.makedirs("/run/lsock-bind", exist_ok=True)
        port = 3000
        for kind in KINDS:
            for i in range(PER_KIND):
                port += 10
                name = path = None
                if kind == "ipnetns":
                    name = f"lsk{i}".encode() if i else HOSTILE
                    path = b"/run/netns/" + name
                    if i:
                        lt.ip("netns", "add", name.decode())
                    else:
                        # ip netns refuses such a name; a bind mount is all it is.
                        with open(path, "wb"):
                            pass
                        self.mounts.append(path)
                        subprocess.run([b"unshare", b"--net=" + path, b"true"], check=True)
                elif kind == "bind":
                    path = f"/run/lsock-bind/b{i}".encode()
                    with open(path, "wb"):
                        pass
                    self.mounts.append(path)
                    subprocess.run([b"unshare", b"--net=" + path, b"true"], check=True)
                p = subprocess.Popen([sys.executable, "-c", CHILD, kind,
                                      os.fsdecode(path or b"-"), str(port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                self.ns.append({"kind": kind, "name": name, "path": path, "proc": p})
        # The holders start in parallel; then each says where it is.
        for rec in self.ns:
            p = rec["proc"]
            line = p.stdout.readline().split()
            if line[:1] != ["ready"]:
                raise lt.TestFailure(f"holder for {rec['kind']} did not start")
            rec["ino"] = int(line[1])
            if rec["kind"] == "unshare":
                rec["path"] = f"/proc/{p.pid}/ns/net".encode()
            # A socket-only namespace is opened (SIOCGSKNS) only to run the
            # oracle, after lsock: an fd of ours on it would let lsock find
            # it by the fd scan instead of by its socket.

    @staticmethod
    def find_socket_ns(pid):
        for fd in sorted(os.listdir(f"/proc/{pid}/fd"), key=int):
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                return lt.socket_ns_fd(pid, int(fd))
        raise lt.TestFailure(f"pid {pid} holds no socket")

    def __exit__(self, *exc):
        for rec in self.ns:
            rec["proc"].kill()
            rec["proc"].wait()
        for rec in self.ns:
            if rec["kind"] == "ipnetns" and rec["name"] != HOSTILE:
                subprocess.run(["ip", "netns", "delete", rec["name"].decode()])
        for m in self.mounts:
            subprocess.run([b"umount", m])
            try:
                os.unlink(m)
            except OSError:
                pass
        return False


def unix_skip(rec):
    # ss prints neither the uid nor the cookie of UNIX sockets.
    return {"uid", "cookie"} if rec["family"] == "unix" else set()


def ss_in(rec):
    fds, path = [], rec["path"]
    if rec["kind"] == "socket":
        fds = [Namespaces.find_socket_ns(rec["proc"].pid)]
        path = f"/proc/self/fd/{fds[0]}".encode()
    return lt.ss_in_netns(path, ["-H", "-tuxanpe"], fds, f"nsenter ss for {rec['kind']}")


def main():
    r = lt.run(["mount", "-t", "tmpfs", "lsock-run", "/run"])
    if r.status != 0:
        lt.skip(f"cannot mount a tmpfs on /run: {r.stderr.strip()}")
    own_ino = os.stat("/proc/self/ns/net").st_ino

    def no_note_alone():
        r = lt.run_lsock(["-tln"])
        lt.expect("note" not in r.stderr, f"a note with no other namespace: {r.stderr!r}")

    with Namespaces() as nss:
        no_note_alone()
        nss.make()
        by_ino = {rec["ino"]: rec for rec in nss.ns}

        sources = lt.owner_sources()

        def every_namespace_vs_ss():
            for src in sources:
                vs_ss_with(["--all-netns", "-tuxanp", f"--owners={src}"])
            # Without -p the walk runs for the namespaces alone.
            for src in sources:
                vs_ss_with(["--all-netns", "-tuxan", f"--owners={src}"], owners=False)

        def vs_ss_with(args, owners=True):
            doc, r = lt.lsock_doc(args)
            groups = {}
            for s in doc["sockets"]:
                groups.setdefault(s["netns"]["inode"], []).append(s)
            problems = []
            want = set(by_ino)
            if "valgrind" in " ".join(lt.lsock_wrapper()):
                # valgrind has no pidfd_open(): no SIOCGSKNS through pidfd_getfd.
                want = {i for i in want if by_ino[i]["kind"] != "socket"}
            if set(groups) - {own_ino} != want:
                problems.append(f"{' '.join(args)}: namespaces listed {sorted(groups)}, "
                                f"want {sorted(want)}: "
                                f"missing {[by_ino.get(i, {}).get('kind', 'own') for i in want - set(groups)]}"
                                f" (stderr {r.stderr!r})")
            for ino in sorted(want | {own_ino}):
                if ino not in groups and ino in by_ino and ino not in want:
                    continue
                socks = groups.get(ino, [])
                ours = [lt.normalize_lsock(s) for s in socks]
                if ino == own_ino:
                    oracle, _ = lt.ss_sockets()
                    what = "own"
                elif ino in by_ino:
                    oracle = ss_in(by_ino[ino])
                    what = by_ino[ino]["kind"]
                else:
                    continue
                skip = (lambda rec: unix_skip(rec) | {"owners"}) if not owners else unix_skip
                problems += [f"{' '.join(args)}: {what} net:[{ino}]: {p}"
                             for p in lt.compare(ours, oracle, skip_fields=skip)]
                rec = by_ino.get(ino)
                names = {json.dumps(s["netns"], sort_keys=True) for s in socks}
                if not socks:
                    continue
                if len(names) != 1:
                    problems.append(f"net:[{ino}]: several netns objects {names}")
                got = socks[0]["netns"]
                if rec and rec["kind"] == "ipnetns":
                    raw = bytes.fromhex(got["name_hex"]) if "name_hex" in got else \
                        (got["name"] or "").encode()
                    if raw != rec["name"]:
                        problems.append(f"net:[{ino}] named {got}, want {rec['name']!r}")
                elif got["name"] is not None or got["container"] is not None:
                    problems.append(f"net:[{ino}] named {got}, want no name")
            lt.check(problems, f"lsock {' '.join(args)} vs ss in each namespace")

        def text_names_escaped():
            r = lt.run_lsock(["-G", "-tln"])
            lt.expect(r.status == 0, r.describe())
            lt.expect(b"\x1b" not in r.out and b"\xff" not in r.out,
                      f"raw hostile bytes in the text output: {r.out[:400]!r}")
            lt.expect("evil\\x1b[31m\\xff" in r.stdout, f"hostile name not escaped: {r.stdout}")
            # valgrind has no pidfd_open(): no SIOCGSKNS through pidfd_getfd.
            under_valgrind = "valgrind" in " ".join(lt.lsock_wrapper())
            for rec in nss.ns:
                if rec["kind"] != "ipnetns" and not (under_valgrind and rec["kind"] == "socket"):
                    lt.expect(f"net:[{rec['ino']}]" in r.stdout, f"net:[{rec['ino']}] not shown")
            lt.expect(r.stdout.splitlines()[1].startswith("NetNS "),
                      f"no NetNS column first: {r.stdout.splitlines()[:2]}")

        def one_namespace():
            for arg, rec in (("lsk1", nss.ns[1]), (str(nss.ns[PER_KIND]["proc"].pid),
                                                   nss.ns[PER_KIND]),
                             (os.fsdecode(nss.ns[2 * PER_KIND]["path"]), nss.ns[2 * PER_KIND])):
                doc, r = lt.lsock_doc(["-N", arg, "-tuxanp"])
                inos = {s["netns"]["inode"] for s in doc["sockets"]}
                lt.expect(inos == {rec["ino"]}, f"-N {arg}: namespaces {inos}, want {rec['ino']}")
                lt.check(lt.compare([lt.normalize_lsock(s) for s in doc["sockets"]], ss_in(rec),
                                    skip_fields=unix_skip), f"-N {arg} vs ss")

        def bad_netns():
            for arg in ("no-such-ns", "/etc/passwd", "999999999", "", "/proc/self/ns/mnt"):
                r = lt.run_lsock(["-N", arg, "-t"])
                lt.expect(r.status == 2 and not r.out and len(r.stderr_lines()) == 1,
                          f"-N {arg!r}: {r.describe()}")
            r = lt.run_lsock(["-N", "lsk1", "-t"], nobody=True)
            lt.expect(r.status == 3 and "cannot enter network namespace 'lsk1'" in r.stderr,
                      f"-N as nobody: {r.describe()}")

        def note_when_hidden():
            # With -p (the fd walk is paid) every kind, the socket-only ones
            # too: 20 namespaces with one listener each (15 under valgrind,
            # which has no pidfd_open()); without -p, no fd walk: 15.
            walked = (3 if "valgrind" in " ".join(lt.lsock_wrapper()) else 4) * PER_KIND
            cases = [["-tln"], ["-xln"], ["-tln", "--json"]]
            cases += [a + [f"--owners={src}"] for src in sources
                      for a in (["-tlnp"], ["-xlnp", "--json"])]
            for args in cases:
                k = walked if any("p" in a for a in args if a.startswith("-t") or
                                  a.startswith("-x")) else 3 * PER_KIND
                want = (f"lsock: note: {k} listening sockets in {k} other "
                        "network namespaces are not shown; use --all-netns")
                r = lt.run_lsock(args)
                lt.expect(r.stderr_lines().count(want) == 1,
                          f"lsock {' '.join(args)}: stderr {r.stderr!r}, want {want!r}")
            for args in (["-tn"], ["-G", "-tln"], ["-N", "lsk1", "-tln"], ["-s"]):
                r = lt.run_lsock(args)
                lt.expect("not shown; use --all-netns" not in r.stderr,
                          f"lsock {' '.join(args)}: a note where none is due: {r.stderr!r}")

        def unprivileged():
            r = lt.run_lsock(["-G", "-tln"], nobody=True)
            lt.expect(r.status in (0, 1), r.describe())
            lt.expect(any(x.startswith("lsock: note: ") and "could not be entered" in x
                          for x in r.stderr_lines()), f"as nobody: {r.stderr!r}")

        lt.main([("every namespace == ss inside it", every_namespace_vs_ss),
                 ("names escaped in text, NetNS first", text_names_escaped),
                 ("--netns NAME, PID, PATH", one_namespace),
                 ("bad --netns: exit 2; not enterable: exit 3", bad_netns),
                 ("the note, exactly when listeners hide", note_when_hidden),
                 ("unprivileged --all-netns: one note", unprivileged)])


if __name__ == "__main__":
    lt.run_test(main)
