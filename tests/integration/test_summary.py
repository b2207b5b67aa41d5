# SPDX-License-Identifier: MIT
"""lsock -s / --summary (issue 13, item 8).

- The counts by protocol, family and state equal those of the table that
  `lsock -a ARGS --json` lists, counted here, for several option sets and a
  filter, on a mix with full listeners, a TIME_WAIT and UNIX sockets.
- Listeners with more than half of their backlog waiting for accept() are
  named, with their owner (this process), in JSON and in text; others not.
- The sockstat figures and the counters equal what the kernel's files say,
  read here before and after lsock (moving values must lie between); the
  host-wide figures, which other namespaces move, must only be numbers.
- In a fake LSOCK_PROC_ROOT tree, a figure or counter the files do not carry
  is null in JSON and "-" in text, and the others are exactly the files'.
"""
import collections
import os
import re
import shutil
import socket
import tempfile

import lsocktest as lt

FULL_PORT = 2290
CALM_PORT = 2291

COUNTERS = {  # JSON key: (file, section, field)
    "ListenOverflows": ("netstat", "TcpExt", "ListenOverflows"),
    "ListenDrops": ("netstat", "TcpExt", "ListenDrops"),
    "RetransSegs": ("snmp", "Tcp", "RetransSegs"),
    "TCPTimeouts": ("netstat", "TcpExt", "TCPTimeouts"),
    "TCPSynRetrans": ("netstat", "TcpExt", "TCPSynRetrans"),
    "ActiveOpens": ("snmp", "Tcp", "ActiveOpens"),
    "PassiveOpens": ("snmp", "Tcp", "PassiveOpens"),
    "AttemptFails": ("snmp", "Tcp", "AttemptFails"),
    "EstabResets": ("snmp", "Tcp", "EstabResets"),
    "OutRsts": ("snmp", "Tcp", "OutRsts"),
    "UdpNoPorts": ("snmp", "Udp", "NoPorts"),
    "UdpRcvbufErrors": ("snmp", "Udp", "RcvbufErrors"),
    "UdpInErrors": ("snmp", "Udp", "InErrors"),
}

FIGURES = {  # (group or None, key): (file, prefix, name)
    (None, "sockets_used"): ("sockstat", "sockets", "used"),
    ("tcp", "inuse"): ("sockstat", "TCP", "inuse"),
    ("tcp", "orphan"): ("sockstat", "TCP", "orphan"),
    ("tcp", "tw"): ("sockstat", "TCP", "tw"),
    ("tcp", "alloc"): ("sockstat", "TCP", "alloc"),
    ("tcp", "mem_pages"): ("sockstat", "TCP", "mem"),
    ("tcp6", "inuse"): ("sockstat6", "TCP6", "inuse"),
    ("udp", "inuse"): ("sockstat", "UDP", "inuse"),
    ("udp", "mem_pages"): ("sockstat", "UDP", "mem"),
    ("udp6", "inuse"): ("sockstat6", "UDP6", "inuse"),
    ("udplite", "inuse"): ("sockstat", "UDPLITE", "inuse"),
    ("udplite6", "inuse"): ("sockstat6", "UDPLITE6", "inuse"),
    ("raw", "inuse"): ("sockstat", "RAW", "inuse"),
    ("raw6", "inuse"): ("sockstat6", "RAW6", "inuse"),
    ("frag", "inuse"): ("sockstat", "FRAG", "inuse"),
    ("frag", "memory_bytes"): ("sockstat", "FRAG", "memory"),
    ("frag6", "inuse"): ("sockstat6", "FRAG6", "inuse"),
    ("frag6", "memory_bytes"): ("sockstat6", "FRAG6", "memory"),
}

# Host-wide figures (tcp_sockets_allocated, tcp_orphan_count, the memory
# counters): not per network namespace.
HOST_WIDE = {("tcp", "orphan"), ("tcp", "alloc"), ("tcp", "mem_pages"), ("udp", "mem_pages")}


def read_sockstat(root="/proc"):
    """{(file, prefix, name): int} from sockstat and sockstat6."""
    out = {}
    for f in ("sockstat", "sockstat6"):
        try:
            text = open(f"{root}/net/{f}").read()
        except FileNotFoundError:
            continue
        for line in text.splitlines():
            prefix, _, rest = line.partition(":")
            toks = rest.split()
            for name, val in zip(toks[::2], toks[1::2]):
                out[(f, prefix, name)] = int(val)
    return out


def read_counters(root="/proc"):
    """{(file, section, field): int} from snmp and netstat."""
    out = {}
    for f in ("snmp", "netstat"):
        try:
            lines = open(f"{root}/net/{f}").read().splitlines()
        except FileNotFoundError:
            continue
        for names, vals in zip(lines[::2], lines[1::2]):
            sec = names.split(":")[0]
            for n, v in zip(names.split()[1:], vals.split()[1:]):
                out[(f, sec, n)] = int(v)
    return out


def summary_doc(args, **kw):
    r = lt.run_lsock(["-s", "--json"] + list(args), **kw)
    if r.status != 0:
        raise lt.TestFailure(r.describe())
    doc = r.json()
    lt.expect(doc.get("schema") == 1 and "summary" in doc and "sockets" not in doc,
              f"not a summary document: {r.stdout[:300]}")
    return doc["summary"], r


def counts_of(sockets):
    """The summary's "sockets" object, computed from a socket list."""
    fam = collections.Counter(s["family"] for s in sockets)
    out = {"total": len(sockets),
           "families": {f: fam.get(f, 0) for f in ("inet", "inet6", "unix")},
           "states": dict(collections.Counter(s["state"] for s in sockets)),
           "protocols": {}}
    for s in sockets:
        p = out["protocols"].setdefault(s["proto"], {"total": 0, "states": collections.Counter()})
        p["total"] += 1
        p[s["family"]] = p.get(s["family"], 0) + 1
        p["states"][s["state"]] += 1
    for p in out["protocols"].values():
        p["states"] = dict(p["states"])
    return out


def strip_zero(counts):
    """The summary's counts without the zero entries counts_of() cannot know."""
    c = {"total": counts["total"], "families": counts["families"], "states": counts["states"],
         "protocols": {}}
    for name, p in counts["protocols"].items():
        if p["total"]:
            c["protocols"][name] = {k: v for k, v in p.items() if k == "states" or v}
    return c


def main():
    with lt.SocketMix() as mix:
        lt.build_standard_mix(mix)
        full = mix.tcp_listen("127.0.0.1", FULL_PORT, backlog=2)
        calm = mix.tcp_listen("127.0.0.1", CALM_PORT, backlog=16)
        for port, n in ((FULL_PORT, 2), (CALM_PORT, 3)):
            for _ in range(n):
                c = socket.create_connection(("127.0.0.1", port))
                mix.socks.append(c)
        ufull = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ufull.bind(mix.unix_path("full.sock"))
        ufull.listen(4)
        mix.socks.append(ufull)
        for _ in range(3):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(mix.unix_path("full.sock"))
            mix.socks.append(c)
        full_inodes = {lt.sock_inode(full), lt.sock_inode(ufull)}
        me = os.getpid()

        def counts_equal_table():
            problems = []
            for args in ([], ["-t"], ["-u", "-6"], ["-x"], ["-4"], ["-tu", "-4"],
                         ["-t", "sport", "=", ":2201"], ["-t", "state", "established"],
                         ["-l"]):
                listed = args if "-l" in args else ["-a"] + args
                doc, _ = lt.lsock_doc(listed)
                summ, _ = summary_doc(args)
                want, got = counts_of(doc["sockets"]), strip_zero(summ["sockets"])
                if want != got:
                    problems.append(f"-s {' '.join(args)}: summary {got}\n  table {want}")
                if not doc["sockets"]:
                    problems.append(f"lsock {' '.join(listed)} listed nothing: a weak case")
            # Every listed protocol is there, even when it counts 0.
            summ, _ = summary_doc(["-tw", "-6"])
            if set(summ["sockets"]["protocols"]) != {"tcp", "raw"} or \
                    set(summ["sockets"]["protocols"]["raw"]) != {"total", "inet6", "states"}:
                problems.append(f"-s -tw6: protocols {summ['sockets']['protocols']}")
            lt.check(problems, "summary counts vs the table")

        def full_listeners():
            problems = []
            summ, r = summary_doc([])
            got = {s["inode"]: s for s in summ["full_listeners"]}
            if set(got) != full_inodes:
                problems.append(f"full listeners {sorted(got)}, expected {sorted(full_inodes)} "
                                f"({summ['full_listeners']})")
            for s in got.values():
                if not any(o["pid"] == me for o in s.get("owners") or []):
                    problems.append(f"full listener without its owner {me}: {s}")
                if not 2 * s["recv_q"] > s["send_q"]:
                    problems.append(f"not more than half full: {s}")
            tcp = next((s for s in got.values() if s["proto"] == "tcp"), None)
            if tcp and (tcp["recv_q"], tcp["send_q"]) != (2, 2):
                problems.append(f"tcp full listener queues {tcp['recv_q']}/{tcp['send_q']}")
            # Narrowed by the options like the counts: -x has only the UNIX one.
            summ, _ = summary_doc(["-x"])
            if {s["inode"] for s in summ["full_listeners"]} != {lt.sock_inode(ufull)}:
                problems.append(f"-x: full listeners {summ['full_listeners']}")
            t = lt.run_lsock(["-s"])
            lines = [x for x in t.stdout.splitlines()
                     if f"127.0.0.1:{FULL_PORT}" in x and "2/2" in x and f"{me}/" in x]
            if t.status != 0 or len(lines) != 1:
                problems.append(f"text: no line for the full listener with 2/2 and {me}/:\n"
                                f"{t.stdout}")
            if f":{CALM_PORT}" in t.stdout:
                problems.append(f"text names the listener that is not full:\n{t.stdout}")
            lt.check(problems, "full listeners")

        def kernel_figures():
            problems = []
            before_s, before_c = read_sockstat(), read_counters()
            summ, _ = summary_doc([])
            after_s, after_c = read_sockstat(), read_counters()
            for (group, key), src in FIGURES.items():
                v = summ["sockstat"][key] if group is None else summ["sockstat"][group][key]
                if (group, key) in HOST_WIDE:
                    # Other namespaces move them between the reads: the
                    # kernel printed one, so it must be a number.
                    if not isinstance(v, int) or v < 0:
                        problems.append(f"sockstat {group}.{key} = {v!r}")
                    continue
                lo, hi = sorted((before_s.get(src), after_s.get(src)), key=lambda x: x or 0)
                if key == "sockets_used" and hi is not None:
                    # lsock's own sock_diag sockets count too: the kernel
                    # frees a netlink socket after an RCU grace period, so
                    # they may still count when lsock reads the file.
                    hi += 8
                if lo is None and v is not None or lo is not None and not lo <= v <= hi:
                    problems.append(f"sockstat {group}.{key} = {v}, the kernel's {lo}..{hi}")
            for key, src in COUNTERS.items():
                v = summ["counters"][key]
                lo, hi = before_c.get(src), after_c.get(src)
                if lo is None and v is not None or lo is not None and not lo <= v <= hi:
                    problems.append(f"counter {key} = {v}, the kernel's {lo}..{hi}")
            tcp = summ["sockstat"]["tcp"]
            want = max(0, tcp["alloc"] - tcp["inuse"] - summ["sockstat"]["tcp6"]["inuse"])
            if tcp["closed"] != want:
                problems.append(f"tcp.closed {tcp['closed']}, alloc - inuse - inuse6 = {want}")
            # These do not move in a private netns: exact.
            if tcp["tw"] != after_s[("sockstat", "TCP", "tw")] or tcp["tw"] < 1:
                problems.append(f"tw {tcp['tw']} (the mix holds a TIME_WAIT)")
            if summ["counters"]["PassiveOpens"] < 5:
                problems.append(f"PassiveOpens {summ['counters']['PassiveOpens']}: too few")
            lt.check(problems, "sockstat and counters equal the kernel's files")

        lt.main([
            ("counts equal the table's", counts_equal_table),
            ("full listeners, with owners", full_listeners),
            ("sockstat and counters equal the kernel's", kernel_figures),
            ("missing figures and counters in a fake /proc", fake_proc),
        ])


def fake_proc():
    root = tempfile.mkdtemp(prefix="lsock-summary-")
    try:
        os.mkdir(f"{root}/net")
        with open(f"{root}/net/sockstat", "w") as f:
            f.write("sockets: used 77\nTCP: inuse 3 orphan 1 tw 9 alloc 4242 mem 5\n"
                    "UDP: inuse 2 mem 1\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n")
        # no sockstat6; no Udp section in snmp; TcpExt without ListenOverflows
        with open(f"{root}/net/snmp", "w") as f:
            f.write("Tcp: RtoAlgorithm MaxConn ActiveOpens PassiveOpens RetransSegs OutRsts\n"
                    "Tcp: 1 -1 11 12 13 14\n")
        with open(f"{root}/net/netstat", "w") as f:
            f.write("TcpExt: ListenDrops TCPTimeouts\nTcpExt: 21 22\n")
        env = dict(os.environ, LSOCK_PROC_ROOT=root)
        summ, _ = summary_doc(["-t"], env=env)
        problems = []
        ss, c = summ["sockstat"], summ["counters"]
        want = {"sockets_used": 77, "tcp": {"inuse": 3, "orphan": 1, "tw": 9, "alloc": 4242,
                                            "mem_pages": 5, "closed": None},
                "udp": {"inuse": 2, "mem_pages": 1}, "udplite": {"inuse": None},
                "tcp6": {"inuse": None}, "udp6": {"inuse": None}, "frag6": {"inuse": None,
                                                                     "memory_bytes": None}}
        for k, v in want.items():
            if ss[k] != v:
                problems.append(f"sockstat {k}: {ss[k]}, expected {v}")
        want_c = {"ActiveOpens": 11, "PassiveOpens": 12, "RetransSegs": 13, "OutRsts": 14,
                  "ListenDrops": 21, "TCPTimeouts": 22, "ListenOverflows": None,
                  "UdpNoPorts": None, "UdpInErrors": None, "EstabResets": None}
        for k, v in want_c.items():
            if c[k] != v:
                problems.append(f"counter {k}: {c[k]!r}, expected {v!r}")
        t = lt.run_lsock(["-s", "-t"], env=env)
        rows = {m.group(1): m.group(2) for m in
                re.finditer(r"^  (\w+) +(\S+)  ", t.stdout, re.M)}
        for k, v in want_c.items():
            if rows.get(k) != ("-" if v is None else str(v)):
                problems.append(f"text {k}: {rows.get(k)!r}, expected {v}")
        if not re.search(r"^  TCP closed +- ", t.stdout, re.M) or \
                not re.search(r"^  TCP in use +3 +- ", t.stdout, re.M):
            problems.append(f"text: TCP closed or TCP in use row:\n{t.stdout}")
        lt.check(problems, "fake /proc: null and '-' for what is missing")
    finally:
        shutil.rmtree(root)


lt.run_test(main)
