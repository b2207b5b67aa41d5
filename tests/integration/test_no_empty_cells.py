# SPDX-License-Identifier: MIT
"""No text cell is ever empty (issue 9, 4.1): every row has exactly as many
whitespace-separated fields as there are columns, so `awk` sees the same
number of fields on every row.  `*` stands for an unnamed UNIX socket (as
the Local Address column shows it), `-` for a value a socket does not have,
and an empty process name (prctl(PR_SET_NAME, "")) prints as "".

Every column named in `lsock --help`'s Columns section (so the test follows
the column table) is checked on every row kind: TCP v4/v6 listeners and
connections, TIME_WAIT, UDP, UDP-Lite, RAW, UNIX with a path, an abstract
name and none, owned and unowned sockets, a process with an empty name;
from sock_diag and from /proc/net.  The names in the mix have no spaces,
so a name column may be last: each column is checked once in the middle
of a row (all of them at once) and once at its end."""

import lsocktest as lt

# A process whose comm is empty, holding an inet and a UNIX socket.
EMPTY_COMM = r"""
set_comm(b"")
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 2402))
s.listen(1)
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ready(os.fstat(s.fileno()).st_ino, os.fstat(u.fileno()).st_ino)
"""


def help_columns():
    """The column names listed under "Columns" in `lsock --help`."""
    r = lt.run_lsock(["--help"])
    lt.expect(r.status == 0, r.describe())
    lines = r.stdout.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("Columns"))
    cols = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        cols.append(line.split()[0])
    lt.expect(len(cols) >= 20 and "path" in cols and "program" in cols,
              f"no column list in --help: {cols}")
    return cols


def kinds(doc):
    """The row kinds a JSON document holds."""
    seen = set()
    for s in doc["sockets"]:
        seen.add(s["source"])
        seen.add(s["proto"])
        seen.add(s["family"])
        if s["state"] == "TIME_WAIT":
            seen.add("TIME_WAIT")
        if s["family"] == "unix":
            seen.add("unnamed" if s["path"] is None else
                     "abstract" if s["abstract"] else "path")
        if "owners" in s:
            seen.add("owned" if s["owners"] else "unowned")
            if any(o["comm"] == "" for o in s["owners"]):
                seen.add("empty comm")
    return seen


WANT_KINDS = {"tcp", "udp", "udplite", "raw", "unix", "inet", "inet6", "TIME_WAIT",
              "unnamed", "abstract", "path", "owned", "unowned", "empty comm"}


EXT_COLUMNS = {"timer", "sk", "shutdown", "peer_owners", "vfs", "pending", "skmem", "tcp_info"}


def field_problems(r, ncols, nrows, what, words_last=False):
    """Problems unless r listed nrows rows of exactly ncols fields each (with
    words_last, at least ncols: the last cell is ss's words, tcp_info)."""
    if r.status != 0:
        return [f"{what}: {r.describe()}"]
    lines = r.stdout.split("\n")
    if lines[-1] != "":
        return [f"{what}: output does not end in a newline: {r.stdout[-200:]!r}"]
    lines = lines[:-1]
    problems = [f"{what}: row {i + 1} has {len(x.split())} field(s), not {ncols}: {x!r}"
                for i, x in enumerate(lines)
                if len(x.split()) != ncols and not (words_last and len(x.split()) > ncols)]
    if len(lines) != nrows:
        problems.append(f"{what}: {len(lines)} rows, but --json lists {nrows} sockets")
    return problems


def main():
    cols = help_columns()
    with lt.SocketMix() as mix:
        lt.build_standard_mix(mix)
        mix.udplite_bind("::1", 5555)
        mix.raw_icmp("127.0.0.1")
        pid, facts = mix.holders.start(EMPTY_COMM)
        with open(f"/proc/{pid}/comm", "rb") as f:
            lt.expect(f.read() == b"\n", "prctl(PR_SET_NAME, \"\") did not empty the comm")
        empty_inet, empty_unix = int(facts[0]), int(facts[1])

        def check_source(source, want_source):
            base = ["-a", "-p", "-H", f"--source={source}"]
            doc, _ = lt.lsock_doc(["-a", "-p", f"--source={source}"])
            n = len(doc["sockets"])
            problems = []
            missing = (WANT_KINDS | {want_source}) - kinds(doc)
            if missing:
                problems.append(f"the mix does not exercise {sorted(missing)}")
            # Every column in the middle of a row, at once.
            spec = ",".join(["proto"] + cols + ["state"])
            problems += field_problems(lt.run_lsock(base + ["-k", spec]), len(cols) + 2, n,
                                       f"-k {spec}")
            # Every column at the end of a row, where a name may keep its
            # spaces.  Of the extension columns only those that hold names
            # or ss's words: the others print no space anywhere, as the
            # spec above shows (and the TIME_WAIT of the mix lasts 60 s,
            # which the runs under valgrind must not outlast).
            for col in cols:
                if col in EXT_COLUMNS - {"tcp_info", "peer_owners"}:
                    continue
                problems += field_problems(lt.run_lsock(base + ["-k", f"proto,{col}"]), 2, n,
                                           f"-k proto,{col}", words_last=col == "tcp_info")
            lt.check(problems, f"--source={source}: fields per row")

        def default_layouts():
            problems = []
            # -p adds the UNIX peer's owners; -e the cookie and shutdown state,
            # and for UNIX the vfs and pending columns.
            for args, inet_cols, unix_cols in ((["-a"], 6, 7), (["-ap"], 7, 9),
                                               (["-ape"], 11, 14), (["-aom"], 8, 8)):
                r = lt.run_lsock(args + ["-H"])
                if r.status != 0:
                    problems.append(r.describe())
                    continue
                for line in r.stdout.splitlines():
                    want = unix_cols if line.startswith("unix ") else inet_cols
                    if len(line.split()) != want:
                        problems.append(f"lsock {' '.join(args)} -H: {len(line.split())} "
                                        f"field(s), not {want}: {line!r}")
            lt.check(problems, "netstat layouts: fields per row")

        def unnamed_path_is_star():
            # The issue's own command printed blank lines.
            r = lt.run_lsock(["-xa", "-H", "-k", "path"])
            lt.expect(r.status == 0, r.describe())
            lines = r.stdout.splitlines()
            lt.expect(lines and all(len(x.split()) == 1 for x in lines),
                      f"lsock -xa -H -k path: empty or blank lines: {r.stdout!r}")
            lt.expect("*" in lines, f"no '*' for the unnamed sockets: {lines}")

        def empty_comm_is_visible():
            problems = []
            for ino in (empty_inet, empty_unix):
                r = lt.run_lsock(["-a", "-p", "-H", "-k", "inode,pid,program,owners"])
                rows = [x.split() for x in r.stdout.splitlines() if x.split()[:1] == [str(ino)]]
                want = [[str(ino), str(pid), '""', f'{pid}/""']]
                if rows != want:
                    problems.append(f"inode {ino}: want {want}, got {rows}")
            lt.check(problems, "an empty process name")

        lt.main([
            # auto: sock_diag, and /proc/net where a kernel lacks raw_diag
            ("every column, sock_diag rows", lambda: check_source("auto", "netlink")),
            ("every column, /proc/net rows", lambda: check_source("proc", "proc")),
            ("netstat layouts (-a, -ap, -ape)", default_layouts),
            ("-xa -H -k path: '*' for unnamed sockets, no blank lines", unnamed_path_is_star),
            ("an empty comm prints as \"\"", empty_comm_is_visible),
        ])


lt.run_test(main)
