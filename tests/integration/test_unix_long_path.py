#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A UNIX socket bound to a path that fills all 108 bytes of sun_path.

The kernel sends such a name as 109 bytes (the path and a NUL).  Any user who
can write to /tmp can bind one; it must not push lsock off sock_diag (issue
11): as nobody, `lsock -xl --source=netlink` lists it with its exact name,
the default run does too without a warning, and ss agrees.
"""
import os
import subprocess
import tempfile

import lsocktest as lt


def main():
    d = tempfile.mkdtemp(prefix="lsock108.", dir="/tmp")
    os.chmod(d, 0o777)
    path = d + "/" + "x" * (108 - len(d) - 1)
    lt.expect(len(path) == 108, f"path is {len(path)} bytes")
    holder = subprocess.Popen(lt.as_nobody([lt.helper_path("unix_bind_full"), path]),
                              stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline().split()
        lt.expect(line[:1] == ["ready"], f"holder: {line}")
        inode = int(line[1])

        def netlink_lists_it():
            problems = []
            for args in (["-xl", "--source=netlink", "--json"], ["-xl", "--json"]):
                r = lt.run_lsock(args, nobody=True)
                if r.status != 0 or r.stderr.strip():
                    problems.append(f"{r.describe()}")
                    continue
                socks = [s for s in r.json()["sockets"] if s["inode"] == inode]
                if len(socks) != 1:
                    problems.append(f"{args}: inode {inode} listed {len(socks)} times")
                    continue
                s = socks[0]
                if (s["path"], s["abstract"], s["source"], s["uid"]) != \
                        (path, False, "netlink", lt.NOBODY_UID):
                    problems.append(f"{args}: {s}")
            text = lt.run_lsock(["-xln", "-H"], nobody=True)
            rows = [l for l in text.stdout.splitlines() if str(inode) in l.split()]
            if len(rows) != 1 or not rows[0].endswith(path):
                problems.append(f"text: {rows!r}")
            lt.check(problems, "108-byte path over sock_diag")

        def agrees_with_ss():
            ss = {r["inode"]: r["path"] for r in lt.ss_sockets("-xlpe")[0] if r["proto"] == "unix"}
            ours = {r["inode"]: r["path"] for r in lt.lsock_sockets(["-xl"])[0]
                    if r["proto"] == "unix"}
            lt.expect(ss.get(inode) == path and ours.get(inode) == path,
                      f"ss {ss.get(inode)!r}, lsock {ours.get(inode)!r}")

        lt.main([
            ("nobody's 108-byte path is listed exactly", netlink_lists_it),
            ("lsock and ss agree", agrees_with_ss),
        ])
    finally:
        holder.kill()
        holder.wait()
        subprocess.run(["rm", "-rf", d])


lt.run_test(main)
