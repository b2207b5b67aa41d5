#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A UNIX name holding a newline forges a row in /proc/net/unix (issue 11,
item 1, "Document the fallback's limit").

/proc/net/unix prints names raw, so the abstract name
    "\\0x\\n0000000000000000: 00000002 00000000 00010000 0001 01 31337 /run/sshd-admin.sock"
ends its row at "@x" and the rest parses as a listener on
/run/sshd-admin.sock with inode 31337.  No parser can tell it apart (see
lsock(8)).  What lsock does about it:
  - sock_diag carries names length-delimited, so the default source lists
    the one socket with its exact name, and no forged row;
  - from /proc (--source=proc, or a sandbox that refuses sock_diag) it
    keeps the rows, but notices that /proc/net/unix has more rows than the
    kernel counts UNIX sockets in /proc/net/protocols, and warns once that
    UNIX rows from /proc may be forged;
  - with no forgery and nothing churning it never warns;
  - falling back although the kernel has a UNIX handler warns that names
    may be ambiguous (already so before this test).
"""
import json

import lsocktest as lt

FORGED_INODE = 31337
FORGED = "@x\n0000000000000000: 00000002 00000000 00010000 0001 01 31337 /run/sshd-admin.sock"
WARNING = ("lsock: warning: /proc/net/unix has 1 row(s) more than the kernel has UNIX "
           "sockets: a name holding a newline forges rows there")
AMBIGUOUS = "using /proc/net, where UNIX names may be ambiguous (see lsock(8))"


def unix_rows(r):
    return [s for s in r.json()["sockets"] if s.get("proto") == "unix"]


def main():
    with lt.SocketMix() as mix:
        real = mix.unix_listen(FORGED)
        real_ino = lt.sock_inode(real)
        # Ordinary sockets around it: none of them may count as forged.
        mix.unix_connect(mix.unix_listen("@plain"))
        mix.unix_pair()
        mix.unix_dgram(mix.unix_path("d.sock"))

        def warned(r, what):
            lines = [l for l in r.stderr_lines() if l.startswith(WARNING)]
            lt.expect(r.status == 0, f"{what}: {r.describe()}: want exit 0")
            lt.expect(len(lines) == 1, f"{what}: {r.describe()}: want one line starting "
                                       f"{WARNING!r}")

        def proc_text():
            r = lt.run_lsock(["-xa", "--source=proc"])
            warned(r, "lsock -xa --source=proc")
            if "/run/sshd-admin.sock" in r.stdout:
                print("     (the forged row is listed, as lsock(8) says it must be)")

        def proc_json():
            r = lt.run_lsock(["-xa", "--source=proc", "--json"])
            warned(r, "lsock -xa --source=proc --json")
            inodes = {s["inode"] for s in unix_rows(r)}
            lt.expect(real_ino in inodes, f"the real socket {real_ino} is missing: {r.stdout}")

        def sandboxed():
            r = lt.run_lsock(["-xa", "--json"], sandbox="EPERM")
            warned(r, "nodiag EPERM lsock -xa --json")

        def netlink_exact():
            r = lt.run_lsock(["-xa", "--json"])
            lt.expect(r.status == 0 and not r.stderr_lines(),
                      f"{r.describe()}: want exit 0 and nothing on stderr")
            rows = unix_rows(r)
            mine = [s for s in rows if s["inode"] == real_ino]
            problems = []
            if len(mine) != 1 or mine[0]["path"] != FORGED:
                problems.append(f"socket {real_ino}: {json.dumps(mine)}, want path {FORGED!r}")
            if any(s["inode"] == FORGED_INODE for s in rows):
                problems.append(f"a row with the forged inode {FORGED_INODE}")
            lt.check(problems, "lsock -xa --json (sock_diag)")

        def no_false_alarm():
            real.close()
            bad = []
            for _ in range(20):
                r = lt.run_lsock(["-xa", "--source=proc"])
                if r.status != 0 or r.stderr_lines():
                    bad.append(r.describe())
            lt.check(bad, "no forged name, nothing churning: no warning in 20 runs")

        def ambiguous_on_noisy_fallback():
            # ENOBUFS is no "not here" error: the kernel has a UNIX handler.
            r = lt.run_lsock(["-xa"], sandbox="ENOBUFS")
            lt.expect(r.status == 0 and any(l.endswith(AMBIGUOUS) for l in r.stderr_lines()),
                      f"{r.describe()}: want exit 0 and a line ending {AMBIGUOUS!r}")

        lt.main([
            ("--source=proc: the excess row is warned about (text)", proc_text),
            ("--source=proc: the excess row is warned about (JSON)", proc_json),
            ("sock_diag refused: the excess row is warned about", sandboxed),
            ("sock_diag: the exact name, no forged row", netlink_exact),
            ("a noisy UNIX fallback says names may be ambiguous", ambiguous_on_noisy_fallback),
            ("no forgery: no warning", no_false_alarm),
        ])


lt.run_test(main)
