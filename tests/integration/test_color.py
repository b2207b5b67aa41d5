#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--color: no escape byte reaches a pipe, NO_COLOR, TERM=dumb or
--color=never; --color=auto colours on a terminal (a pty); --color=always
colours a pipe too, and with the escape sequences stripped its output is
byte for byte the uncoloured one, so no column moved.  JSON never has
colour."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lsocktest as lt  # noqa: E402

SGR = re.compile(rb"\x1b\[[0-9;]*m")


def env_with(**kw):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env.update({k: v for k, v in kw.items() if v is not None})
    return env


def on_pty(args, **env):
    """lsock's stdout on a pty: returns what it wrote."""
    master, slave = os.openpty()
    p = subprocess.Popen(lt.lsock_argv(args), stdout=slave, stderr=subprocess.DEVNULL,
                         env=env_with(**env))
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=300)
    os.close(master)
    return out


def main():
    with lt.SocketMix() as mix:
        srv = mix.tcp_listen("0.0.0.0", 8080)
        mix.tcp_connect(srv, "127.0.0.1")
        mix.tcp_time_wait(srv)
        mix.tcp_listen("::1", 8081)
        mix.udp_bind("127.0.0.1", 5353)
        runs = [["-tuanp"], ["-tuanpe", "--explain"], ["--audit"], ["-tlnp", "--explain"]]

        def pipes_plain():
            for args in runs:
                for env in ({"TERM": "xterm"}, {"TERM": "xterm", "NO_COLOR": "1"}):
                    r = lt.run_lsock(args, env=env_with(**env))
                    lt.expect(r.status == 0 and b"\x1b" not in r.out, f"{args} to a pipe")

        def auto_on_tty():
            lt.expect(b"\x1b[" in on_pty(["-tuan"], TERM="xterm"), "auto colours a terminal")
            lt.expect(b"\x1b[" in on_pty(["-tuan"], TERM="xterm", NO_COLOR=""),
                      "an empty NO_COLOR does not count")
            for env in ({"TERM": "xterm", "NO_COLOR": "1"}, {"TERM": "dumb"}, {}):
                lt.expect(b"\x1b" not in on_pty(["-tuan"], **env), f"no colour with {env}")
            lt.expect(b"\x1b" not in on_pty(["-tuan", "--color=never"], TERM="xterm"),
                      "--color=never on a terminal")
            lt.expect(b"\x1b" not in on_pty(["-tuan", "--json"], TERM="xterm"),
                      "JSON on a terminal")

        def always_keeps_columns():
            for args in runs:
                plain = lt.run_lsock(args + ["--color=never"]).out
                colour = lt.run_lsock(args + ["--color=always"], env=env_with(NO_COLOR="1")).out
                lt.expect(b"\x1b[" in colour, f"{args}: --color=always colours a pipe")
                lt.expect(SGR.sub(b"", colour) == plain,
                          f"{args}: stripped of colour, the output is the plain one:\n"
                          f"{SGR.sub(b'', colour).decode()}\n---\n{plain.decode()}")
                for line in colour.splitlines():
                    lt.expect(not line.endswith(b" "), "no trailing blanks")

        def json_never():
            for fmt in ("--json", "--ndjson"):
                r = lt.run_lsock(["-tuanp", fmt, "--color=always"])
                lt.expect(b"\x1b" not in r.out, f"{fmt} --color=always")
            r = lt.run_lsock(["--audit", "--json", "--color=always"])
            lt.expect(b"\x1b" not in r.out, "--audit --json --color=always")

        def bad_value():
            r = lt.run_lsock(["--color=sometimes"])
            lt.expect(r.status == 2 and r.out == b"" and len(r.stderr_lines()) == 1, r.describe())

        lt.main([("pipes stay plain", pipes_plain), ("auto on a terminal", auto_on_tty),
                 ("always keeps columns", always_keeps_columns), ("JSON never", json_never),
                 ("bad --color", bad_value)])


lt.run_test(main)
