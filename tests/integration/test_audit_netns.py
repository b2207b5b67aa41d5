# SPDX-License-Identifier: MIT
"""--audit under --all-netns and --netns (issue 12): each namespace's
listeners are judged against that namespace's own addresses.

Namespace B has 192.0.2.1 on lsaud0 (index 2 there), C has 198.51.100.1 on
lsaudc (index 3); the test's own namespace (A) has neither address.  Each
holds a TCP listener on its address (port 7200) and one on 0.0.0.0 (7201).  `lsock --audit`
with -G, and with -N for one of them, must give each address listener the
verdict "address" and the interface that holds the address in its own
namespace, as `ip -o addr` run there shows; the wildcard listeners are
"all-interfaces".  Before, -G called every listener of B and C
"other-netns", and -N judged C's addresses by A's table ("address", no
interface).
"""
import subprocess

import lsocktest as lt

NAMES = {"B": "lsock-aud-b", "C": "lsock-aud-c"}
SETUP = {"B": (["lsaud0"], "lsaud0", "192.0.2.1/24"),
         "C": (["lsaudx", "lsaudc"], "lsaudc", "198.51.100.1/24")}

HOLDER = r"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
if libc.setns(fd, 0x40000000) != 0:
    raise OSError(ctypes.get_errno(), "setns")
keep = []
for addr, port in ((sys.argv[2], 7200), ("0.0.0.0", 7201)):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, port))
    s.listen(4)
    keep.append(s)
ready()
"""


def in_ns(ns, argv):
    return ["nsenter", f"--net=/run/netns/{NAMES[ns]}"] + argv


def holder_of(ns, addr):
    """The interface `ip -o addr` in ns says holds addr: the oracle."""
    out = subprocess.run(in_ns(ns, ["ip", "-o", "-4", "addr", "show"]), capture_output=True,
                         text=True, check=True).stdout
    for f in map(str.split, out.splitlines()):
        if f[3].split("/")[0] == addr:
            return f[1]
    return None


def netns_ino(ns):
    out = subprocess.run(in_ns(ns, ["stat", "-L", "-c", "%i", "/proc/self/ns/net"]),
                         capture_output=True, text=True, check=True).stdout
    return int(out)


def verdicts(args, ino_of):
    doc, r = lt.lsock_doc(["--audit", "-n"] + args)
    lt.expect(r.status == 0, f"lsock --audit {args}: exit {r.status}: {r.err}")
    got = {}
    for s in doc["sockets"]:
        ino = (s.get("netns") or {}).get("inode")
        for ns, want in ino_of.items():
            if ino == want and s["local"]["port"] in (7200, 7201):
                got[(ns, s["local"]["address"])] = (s["exposure"]["verdict"],
                                                    s["exposure"]["interface"])
    return got


def expected(namespaces):
    want = {}
    for ns in namespaces:
        addr = SETUP[ns][2].split("/")[0]
        want[(ns, addr)] = ("address", holder_of(ns, addr))
        want[(ns, "0.0.0.0")] = ("all-interfaces", None)
    return want


def compare(args, ino_of, what):
    got, want = verdicts(args, ino_of), expected(ino_of)
    problems = [f"{what}: {k}: lsock {got.get(k)}, expected {v}"
                for k, v in sorted(want.items()) if got.get(k) != v]
    problems += [f"{what}: unexpected {k}: {v}" for k, v in got.items() if k not in want]
    lt.check(problems, what)


def main():
    for n in NAMES.values():
        subprocess.run(["ip", "netns", "delete", n], capture_output=True)
    try:
        for ns, n in NAMES.items():
            subprocess.run(["ip", "netns", "add", n], check=True)
            devs, dev, cidr = SETUP[ns]
            subprocess.run(in_ns(ns, ["ip", "link", "set", "lo", "up"]), check=True)
            for d in devs:
                lt.add_link(d, in_ns(ns, []))
            subprocess.run(in_ns(ns, ["ip", "addr", "add", cidr, "dev", dev]), check=True)
        lt.expect(holder_of("B", "192.0.2.1") == "lsaud0" and
                  holder_of("C", "198.51.100.1") == "lsaudc", "addresses not as planned")
        ino_of = {ns: netns_ino(ns) for ns in NAMES}
        with lt.Holders() as h:
            for ns, n in NAMES.items():
                h.start(HOLDER, f"/run/netns/{n}", SETUP[ns][2].split("/")[0])
            compare(["-G"], ino_of, "--audit -G")
            compare(["-N", NAMES["C"]], {"C": ino_of["C"]}, "--audit -N C")
            # Text: the interface column names C's device.
            text = lt.run_lsock(["--audit", "-n", "-N", NAMES["C"]]).stdout
            lt.expect("lsaudc" in text, f"--audit -N C text names no lsaudc:\n{text}")
    finally:
        for n in NAMES.values():
            subprocess.run(["ip", "netns", "delete", n], capture_output=True)
    print("ok: --audit judges each namespace's listeners by its own addresses")


lt.run_test(main)
