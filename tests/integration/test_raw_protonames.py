#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""RAW sockets show their IP protocol by name in text, as ss and netstat do
(icmp, ipv6-icmp from /etc/protocols), by number with -n, and always by
number in JSON."""
import socket

import lsocktest as lt


def main():
    socks = [socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
             socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6),
             socket.socket(socket.AF_INET, socket.SOCK_RAW, 254)]  # unnamed: a number

    def local_ports(flags):
        rows = lt.text_rows(lt.run_lsock([flags]).stdout)
        return sorted((r.split()[0], r.split()[3].rsplit(":", 1)[1]) for r in rows)

    def names():
        got = local_ports("-wa")
        want = sorted([("raw", "icmp"), ("raw6", "ipv6-icmp"), ("raw", "254")])
        lt.check([] if got == want else [f"{got}, want {want}"], "lsock -wa names protocols")

    def numbers():
        got = local_ports("-wan")
        want = sorted([("raw", "1"), ("raw6", "58"), ("raw", "254")])
        lt.check([] if got == want else [f"{got}, want {want}"], "lsock -wan shows numbers")

    def json_numbers():
        problems = []
        for flags in ("-wa", "-wan"):
            doc, _ = lt.lsock_doc([flags])
            got = sorted(s["local"]["port"] for s in doc["sockets"])
            if got != [1, 58, 254] or not all(type(s["local"]["port"]) is int
                                               for s in doc["sockets"]):
                problems.append(f"{flags} --json: ports {got}")
        lt.check(problems, "JSON keeps the protocol number")

    def same_as_ss():
        ss = lt.run(["ss", "-wa", "-H"]).stdout.split("\n")
        theirs = sorted(line.split()[3].rsplit(":", 1)[1] for line in ss if line.strip())
        ours = sorted(p for _, p in local_ports("-wa") if p != "254")
        # ss names 254 "ipproto-254" where the database has no name; lsock keeps the number.
        theirs = [p for p in theirs if p != "ipproto-254"]
        lt.check([] if ours == theirs else [f"lsock {ours}, ss {theirs}"], "names as ss")

    lt.main([("names", names), ("numbers", numbers), ("json", json_numbers), ("ss", same_as_ss)])
    for s in socks:
        s.close()


lt.run_test(main)
