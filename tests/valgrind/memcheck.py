#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memcheck.py CMD [ARGS...], run by the memcheck shell wrapper: CMD under valgrind memcheck, as CI's valgrind stage
runs lsock (LSOCK_WRAPPER).  Any error or leak makes the exit status 99.

valgrind's own messages go to a log, not to CMD's stderr, which the tests
read: valgrind 3.19 warns "unhandled eBPF command" for BPF_LINK_CREATE and
BPF_ITER_CREATE, which the BPF owner source needs.  The log is shown when
valgrind found something.  The log is a descriptor of our own (--log-fd),
not --log-file: valgrind would open that on the lowest free descriptor, and
CMD run with stdout closed would write into it.

SIGINT and SIGTERM sent to this wrapper (a test ending --watch or --events
with Ctrl-C) are passed on to valgrind, which passes them to CMD; a shell
wrapper could not do that (its background children ignore SIGINT).

Unless the arguments name an owner source (--owners=...), lsock gets
--owners=proc right after CMD: under valgrind, libbpf's parsing of the
kernel's BTF turns the BPF source's 40 ms load into seconds for every
lsock -p run of every test.  Appended, it would become the argument of a
last option that lacks one ("lsock -k"); first, a bad option after it is
still the one reported.  test_owner_bpf.py names the source in every run, so
the BPF path still runs under valgrind there.
"""
import fcntl
import os
import signal
import subprocess
import sys
import tempfile


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cmd = sys.argv[1:]
    if not cmd:
        print("usage: memcheck CMD [ARGS...]", file=sys.stderr)
        return 2
    # Only lsock takes --owners; test helpers (netns_probe...) run as they are.
    if os.path.basename(cmd[0]) == "lsock" and not any(a.startswith("--owners=") for a in cmd[1:]):
        cmd = [cmd[0], "--owners=proc"] + cmd[1:]
    # Kept on a high descriptor: with CMD's stdout closed, the log would
    # otherwise take descriptor 1 and CMD would write into it.
    tmp = tempfile.TemporaryFile(prefix="lsock-memcheck.")
    fd = fcntl.fcntl(tmp.fileno(), fcntl.F_DUPFD, 100)
    tmp.close()
    with os.fdopen(fd, "w+b") as log:
        vg = ["valgrind", "-q", f"--log-fd={fd}",
              f"--suppressions={os.path.join(here, 'libbpf.supp')}",
              "--error-exitcode=99", "--leak-check=full",
              "--show-leak-kinds=definite,indirect,possible",
              "--errors-for-leak-kinds=definite,indirect,possible"]
        # Python ignores SIGPIPE for itself; CMD gets the disposition the
        # wrapper was started with (the shell read it from /proc before
        # Python ran), so a test that runs lsock with SIGPIPE ignored
        # still sees EPIPE.
        ign = int(os.environ.pop("LSOCK_MEMCHECK_SIGIGN", "0") or "0", 16)
        pipe_ignored = bool(ign & (1 << (signal.SIGPIPE - 1)))
        p = subprocess.Popen(vg + cmd, pass_fds=(fd,), restore_signals=not pipe_ignored)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda s, f: p.send_signal(s))
        rc = p.wait()
        if rc == 99:
            log.seek(0)
            sys.stderr.buffer.write(log.read())
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main())
