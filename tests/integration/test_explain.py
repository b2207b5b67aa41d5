#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--explain: each note appears exactly when its condition is in the output.

The oracle reads the printed table itself (cells, not lsock's model): a
LISTEN state, a local 0.0.0.0 / * / [::], a ::ffff: address, a local port
below 1024 or in the ephemeral range (which the test sets per namespace),
UNCONN, TIME_WAIT, CLOSE_WAIT, and an owner '-' with or without an inode.
For every row it computes the notes that concern it and checks the row's
marker cell against them, and it checks that the notes printed are exactly
the union, numbered 1..n.  Runs several argument sets (so that notes are
also checked to be absent), one as nobody (owners hidden), and checks that
JSON does not change with --explain."""
import os
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lsocktest as lt  # noqa: E402

EPH = (40000, 40999)

# Note -> the start of its text (C locale).
PREFIX = {
    "listen": "LISTEN: Recv-Q",
    "any4": "0.0.0.0: every IPv4",
    "dual": "*: an IPv6 socket",
    "any6": "[::]: every IPv6",
    "mapped": "::ffff:a.b.c.d:",
    "priv": "A local port below 1024",
    "eph": "A local port in 40000-40999",
    "unconn": "UNCONN:",
    "tw": "TIME_WAIT:",
    "cw": "CLOSE_WAIT:",
    "noholder": "Owner '-': no process",
    "hidden": "Owner '-': a process holds",
}
PORTED = {"tcp", "tcp6", "udp", "udp6", "udpl", "udpl6"}


def port_of(endpoint):
    p = endpoint.rsplit(":", 1)[1]
    return int(p) if p.isdigit() else None


def expected_notes(header, cells):
    """The notes a row concerns, from its cells (header: column names)."""
    col = {h: cells[i] for i, h in enumerate(header) if i < len(cells)}
    notes = set()
    state = col.get("State")
    if state == "LISTEN" and ("Recv-Q" in col or "Send-Q" in col):
        notes.add("listen")
    local = col.get("Local Address")
    if local is not None and not col["Proto"].startswith("unix"):
        if local.startswith("0.0.0.0:"):
            notes.add("any4")
        if local.startswith("*:"):
            notes.add("dual")
        if local.startswith("[::]:"):
            notes.add("any6")
        port = port_of(local)
        if col["Proto"] in PORTED and port:
            if port < 1024:
                notes.add("priv")
            if EPH[0] <= port <= EPH[1]:
                notes.add("eph")
    if "[::ffff:" in (local or "") or "[::ffff:" in col.get("Foreign Address", ""):
        notes.add("mapped")
    if state == "UNCONN":
        notes.add("unconn")
    if state == "TIME_WAIT":
        notes.add("tw")
    if state == "CLOSE_WAIT":
        notes.add("cw")
    if col.get("PID/Program name") == "-":
        notes.add("noholder" if col.get("Inode") == "-" else "hidden")
    return notes


def check_explain(args, *, nobody=False, want=None, avoid=()):
    r = lt.run_lsock(args + ["--explain"], nobody=nobody)
    lt.expect(r.status == 0, r.describe())
    text = r.stdout
    table, _, notes_text = text.partition("\nNotes:\n")
    numbered = {}
    for line in notes_text.splitlines():
        m = re.match(r"^\[(\d+)\] (.*)$", line)
        if m:
            numbered[int(m.group(1))] = m.group(2)
    names = {}
    for num, t in numbered.items():
        hits = [n for n, p in PREFIX.items() if t.startswith(p)]
        lt.expect(len(hits) == 1, f"note [{num}] is none of the known notes: {t!r}")
        names[num] = hits[0]
    lt.expect(sorted(numbered) == list(range(1, len(numbered) + 1)),
              f"notes numbered 1..n: {sorted(numbered)}")
    union, problems, header = set(), [], None
    for line in table.splitlines():
        if not line.strip() or line.startswith("Active "):
            continue
        if line.startswith("Proto "):
            header = re.split(r"  +", line.strip())
            lt.expect(header[-1] == "Notes", f"a Notes column: {header}")
            continue
        cells = line.split()
        marks = set()
        if cells[-1].startswith("[") and len(cells) == len(header):
            marks = {names.get(int(n)) for n in cells[-1].strip("[]").split(",")}
            cells = cells[:-1]
        want_row = expected_notes(header[:-1], cells)
        union |= want_row
        if marks != want_row:
            problems.append(f"{line.strip()}: markers {sorted(map(str, marks))}, "
                            f"expected {sorted(want_row)}")
    lt.check(problems, f"markers of `{' '.join(args)}`")
    lt.expect(set(names.values()) == union,
              f"`{' '.join(args)}`: notes {sorted(names.values())}, expected {sorted(union)}")
    if want is not None:
        lt.expect(set(want) <= union, f"the mix shows {sorted(want)}: {sorted(union)}")
    lt.expect(not (set(avoid) & union), f"not {sorted(avoid)}: {sorted(union)}")
    if not union:
        lt.expect("Notes" not in text, "no notes, no Notes section")
    return union


def main():
    lt.set_netns_sysctl("net/ipv4/ip_local_port_range", f"{EPH[0]} {EPH[1]}")
    with lt.SocketMix() as mix:
        web = mix.tcp_listen("0.0.0.0", 80)
        dual = mix.tcp_listen("::", 8443, v6only=False)
        mix.tcp_listen("::", 8444, v6only=True)
        mix.tcp_connect(web, "127.0.0.1")
        mix.tcp_connect(dual, "127.0.0.1")  # accepted as [::ffff:127.0.0.1]:8443
        mix.tcp_time_wait(web)
        # CLOSE_WAIT: the client closes, the server keeps its socket open.
        c = socket.create_connection(("127.0.0.1", 80))
        srv, _ = web.accept()
        mix._keep(srv, "server side left in CLOSE_WAIT")
        c.close()
        lt.wait_until(lambda: srv.recv(1) == b"", "EOF at the server")
        mix.udp_bind("0.0.0.0", 5353)
        a, b = mix.unix_pair()

        def everything():
            check_explain(["-tuanpe"], want=set(PREFIX) - {"hidden"})

        def narrow():
            check_explain(["-tlnpe", "sport", "=", ":8444"], want={"listen", "any6"},
                          avoid={"priv", "eph", "any4", "tw", "cw", "noholder", "hidden"})
            check_explain(["-tn", "state", "time-wait"], want={"tw", "eph"},
                          avoid={"listen", "noholder"})
            check_explain(["-un", "-l"], want={"unconn", "any4"}, avoid={"listen", "tw"})

        def hidden_owners():
            check_explain(["-tlnpe"], nobody=True, want={"hidden"})

        def none_at_all():
            r = lt.run_lsock(["-x", "-n", "--explain"])
            lt.expect(r.status == 0 and "Notes" not in r.stdout,
                      f"UNIX connections need no note:\n{r.stdout}")

        def json_unchanged():
            for fmt in ("--json", "--ndjson"):
                a1 = lt.run_lsock(["-tuanp", fmt, "--sort", "inode"])
                a2 = lt.run_lsock(["-tuanp", fmt, "--sort", "inode", "--explain"])
                lt.expect(a1.out == a2.out and b"Notes" not in a2.out, f"{fmt} with --explain")

        lt.main([("every note", everything), ("each note only when", narrow),
                 ("owners hidden", hidden_owners), ("no notes", none_at_all),
                 ("JSON unchanged", json_unchanged)])


lt.run_test(main)
