# SPDX-License-Identifier: MIT
"""Every usage error that echoes what the user typed (issue 11 §5), and
write errors of --help and --version (issue 11 §7).

Unknown options (long, short, in a cluster, "--tcp=x"), ambiguous
abbreviations, a bad --source value, an unknown --columns column, an unknown
--sort key, bad filter tokens and missing arguments are each given words
holding terminal escapes (CSI, an OSC title sequence ended by BEL), BEL,
newline, CR, DEL, invalid UTF-8, a C1 control and a bidi override.  Each
must give:

  - exit status 2 and nothing on stdout;
  - exactly one line on stderr, starting "lsock: ", valid UTF-8, with no
    byte below 0x20 but the final newline, no DEL, and no C1, format (bidi)
    or line separator characters;
  - the escaped form of what was echoed (lsock(8): \\n \\r \\t \\\\, \\xHH for
    other control bytes and bytes of invalid UTF-8, \\u{XXXX} for invisible
    code points), or, where nothing is echoed (a missing argument, an
    ambiguous abbreviation), the fixed message.

`lsock -h >/dev/full` and `lsock -V >/dev/full` must exit 3 with one
"write error" line; so must they with stdout closed (EBADF).

Each run goes behind LSOCK_WRAPPER (valgrind in CI): any finding of
valgrind's adds lines to stderr and fails the check.  Under a wrapper only
one payload (all the hazards in one word) goes through every error path.
"""
import os
import unicodedata

import lsocktest as lt

PAYLOADS = (
    b"\x1b[31mred",            # ESC: a CSI colour sequence
    b"\x1b]0;pwned\x07",       # OSC 0 (set the window title), ended by BEL
    b"bell\x07",               # BEL
    b"two\nlines",            # a newline: a second, forged, stderr line
    b"cr\rx\x7f",              # CR (overwrites the line) and DEL
    b"\xff\xfebad",            # invalid UTF-8
    b"\xed\xa0\x80sur",        # a UTF-16 surrogate: invalid UTF-8 too
    b"\xc2\x9b31m",            # U+009B, the C1 CSI, as valid UTF-8
    b"\xe2\x80\xaeevil",       # U+202E RIGHT-TO-LEFT OVERRIDE
    b"\xe2\x80\xa8ls",         # U+2028 LINE SEPARATOR
)
# All of them at once, short enough to be echoed whole.
COMBINED = b"\x1b]0;pwn\x07\x1b[2J\n\r\x7f\xff\xc2\x9b\xe2\x80\xaeZ"


def payloads():
    """Every payload; under LSOCK_WRAPPER (valgrind, ~0.5 s a run) only the
    combined one, so that each error path runs once under valgrind."""
    return (COMBINED,) if lt.lsock_wrapper() else PAYLOADS + (COMBINED,)

# What the escape never lets through, as decoded characters.
FORBIDDEN_GC = ("Cc", "Cf", "Zl", "Zp")


def utf8_units(b):
    """Splits b into (bytes, character or None): a valid UTF-8 sequence and
    its character, or one byte of an invalid one."""
    i = 0
    while i < len(b):
        n = 1 if b[i] < 0x80 else 2 if b[i] < 0xe0 else 3 if b[i] < 0xf0 else 4
        try:
            yield b[i:i + n], b[i:i + n].decode("utf-8")
            i += n
        except UnicodeDecodeError:
            yield b[i:i + 1], None
            i += 1


def esc(b):
    """lsock(8)'s text escape of b, for the payloads above (whose
    characters' general categories are the same in every Unicode version)."""
    named = {0x0a: "\\n", 0x09: "\\t", 0x0d: "\\r", 0x5c: "\\\\"}
    out = []
    for raw, ch in utf8_units(b):
        c = raw[0]
        if c in named:
            out.append(named[c])
        elif ch is None or c < 0x20 or c == 0x7f:
            out.append(f"\\x{c:02x}")
        elif c >= 0x80 and unicodedata.category(ch) in FORBIDDEN_GC + ("Zs", "Co", "Cn"):
            out.append(f"\\u{{{ord(ch):04x}}}")
        else:
            out.append(ch)
    return "".join(out)


def cases():
    """(label, argv words, what stderr must contain) for every payload."""
    out = []
    for p in payloads():
        name = repr(p)
        out += [
            (f"unknown long option {name}", [b"--bogus" + p], esc(b"--bogus" + p)),
            (f"unknown long option, no name {name}", [b"--" + p], esc(b"--" + p)),
            (f"not an abbreviation {name}", [b"--so" + p], esc(b"--so" + p)),
            (f"argument to a flag {name}", [b"--tcp=" + p], esc(b"--tcp=" + p)),
            (f"ambiguous option {name}", [b"--so=" + p],
             "option '--so' is ambiguous; possibilities: '--sort', '--source'"),
            (f"--source= {name}", [b"--source=" + p], f"invalid --source '{esc(p)}'"),
            (f"--source {name}", [b"--source", p], f"invalid --source '{esc(p)}'"),
            (f"-k {name}", [b"-k", b"local," + p], f"unknown column '{esc(p)}' in --columns"),
            (f"--columns= {name}", [b"--columns=" + p + b",inode"],
             f"unknown column '{esc(p)}' in --columns"),
            (f"--sort {name}", [b"--sort", b"inode,-" + p], f"unknown sort key '{esc(p)}'"),
            (f"filter word {name}", [b"-t", p], f"bad filter at '{esc(p)}'"),
            (f"filter port {name}", [b"-t", b"sport", b"=", b":" + p],
             f"bad filter at '{esc(b':' + p)}'"),
            (f"filter address {name}", [b"-t", b"src", p], f"bad filter at '{esc(p)}'"),
            (f"filter device {name}", [b"-t", b"dev", b"=", p], f"bad filter at '{esc(p)}'"),
            (f"filter state {name}", [b"-t", b"state", p], f"bad filter at '{esc(p)}'"),
            (f"filter after an expression {name}", [b"-t", b"sport", b"=", b":22", p],
             f"bad filter at '{esc(p)}'"),
            # a missing argument echoes only the option, never the filter words
            (f"-k without argument {name}", [p, b"-k"], "option '-k' needs an argument"),
            (f"--sort without argument {name}", [p, b"--sort"],
             "option '--sort' needs an argument"),
            (f"--source without argument {name}", [b"-t", p, b"--source"],
             "option '--source' needs an argument"),
        ]
    # getopt names one byte of a bad short option: each hostile first byte
    for b in sorted({p[0] for p in payloads() if not p[:1].isalnum()} | {0x0a, 0x7f}):
        c = bytes([b])
        out += [
            (f"unknown short option {c!r}", [b"-" + c + b"t"], f"unknown option '{esc(b'-' + c)}'"),
            (f"unknown short option in a cluster {c!r}", [b"-tu" + c],
             f"unknown option '{esc(b'-' + c)}'"),
        ]
    return out


def stderr_problems(err):
    """What is wrong with err as a one-line, terminal-safe error message."""
    problems = []
    if not err.endswith(b"\n") or err.count(b"\n") != 1:
        problems.append("not exactly one line")
    if not err.startswith(b"lsock: "):
        problems.append("does not start with 'lsock: '")
    bad = sorted({c for c in err[:-1] if c < 0x20 or c == 0x7f})
    if bad:
        problems.append(f"raw control bytes {[hex(c) for c in bad]}")
    try:
        text = err.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(f"not valid UTF-8 ({e})")
    else:
        chars = sorted({f"U+{ord(c):04X}" for c in text[:-1]
                        if unicodedata.category(c) in FORBIDDEN_GC})
        if chars:
            problems.append(f"invisible or control characters {chars}")
    return problems


def check_usage_error(label, words, want):
    r = lt.run_lsock(words)
    problems = []
    if r.status != 2:
        problems.append(f"exit {r.status}, want 2")
    if r.out:
        problems.append(f"stdout {r.out[:200]!r}, want none")
    problems += stderr_problems(r.err)
    if want not in r.stderr:
        problems.append(f"stderr lacks {want!r}")
    return [f"{label}: lsock {words!r}: {p}; stderr {r.err!r}" for p in problems]


def main():
    def usage_errors():
        problems = []
        for label, words, want in cases():
            problems += check_usage_error(label, words, want)
        lt.check(problems, f"{len(cases())} usage errors")

    def long_input():
        # Cut to a bounded length after whole escapes, still one line.
        problems = []
        for words in ([b"--bogus" + b"\x1b" * 500], [b"-k", b"\x07\n" * 300],
                      [b"--sort", b"\xff" * 400], [b"-t", b"dev", b"=", b"\x1b]0;" * 100],
                      [b"--source=" + b"\n" * 400]):
            r = lt.run_lsock(words)
            p = stderr_problems(r.err)
            if r.status != 2 or r.out or p or len(r.err) > 300:
                problems.append(f"lsock {words[0][:20]!r}...: exit {r.status}, {len(r.err)} "
                                f"bytes of stderr {r.err[:120]!r}...: {p}")
            if b"..." not in r.err:
                problems.append(f"lsock {words[0][:20]!r}...: no '...' for a cut word: {r.err!r}")
        lt.check(problems, "long hostile words")

    def write_errors():
        problems = []
        for args in (["-h"], ["--help"], ["-V"], ["--version"]):
            with open("/dev/full", "wb") as full:
                r = lt.run_lsock(args, stdout=full)
            closed = lt.run_lsock(args, stdout=None, preexec_fn=lambda: os.close(1))
            for what, res, msg in (("stdout on /dev/full", r, "No space left on device"),
                                   ("stdout closed", closed, "Bad file descriptor")):
                if res.status != 3:
                    problems.append(f"lsock {' '.join(args)}, {what}: exit {res.status}, want 3")
                if res.err != f"lsock: write error: {msg}\n".encode():
                    problems.append(f"lsock {' '.join(args)}, {what}: stderr {res.err!r}, want "
                                    f"'lsock: write error: {msg}'")
            ok = lt.run_lsock(args)
            if ok.status != 0 or not ok.out or ok.err:
                problems.append(f"lsock {' '.join(args)}: {ok.describe()}, want exit 0 and output")
        lt.check(problems, "--help and --version on a full or closed stdout")

    lt.main([
        ("usage errors echo escaped input on one line", usage_errors),
        ("long hostile input is cut, still one line", long_input),
        ("-h / -V write errors exit 3", write_errors),
    ])


lt.run_test(main, netns=False)
