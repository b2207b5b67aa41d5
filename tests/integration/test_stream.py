# SPDX-License-Identifier: MIT
"""Streamed listings (issue 16, part 3): with no --sort and no owners,
lsock renders and flushes the rows in batches of LSOCK_BATCH_ROWS as the
dump brings them; LSOCK_BATCH_ROWS=0 forces the table of every row.

Over the same load (the standard mix, plus some thousands of TCP
connections and UNIX pairs, so that every dump needs many datagrams and
the stream many batches), the streamed JSON and NDJSON must equal the
table's byte for byte at every batch size (order included: IPv6 TCP rows
after the IPv4 ones, UNIX after Internet), with the same exit status and
stderr.  Text must equal it byte for byte when one batch holds every row;
with batches of one row it has the same rows, cells and headers, only
spaced as the rows so far need (which shows that it did stream: the
table's widths are the whole listing's).
"""
import os
import resource
import socket

import lsocktest as lt

CONNS = 3000       # TCP connections: 6000 sockets
UNIX_PAIRS = 1500  # 3000 UNIX sockets
if lt.lsock_wrapper():
    # Under valgrind (CI's valgrind stage) each run is some 50 times
    # slower: a tenth of the load still makes batches of one row by the
    # thousand.
    CONNS, UNIX_PAIRS = 300, 150

# Streamed when LSOCK_BATCH_ROWS is not 0.
STREAMED = [
    ["-tuxan", "--json"],
    ["-tuxan", "--ndjson"],
    ["-tuan", "--json", "-6"],
    ["-xa", "--ndjson"],
    ["-tln", "--json"],
    ["-tan", "--ndjson", "state", "established", "sport", ">", ":1024"],
    ["-tuxa", "--json"],
    ["-uan", "--json", "dport", "=", ":9"],  # nothing matches: exit 1
]
# Never streamed (sort, owners, summary, extensions): the same either way.
TABLED = [
    ["-tan", "--json", "--sort", "local"],
    ["-tuxanp", "--json"],
    ["-tuan", "--ndjson", "--sort", "-rport"],
    ["-tane", "--ndjson"],
]
# (arguments, whether rows of one must be spaced otherwise than the table:
# the mix's IPv6 rows, listed after the IPv4 ones, have the widest addresses)
TEXT = [(["-tan"], True), (["-tuxan"], True), (["-tuxa"], True), (["-H", "-tuan"], False),
        (["-k", "proto,local,remote,state", "-tuxan"], False)]
BATCHES = ["1", "7", "4096", "1000000"]


def env(batch):
    e = dict(os.environ)
    if batch is None:
        e.pop("LSOCK_BATCH_ROWS", None)
    else:
        e["LSOCK_BATCH_ROWS"] = batch
    return e


def listing(args, batch):
    r = lt.run_lsock(args, env=env(batch))
    return r.status, r.out, r.err


class Load:
    def __init__(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        self.socks = []
        listeners = []
        for port in range(7100, 7110):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(4096)
            listeners.append(s)
        for i in range(CONNS):
            c = socket.create_connection(("127.0.0.1", 7100 + i % 10))
            a, _ = listeners[i % 10].accept()
            self.socks += [c, a]
        for _ in range(UNIX_PAIRS):
            self.socks += list(socket.socketpair())
        self.socks += listeners

    def close(self):
        for s in self.socks:
            s.close()


def main():
    mix = lt.SocketMix()
    load = None
    try:
        lt.build_standard_mix(mix)
        load = Load()

        def same_as_table(cmds, batches):
            problems = []
            for args in cmds:
                want = listing(args, "0")
                if want[0] not in (0, 1):
                    problems.append(f"lsock {' '.join(args)} (table): exit {want[0]}: {want[2]}")
                for b in batches:
                    got = listing(args, b)
                    # The mix's TIME_WAIT socket may end between two runs
                    # (60 s, and an ASan build is slow): one change of the
                    # load shows in one table run or the other.
                    if got != want:
                        want = listing(args, "0")
                    if got != want:
                        problems.append(
                            f"lsock {' '.join(args)} with LSOCK_BATCH_ROWS={b}: exit {got[0]} "
                            f"(table {want[0]}), {len(got[1])} bytes (table {len(want[1])}), "
                            f"stderr {got[2][:200]!r} (table {want[2][:200]!r}); first "
                            f"difference at byte {first_diff(got[1], want[1])}")
            lt.check(problems, "streamed output against the table's")

        def json_rows():
            same_as_table(STREAMED, BATCHES + [None])
            # The load is there: enough rows for many batches.
            r = lt.run_lsock(["-tuxan", "--ndjson"])
            n = r.out.count(b"\n")
            lt.expect(n >= 2 * CONNS + 2 * UNIX_PAIRS,
                      f"only {n} rows listed for a load of {2 * CONNS + 2 * UNIX_PAIRS}")

        def tabled():
            same_as_table(TABLED, ["1"])

        def text():
            problems = []
            for args, spaced in TEXT:
                want = listing(args, "0")
                if want[0] != 0:
                    problems.append(f"lsock {' '.join(args)} (table): exit {want[0]}: {want[2]}")
                got = listing(args, "1000000")
                if got != want:
                    want = listing(args, "0")  # the TIME_WAIT socket, as above
                if got != want:
                    problems.append(f"lsock {' '.join(args)}: one batch differs from the table")
                got = listing(args, "1")
                if got[0] != want[0] or got[2] != want[2]:
                    problems.append(f"lsock {' '.join(args)} by rows of one: exit {got[0]} "
                                    f"(table {want[0]}), stderr {got[2][:200]!r}")
                g, w = got[1].decode().split("\n"), want[1].decode().split("\n")
                if [x.split() for x in g] != [x.split() for x in w]:
                    problems.append(f"lsock {' '.join(args)} by rows of one: other cells "
                                    f"than the table's")
                if spaced and got[1] == want[1]:
                    problems.append(f"lsock {' '.join(args)} by rows of one: spaced as the "
                                    f"whole table (not streamed?)")
            lt.check(problems, "streamed text")

        def bad_value():
            problems = []
            for v in ("x", "-1", "16777217", "1e3", " 5"):
                r = lt.run_lsock(["-tan"], env=env(v))
                if r.status != 2 or r.out or r.err.count(b"\n") != 1 or \
                        b"LSOCK_BATCH_ROWS" not in r.err:
                    problems.append(f"LSOCK_BATCH_ROWS={v!r}: {r.describe()}")
            lt.check(problems, "bad LSOCK_BATCH_ROWS")

        lt.main([
            ("JSON and NDJSON streamed equal the table's", json_rows),
            ("listings that need the table are unchanged", tabled),
            ("text streamed has the table's rows", text),
            ("a bad LSOCK_BATCH_ROWS is a usage error", bad_value),
        ])
    finally:
        if load:
            load.close()
        mix.close()


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


lt.run_test(main)
