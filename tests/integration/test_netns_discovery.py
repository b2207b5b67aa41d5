#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Network namespace discovery and naming (issue 12, the library) against
real namespaces, through tests/helpers/core/netns_probe.c (lsock_core
without the CLI).

Inside the test's private network, PID and mount namespaces (with a tmpfs
on /run, so `ip netns` leaves nothing on the host) it makes one namespace
of each kind that hides differently:

  - two `ip netns add` ones (nsfs mounts at /run/netns/NAME);
  - one held only by a process (unshare -n), one only by a thread;
  - one held only by a bind mount, no process (`unshare --net=FILE true`);
  - one held only by a bind mount in another mount namespace;
  - one held only by an open nsfs fd of a process that went back home;
  - one held only by a socket whose creator went back home (SIOCGSKNS).

The probe must find each, by the scan that can see it and no other, with
paths that open it (checked with nsenter --net=PATH as the oracle), and name
it: the ip netns name, else net:[INODE] (no process here is the host's).
Before entering, the host's own /proc is probed once: the namespace of
kthreadd (pid 2) must be the one called "host"."""
import json
import os
import subprocess

import lsocktest as lt

HOST_RESULT = "LSOCKTEST_NETNS_HOST"

NS_PRELUDE = r"""
import subprocess, threading
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET, CLONE_NEWNS = 0x40000000, 0x00020000
def unshare(flags):
    if libc.unshare(flags) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
def setns(fd, flags):
    if libc.setns(fd, flags) != 0:
        raise OSError(ctypes.get_errno(), "setns")
def netns_ino():
    return os.stat("/proc/thread-self/ns/net").st_ino
"""

HOLD_BY_PROCESS = NS_PRELUDE + r"""
unshare(CLONE_NEWNET)
ready(netns_ino())
"""

HOLD_BY_THREAD = NS_PRELUDE + r"""
box, ev = [], threading.Event()
def run():
    unshare(CLONE_NEWNET)
    box.append(netns_ino())
    ev.set()
    threading.Event().wait()
threading.Thread(target=run, daemon=True).start()
ev.wait()
ready(box[0])
"""

HOLD_BY_FD = NS_PRELUDE + r"""
home = os.open("/proc/self/ns/net", os.O_RDONLY)
unshare(CLONE_NEWNET)
ino = netns_ino()
fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
setns(home, CLONE_NEWNET)
os.close(home)
ready(ino, fd)
"""

HOLD_BY_SOCKET = NS_PRELUDE + r"""
home = os.open("/proc/self/ns/net", os.O_RDONLY)
unshare(CLONE_NEWNET)
ino = netns_ino()
s = socket.socket()
s.bind(("0.0.0.0", 0))
s.listen()
setns(home, CLONE_NEWNET)
os.close(home)
ready(ino, s.fileno(), os.fstat(s.fileno()).st_ino)
"""

# A mount namespace of its own, with a namespace bind-mounted in it that no
# process is in; the holder itself stays in the test's network namespace.
HOLD_BY_OTHER_MOUNT = NS_PRELUDE + r"""
unshare(CLONE_NEWNS)
subprocess.run(["mount", "--make-rprivate", "/"], check=True)
path = sys.argv[1]
os.makedirs(os.path.dirname(path), exist_ok=True)
subprocess.run(["mount", "-t", "tmpfs", "lsock-other", os.path.dirname(path)], check=True)
open(path, "w").close()
subprocess.run(["unshare", "--net=" + path, "true"], check=True)
ready(os.stat(path).st_ino)
"""


def probe_argv(args):
    """The probe behind LSOCK_WRAPPER (valgrind in CI), except for SIOCGSKNS:
    valgrind 3.19 does not know pidfd_open(2) and answers ENOSYS."""
    socket_ops = "--sockets" in args or "--sockns" in args
    return ([] if socket_ops else lt.lsock_wrapper()) + [lt.helper_path("netns_probe")] + list(args)


def probe(*args):
    r = lt.run(probe_argv(args), timeout=300)
    lt.expect(r.status == 0, f"netns_probe {' '.join(args)} failed:\n{r.describe()}")
    found, summary = {}, None
    for line in r.stdout.splitlines():
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
        else:
            found[obj["ino"]] = obj
    lt.expect(summary is not None, "netns_probe printed no summary")
    return found, summary


def host_check():
    """In the caller's namespaces: is kthreadd's namespace "host"?"""
    try:
        with open("/proc/2/stat") as f:
            kthreadd = "(kthreadd)" in f.read()
        ino2 = os.stat("/proc/2/ns/net").st_ino
    except OSError as e:
        return {"ok": None, "msg": f"pid 2 unreadable ({e})"}
    if not kthreadd:
        return {"ok": None, "msg": "pid 2 is not kthreadd (a PID namespace)"}
    try:
        found, _ = probe("--scans", "procs")
    except lt.TestFailure as e:
        return {"ok": False, "msg": str(e)}
    hosts = [ns for ns in found.values() if ns["label"] == "host"]
    initial = [ns for ns in found.values() if ns["initial"]]
    if len(hosts) != 1 or len(initial) != 1 or hosts[0]["ino"] != ino2:
        return {"ok": False, "msg": f"host {hosts}, initial {initial}, kthreadd's netns {ino2}"}
    return {"ok": True, "msg": f"host is net:[{ino2}]"}


def nsenter_ino(path):
    """The oracle: util-linux nsenter enters path; which namespace is that?"""
    r = lt.run(["nsenter", f"--net={path}", "stat", "-L", "-c", "%i", "/proc/self/ns/net"])
    lt.expect(r.status == 0, f"nsenter --net={path}: {r.stderr.strip()}")
    return int(r.stdout.strip())


def main():
    # Our own /run (the mount namespace is private): ip netns's directory
    # and files, and the bind mounts, vanish with the test.
    r = lt.run(["mount", "-t", "tmpfs", "lsock-run", "/run"])
    lt.expect(r.status == 0, f"mount tmpfs on /run: {r.stderr.strip()}")
    lt.ip("netns", "add", "lsk-a")
    lt.ip("netns", "add", "lsk-b")
    lsk = {name: os.stat(f"/run/netns/{name}").st_ino for name in ("lsk-a", "lsk-b")}
    os.makedirs("/run/lsk-bind")
    open("/run/lsk-bind/ns", "w").close()
    r = lt.run(["unshare", "--net=/run/lsk-bind/ns", "true"])
    lt.expect(r.status == 0, f"unshare --net=FILE: {r.stderr.strip()}")
    bind_ino = os.stat("/run/lsk-bind/ns").st_ino
    home_ino = os.stat("/proc/self/ns/net").st_ino

    with lt.Holders() as h:
        proc_pid, (proc_ino,) = h.start(HOLD_BY_PROCESS)
        thr_pid, (thr_ino,) = h.start(HOLD_BY_THREAD)
        fd_pid, (fd_ino, fd_num) = h.start(HOLD_BY_FD)
        sock_pid, (sock_ino, sock_fd, sock_inode) = h.start(HOLD_BY_SOCKET)
        mnt_pid, (mnt_ino,) = h.start(HOLD_BY_OTHER_MOUNT, "/run/lsk-other/ns")
        proc_ino, thr_ino, fd_ino, sock_ino, mnt_ino = map(
            int, (proc_ino, thr_ino, fd_ino, sock_ino, mnt_ino))
        lt.expect(not os.path.exists("/run/lsk-other/ns"),
                  "the other mount namespace's file is visible here")

        # ino -> (sources, label_kind, ip netns name, a path the probe must keep)
        want = {
            lsk["lsk-a"]: (["mount"], "ipnetns", "lsk-a", ("mount", "/run/netns/lsk-a")),
            lsk["lsk-b"]: (["mount"], "ipnetns", "lsk-b", ("mount", "/run/netns/lsk-b")),
            bind_ino: (["mount"], "inode", None, ("mount", "/run/lsk-bind/ns")),
            mnt_ino: (["mount"], "inode", None,
                      ("mount", f"/proc/{mnt_pid}/root/run/lsk-other/ns")),
            proc_ino: (["proc"], "inode", None, ("proc", f"/proc/{proc_pid}/ns/net")),
            thr_ino: (["proc"], "inode", None, ("proc", None)),
            fd_ino: (["fd"], "inode", None, ("fd", f"/proc/{fd_pid}/fd/{fd_num}")),
            sock_ino: (["socket"], "inode", None, ("socket", None)),
        }

        def every_kind_found():
            found, summary = probe("--sockets")
            problems = []
            for ino, (sources, kind, ipname, (pkind, path)) in want.items():
                ns = found.get(ino)
                if ns is None:
                    problems.append(f"net:[{ino}] ({sources}) not found")
                    continue
                if ns["sources"] != sources:
                    problems.append(f"net:[{ino}]: sources {ns['sources']}, want {sources}")
                label = ipname if kind == "ipnetns" else f"net:[{ino}]"
                if ns["label"] != label or ns["label_kind"] != kind or ns["ipnetns"] != ipname:
                    problems.append(f"net:[{ino}]: label {ns['label']!r} ({ns['label_kind']}),"
                                    f" ipnetns {ns['ipnetns']!r}; want {label!r} ({kind})")
                if not any(p["kind"] == pkind and (path is None or p["path"] == path)
                           for p in ns["paths"]):
                    problems.append(f"net:[{ino}]: no {pkind} path {path}: {ns['paths']}")
                if ns["open"] != 0:
                    problems.append(f"net:[{ino}]: netns_open() = {ns['open']}")
                if ns["initial"] or ns["container"] is not None:
                    problems.append(f"net:[{ino}]: initial or container: {ns}")
            pids = {proc_ino: proc_pid, thr_ino: thr_pid}
            for ino, pid in pids.items():
                if ino in found and pid not in found[ino]["pids"]:
                    problems.append(f"net:[{ino}]: pid {pid} not in {found[ino]['pids']}")
            if home_ino not in found or found[home_ino]["label"] != f"net:[{home_ino}]":
                problems.append(f"the test's own namespace: {found.get(home_ino)}")
            if any(ns["label"] == "host" for ns in found.values()):
                problems.append("a namespace is called host inside a private PID namespace")
            if summary["scan_sockets"] != 0 or summary["denied_sockets"] != 0:
                problems.append(f"socket scan: {summary}")
            lt.check(problems, "discovery")

        def each_scan_sees_its_own():
            problems = []
            seen = {scan: probe("--scans", scan)[0] for scan in ("procs", "mounts", "fds")}
            for ino, (sources, *_rest) in want.items():
                for scan, src in (("procs", "proc"), ("mounts", "mount"), ("fds", "fd")):
                    if (ino in seen[scan]) != (src in sources):
                        how = "found" if ino in seen[scan] else "not found"
                        problems.append(f"net:[{ino}] ({sources}) {how} by --scans {scan}")
            # Without --sockets, the socket's namespace is invisible.
            if sock_ino in probe()[0]:
                problems.append("the socket-only namespace was found without SIOCGSKNS")
            lt.check(problems, "scans")

        def paths_enter_the_namespace():
            found, _ = probe("--sockets")
            problems = []
            for ino in want:
                for p in found.get(ino, {}).get("paths", []):
                    if p["path"] is None:
                        continue
                    got = nsenter_ino(p["path"].encode("latin-1").decode())
                    if got != ino:
                        problems.append(f"nsenter --net={p['path']} entered net:[{got}],"
                                        f" not net:[{ino}]")
            lt.check(problems, "paths vs nsenter")

        def socket_helper():
            r = lt.run(probe_argv(["--sockns", str(sock_pid), sock_fd, sock_inode]))
            lt.expect(r.status == 0, r.describe())
            lt.expect(json.loads(r.stdout)["ino"] == sock_ino, f"SIOCGSKNS gave {r.stdout}")
            # Another inode under that fd number: refused (ESTALE).
            r = lt.run(probe_argv(["--sockns", str(sock_pid), sock_fd, str(int(sock_inode) + 1)]))
            lt.expect(r.status == 1 and json.loads(r.stdout)["error"] == -116, r.describe())

        def ip_netns_agrees():
            r = lt.run(["ip", "netns", "list"])
            names = {line.split()[0] for line in r.stdout.splitlines() if line.strip()}
            found, _ = probe()
            ours = {ns["ipnetns"] for ns in found.values() if ns["ipnetns"]}
            lt.expect(names == ours, f"ip netns list {names}, probe {ours}")

        def host_named_host():
            res = json.loads(os.environ.get(HOST_RESULT, "{}"))
            lt.expect(res.get("ok") is not False, f"on the host: {res.get('msg')}")
            print(f"     host: {res.get('msg')}", flush=True)

        try:
            lt.main([
                ("every kind of namespace found and named", every_kind_found),
                ("each scan sees only its own kind", each_scan_sees_its_own),
                ("every kept path enters its namespace (nsenter)", paths_enter_the_namespace),
                ("SIOCGSKNS helper on a moved creator's socket", socket_helper),
                ("ip netns names agree with ip netns list", ip_netns_agrees),
                ("the host's namespace is host", host_named_host),
            ])
        finally:
            for name in lsk:
                subprocess.run(["ip", "netns", "del", name], capture_output=True)
            subprocess.run(["umount", "/run/lsk-bind/ns"], capture_output=True)


if __name__ == "__main__":
    if os.environ.get("LSOCKTEST_IN_NS") != "1" and os.geteuid() == 0:
        os.environ[HOST_RESULT] = json.dumps(host_check())
    lt.run_test(main)
