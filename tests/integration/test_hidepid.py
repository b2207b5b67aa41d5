#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Owner visibility under /proc hidepid=2 (issue: hardening, /proc races).

With hidepid=2, other users' /proc/PID directories are not even listed, so
no EACCES ever tells a tool that owners are missing; netstat and ss stay
silent.  lsock must say so once on stderr and set "owners_complete": false,
while still showing the owners it can see.  Root sees through hidepid."""
import subprocess

import lsocktest as lt


def main():
    # Our own /proc mount (unshare --mount-proc): remounting it is private.
    r = subprocess.run(["mount", "-o", "remount,hidepid=2", "/proc"], capture_output=True, text=True)
    if r.returncode != 0:
        lt.skip(f"cannot remount /proc with hidepid=2: {r.stderr.strip()}")

    with lt.SocketMix() as mix:
        root_sock = mix.tcp_listen("127.0.0.1", 7001)
        root_inode = lt.sock_inode(root_sock)
        nobody_pid, nobody_inode = mix.as_nobody_listener("127.0.0.1", 7002)

        def as_nobody():
            res = lt.run_lsock(["-tlnp", "--json"], nobody=True)
            lt.expect(res.status == 0, f"exit status {res.status}: {res.describe()}")
            doc = res.json()
            lt.expect(doc.get("owners_complete") is False,
                      f"owners_complete should be false under hidepid: {doc.get('owners_complete')!r}")
            socks = {s["inode"]: s for s in doc["sockets"]}
            lt.expect(set(socks) >= {root_inode, nobody_inode}, f"listeners missing: {sorted(socks)}")
            lt.expect(socks[root_inode]["owners"] == [],
                      f"root's socket must show no owner to nobody: {socks[root_inode]['owners']}")
            pids = {o["pid"] for o in socks[nobody_inode]["owners"]}
            lt.expect(pids == {nobody_pid}, f"nobody's own socket: owners {pids}, want {{{nobody_pid}}}")
            lines = res.stderr.splitlines()
            lt.expect(len(lines) == 1 and "hidepid" in lines[0],
                      f"want one stderr note naming hidepid, got {lines!r}")

        def as_nobody_text():
            res = lt.run_lsock(["-tlnp"], nobody=True)
            rows = [l.split() for l in res.stdout.splitlines()]
            row = [r for r in rows if "127.0.0.1:7001" in r]
            lt.expect(len(row) == 1 and row[0][-1] == "-", f"root's listener row: {row}")
            row = [r for r in rows if "127.0.0.1:7002" in r]
            lt.expect(len(row) == 1 and row[0][-1] == f"{nobody_pid}/python3", f"nobody's row: {row}")

        def as_root():
            res = lt.run_lsock(["-tlnp", "--json"])
            doc = res.json()
            lt.expect(doc.get("owners_complete") is True, f"root: owners_complete {doc.get('owners_complete')!r}")
            lt.expect(res.stderr == "", f"root: unexpected stderr {res.stderr!r}")
            socks = {s["inode"]: s for s in doc["sockets"]}
            lt.expect({o["pid"] for o in socks[root_inode]["owners"]} == {1},
                      f"root's socket owners: {socks[root_inode]['owners']}")
            lt.expect({o["pid"] for o in socks[nobody_inode]["owners"]} == {nobody_pid},
                      f"nobody's socket owners: {socks[nobody_inode]['owners']}")

        lt.main([
            ("nobody under hidepid=2: note and owners_complete=false", as_nobody),
            ("nobody under hidepid=2: text shows '-' for hidden owners", as_nobody_text),
            ("root under hidepid=2 sees every owner", as_root),
        ])


lt.run_test(main)
