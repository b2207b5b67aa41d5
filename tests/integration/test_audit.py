#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--audit: every exposure verdict, most exposed first, in a private netns.

The listeners use addresses that exist only inside the namespace, on lo:
extra 127.x addresses, TEST-NET-1/2 (192.0.2.0/24, 198.51.100.0/24) and
2001:db8::/32.  The device-bound listener is bound (SO_BINDTODEVICE) to a
bridge with no ports and no address, which can reach nothing.  No packet
leaves the namespace.  Checked: the verdicts, their order, the interface
named from the kernel's address table, the JSON "exposure" key, and that
--audit composes with filters, -4/-6, protocol flags and --ndjson."""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lsocktest as lt  # noqa: E402

RANK = ["all-interfaces", "all-interfaces-ipv6", "address", "device-bound", "other-netns",
        "loopback"]
BRIDGE = "lsk-br0"


def main():
    for cidr in ("127.1.2.3/8", "192.0.2.10/24", "198.51.100.7/24", "2001:db8::10/64"):
        lt.add_addr(cidr)
    lt.ip("link", "add", BRIDGE, "type", "bridge")
    with lt.SocketMix() as mix:
        expected = {}  # (proto label, port) -> (verdict, interface or None)

        def listen(host, port, verdict, iface=None, **kw):
            mix.tcp_listen(host, port, **kw)
            label = "tcp6" if ":" in host else "tcp"
            expected[(label, port)] = (verdict, iface)

        listen("0.0.0.0", 8001, "all-interfaces")
        listen("::", 8002, "all-interfaces", v6only=False)
        listen("::", 8003, "all-interfaces-ipv6", v6only=True)
        listen("192.0.2.10", 8004, "address", "lo")
        listen("2001:db8::10", 8005, "address", "lo")
        listen("127.1.2.3", 8007, "loopback")
        listen("::1", 8008, "loopback")
        listen("::ffff:127.0.0.1", 8009, "loopback", v6only=False)
        mix.udp_bind("198.51.100.7", 8006)
        expected[("udp", 8006)] = ("address", "lo")
        mix.udp_bind("127.0.0.1", 8010)
        expected[("udp", 8010)] = ("loopback", None)
        dev = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        dev.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, BRIDGE.encode())
        dev.bind(("0.0.0.0", 8011))
        dev.listen(4)
        mix._keep(dev, "tcp listen 0.0.0.0:8011 bound to the bridge")
        expected[("tcp", 8011)] = ("device-bound", BRIDGE)
        raw = mix.raw_icmp("0.0.0.0")
        expected[("raw", 1)] = ("all-interfaces", None)
        # Not listeners: a connection and a connected UDP socket.
        srv = mix.tcp_listen("127.0.0.1", 8012)
        mix.tcp_connect(srv)
        expected[("tcp", 8012)] = ("loopback", None)
        mix.udp_connect("127.0.0.1", 8010)
        del raw

        def json_rows(args):
            doc, r = lt.lsock_doc(["--audit", "-n"] + args)
            lt.expect(r.status == 0, r.describe())
            return doc["sockets"]

        def key(s):
            proto = s["proto"] if s["family"] == "inet" else s["proto"] + "6"
            return (proto, s["local"]["port"])

        def verdicts():
            rows = json_rows([])
            got = {key(s): (s["exposure"]["verdict"], s["exposure"]["interface"]) for s in rows}
            lt.check([f"{k}: expected {v}, got {got.get(k)}" for k, v in expected.items()
                      if got.get(k) != v] +
                     [f"unexpected row {k}: {v}" for k, v in got.items() if k not in expected],
                     "verdicts")
            lt.expect(all(s["state"] in ("LISTEN", "UNCONN") for s in rows),
                      "only listeners (no ESTABLISHED row)")

        def order():
            ranks = [RANK.index(s["exposure"]["verdict"]) for s in json_rows([])]
            lt.expect(ranks == sorted(ranks), f"most exposed first: {ranks}")
            r = lt.run_lsock(["--audit", "-n", "-H"])
            text = [ln.split()[0] for ln in r.stdout.splitlines()]
            lt.expect([RANK.index(t) for t in text] == sorted(RANK.index(t) for t in text),
                      f"text order: {text}")
            lt.expect(len(text) == len(expected), f"{len(text)} text rows, {len(expected)} expected")

        def text_cells():
            r = lt.run_lsock(["--audit", "-n"])
            lt.expect(r.status == 0 and r.err == b"" or b"note" in r.err, r.describe())
            lines = r.stdout.splitlines()
            lt.expect(lines[0] == "Listening sockets, most exposed first", lines[0])
            lt.expect(lines[1].split()[:3] == ["Exposure", "Interface", "Proto"], lines[1])
            rows = {(c[2], c[3]): c for c in (ln.split() for ln in lines[2:])}
            c = rows.get(("tcp", "192.0.2.10:8004"))
            lt.expect(c and c[0] == "address" and c[1] == "lo", f"192.0.2.10 row: {c}")
            c = rows.get(("tcp", "0.0.0.0:8011"))
            lt.expect(c and c[0] == "device-bound" and c[1] == BRIDGE, f"bridge row: {c}")
            c = rows.get(("tcp", "0.0.0.0:8001"))
            lt.expect(c and c[1] == "*" and c[5].endswith("/python3"), f"8001 row: {c}")

        def schema():
            try:
                import jsonschema
            except ImportError:
                lt.expect(False, "python3-jsonschema is not installed")
            with open(os.path.join(lt.source_dir(), "man", "lsock.schema.json")) as f:
                v = jsonschema.Draft202012Validator(json.load(f))
            doc, r = lt.lsock_doc(["--audit"])
            errs = [e.message for e in v.iter_errors(doc)]
            lt.check(errs[:5], "--audit --json follows man/lsock.schema.json")

        def composes():
            lt.expect({key(s) for s in json_rows(["sport", "=", ":8004"])} == {("tcp", 8004)},
                      "filter")
            lt.expect({s["family"] for s in json_rows(["-6"])} == {"inet6"}, "-6")
            lt.expect({s["proto"] for s in json_rows(["-u"])} == {"udp"}, "-u")
            r = lt.run_lsock(["--audit", "-n", "--ndjson"])
            lines = r.stdout.splitlines()
            lt.expect(len(lines) == len(expected) and all('"exposure":{' in ln for ln in lines),
                      "ndjson")
            r = lt.run_lsock(["--audit", "-x"])
            lt.expect(r.status == 2 and r.out == b"", "--audit -x is a usage error")
            r = lt.run_lsock(["--audit", "sport", "=", ":9999"])
            lt.expect(r.status == 1, "nothing matched: exit 1")

        lt.main([("verdicts", verdicts), ("order", order), ("text", text_cells),
                 ("schema", schema), ("composes", composes)])


lt.run_test(main)
