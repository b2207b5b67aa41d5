#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""With -x -p, a UNIX client and server in two processes show each other's
owners: the peer_owners column ("->PID/comm") and the JSON "peer": {"inode",
"owners"}, taken from the one owner walk (the peer's holders are recorded
even when a filter hides the peer's own row).  Without -p there is no peer
key; the peer of an unaccepted client (an embryo without an inode) has
none."""
import os

import lsocktest as lt

SERVER = r"""
set_comm(b"lsserver")
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(sys.argv[1])
l.listen(4)
print("ready", flush=True)  # not ready(): it would block before the accept
a, _ = l.accept()
print(os.fstat(a.fileno()).st_ino, flush=True)
sys.stdin.read()
"""

CLIENT = r"""
set_comm(b"lsclient")
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(sys.argv[1])
ready(os.fstat(c.fileno()).st_ino)
"""

PENDING = r"""
set_comm(b"lspending")
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(sys.argv[1])
ready(os.fstat(c.fileno()).st_ino)
"""


def main():
    with lt.SocketMix() as mix, lt.Holders() as h:
        path = os.path.join(mix.dir, "peer.sock")
        sp, sfacts = h.start_proc(SERVER, path)
        cpid, cfacts = h.start(CLIENT, path)
        accepted = int(sp.stdout.readline())
        client = int(cfacts[0])
        spid = sp.pid
        lpath = os.path.join(mix.dir, "nobody-accepts.sock")
        import socket
        nl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        nl.bind(lpath)
        nl.listen(4)
        mix.socks.append(nl)
        ppid, pfacts = h.start(PENDING, lpath)
        pending = int(pfacts[0])

        def json_peers():
            doc, _ = lt.lsock_doc(["-xanp"])
            by = {s["inode"]: s for s in doc["sockets"]}
            p = []
            for ino, peer_ino, pid, comm in ((accepted, client, cpid, "lsclient"),
                                             (client, accepted, spid, "lsserver")):
                peer = by.get(ino, {}).get("peer")
                want = {"inode": peer_ino, "owners": [pid], "comm": comm}
                got = peer and {"inode": peer["inode"], "owners": [o["pid"] for o in peer["owners"]],
                                "comm": peer["owners"][0]["comm"] if peer["owners"] else None}
                if got != want:
                    p.append(f"inode {ino}: peer {peer}, want {want}")
            if by.get(pending, {}).get("peer", "absent") is not None:
                p.append(f"unaccepted client: peer {by.get(pending, {}).get('peer')}, want null")
            doc, _ = lt.lsock_doc(["-xan"])
            if any("peer" in s for s in doc["sockets"]):
                p.append("a peer key without -p")
            lt.check(p, "JSON peer owners")

        def text_peers():
            r = lt.run_lsock(["-xanpH", "-k", "inode,peer_owners"])
            rows = dict(x.split() for x in r.stdout.splitlines())
            p = []
            if rows.get(str(accepted)) != f"->{cpid}/lsclient":
                p.append(f"server end: {rows.get(str(accepted))}, want ->{cpid}/lsclient")
            if rows.get(str(client)) != f"->{spid}/lsserver":
                p.append(f"client end: {rows.get(str(client))}, want ->{spid}/lsserver")
            if rows.get(str(pending)) != "-":
                p.append(f"unaccepted client: {rows.get(str(pending))}, want -")
            # the default -xp layout has the column, before the path
            r = lt.run_lsock(["-xnp"])
            head = next(x for x in r.stdout.splitlines() if x.startswith("Proto"))
            if head.split()[-2:] != ["Peer", "Path"]:
                p.append(f"-xp header: {head!r}")
            lt.check(p, "text peer owners")

        def filtered_peer():
            # The peer's row is filtered out; its owners are still known.
            doc, _ = lt.lsock_doc(["-xanp", "src", path])
            rows = [s for s in doc["sockets"] if s["inode"] == accepted]
            p = []
            if len(rows) != 1 or not rows[0]["peer"] or \
                    [o["pid"] for o in rows[0]["peer"]["owners"]] != [cpid]:
                p.append(f"rows {rows}")
            if any(s["inode"] == client for s in doc["sockets"]):
                p.append("the filter kept the client's row")
            lt.check(p, "peer owners of a filtered-out peer")

        lt.main([
            ("JSON: peer inode and owners", json_peers),
            ("text: ->PID/comm", text_peers),
            ("filtered-out peer", filtered_peer),
        ])


lt.run_test(main)
