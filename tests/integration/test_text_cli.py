# SPDX-License-Identifier: MIT
"""The netstat-style text output of `lsock -tulpn` and friends, and the CLI's
usage-error contract, in a private netns.  Column spacing is free, so rows
are compared token by token."""
import os
import re

import lsocktest as lt

HEADER_RE = re.compile(r"^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State"
                       r"(\s+User\s+Inode)?(\s+PID/Program name)?\s*$")


def rows_of(text):
    """Data rows (token lists) of lsock's text output: not titles/headers."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("Active ") or line.startswith("Proto "):
            continue
        out.append(line.split())
    return out


def find_rows(rows, local, proto=None):
    return [r for r in rows if len(r) > 3 and r[3] == local and (proto is None or r[0] == proto)]


def run_ok(args, **kw):
    r = lt.run_lsock(args, **kw)
    lt.expect(r.status == 0, f"{r.describe()}, expected exit 0\n{r.stdout}")
    return r


def main():
    me = os.getpid()
    with lt.SocketMix() as mix:
        l4 = mix.tcp_listen("0.0.0.0", 2299, backlog=128)
        mix.tcp_listen("::", 2298, v6only=True)
        mix.tcp_listen("::", 2297, v6only=False)
        mix.tcp_listen("127.0.0.1", 22)
        shared = mix.tcp_listen("127.0.0.1", 2296)
        child = mix.share_with_child(shared)
        mix.udp_bind("0.0.0.0", 5399)
        mix.udp_bind("::1", 5398)
        mix.tcp_connect(l4, "127.0.0.1")  # not listening: must not show with -l
        mix.unix_listen("@lsocktest-text")  # no -x: must not show
        inode_2299 = lt.sock_inode(l4)

        def tulpn():
            r = run_ok(["-tulpn"])
            lines = r.stdout.splitlines()
            problems = []
            if not lines or not lines[0].startswith("Active Internet connections"):
                problems.append(f"first line is not the netstat title: {lines[:1]}")
            if len(lines) < 2 or not HEADER_RE.match(lines[1]):
                problems.append(f"second line is not the netstat header: {lines[1:2]}")
            rows = rows_of(r.stdout)
            want = {
                "0.0.0.0:2299": ["tcp", "0", "128", "0.0.0.0:2299", "0.0.0.0:*", "LISTEN", f"{me}/python3"],
                "127.0.0.1:22": ["tcp", "0", "128", "127.0.0.1:22", "0.0.0.0:*", "LISTEN", f"{me}/python3"],
            }
            for local, toks in want.items():
                got = find_rows(rows, local)
                if [toks] != got:
                    problems.append(f"row for {local}: want {toks}, got {got}")
            for local, proto in (("*:2297", "tcp6"), ("[::]:2298", "tcp6")):
                got = find_rows(rows, local)
                if len(got) != 1 or got[0][0] != proto or "LISTEN" not in got[0] or \
                        got[0][-1] != f"{me}/python3":
                    problems.append(f"want one {proto} LISTEN row for {local} owned by {me}/python3, "
                                    f"got {got}")
            for local, proto in (("0.0.0.0:5399", "udp"), ("[::1]:5398", "udp6")):
                got = find_rows(rows, local)
                if len(got) != 1 or got[0][0] != proto or got[0][-1] != f"{me}/python3":
                    problems.append(f"want one {proto} row for {local} owned by {me}/python3, got {got}")
            got = find_rows(rows, "127.0.0.1:2296")
            owners = set(got[0][-1].split(",")) if len(got) == 1 else set()
            if owners != {f"{me}/python3", f"{child}/python3"}:
                problems.append(f"shared listener: want owners {me} and {child} comma-separated, got {got}")
            extra = [x for x in rows if x[3] not in want and x[3] not in
                     ("*:2297", "[::]:2298", "0.0.0.0:5399", "[::1]:5398", "127.0.0.1:2296")]
            if extra:
                problems.append(f"unexpected rows (connected sockets or UNIX with -tulpn?): {extra}")
            if len(rows) != 7:
                problems.append(f"want 7 rows, got {len(rows)}:\n{r.stdout}")
            lt.check(problems, "lsock -tulpn")

        def no_header():
            r = run_ok(["-tulpnH"])
            full = rows_of(run_ok(["-tulpn"]).stdout)
            problems = []
            for line in r.stdout.splitlines():
                if line.startswith("Active ") or line.startswith("Proto "):
                    problems.append(f"header line with -H: {line!r}")
            if sorted(rows_of(r.stdout)) != sorted(full):
                problems.append(f"-H changed the rows:\n{r.stdout}")
            lt.check(problems, "lsock -tulpnH")

        def extend():
            r = run_ok(["-tulne"])
            lines = r.stdout.splitlines()
            problems = []
            if len(lines) < 2 or not re.search(r"\bUser\s+Inode\b", lines[1]):
                problems.append(f"no User and Inode columns in the header: {lines[:2]}")
            got = find_rows(rows_of(r.stdout), "0.0.0.0:2299")
            if len(got) != 1 or str(inode_2299) not in got[0] or \
                    not ({"root", "0"} & set(got[0])):
                problems.append(f"want user root and inode {inode_2299} in the 2299 row, got {got}")
            lt.check(problems, "lsock -tulne")

        def services():
            rows = rows_of(run_ok(["-tl"]).stdout)
            problems = []
            if len(find_rows(rows, "127.0.0.1:ssh")) != 1:
                problems.append(f"without -n port 22 is not shown as 'ssh': {rows}")
            if find_rows(rows, "127.0.0.1:22"):
                problems.append("without -n port 22 is still numeric")
            rows = rows_of(run_ok(["-tln"]).stdout)
            if len(find_rows(rows, "127.0.0.1:22")) != 1:
                problems.append(f"with -n port 22 is not numeric: {rows}")
            lt.check(problems, "service names")

        def families():
            problems = []
            rows4 = rows_of(run_ok(["-tulpn4"]).stdout)
            rows6 = rows_of(run_ok(["-tulpn6"]).stdout)
            if not rows4 or any(r[0] not in ("tcp", "udp") for r in rows4):
                problems.append(f"-4 rows are not all tcp/udp: {rows4}")
            if not rows6 or any(r[0] not in ("tcp6", "udp6") for r in rows6):
                problems.append(f"-6 rows are not all tcp6/udp6: {rows6}")
            if len(rows4) != 4 or len(rows6) != 3:
                problems.append(f"want 4 IPv4 and 3 IPv6 rows, got {len(rows4)} and {len(rows6)}")
            lt.check(problems, "-4 / -6")

        def usage_errors():
            problems = []
            for args in (["--bogus"], ["-Q"], ["-tulpn", "-Q"], ["--tcp=1"], ["--numeric=yes"],
                         ["--source=bogus"], ["--source"], ["-t", "sport", "=", ":notaport:"]):
                r = lt.run_lsock(args)
                errlines = r.stderr.splitlines()
                if r.status != 2 or r.stdout or len(errlines) != 1:
                    problems.append(f"lsock {' '.join(args)}: want exit 2, empty stdout, one stderr line; "
                                    f"got exit {r.status}, stdout {r.stdout[:200]!r}, stderr {r.stderr!r}")
            lt.check(problems, "usage errors")

        def help_version():
            problems = []
            for args in (["--help"], ["-h"], ["--version"], ["-V"]):
                r = lt.run_lsock(args)
                if r.status != 0 or not r.stdout.strip():
                    problems.append(f"lsock {' '.join(args)}: want exit 0 and output, got {r.describe()}")
            lt.check(problems, "--help / --version")

        lt.main([
            ("lsock -tulpn rows", tulpn),
            ("-H drops headers", no_header),
            ("-e adds User and Inode", extend),
            ("service names without -n", services),
            ("-4 / -6", families),
            ("usage errors exit 2", usage_errors),
            ("--help / --version", help_version),
        ])


lt.run_test(main)
