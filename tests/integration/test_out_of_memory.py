# SPDX-License-Identifier: MIT
"""Out of memory where the sockets are collected (issues 10 and 11).

tests/helpers/nodiag makes socket(AF_NETLINK, *, NETLINK_SOCK_DIAG) fail
with ENOMEM, which is how the kernel says it could not allocate the
socket.  lsock must then say exactly "lsock: out of memory" on stderr and
nothing else (the issue saw "skipped 268435456 malformed line(s)", read
from a report that was never written), exit 3 (a runtime failure) and
write nothing on stdout.  Under LSOCK_WRAPPER (valgrind in CI) the same
run must be clean: valgrind -q adds its findings to stderr, and its
--error-exitcode replaces the 3.

With --source=proc lsock never opens sock_diag, so the same sandbox lists
sockets as usual: the sandbox itself is not what fails.
"""
import lsocktest as lt

PORT = 2411

ARGS = (
    ["-tan"],
    ["-tuxanp"],
    ["-xa", "--json"],
    ["-ta", "--ndjson"],
    ["-tan", "-v"],
    ["--source=netlink", "-t"],
    ["-tlnp", "sport", "=", f":{PORT}"],
)


def main():
    with lt.SocketMix() as mix:
        mix.tcp_listen("127.0.0.1", PORT)
        mix.unix_listen(mix.unix_path("oom.sock"))

        def out_of_memory():
            problems = []
            for args in ARGS:
                r = lt.run_lsock(args, sandbox="ENOMEM")
                if r.err != b"lsock: out of memory\n":
                    problems.append(f"lsock {' '.join(args)}: stderr {r.err!r}, want exactly "
                                    "b'lsock: out of memory\\n'")
                if r.status != 3:
                    problems.append(f"lsock {' '.join(args)}: exit {r.status}, want 3")
                if r.out:
                    problems.append(f"lsock {' '.join(args)}: stdout {r.out[:200]!r}, want none")
            lt.check(problems, "sock_diag socket() fails with ENOMEM")

        def proc_unaffected():
            r = lt.run_lsock(["--source=proc", "-tan"], sandbox="ENOMEM")
            lt.expect(r.status == 0 and not r.err, r.describe())
            rows = [x for x in lt.text_rows(r.stdout) if f"127.0.0.1:{PORT} " in x]
            lt.expect(len(rows) == 1 and "LISTEN" in rows[0],
                      f"--source=proc in the sandbox: want the listener, got {r.stdout!r}")

        lt.main([
            ("ENOMEM: one message, exit 3, no output", out_of_memory),
            ("--source=proc does not need sock_diag", proc_unaffected),
        ])


lt.run_test(main)
