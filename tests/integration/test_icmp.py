#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ICMP echo ("ping") sockets, --icmp, against the kernel's /proc/net/icmp{,6}.

Real ping sockets, opened by an unprivileged user whose group the test's
namespace puts in net.ipv4.ping_group_range.  ss has no code for them, so
the oracle is the kernel's own table: every socket the test opened must be
listed once, with its inode, address, echo identifier, state and owner.
"""
import socket
import subprocess

import lsocktest as lt


def kernel_rows():
    """{inode: (family, address, id, state)} from /proc/net/icmp{,6}."""
    rows = {}
    for name, fam in (("icmp", "inet"), ("icmp6", "inet6")):
        with open(f"/proc/net/{name}") as f:
            next(f)
            for line in f:
                tok = line.split()
                addr, port = tok[1].split(":")
                raw = bytes.fromhex(addr)
                if fam == "inet":
                    a = socket.inet_ntop(socket.AF_INET, raw[::-1])
                else:
                    a = socket.inet_ntop(socket.AF_INET6, b"".join(
                        raw[i:i + 4][::-1] for i in range(0, 16, 4)))
                rows[int(tok[9])] = (fam, a, int(port, 16), int(tok[3], 16))
    return rows


def main():
    subprocess.run(["sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647"], check=True)
    # A holder process as nobody: ping sockets are what unprivileged users open.
    script = (
        "import socket,sys,time\n"
        "s=[]\n"
        "a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM,socket.IPPROTO_ICMP); a.bind(('127.0.0.1',0)); s.append(a)\n"
        "b=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM,socket.IPPROTO_ICMPV6); b.bind(('::1',0)); s.append(b)\n"
        "c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM,socket.IPPROTO_ICMP); c.connect(('127.0.0.1',0)); s.append(c)\n"
        "print(' '.join(str(x.getsockname()[1]) for x in s), flush=True)\n"
        "time.sleep(60)\n")
    holder = subprocess.Popen(lt.as_nobody([lt.PYTHON, "-c", script]), stdout=subprocess.PIPE,
                              text=True)
    try:
        ids = [int(x) for x in holder.stdout.readline().split()]
        lt.expect(len(ids) == 3, "holder did not open its ping sockets")
        truth = kernel_rows()

        def listed_as_icmp():
            doc = lt.run_lsock(["-an", "--json", "-p"]).json()
            ours = {s["inode"]: s for s in doc["sockets"] if s["proto"] == "icmp"}
            problems = []
            if set(ours) != set(truth):
                problems.append(f"inodes {sorted(ours)} != kernel {sorted(truth)}")
            for ino, (fam, addr, port, st) in truth.items():
                s = ours.get(ino)
                if not s:
                    continue
                want_state = "UNCONN" if st == 7 else "ESTABLISHED"
                got = (s["family"], s["local"]["address"], s["local"]["port"], s["state"],
                       s["source"], [o["pid"] for o in s.get("owners", [])])
                if got != (fam, addr, port, want_state, "proc", [holder.pid]):
                    problems.append(f"inode {ino}: {got}, kernel {(fam, addr, port, want_state)}")
                if s["uid"] != lt.NOBODY_UID:
                    problems.append(f"inode {ino}: uid {s['uid']}")
            for p in ids:
                if not any(t[2] == p for t in truth.values()):
                    problems.append(f"echo id {p} not in the kernel table")
            lt.check(problems, "ping sockets in -a --json")

        def flags_select():
            problems = []
            text = lt.run_lsock(["-Hln", "--icmp"])
            labels = sorted(line.split()[0] for line in text.stdout.splitlines())
            if labels != ["icmp", "icmp6"]:
                problems.append(f"--icmp -l: labels {labels} (want the two unconnected ones)")
            conn = lt.run_lsock(["-Hn", "--icmp"])
            if len(conn.stdout.splitlines()) != 1 or "ESTABLISHED" not in conn.stdout:
                problems.append(f"--icmp (connected): {conn.stdout!r}")
            tcp = lt.run_lsock(["-Hatn", "--json"]).json()
            if any(s["proto"] == "icmp" for s in tcp["sockets"]):
                problems.append("-t lists ICMP sockets")
            # The echo id is not a service, with or without -n.
            names = lt.run_lsock(["-Hl", "--icmp", "-k", "local"])
            for line in names.stdout.split():
                if not line.rsplit(":", 1)[1].isdigit():
                    problems.append(f"echo id shown as a service: {line}")
            netlink = lt.run_lsock(["-a", "--icmp", "--source=netlink"])
            if netlink.status != 3:
                problems.append(f"--icmp --source=netlink: {netlink.describe()}")
            lt.check(problems, "--icmp selection")

        lt.main([
            ("ping sockets listed exactly, as proto icmp", listed_as_icmp),
            ("--icmp, -l and the other protocol flags", flags_select),
        ])
    finally:
        holder.kill()


lt.run_test(main)
