# SPDX-License-Identifier: MIT
"""lsock --kill (issue 15, item 3).

Four connections to one listener: two from 127.0.0.2, two from 127.0.0.1.
- As root, `lsock -K -t src 127.0.0.2` kills exactly the two selected
  client sockets (one "killed" line each, exit 0): ss then lists neither,
  and lists every other socket as before; each peer (the accepted end, in
  this process) sees the reset (ECONNRESET), the others still work.
- As nobody, every kill of the selected sockets is reported as EPERM
  (text and NDJSON), with exit 3, and nothing is closed.
- With no filter, exit 2 and nothing on stdout; with a filter that selects
  nothing, exit 1.
"""
import errno
import json
import re
import socket
import subprocess

import lsocktest as lt

PORT = 7301


def established():
    """(local port, remote port) of the TCP connections ss lists."""
    r = lt.run(["ss", "-tnH", "state", "established"])
    pairs = set()
    for line in r.stdout.splitlines():
        t = line.split()
        pairs.add((int(t[2].rsplit(":", 1)[1]), int(t[3].rsplit(":", 1)[1])))
    return pairs


def setup():
    l = socket.socket()
    l.bind(("127.0.0.1", PORT))
    l.listen(8)
    clients, peers = [], []
    for src in ("127.0.0.2", "127.0.0.2", "127.0.0.1", "127.0.0.1"):
        c = socket.socket()
        c.bind((src, 0))
        c.connect(("127.0.0.1", PORT))
        a, _ = l.accept()
        clients.append(c)
        peers.append(a)
    return l, clients, peers


def case_kill_as_root():
    l, clients, peers = setup()
    before = established()
    killed = {(c.getsockname()[1], PORT) for c in clients[:2]}
    r = lt.run_lsock(["-K", "-tn", "src", "127.0.0.2"])
    lt.expect(r.status == 0, r.describe())
    rows = r.stdout.splitlines()
    lt.expect(len(rows) == 2 and all(re.match(r"^\S+Z killed tcp ", x) for x in rows), f"stdout: {rows}")
    shown = {(int(x.split()[5].rsplit(":", 1)[1]), PORT) for x in rows}
    lt.expect(shown == killed, f"killed {shown}, selected {killed}")
    # The killed ends are gone, and their peers, reset, too; nothing else.
    after = established()
    gone = killed | {(PORT, p) for p, _ in killed}
    lt.expect(after == before - gone, f"ss: {sorted(before)} -> {sorted(after)}")
    for i, a in enumerate(peers):
        a.settimeout(2)
        if i < 2:
            try:
                a.recv(1)
                raise lt.TestFailure(f"peer {i} of a killed socket saw no reset")
            except ConnectionResetError:
                pass
        else:
            clients[i].send(b"x")
            lt.expect(a.recv(1) == b"x", f"peer {i} of a kept socket")
    for s in [l] + clients + peers:
        s.close()


def case_unprivileged():
    l, clients, peers = setup()
    before = established()
    r = lt.run_lsock(["-K", "-tn", "src", "127.0.0.2"], nobody=True)
    lt.expect(r.status == 3, r.describe())
    rows = r.stdout.splitlines()
    lt.expect(len(rows) == 2 and all(x.endswith(": Operation not permitted (EPERM)") and " kill_failed tcp " in x
                                     for x in rows), f"stdout: {rows}")
    r = lt.run_lsock(["-K", "-t", "--ndjson", "src", "127.0.0.2"], nobody=True)
    lt.expect(r.status == 3, r.describe())
    objs = [json.loads(x) for x in r.stdout.splitlines()]
    lt.expect(len(objs) == 2 and all(o["event"] == "kill_failed" and o["error"] == "EPERM" for o in objs),
              f"ndjson: {objs}")
    lt.expect(established() == before, "an unprivileged kill closed something")
    for s in [l] + clients + peers:
        s.close()


def case_usage():
    r = lt.run_lsock(["-K"])
    lt.expect(r.status == 2 and not r.out and "FILTER" in r.stderr, r.describe())
    r = lt.run_lsock(["-Kt", "-a"])
    lt.expect(r.status == 2 and not r.out, r.describe())
    r = lt.run_lsock(["-Kt", "dport", "=", ":9"])
    lt.expect(r.status == 1 and not r.out, r.describe())


def main():
    lt.main([("-K closes exactly the selected connections", case_kill_as_root),
             ("-K without CAP_NET_ADMIN: EPERM, exit 3", case_unprivileged),
             ("-K needs a filter", case_usage)])


lt.run_test(main)
