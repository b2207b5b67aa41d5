# SPDX-License-Identifier: MIT
"""Output errors and locale independence, with ~20,000 TCP sockets (far
more than a pipe holds) in a private netns:

  - `lsock -tan | head -1`: lsock dies of SIGPIPE (or exits 0), silently;
  - the same with SIGPIPE ignored: EPIPE is a write error, exit 3 (runtime
    failure) with a message;
  - stdout on /dev/full (ENOSPC), large and small outputs, text, --json and
    --ndjson: exit 3 with a message on stderr;
  - LC_ALL=de_DE.UTF-8 (built with localedef into a temp dir, used through
    LOCPATH) gives byte-identical output to LC_ALL=C.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile

import lsocktest as lt

PER_HOLDER = 6700   # each holder stays well below the 20,000 fd hard limit
HOLDERS = 3
LISTENERS = PER_HOLDER * HOLDERS
FIRST_PORT = 10000  # below the ephemeral range (32768-60999) the mix's clients use

# Each holder makes `count` listeners on its own loopback address from port
# `first`; a listener is one fd and one kernel row, the cheapest socket to
# mass-produce.
MASS = r"""
raise_nofile()
addr, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
keep = []
for port in range(first, first + count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, port))
    s.listen(1)
    keep.append(s)
ready()
"""


def ignore_sigpipe():
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)


def pipe_to_head(args, *, preexec_fn=None):
    """Runs `lsock ARGS | head -1`; returns (lsock status, lsock stderr, head's line)."""
    lsock = subprocess.Popen(lt.lsock_argv(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=preexec_fn)
    head = subprocess.Popen(["head", "-1"], stdin=lsock.stdout, stdout=subprocess.PIPE)
    lsock.stdout.close()  # only head holds the read end now
    line, _ = head.communicate(timeout=300)
    err = lsock.stderr.read()
    lsock.stderr.close()
    status = lsock.wait(timeout=300)
    return status, err.decode("utf-8", "replace"), line


def to_dev_full(args):
    with open("/dev/full", "wb") as full:
        return lt.run_lsock(args, stdout=full)


def build_locale(tmp):
    """localedef's de_DE.UTF-8 in tmp/loc; returns the env dir, or None
    (with a reason) if it cannot be built here."""
    if shutil.which("localedef") is None:
        return None, "localedef not installed"
    loc = os.path.join(tmp, "loc")
    os.makedirs(loc)
    r = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8",
                        os.path.join(loc, "de_DE.UTF-8")], capture_output=True, text=True)
    # localedef exits 1 on mere warnings; the directory is what counts.
    if not os.path.isfile(os.path.join(loc, "de_DE.UTF-8", "LC_NUMERIC")):
        return None, f"localedef failed: {r.stderr.strip()[:300]}"
    return loc, None


def main():
    tmp = tempfile.mkdtemp(prefix="lsocktest.")
    try:
        with lt.SocketMix() as mix, lt.Holders() as h:
            lt.build_standard_mix(mix)
            # Non-ASCII (valid UTF-8) and invalid UTF-8 names: a locale-aware
            # escaper (iswprint under LC_ALL=C) would treat them differently.
            mix.unix_listen(mix.unix_path("grüße-€.sock"))
            bad = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            bad.bind(os.fsencode(mix.dir) + b"/raw\xe9.sock")
            mix.socks.append(bad)
            for i in range(HOLDERS):
                h.start(MASS, f"127.0.1.{i + 1}", FIRST_PORT, PER_HOLDER)

            def many():
                # Guard: the mass of sockets is there, or the pipe cases
                # below prove nothing.
                r = lt.run_lsock(["-tln", "-H"])
                n = len(lt.text_rows(r.stdout))
                lt.expect(r.status == 0 and n >= LISTENERS,
                          f"{r.describe()}: {n} rows, want >= {LISTENERS}")
                lt.expect(len(r.out) > 8 * 65536, f"only {len(r.out)} bytes of output, not much "
                          "more than a pipe buffer")

            def head_sigpipe_default():
                problems = []
                for args in (["-tan"], ["-tan", "--json"]):
                    status, err, line = pipe_to_head(args)
                    if status not in (0, -signal.SIGPIPE, 128 + signal.SIGPIPE):
                        problems.append(f"lsock {' '.join(args)} | head -1: status {status}, "
                                        "want 0 or SIGPIPE")
                    if err:
                        problems.append(f"lsock {' '.join(args)} | head -1: stderr {err!r}")
                    if not line:
                        problems.append(f"lsock {' '.join(args)} | head -1: no line")
                lt.check(problems, "head -1 with SIGPIPE at its default")

            def head_sigpipe_ignored():
                problems = []
                for args in (["-tan"], ["-tan", "--ndjson"]):
                    status, err, _ = pipe_to_head(args, preexec_fn=ignore_sigpipe)
                    if status != 3:
                        problems.append(f"lsock {' '.join(args)} | head -1 (SIGPIPE ignored): "
                                        f"status {status}, want 3")
                    if not err.strip():
                        problems.append(f"lsock {' '.join(args)} | head -1 (SIGPIPE ignored): "
                                        "no message on stderr")
                lt.check(problems, "head -1 with SIGPIPE ignored")

            def dev_full():
                problems = []
                # Large outputs fail mid-way; small ones (-xl: a few UNIX
                # listeners) only at the final flush.
                for args in (["-tan"], ["-tan", "--json"], ["-tan", "--ndjson"],
                             ["-xl"], ["-xl", "--json"], ["-xl", "--ndjson"], ["-xlH"]):
                    r = to_dev_full(args)
                    if r.status != 3:
                        problems.append(f"{r.describe()} > /dev/full, want status 3")
                    if not r.stderr.strip():
                        problems.append(f"lsock {' '.join(args)} > /dev/full: no message on stderr")
                    if "fatal" in r.stderr.lower() and "signal" in r.stderr.lower():
                        problems.append(f"lsock {' '.join(args)} > /dev/full crashed: {r.stderr}")
                lt.check(problems, "stdout on /dev/full")

            def locale_independent():
                loc, why = build_locale(tmp)
                if loc is None:
                    print(f"  (locale part skipped: {why})")
                    return
                base = {k: v for k, v in os.environ.items() if not k.startswith("LC_")
                        and k not in ("LANG", "LANGUAGE", "LOCPATH")}
                c_env = dict(base, LC_ALL="C")
                de_env = dict(base, LC_ALL="de_DE.UTF-8", LOCPATH=loc, LANG="de_DE.UTF-8")
                # Guard: the locale really loads (decimal comma), else the
                # comparison below would compare C with C.
                probe = subprocess.run(
                    [lt.PYTHON, "-c", "import locale; locale.setlocale(locale.LC_ALL, ''); "
                     "print(locale.localeconv()['decimal_point'])"],
                    env=de_env, capture_output=True, text=True)
                lt.expect(probe.stdout.strip() == ",",
                          f"de_DE.UTF-8 from {loc} does not load: {probe.stdout!r} "
                          f"{probe.stderr!r}")
                problems = []
                for args in (["-tan"], ["-tuxwanpe"], ["-tuxan"], ["-tuxanp", "--json"],
                             ["-xa", "--ndjson"], ["--help"]):
                    rc = lt.run_lsock(args, env=c_env)
                    rd = lt.run_lsock(args, env=de_env)
                    if rc.status != 0 or rd.status != 0:
                        problems.append(f"{rc.describe()} / {rd.describe()}")
                    if rc.out != rd.out:
                        a, b = rc.out.splitlines(), rd.out.splitlines()
                        diff = next(((x, y) for x, y in zip(a, b) if x != y), (len(a), len(b)))
                        problems.append(f"lsock {' '.join(args)}: C and de_DE.UTF-8 differ; "
                                        f"first difference: {diff}")
                    if rc.err != rd.err:
                        problems.append(f"lsock {' '.join(args)}: stderr differs: {rc.err!r} vs "
                                        f"{rd.err!r}")
                lt.check(problems, "LC_ALL=de_DE.UTF-8 vs LC_ALL=C")

            lt.main([
                (f"{LISTENERS} listeners are listed", many),
                ("lsock | head -1 (SIGPIPE default)", head_sigpipe_default),
                ("lsock | head -1 (SIGPIPE ignored)", head_sigpipe_ignored),
                ("lsock > /dev/full", dev_full),
                ("output does not depend on the locale", locale_independent),
            ])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


lt.run_test(main)
