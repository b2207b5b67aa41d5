# SPDX-License-Identifier: MIT
"""The note about owners that could not be seen (issue 9, 4.6).

As root without CAP_SYS_PTRACE (dropped with setpriv), the fd links of
other users' processes answer EACCES, and so do those of root's processes
with more capabilities (cap_ptrace_access_check()): the case that as root
printed "N process(es) could not be inspected (permission denied)" naming
no process.  Here that is this test's python3 (pid 1 of the PID namespace)
and seven processes of uid 65534 that hold sockets:

  - the note names no process without -v, and says -v does;
  - with -v it names the first five by pid (ascending, as /proc lists
    them) with their comm, an empty comm as "", then "and 3 more";
  - --json and --ndjson word it for the output produced: no "'-'", but
    owners_complete, which is false in the document and in every socket
    (so on every --ndjson line);
  - run as nobody with -v, the processes nobody may not inspect are named
    too (pid 1 is this test's python3, root's)."""
import json

import lsocktest as lt

HOLD = r"""
set_comm(sys.argv[1].encode())
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", int(sys.argv[2])))
s.listen(1)
ready(os.fstat(s.fileno()).st_ino)
"""

COMMS = ["deny0", "deny1", "", "deny3", "deny4", "deny5", "deny6"]
FIRST_PORT = 2701
OWN_PORT = 2700


def without_ptrace(args):
    """Runs lsock ARGS as root without CAP_SYS_PTRACE."""
    argv = ["setpriv", "--inh-caps=-sys_ptrace", "--bounding-set=-sys_ptrace", "--"]
    kw = {"timeout": 300} if lt.lsock_wrapper() else {}
    # The /proc walk: the BPF iterator (the default source as root) is not
    # denied by ptrace rules, so it would show every owner.
    return lt.run(argv + lt.lsock_argv(["--owners=proc"] + list(args)), **kw)


def notes(r):
    return [x for x in r.stderr.splitlines() if x.startswith("lsock: note:")]


def main():
    with lt.SocketMix() as mix:
        mix.tcp_listen("127.0.0.1", OWN_PORT)
        pids = []
        for i, comm in enumerate(COMMS):
            pid, _ = mix.holders.start(HOLD, comm, FIRST_PORT + i, nobody=True)
            pids.append(pid)
        lt.expect(pids == sorted(pids), f"holder pids not ascending: {pids}")
        denied = [(1, "python3")] + list(zip(pids, COMMS))
        named = ", ".join(f"{p} ({c or chr(34) * 2})" for p, c in denied[:5]) + " and 3 more"
        count = f"{len(denied)} process(es) could not be inspected (permission denied"

        def text_note():
            problems = []
            r = without_ptrace(["-tlnp"])
            want = [f"lsock: note: {count}; -v names them); their sockets show no owner ('-')"]
            if r.status != 0 or notes(r) != want or r.stderr.splitlines() != want:
                problems.append(f"without -v: stderr {r.stderr!r}, want {want}")
            for line in lt.text_rows(r.stdout):
                f = line.split()
                port = int(f[3].rsplit(":", 1)[1])
                if FIRST_PORT <= port < FIRST_PORT + len(COMMS) and f[-1] != "-":
                    problems.append(f"nobody's listener shows an owner: {line!r}")
            r = without_ptrace(["-tlnp", "-v"])
            want = [f"lsock: note: {count}: {named}); "
                    f"their sockets show no owner ('-')"]
            if r.status != 0 or notes(r) != want:
                problems.append(f"with -v: notes {notes(r)}, want {want}")
            lt.check(problems, "text")

        def json_note():
            problems = []
            for fmt, tail in (("--json", ""), ("--ndjson", " on every line")):
                for verbose, listed in (([], "; -v names them"), (["-v"], f": {named}")):
                    r = without_ptrace(["-tlnp", fmt] + verbose)
                    want = [f"lsock: note: {count}{listed}); their sockets lack those owners "
                            f"(\"owners_complete\": false{tail})"]
                    if r.status != 0 or notes(r) != want:
                        problems.append(f"{fmt} {verbose}: notes {notes(r)}, want {want}")
                    if "'-'" in r.stderr or "PID/Program" in r.stderr:
                        problems.append(f"{fmt}: the note talks about text output: {r.stderr!r}")
                    if fmt == "--json":
                        doc = r.json()
                        socks = doc["sockets"]
                        if doc.get("owners_complete") is not False:
                            problems.append(f"--json: owners_complete "
                                            f"{doc.get('owners_complete')!r}")
                    else:
                        socks = [json.loads(x) for x in r.stdout.splitlines()]
                    bad = [s for s in socks if s.get("owners_complete") is not False]
                    if not socks or bad:
                        problems.append(f"{fmt}: sockets without owners_complete false: {bad[:2]}")
            lt.check(problems, "JSON and NDJSON")

        def complete_when_root():
            # Guard: with CAP_SYS_PTRACE the same mix is complete, and quiet.
            r = lt.run_lsock(["-tlnp", "--ndjson"])
            socks = [json.loads(x) for x in r.stdout.splitlines()]
            lt.expect(r.status == 0 and r.stderr == "" and socks and
                      all(s["owners_complete"] is True for s in socks), r.describe())
            mine = [s for s in socks if s["local"]["port"] in range(FIRST_PORT, FIRST_PORT + 7)]
            lt.expect(sorted(s["owners"][0]["pid"] for s in mine) == pids,
                      f"root does not see nobody's owners: {mine}")

        def as_nobody_verbose():
            r = lt.run_lsock(["-tlnp", "-v"], nobody=True)
            got = notes(r)
            lt.expect(r.status == 0 and len(got) == 1 and
                      "not all processes could be identified (permission denied: 1 (python3)"
                      in got[0] and got[0].endswith("run as root to see them all"),
                      f"as nobody with -v: notes {got}: {r.describe()}")
            r = lt.run_lsock(["-tlnp"], nobody=True)
            want = ["lsock: note: not all processes could be identified; sockets of other "
                    "users' processes show no owner ('-'); run as root to see them all"]
            lt.expect(notes(r) == want, f"as nobody: notes {notes(r)}: {r.describe()}")

        lt.main([
            ("text: counted, named with -v", text_note),
            ("--json/--ndjson: worded for JSON, owners_complete false everywhere", json_note),
            ("root with CAP_SYS_PTRACE: complete, no note", complete_when_root),
            ("nobody with -v: root's processes named", as_nobody_verbose),
        ])


lt.run_test(main)
