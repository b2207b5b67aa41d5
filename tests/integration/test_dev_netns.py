# SPDX-License-Identifier: MIT
"""The dev filter and the interface names under --all-netns and --netns
(issue 12): an ifindex means something only inside its namespace.

Three namespaces each have a dummy (or bridge) device named lsdev0, at a different
index: 3 in the test's own (A), 2 in B, 4 in C; B also has other0 at
index 3, lsdev0's index in A.  In each, sockets are bound with
SO_BINDTODEVICE to lsdev0 (TCP and UDP), one in B to other0, and one to no
device.

- `lsock -G -tuan 'dev lsdev0'` lists, in each namespace, the sockets that
  `ss -tuan 'dev lsdev0'` run there lists (and so not B's other0 socket,
  whose index is lsdev0's in A); the same through the path that filters
  after the owner walk (`dev lsdev0 and not pid 1` with -p), and with
  `-N C`.
- The interface of every bound socket, in JSON and in the Local Address
  column, is the name its index has in its own namespace.
"""
import re
import subprocess

import lsocktest as lt

NAMES = {"B": "lsock-dev-b", "C": "lsock-dev-c"}
# Devices added in order, so that lsdev0 gets a different index in each.
DEVICES = {"A": ["lsa1", "lsdev0"], "B": ["lsdev0", "other0"], "C": ["lsc1", "lsc2", "lsdev0"]}

HOLDER = r"""
import ctypes
if sys.argv[1] != "-":
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(sys.argv[1], os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns")
keep = []
def bound(kind, port, dev):
    s = socket.socket(socket.AF_INET, kind)
    if dev:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
    s.bind(("0.0.0.0", port))
    if kind == socket.SOCK_STREAM:
        s.listen(4)
    keep.append(s)
bound(socket.SOCK_STREAM, 7100, "lsdev0")
bound(socket.SOCK_DGRAM, 7101, "lsdev0")
bound(socket.SOCK_STREAM, 7103, None)
if sys.argv[2] == "B":
    bound(socket.SOCK_STREAM, 7102, "other0")
ready()
"""


def ns_path(ns):
    return None if ns == "A" else f"/run/netns/{NAMES[ns]}"


def in_ns(ns, argv):
    p = ns_path(ns)
    return argv if p is None else ["nsenter", f"--net={p}"] + argv


def ifindex(ns, dev):
    # Not /sys/class/net: /sys shows the namespace it was mounted in.
    out = subprocess.run(in_ns(ns, ["ip", "-o", "link", "show", dev]), capture_output=True,
                         text=True, check=True).stdout
    return int(out.split(":", 1)[0])


def ss_rows(ns, flt):
    out = subprocess.run(in_ns(ns, ["ss", "-H", "-tuan", flt]), capture_output=True, text=True,
                         check=True).stdout
    return sorted((f[0], int(f[4].rsplit(":", 1)[1])) for f in map(str.split, out.splitlines()))


def lsock_rows(doc, ino_of):
    got = {ns: [] for ns in ino_of}
    for s in doc["sockets"]:
        for ns, ino in ino_of.items():
            if (s.get("netns") or {}).get("inode") == ino:
                got[ns].append((s["proto"], s["local"]["port"]))
    return {ns: sorted(v) for ns, v in got.items()}


def netns_ino(ns):
    out = subprocess.run(in_ns(ns, ["stat", "-L", "-c", "%i", "/proc/self/ns/net"]),
                         capture_output=True, text=True, check=True).stdout
    return int(out)


def compare(args, ino_of, what):
    doc, r = lt.lsock_doc(args)
    got = lsock_rows(doc, ino_of)
    problems = []
    for ns in ino_of:
        want = ss_rows(ns, "dev lsdev0")
        if got[ns] != want:
            problems.append(f"{what}, namespace {ns}: lsock {got[ns]}, ss there {want}")
    lt.check(problems, what)


def main():
    for n in NAMES.values():
        subprocess.run(["ip", "netns", "delete", n], capture_output=True)
    try:
        for n in NAMES.values():
            subprocess.run(["ip", "netns", "add", n], check=True)
        for ns, devs in DEVICES.items():
            for d in devs:
                lt.add_link(d, in_ns(ns, []))
        idx = {ns: ifindex(ns, "lsdev0") for ns in DEVICES}
        lt.expect(len(set(idx.values())) == 3 and ifindex("B", "other0") == idx["A"],
                  f"device indexes not as planned: lsdev0 {idx}")
        ino_of = {ns: netns_ino(ns) for ns in DEVICES}
        with lt.Holders() as h:
            for ns in DEVICES:
                h.start(HOLDER, ns_path(ns) or "-", ns)
            compare(["-G", "-tuan", "dev lsdev0"], ino_of, "-G 'dev lsdev0'")
            compare(["-G", "-tuanp", "dev lsdev0 and not pid = 1"], ino_of,
                    "-G -p 'dev lsdev0 and not pid 1' (filtered after the owner walk)")
            compare(["-N", NAMES["C"], "-tuan", "dev lsdev0"], {"C": ino_of["C"]},
                    "-N C 'dev lsdev0'")
            # Names of the bound devices: those of each socket's namespace.
            doc, _ = lt.lsock_doc(["-G", "-tuan"])
            problems = []
            want = {7100: "lsdev0", 7101: "lsdev0", 7102: "other0", 7103: None}
            for s in doc["sockets"]:
                port = s["local"]["port"]
                if (s.get("netns") or {}).get("inode") in ino_of.values() and port in want \
                        and s.get("interface") != want[port]:
                    problems.append(f"port {port} in net:[{s['netns']['inode']}]: interface "
                                    f"{s.get('interface')!r}, expected {want[port]!r}")
            text = lt.run_lsock(["-G", "-tan"]).stdout
            for m in re.finditer(r"%(\S+):7102\b", text):
                if m.group(1) != "other0":
                    problems.append(f"text: B's other0 socket shown on %{m.group(1)}")
            if "%other0:7102" not in text:
                problems.append(f"text: no %other0:7102 in:\n{text}")
            lt.check(problems, "interface names from each socket's own namespace")
    finally:
        for n in NAMES.values():
            subprocess.run(["ip", "netns", "delete", n], capture_output=True)
        for d in DEVICES["A"]:
            subprocess.run(["ip", "link", "delete", d], capture_output=True)
    print("ok: dev NAME and interface names follow each socket's namespace")


lt.run_test(main)
