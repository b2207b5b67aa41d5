# SPDX-License-Identifier: MIT
"""Hostile names (issue 6, issue 11): UNIX socket names and process names
that hold terminal escapes, newlines, NULs, invalid UTF-8 and invisible or
odd-width characters (U+00A0, U+2028, U+2029, U+200B, U+200F, U+FEFF, CJK,
combining marks) must not break lsock's output.  Text: one row per socket
(for readers that split lines the Unicode way too), no control byte but the
row newlines, C-style escapes (\\x1b \\n \\x07 \\x00 \\xff \\u{00a0}), no
faked columns, columns aligned by terminal width, and a process named "-"
never shown as a bare "-".  JSON: strict UTF-8 that carries the exact
names, with *_hex siblings for invalid UTF-8, and no raw U+2028/U+2029.

The sockets live in a private netns and are held by python3 holders that
rename themselves with prctl(PR_SET_NAME)."""
import os
import tempfile
import shutil
import unicodedata

import lsocktest as lt

# comm values (at most 15 bytes, PR_SET_NAME truncates the rest).
COMM_ESC = b"e\x1b[1m\nvil"        # ESC and a newline
COMM_PAREN = b"x) R 1 2 (y"        # breaks naive /proc/PID/stat parsers
COMM_BAD = b"bad\xff\xfecomm"      # invalid UTF-8
COMM_NBSP = "x\u00a0\u00a0/run/sshd".encode()   # fakes a Path column
COMM_LS = "ls\u2028fake".encode()                # a second row for splitlines()
COMM_ZW = "zw\u200b\u200f\ufeff".encode()        # invisible
COMM_CJK = "\u4e2d\u6587\u8fdb\u7a0b".encode()     # four wide characters
COMM_COMB = "e\u0301e\u0301x".encode()            # combining marks: 3 columns
COMM_DASH = b"-"                                   # reads as "no owner"

# What text output escapes beyond ASCII (escape.h): these general categories.
ESCAPED_GC = {"Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cn"}

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


def utf8_units(b):
    """Splits bytes into (bytes, char or None): a valid UTF-8 sequence and
    its character, or one byte of an invalid sequence."""
    i = 0
    while i < len(b):
        n = 1 if b[i] < 0x80 else 2 if b[i] < 0xe0 else 3 if b[i] < 0xf0 else 4
        try:
            ch = b[i:i + n].decode("utf-8")
            yield b[i:i + n], ch
            i += n
        except UnicodeDecodeError:
            yield b[i:i + 1], None
            i += 1


def text_escape(b):
    """The documented text escape (lsock(8)), with Python's unicodedata as
    the Unicode reference: \\n \\t \\r \\\\ by name, other controls, DEL and
    bytes of invalid UTF-8 as \\xHH, other characters of ESCAPED_GC as
    \\u{xxxx} (lowercase, at least four digits), the rest as they are."""
    named = {0x0a: "\\n", 0x09: "\\t", 0x0d: "\\r", 0x5c: "\\\\"}
    out = []
    for raw, ch in utf8_units(b):
        c = raw[0]
        if c in named:
            out.append(named[c])
        elif ch is None or (c < 0x80 and (c < 0x20 or c == 0x7f)):
            out.append(f"\\x{c:02x}")
        elif c >= 0x80 and unicodedata.category(ch) in ESCAPED_GC:
            out.append(f"\\u{{{ord(ch):04x}}}")
        else:
            out.append(ch)
    return "".join(out)


def name_escape(b):
    """text_escape() of a name in the last column: "-" alone is \\x2d."""
    return "\\x2d" if b == b"-" else text_escape(b)


def width(s):
    """Terminal columns of escaped text: Mn/Me 0, East Asian W/F 2, else 1."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me")
               else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def raw_invisible(text):
    """Characters of text that text output must have escaped."""
    return sorted({f"U+{ord(ch):04X}" for ch in text
                   if ch not in " \n" and unicodedata.category(ch) in ESCAPED_GC})


def bad_bytes(data):
    """Offsets of bytes < 0x20 other than newline, and of 0x7f."""
    return [i for i, c in enumerate(data) if (c < 0x20 and c != 0x0a) or c == 0x7f]


def main():
    d = tempfile.mkdtemp(prefix="lsocktest.")
    os.chmod(d, 0o755)
    db = d.encode()
    nbsp_dir = db + "/x\u00a0\u00a0/run".encode()
    os.makedirs(nbsp_dir)
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
        b"-": (False, "-", None),          # relative too: not "no path"
    }
    for n in (nbsp_dir + b"/sshd.sock",
              db + "/ls\u2028ps\u2029row".encode(),
              db + "/zw\u200bsp\u200f\ufeff".encode(),
              db + "/\u4e2d\u6587\u8def\u5f84.sock".encode(),
              db + "/e\u0301\u0301comb".encode(),
              "\0wide\u3000\u4e2d".encode()):
        names[n] = (n[:1] == b"\0", ("@" + n[1:].decode()) if n[:1] == b"\0" else n.decode(),
                    None)
    tcp = {2401: COMM_ESC, 2402: COMM_PAREN, 2403: COMM_BAD, 2404: COMM_NBSP, 2405: COMM_LS,
           2406: COMM_ZW, 2407: COMM_CJK, 2408: COMM_COMB, 2409: COMM_DASH}
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
            for port, comm in tcp.items():
                if comm not in pid_of:
                    pid_of[comm], inos = h.start(HOLD, comm.hex(), f"tcp:{port}")
                    ino_of[port] = int(inos[0])

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
                # str.splitlines() also ends lines at U+2028, U+2029, U+0085...
                if r.stdout.splitlines() != r.stdout.split("\n")[:-1]:
                    problems.append("a line-splitting reader sees more lines than \\n makes")
                if raw_invisible(r.stdout):
                    problems.append(f"raw {raw_invisible(r.stdout)} in stdout")
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
                    shown = "@" + text_escape(n[1:]) if n[:1] == b"\0" else name_escape(n)
                    want.append((f"unix {n!r}", [f" {ino_of[n]} ",
                                                 f"{pid_esc}/{text_escape(COMM_ESC)}",
                                                 shown]))
                check_text(["-xlp"], want)

            def tcp_text():
                want = [(f"tcp :{port}", [f"127.0.0.1:{port} ", f"{pid_of[c]}/{name_escape(c)}"])
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
                for ch in ("\u2028", "\u2029"):
                    if ch.encode() in r.out:
                        problems.append(f"raw U+{ord(ch):04X} in NDJSON")
                if len(r.out.decode("utf-8").splitlines()) != len(lines):
                    problems.append("a line-splitting reader sees more lines than \\n makes")
                lt.check(problems, "lsock -xtlp --ndjson")

            def stat_parsers():
                # The comm with ") R 1 2 (" must not confuse whoever parses
                # /proc/PID/stat: the pid column is right in text -p output.
                r = lt.run_lsock(["-tlnp", "-k", "local,pid,program"])
                rows = [x.split(None, 2) for x in lt.text_rows(r.stdout)]
                want = ["127.0.0.1:2402", str(pid_paren), "x) R 1 2 (y"]
                lt.expect(want in rows, f"want row {want} in:\n{r.stdout}")

            def columns(args, nfields):
                """Each row of `lsock args` (after the header) has nfields
                fields (Python's split() cuts at any Unicode space, as an
                eye would), and every row's second field starts at the same
                terminal column, header included."""
                r = lt.run_lsock(args)
                problems = [] if r.status == 0 else [r.describe()]
                rows = [x for x in r.stdout.split("\n")[:-1] if x]
                starts = {}
                for i, row in enumerate(rows):
                    if i > 0 and len(row.split()) != nfields:
                        problems.append(f"{len(row.split())} fields, want {nfields}: {row!r}")
                    cell = row.split(" ", 1)[0]
                    rest = row[len(cell):]
                    col = width(cell) + len(rest) - len(rest.lstrip(" "))
                    starts.setdefault(col, []).append(row)
                if len(starts) != 1:
                    problems.append("second column starts at terminal columns " +
                                    ", ".join(f"{c} ({len(v)} rows, e.g. {v[0]!r})"
                                              for c, v in sorted(starts.items())))
                if problems:
                    problems.append("stdout was:\n" + r.stdout)
                lt.check(problems, f"lsock {' '.join(args)}")

            def unix_columns():
                columns(["-xl", "-k", "path,proto"], 2)

            def tcp_columns():
                columns(["-tln", "-k", "program,local"], 2)

            def dash_is_not_no_owner():
                problems = []
                port = next(p for p, c in tcp.items() if c == COMM_DASH)
                for args, want in ((["-k", "local,program"], [f"127.0.0.1:{port}", "\\x2d"]),
                                   (["-k", "local,pid,program"],
                                    [f"127.0.0.1:{port}", str(pid_of[COMM_DASH]), "\\x2d"]),
                                   (["-p"], [f"{pid_of[COMM_DASH]}/\\x2d"])):
                    r = lt.run_lsock(["-tln", "-H"] + args)
                    rows = [x.split() for x in r.stdout.split("\n") if x]
                    # Every socket here has an owner: no "-" at all.
                    bare = [x for x in rows if "-" in x]
                    mine = [x for x in rows if f"127.0.0.1:{port}" in x]
                    if bare:
                        problems.append(f"{args}: bare '-' in {bare}")
                    if len(mine) != 1 or (mine[0][-len(want):] != want and
                                          mine[0][:len(want)] != want):
                        problems.append(f"{args}: row {mine}, want {want}")
                lt.check(problems, "a process named '-'")

            lt.main([
                ("unix names in text (-xlp)", unix_text),
                ("process names in text (-tlnp)", tcp_text),
                ("documented escapes", documented_escapes),
                ("exact names in strict UTF-8 JSON", json_exact),
                ("one NDJSON line per socket", ndjson_one_line_each),
                ("'x) R 1 2 (y' as -k local,pid,program", stat_parsers),
                ("unix names: no fake column, aligned (-xl -k path,proto)", unix_columns),
                ("process names: no fake column, aligned (-tln -k program,local)",
                 tcp_columns),
                ("a process named '-' is not 'no owner'", dash_is_not_no_owner),
            ])
    finally:
        shutil.rmtree(d, ignore_errors=True)


lt.run_test(main)
