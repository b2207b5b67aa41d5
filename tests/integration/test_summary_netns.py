# SPDX-License-Identifier: MIT
"""lsock -s with --netns and --all-netns (issue 12): the summary of the
namespaces listed, not of lsock's own.

Two namespaces besides the test's own: B, held by a process (unshare), and
C, an `ip netns` one; each has its own mix of TCP listeners, connections,
UDP and UNIX sockets, different from the other's.

- `lsock -s -N B --json` counts B's sockets, and its kernel figures are B's:
  equal to what `nsenter --net=B ss -s` prints (TCP, UDP, RAW, FRAG in use
  per family, TIME_WAIT, established) and to B's /proc/net/snmp counters
  read from inside B; "namespaces" has B alone.
- `lsock -s -G --json` has one "namespaces" entry per namespace listed, each
  with its own counts and figures (B's and C's again equal to ss -s in
  each; C named by its ip netns name), and top-level counts and per-namespace
  figures that are their sums; the host-wide figures are numbers.
- In text, `-s -G` ends with one line per namespace, C's named.
"""
import os
import re
import subprocess

import lsocktest as lt

NAME_C = "lsock-sum-c"

# Each namespace's mix: (TCP listeners, TCP connections, UDP sockets, UNIX pairs).
MIX = {"B": (3, 2, 5, 1), "C": (1, 3, 7, 4)}

HOLDER = r"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
if sys.argv[1] == "new":
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "unshare")
else:
    fd = os.open(sys.argv[1], os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns")
os.system("ip link set lo up")
nl, nc, nu, nx = (int(x) for x in sys.argv[2:6])
keep = []
for i in range(nl):
    s = socket.socket()
    s.bind(("127.0.0.1", 7000 + i))
    s.listen(8)
    keep.append(s)
for i in range(nc):
    c = socket.create_connection(("127.0.0.1", 7000))
    a, _ = keep[0].accept()
    keep += [c, a]
for i in range(nu):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    keep.append(u)
for i in range(nx):
    keep += list(socket.socketpair())
ready(str(os.stat("/proc/self/ns/net").st_ino))
"""


def ss_summary(nspath):
    """What `nsenter --net=NSPATH ss -s` says: {(row, column): n} of its
    Transport table and {"estab", "timewait"}."""
    out = subprocess.run(["nsenter", f"--net={nspath}", "ss", "-s"], capture_output=True,
                         text=True, check=True).stdout
    got = {}
    m = re.search(r"^TCP:\s+\d+ \(estab (\d+), closed \d+, orphaned \d+, timewait (\d+)", out, re.M)
    if not m:
        raise lt.TestFailure(f"unexpected ss -s output:\n{out}")
    got["estab"], got["timewait"] = int(m.group(1)), int(m.group(2))
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[0] in ("RAW", "UDP", "TCP", "FRAG") and f[1].isdigit():
            got[(f[0], "IP")], got[(f[0], "IPv6")] = int(f[2]), int(f[3])
    return got


def snmp_in(nspath):
    """{(section, field): n} of /proc/net/snmp read from inside nspath."""
    lines = subprocess.run(["nsenter", f"--net={nspath}", "cat", "/proc/net/snmp"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    out = {}
    for names, vals in zip(lines[::2], lines[1::2]):
        sec = names.split(":")[0]
        for n, v in zip(names.split()[1:], vals.split()[1:]):
            out[(sec, n)] = int(v)
    return out


def compare_ss(entry, nspath, what):
    """Problems between one summary object (sockets, sockstat, counters) and
    ss -s and /proc/net/snmp inside nspath."""
    ss = ss_summary(nspath)
    k = entry["sockstat"]
    pairs = {
        ("TCP", "IP"): k["tcp"]["inuse"], ("TCP", "IPv6"): k["tcp6"]["inuse"],
        ("UDP", "IP"): k["udp"]["inuse"], ("UDP", "IPv6"): k["udp6"]["inuse"],
        ("RAW", "IP"): k["raw"]["inuse"], ("RAW", "IPv6"): k["raw6"]["inuse"],
        ("FRAG", "IP"): k["frag"]["inuse"], ("FRAG", "IPv6"): k["frag6"]["inuse"],
        "timewait": k["tcp"]["tw"],
        "estab": entry["sockets"]["protocols"]["tcp"]["states"].get("ESTABLISHED", 0),
    }
    problems = [f"{what}: {key}: lsock {v}, ss -s {ss.get(key)}"
                for key, v in pairs.items() if ss.get(key) != v]
    snmp = snmp_in(nspath)
    for key, sec, field in (("ActiveOpens", "Tcp", "ActiveOpens"),
                            ("PassiveOpens", "Tcp", "PassiveOpens")):
        if entry["counters"][key] != snmp[(sec, field)]:
            problems.append(f"{what}: counter {key}: lsock {entry['counters'][key]}, "
                            f"/proc/net/snmp there {snmp[(sec, field)]}")
    return problems


def expect_mix(entry, mix, what):
    nl, nc, nu, nx = mix
    p = entry["sockets"]["protocols"]
    got = (p["tcp"]["states"].get("LISTEN", 0), p["tcp"]["states"].get("ESTABLISHED", 0),
           p["udp"]["total"], p["unix"]["total"])
    want = (nl, 2 * nc, nu, 2 * nx)
    lt.expect(got == want, f"{what}: (listen, estab, udp, unix) counted {got}, expected {want}")


def summary(args):
    r = lt.run_lsock(["-s"] + args)
    if r.status != 0:
        raise lt.TestFailure(r.describe())
    return r


def main():
    lt.unmount_foreign_netns()
    subprocess.run(["ip", "netns", "delete", NAME_C], capture_output=True)
    subprocess.run(["ip", "netns", "add", NAME_C], check=True)
    try:
        with lt.Holders() as h:
            pid_b, facts = h.start(HOLDER, "new", *MIX["B"])
            ino_b, path_b = int(facts[0]), f"/proc/{pid_b}/ns/net"
            _, facts = h.start(HOLDER, f"/run/netns/{NAME_C}", *MIX["C"])
            ino_c, path_c = int(facts[0]), f"/run/netns/{NAME_C}"
            problems = []

            doc = summary(["-N", str(pid_b), "--json"]).json()["summary"]
            expect_mix(doc, MIX["B"], "-s -N B")
            lt.check(compare_ss(doc, path_b, "-s -N B"), "-s -N B against ss -s in B")
            ns = doc.get("namespaces")
            lt.expect(isinstance(ns, list) and len(ns) == 1 and ns[0]["netns"]["inode"] == ino_b,
                      f"-s -N B: namespaces is {ns!r:.300}")
            lt.expect(ns[0]["sockets"] == doc["sockets"] and ns[0]["sockstat"] == doc["sockstat"],
                      "-s -N B: the one namespace's entry differs from the totals")

            doc = summary(["-G", "--json"]).json()["summary"]
            by_ino = {e["netns"]["inode"]: e for e in doc["namespaces"]}
            lt.expect(ino_b in by_ino and ino_c in by_ino,
                      f"-s -G: namespaces {sorted(by_ino)} lack B {ino_b} or C {ino_c}")
            expect_mix(by_ino[ino_b], MIX["B"], "-s -G, B")
            expect_mix(by_ino[ino_c], MIX["C"], "-s -G, C")
            problems += compare_ss(by_ino[ino_b], path_b, "-s -G, B")
            problems += compare_ss(by_ino[ino_c], path_c, "-s -G, C")
            lt.expect(by_ino[ino_c]["netns"]["name"] == NAME_C,
                      f"-s -G: C named {by_ino[ino_c]['netns']['name']!r}")
            total = sum(e["sockets"]["total"] for e in doc["namespaces"])
            lt.expect(doc["sockets"]["total"] == total,
                      f"-s -G: total {doc['sockets']['total']}, namespaces add up to {total}")
            for grp, key in (("tcp", "inuse"), ("udp", "inuse"), ("tcp", "tw")):
                s = sum(e["sockstat"][grp][key] for e in doc["namespaces"])
                lt.expect(doc["sockstat"][grp][key] == s,
                          f"-s -G: sockstat {grp}.{key} {doc['sockstat'][grp][key]}, "
                          f"the namespaces' add up to {s}")
            s = sum(e["counters"]["ActiveOpens"] for e in doc["namespaces"])
            lt.expect(doc["counters"]["ActiveOpens"] == s,
                      f"-s -G: ActiveOpens {doc['counters']['ActiveOpens']}, sum {s}")
            for grp, key in (("tcp", "alloc"), ("tcp", "orphan"), ("tcp", "mem_pages")):
                lt.expect(isinstance(doc["sockstat"][grp][key], int),
                          f"-s -G: host-wide {grp}.{key} is {doc['sockstat'][grp][key]!r}")

            text = summary(["-G"]).stdout
            rows = re.findall(r"^\s+(\d+)(?:\s+\S+){7}\s+(\S+)$", text.split(
                "Per network namespace", 1)[-1], re.M)
            want = sum(2 * x if i in (1, 3) else x for i, x in enumerate(MIX["C"]))
            lt.expect((str(want), NAME_C) in rows,
                      f"-s -G text: no line for {NAME_C} with {want} sockets in {rows}")
            lt.check(problems, "-s -N and -s -G against ss -s in each namespace")
    finally:
        subprocess.run(["ip", "netns", "delete", NAME_C], capture_output=True)
    print("ok: -s -N and -s -G summarize the namespaces listed")


lt.run_test(main)
