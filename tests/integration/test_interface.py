#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The interface column and the %dev scope of local addresses, against ss.

Sockets bound with SO_BINDTODEVICE, a link-local IPv6 listener (whose scope
is its device) and unbound ones, in a private network namespace.  ss prints
the scope after the local address (127.0.0.1%lo:2408, [fe80::1]%lo:22);
lsock must print the same local addresses, name the device in the
interface column and JSON, say "*" / null for unbound sockets and "-" /
null from /proc/net, and select the same sockets as ss for `dev = lo` and
`dev != lo`.
"""
import socket
import subprocess

import lsocktest as lt


def endpoints(text):
    """(local, remote) pairs of `-H` output whose first two tokens after the
    queues (ss) or the first two tokens (lsock -k local,remote) are them."""
    return sorted(tuple(line.split()[:2]) for line in text.splitlines() if line.strip())


def main():
    subprocess.run(["ip", "-6", "addr", "add", "fe80::1/64", "dev", "lo", "nodad"], check=True)
    held = []

    def sock(fam, typ=socket.SOCK_STREAM):
        s = socket.socket(fam, typ)
        held.append(s)
        return s

    bound = sock(socket.AF_INET)
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    bound.bind(("127.0.0.1", 2408))
    bound.listen()
    ll = sock(socket.AF_INET6)
    ll.bind(("fe80::1", 2422, 0, socket.if_nametoindex("lo")))
    ll.listen()
    plain = sock(socket.AF_INET)
    plain.bind(("127.0.0.1", 2409))
    plain.listen()
    udp = sock(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    udp.bind(("127.0.0.1", 2410))
    client = sock(socket.AF_INET)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    client.connect(("127.0.0.1", 2408))

    def addresses():
        ss = lt.run(["ss", "-Htuan"])
        ours = lt.run_lsock(["-Htuan", "-k", "local,remote"])
        lt.expect(ss.status == 0 and ours.status == 0, f"{ss.describe()} / {ours.describe()}")
        want = endpoints("\n".join(" ".join(l.split()[4:6]) for l in ss.stdout.splitlines()))
        got = endpoints(ours.stdout)
        lt.expect(got == want, f"local/remote differ from ss:\n lsock {got}\n ss    {want}")
        lt.expect(any("%lo:" in a for a, _ in got), f"no %lo scope at all: {got}")

    def column_and_json():
        r = lt.run_lsock(["-Htuan", "-k", "local,interface"])
        rows = dict(line.split() for line in r.stdout.splitlines())
        problems = []
        for local, want in (("127.0.0.1%lo:2408", "lo"), ("[fe80::1]%lo:2422", "lo"),
                            ("127.0.0.1:2409", "*"), ("127.0.0.1%lo:2410", "lo")):
            if rows.get(local) != want:
                problems.append(f"{local}: interface {rows.get(local)!r}, want {want!r}")
        doc = lt.run_lsock(["-tuan", "--json"]).json()
        by_port = {s["local"]["port"]: s for s in doc["sockets"]}
        for port, want in ((2408, "lo"), (2422, "lo"), (2409, None), (2410, "lo")):
            if by_port[port].get("interface", "missing") != want:
                problems.append(f"JSON port {port}: interface {by_port[port].get('interface')!r}")
        proc = lt.run_lsock(["-Htuan", "--source=proc", "-k", "local,interface"])
        for line in proc.stdout.splitlines():
            local, iface = line.split()
            if iface != "-" or "%" in local:
                problems.append(f"/proc row {line!r}: the source cannot say the device")
        pdoc = lt.run_lsock(["-tuan", "--source=proc", "--json"]).json()
        if any(s["interface"] is not None for s in pdoc["sockets"]):
            problems.append("/proc JSON: interface not null")
        lt.check(problems, "interface column")

    def dev_filter():
        problems = []
        for expr in (["dev", "=", "lo"], ["dev", "!=", "lo"]):
            ss = lt.run(["ss", "-Htuan"] + expr)
            ours = lt.run_lsock(["-Htuan", "-k", "local,remote"] + expr)
            want = endpoints("\n".join(" ".join(l.split()[4:6]) for l in ss.stdout.splitlines()))
            got = endpoints(ours.stdout)
            if got != want:
                problems.append(f"{' '.join(expr)}: lsock {got} ss {want}")
        # /proc rows: the device is unknown, so neither = nor != selects them.
        for expr in (["dev", "=", "lo"], ["dev", "!=", "lo"]):
            r = lt.run_lsock(["-Htuan", "--source=proc"] + expr)
            if r.status != 1 or r.stdout:
                problems.append(f"--source=proc {' '.join(expr)}: {r.describe()} {r.stdout!r}")
        lt.check(problems, "dev filter")

    lt.main([
        ("local addresses carry the scope, as ss", addresses),
        ("interface column and JSON key", column_and_json),
        ("dev = / != agree with ss", dev_filter),
    ])


lt.run_test(main)
