# SPDX-License-Identifier: MIT
"""Hostile names (issue 6): UNIX socket names and process names that hold
terminal escapes, newlines, NULs and invalid UTF-8 must not break lsock's
output.  Text: one row per socket, no control byte but the row newlines,
C-style escapes (\\x1b \\n \\x07 \\x00 \\xff).  JSON: strict UTF-8 that
carries the exact names, with *_hex siblings for invalid UTF-8.

The sockets live in a private netns and are held by python3 holders that
rename themselves with prctl(PR_SET_NAME)."""
import os
import tempfile
import shutil

import lsocktest as lt

# comm values (at most 15 bytes, PR_SET_NAME truncates the rest).
COMM_ESC = b"e\x1b[1m\nvil"        # ESC and a newline
COMM_PAREN = b"x) R 1 2 (y"        # breaks naive /proc/PID/stat parsers
COMM_BAD = b"bad\xff\xfecomm"      # invalid UTF-8

HOLD = r"""
set_comm(bytes.fromhex(sys.argv[1]))
keep, facts = [], []
for spec in sys.argv[2:]:
    kind, val = spec.split(":", 1)
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(bytes.fromhex(val))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", int(val)))
    s.listen(4)
    keep.append(s)
    facts.append(os.fstat(s.fileno()).st_ino)
ready(*facts)
"""


def text_escape(b):
    """The documented text escape of bytes that are ASCII or invalid UTF-8
    (every name here is): \\n \\t \\r \\\\ by name, other controls, DEL and
    bytes >= 0x80 (never valid UTF-8 in these names) as \\xHH."""
    named = {0x0a: "\\n", 0x09: "\\t", 0x0d: "\\r", 0x5c: "\\\\"}
    out = []
    for c in b:
        if c in named:
            out.append(named[c])
        elif c < 0x20 or c >= 0x7f:
            out.append(f"\\x{c:02x}")
        else:
            out.append(chr(c))
    return "".join(out)


def bad_bytes(data):
    """Offsets of bytes < 0x20 other than newline, and of 0x7f."""
    return [i for i, c in enumerate(data) if (c < 0x20 and c != 0x0a) or c == 0x7f]


def main():
    d = tempfile.mkdtemp(prefix="lsocktest.")
    os.chmod(d, 0o755)
    db = d.encode()
    # name bytes as bound (sun_path) -> (abstract?, what JSON "path" must say,
    # path_hex or None)
    esc_path = db + b"/red\x1b[31mX\nfake 0 0 LISTEN"
    bad_path = db + b"/bad\xff\xfe"
    names = {
        esc_path: (False, esc_path.decode(), None),
        bad_path: (False, d + "/bad\ufffd\ufffd", bad_path.hex()),
        b"\0abs\x1b]0;pwned\x07": (True, "@abs\x1b]0;pwned\x07", None),
        b"\0abs\0nul": (True, "@abs\0nul", None),
        b"\0absbad\xff": (True, "@absbad\ufffd", b"absbad\xff".hex()),
        b"@lit": (False, "@lit", None),    # relative path bound from cwd d
    }
    tcp = {2401: COMM_ESC, 2402: COMM_PAREN, 2403: COMM_BAD}
    try:
        with lt.Holders() as h:
            pid_esc, inos = h.start(HOLD, COMM_ESC.hex(), *[f"unix:{n.hex()}" for n in names],
                                    "tcp:2401", cwd=d)
            ino_of = dict(zip(list(names) + [2401], (int(x) for x in inos)))
            pid_paren, inos = h.start(HOLD, COMM_PAREN.hex(), "tcp:2402")
            ino_of[2402] = int(inos[0])
            pid_bad, inos = h.start(HOLD, COMM_BAD.hex(), "tcp:2403")
            ino_of[2403] = int(inos[0])
            pid_of = {COMM_ESC: pid_esc, COMM_PAREN: pid_paren, COMM_BAD: pid_bad}

            def check_text(args, want):
                """want: list of (what, [substrings that must share one row])."""
                r = lt.run_lsock(args)
                problems = []
                if r.status != 0:
                    problems.append(r.describe())
                bad = bad_bytes(r.out)
                if bad:
                    problems.append(f"control bytes at offsets {bad[:10]} in stdout: {r.out!r}")
                rows = lt.text_rows(r.stdout)
                if len(rows) != len(want):
                    problems.append(f"{len(rows)} rows for {len(want)} sockets")
                for what, needles in want:
                    hits = [x for x in rows if all(n in x for n in needles)]
                    if len(hits) != 1:
                        problems.append(f"{what}: want one row containing {needles}, "
                                        f"got {len(hits)}")
                if problems:
                    problems.append("stdout was:\n" + r.stdout)
                lt.check(problems, f"lsock {' '.join(args)}")

            def unix_text():
                want = []
                for n in names:
                    shown = "@" + text_escape(n[1:]) if n[:1] == b"\0" else text_escape(n)
                    want.append((f"unix {n!r}", [f" {ino_of[n]} ",
                                                 f"{pid_esc}/{text_escape(COMM_ESC)}",
                                                 shown]))
                check_text(["-xlp"], want)

            def tcp_text():
                want = [(f"tcp :{port}", [f"127.0.0.1:{port} ", f"{pid_of[c]}/{text_escape(c)}"])
                        for port, c in tcp.items()]
                check_text(["-tlnp"], want)

            def documented_escapes():
                r = lt.run_lsock(["-xtlp"])
                out = r.stdout
                problems = []
                for esc in ("\\x1b", "\\n", "\\x07", "\\x00", "\\xff"):
                    if esc not in out:
                        problems.append(f"escape {esc} not in the output")
                if "x) R 1 2 (y" not in out:
                    problems.append("comm 'x) R 1 2 (y' not shown whole")
                if problems:
                    problems.append("stdout was:\n" + out)
                lt.check(problems, "documented escapes")

            def json_exact():
                # lsock_doc decodes strictly as UTF-8 before json.loads.
                doc, r = lt.lsock_doc(["-xtlp"])
                problems = []
                by_ino = {s.get("inode"): s for s in doc["sockets"]}
                if len(doc["sockets"]) != len(names) + len(tcp):
                    problems.append(f"{len(doc['sockets'])} sockets, want {len(names) + len(tcp)}")
                for n, (abstract, path, hexed) in names.items():
                    s = by_ino.get(ino_of[n])
                    if s is None:
                        problems.append(f"no socket for {n!r}")
                        continue
                    if s.get("path") != path:
                        problems.append(f"{n!r}: path {s.get('path')!r}, want {path!r}")
                    if s.get("abstract") is not abstract:
                        problems.append(f"{n!r}: abstract {s.get('abstract')!r}, want {abstract}")
                    if s.get("path_hex") != hexed:
                        problems.append(f"{n!r}: path_hex {s.get('path_hex')!r}, want {hexed!r}")
                    owners = s.get("owners") or []
                    comms = {(o.get("pid"), o.get("comm"), o.get("comm_hex")) for o in owners}
                    if comms != {(pid_esc, COMM_ESC.decode(), None)}:
                        problems.append(f"{n!r}: owners {owners}, want pid {pid_esc} "
                                        f"comm {COMM_ESC.decode()!r}")
                for port, c in tcp.items():
                    s = by_ino.get(ino_of[port])
                    if s is None:
                        problems.append(f"no socket for tcp :{port}")
                        continue
                    try:
                        want = (pid_of[c], c.decode(), None)
                    except UnicodeDecodeError:
                        want = (pid_of[c], c.decode("utf-8", "replace"), c.hex())
                    owners = s.get("owners") or []
                    got = {(o.get("pid"), o.get("comm"), o.get("comm_hex")) for o in owners}
                    if got != {want}:
                        problems.append(f"tcp :{port}: owners {owners}, want (pid, comm, "
                                        f"comm_hex) {want}")
                if problems:
                    problems.append("stdout was:\n" + r.stdout)
                lt.check(problems, "lsock -xtlp --json")

            def ndjson_one_line_each():
                r = lt.run_lsock(["-xtlp", "--ndjson"])
                problems = [] if r.status == 0 else [r.describe()]
                lines = r.out.split(b"\n")
                if lines[-1] != b"":
                    problems.append("output does not end in a newline")
                lines = lines[:-1]
                if len(lines) != len(names) + len(tcp):
                    problems.append(f"{len(lines)} lines for {len(names) + len(tcp)} sockets")
                if bad_bytes(r.out):
                    problems.append("raw control bytes in NDJSON")
                lt.check(problems, "lsock -xtlp --ndjson")

            def stat_parsers():
                # The comm with ") R 1 2 (" must not confuse whoever parses
                # /proc/PID/stat: the pid column is right in text -p output.
                r = lt.run_lsock(["-tlnp", "-o", "local,pid,program"])
                rows = [x.split(None, 2) for x in lt.text_rows(r.stdout)]
                want = ["127.0.0.1:2402", str(pid_paren), "x) R 1 2 (y"]
                lt.expect(want in rows, f"want row {want} in:\n{r.stdout}")

            lt.main([
                ("unix names in text (-xlp)", unix_text),
                ("process names in text (-tlnp)", tcp_text),
                ("documented escapes", documented_escapes),
                ("exact names in strict UTF-8 JSON", json_exact),
                ("one NDJSON line per socket", ndjson_one_line_each),
                ("'x) R 1 2 (y' as -o local,pid,program", stat_parsers),
            ])
    finally:
        shutil.rmtree(d, ignore_errors=True)


lt.run_test(main)
