# SPDX-License-Identifier: MIT
"""lsock in scripts: exit codes (0 listed, 1 nothing matched, 2 usage or
filter error with one stderr line naming the bad word and nothing on
stdout), the `lsock ... >/dev/null && echo busy` idiom, --ndjson vs --json,
-H and empty results, -k column order, and --sort (numeric addresses,
reversed keys).  All in a private netns with sockets made here."""
import ipaddress
import json
import os
import re
import subprocess

import lsocktest as lt

SORT_V4 = ["10.0.0.100", "10.0.0.9", "10.0.0.2", "10.0.0.10"]        # made in this order
SORT_V6 = ["2001:db8::10", "2001:db8::a", "2001:db8::9", "2001:db8::1:0"]
SORT_PORT = 7000

# (filter words, the offending word the message must name)
BAD_FILTERS = [
    (["sport", "=", ":"], ":"),
    (["(", "sport", "=", ":22"], "("),
    (["state", "bogus"], "bogus"),
    (["src"], "src"),
    (["dport", "~", ":22"], "~"),
]


def names_word(line, word):
    """True if the message quotes `word` ('w', "w" or `w`)."""
    return any(f"{q}{word}{e}" in line for q, e in (("'", "'"), ('"', '"'), ("`", "`")))


def main():
    for a in SORT_V4:
        lt.add_addr(f"{a}/32")
    for a in SORT_V6:
        lt.add_addr(f"{a}/128")
    me = os.getpid()
    with lt.SocketMix() as mix:
        l80 = mix.tcp_listen("127.0.0.1", 80)
        mix.tcp_listen("127.0.0.1", 443)
        mix.tcp_listen("127.0.0.1", 22)
        for a in SORT_V4 + SORT_V6:
            mix.tcp_listen(a, SORT_PORT)
        mix.tcp_connect(l80, send=b"GET /")
        mix.udp_bind("127.0.0.1", 5353, queue=b"q")
        mix.udp_bind("::1", 5354)
        ul = mix.unix_listen(mix.unix_path("s.sock"))
        mix.unix_connect(ul, send=b"x")
        ino80 = lt.sock_inode(l80)

        def exit_listed():
            r = lt.run_lsock(["-tln"])
            lt.expect(r.status == 0 and lt.text_rows(r.stdout), f"{r.describe()}, want 0 and rows")

        def exit_nothing():
            problems = []
            for args in (["-tln", "sport", "=", ":9"], ["-w"], ["-U", "-a"]):
                r = lt.run_lsock(args)
                if r.status != 1:
                    problems.append(f"{r.describe()}, want 1 (nothing matched)\n{r.stdout}")
                if lt.text_rows(r.stdout):
                    problems.append(f"lsock {' '.join(args)} printed rows:\n{r.stdout}")
            lt.check(problems, "exit 1 when nothing matches")

        def exit_usage():
            problems = []
            for words, bad in BAD_FILTERS:
                r = lt.run_lsock(["-tln"] + words)
                what = f"lsock -tln {' '.join(words)}"
                if r.status != 2:
                    problems.append(f"{r.describe()}, want 2")
                if r.out:
                    problems.append(f"{what}: stdout not empty: {r.stdout[:300]!r}")
                lines = r.stderr_lines()
                if len(lines) != 1:
                    problems.append(f"{what}: want one stderr line, got {lines}")
                elif not names_word(lines[0], bad):
                    problems.append(f"{what}: the message does not quote the bad word {bad!r}: "
                                    f"{lines[0]!r}")
            lt.check(problems, "exit 2 for malformed filters")

        def busy_idiom():
            problems = []
            for port, want in ((80, "busy\n"), (81, "")):
                lsock = lt.lsock_shell(["-tln", "sport", "=", f":{port}"])
                cmd = f"{lsock} >/dev/null && echo busy"
                p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
                if p.stdout != want:
                    problems.append(f"`{cmd}` printed {p.stdout!r}, want {want!r} "
                                    f"(stderr {p.stderr.strip()!r})")
            lt.check(problems, "`lsock -tln sport = :PORT >/dev/null && echo busy`")

        def ndjson_is_json():
            problems = []
            for args in (["-tuxanp"], ["-tuxan", "--source=proc"], ["-tln", "sport", "=", ":80"]):
                doc, _ = lt.lsock_doc(args)
                r = lt.run_lsock(args + ["--ndjson"])
                what = f"lsock {' '.join(args)} --ndjson"
                if r.status != 0:
                    problems.append(r.describe())
                if not r.out.endswith(b"\n"):
                    problems.append(f"{what}: output does not end in a newline")
                objs = []
                for i, line in enumerate(r.out.decode("utf-8").split("\n")[:-1]):
                    try:
                        objs.append(json.loads(line))
                    except ValueError as e:
                        problems.append(f"{what}: line {i + 1} is not one JSON object ({e}): "
                                        f"{line[:200]!r}")
                if objs != doc["sockets"]:
                    problems.append(f"{what}: {len(objs)} objects differ from --json's "
                                    f"{len(doc['sockets'])} sockets:\n  ndjson {objs[:3]}\n"
                                    f"  json   {doc['sockets'][:3]}")
            lt.check(problems, "--ndjson = --json's sockets, one per line")

        def empty_results():
            problems = []
            for args in (["-tlnH", "sport", "=", ":9"], ["-wH"],
                         ["-tln", "--ndjson", "sport", "=", ":9"], ["-w", "--ndjson"]):
                r = lt.run_lsock(args)
                if r.status != 1 or r.out != b"":
                    problems.append(f"{r.describe()}: want status 1 and empty stdout, got "
                                    f"{r.out[:200]!r}")
            for args in (["-tln", "sport", "=", ":9"], ["-w", "-H"]):
                r = lt.run_lsock(args + ["--json"])
                try:
                    doc = json.loads(r.out.decode("utf-8"))
                except ValueError as e:
                    problems.append(f"{r.describe()}: not JSON ({e}): {r.out[:200]!r}")
                    continue
                if r.status != 1 or doc != {"schema": 1, "sockets": []}:
                    problems.append(f"{r.describe()}: want status 1 and "
                                    f"{{\"schema\": 1, \"sockets\": []}}, got {doc}")
            lt.check(problems, "empty results")

        def columns_order():
            cols = "proto,local,remote,state,pid,program,user,inode"
            r = lt.run_lsock(["-tln", "-k", cols])
            problems = [] if r.status == 0 else [r.describe()]
            lines = r.stdout.splitlines()
            header = next((x for x in lines if x.startswith("Proto")), "")
            if not re.match(r"^Proto\s+Local Address\s+Foreign Address\s+State\s+PID\s+Program\s+"
                            r"User\s+Inode\s*$", header):
                problems.append(f"header not in -k order: {header!r}")
            want = ["tcp", "127.0.0.1:80", "0.0.0.0:*", "LISTEN", str(me), "python3", None,
                    str(ino80)]
            rows = [x.split() for x in lt.text_rows(r.stdout)]
            got = [x for x in rows if len(x) > 1 and x[1] == "127.0.0.1:80"]
            if len(got) != 1 or len(got[0]) != len(want) or \
                    any(w is not None and w != g for w, g in zip(want, got[0])) or \
                    got[0][6] not in ("root", "0"):
                problems.append(f"row for 127.0.0.1:80: want {want} (user root or 0), got {got}")
            r = lt.run_lsock(["-tln", "-k", "inode,local", "-H"])
            got = [x.split() for x in lt.text_rows(r.stdout) if "127.0.0.1:80" in x.split()]
            if got != [[str(ino80), "127.0.0.1:80"]]:
                problems.append(f"-k inode,local -H: want [[{ino80}, 127.0.0.1:80]], got {got}\n"
                                f"{r.stdout}")
            lt.check(problems, f"-k {cols}")

        def sort_keys():
            problems = []

            def locals_of(args):
                r = lt.run_lsock(["-tlnH", "-k", "local"] + args)
                if r.status != 0:
                    problems.append(r.describe())
                return [x.strip() for x in lt.text_rows(r.stdout)]

            def split(ep):
                host, _, port = ep.rpartition(":")
                return ipaddress.ip_address(host.strip("[]")), int(port)

            got = locals_of(["-4", "--sort", "local"])
            want = sorted(got, key=split)
            if got != want or not got:
                problems.append(f"-4 --sort local: got {got}, want {want}")
            got = locals_of(["-6", "--sort", "local"])
            want = sorted(got, key=split)
            if got != want or not got:
                problems.append(f"-6 --sort local: got {got}, want {want}")
            ports = [split(x)[1] for x in locals_of(["--sort", "lport"])]
            if ports != sorted(ports):
                problems.append(f"--sort lport: ports {ports} not ascending")
            ports = [split(x)[1] for x in locals_of(["--sort", "-lport"])]
            if ports != sorted(ports, reverse=True) or ports[0] != SORT_PORT:
                problems.append(f"--sort -lport: ports {ports} not descending")
            lt.check(problems, "--sort")

        def no_walk_when_nothing_listed():
            # -p with an empty result must not walk /proc at all (ss does):
            # point the process table at nothing and the run still succeeds.
            env = dict(os.environ, LSOCK_PROC_ROOT="/nonexistent-lsock-proc")
            r = lt.run_lsock(["-tlnp", "sport", "=", ":9"], env=env)
            lt.expect(r.status == 1 and r.err == b"" and r.out.count(b"\n") == 2,
                      f"empty -p result should skip the walk: {r.describe()}")
            # ...while a non-empty one does walk it, and says it failed.
            r = lt.run_lsock(["-tlnp", "sport", "=", ":80"], env=env)
            lt.expect(r.status == 3 and b"cannot resolve owners" in r.err and r.out == b"",
                      f"a listed socket needs the walk: {r.describe()}")

        lt.main([
            ("exit 0 when something is listed", exit_listed),
            ("-p skips the /proc walk when nothing is listed", no_walk_when_nothing_listed),
            ("exit 1 when nothing matches", exit_nothing),
            ("exit 2 for malformed filters", exit_usage),
            ("the `&& echo busy` idiom", busy_idiom),
            ("--ndjson lines are --json's sockets", ndjson_is_json),
            ("-H / --json / --ndjson on empty results", empty_results),
            ("-k column order", columns_order),
            ("--sort local (numeric) and -lport (reversed)", sort_keys),
        ])


lt.run_test(main)
