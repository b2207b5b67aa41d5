# SPDX-License-Identifier: MIT
"""Real `lsock --json` / `--ndjson` output validates against the published
schema man/lsock.schema.json (JSON Schema 2020-12), on a rich mix: TCP/UDP
v4 and v6, RAW, UDP-Lite, UNIX with paths, abstract and unnamed sockets, a
non-UTF-8 path and a non-UTF-8 process name, with and without -p, from
netlink and from /proc (--source=proc), and an empty result.

Needs python3-jsonschema (Debian's, for /usr/bin/python3).  A missing
module is a failure, not a skip: CI installs it."""
import copy
import json
import os
import socket
import sys

SYSTEM_PYTHON = "/usr/bin/python3"

try:
    import jsonschema
except ImportError:
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and \
            os.access(SYSTEM_PYTHON, os.X_OK) and not os.environ.get("LSOCKTEST_REEXEC"):
        os.environ["LSOCKTEST_REEXEC"] = "1"
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    print("FAIL: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(1)

import lsocktest as lt

BAD_COMM = b"js\xffon"

HOLD = r"""
set_comm(bytes.fromhex(sys.argv[1]))
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(("::1", int(sys.argv[2])))
s.listen(3)
ready(os.fstat(s.fileno()).st_ino)
"""


def load_schema():
    path = os.path.join(lt.source_dir(), "man", "lsock.schema.json")
    with open(path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    doc_v = jsonschema.Draft202012Validator(schema)
    # One NDJSON line is one #/$defs/socket.
    sock_schema = {"$schema": schema["$schema"], "$defs": schema["$defs"],
                   "$ref": "#/$defs/socket"}
    return doc_v, jsonschema.Draft202012Validator(sock_schema)


def errors_of(validator, inst, what):
    out = []
    for e in sorted(validator.iter_errors(inst), key=lambda e: list(e.absolute_path)):
        if e.context:
            # A oneOf miss: report what the branch for this family disliked
            # (0: inet_socket, 1: unix_socket).
            branch = 1 if isinstance(e.instance, dict) and e.instance.get("family") == "unix" else 0
            mine = [c for c in e.context if c.relative_schema_path and
                    c.relative_schema_path[0] == branch]
            e = jsonschema.exceptions.best_match(mine or e.context)
        where = "/".join(str(p) for p in e.absolute_path)
        out.append(f"{what} at /{where}: {e.message[:300]}")
    return out


def main():
    doc_v, sock_v = load_schema()
    with lt.SocketMix() as mix, lt.Holders() as h:
        lt.build_standard_mix(mix)
        mix.raw_icmp("127.0.0.1")
        mix.udplite_bind("::1", 5555)
        bad_path = os.fsencode(mix.dir) + b"/nonutf8-\xff\xfe.sock"
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        u.bind(bad_path)
        u.listen(1)
        mix.socks.append(u)
        h.start(HOLD, BAD_COMM.hex(), 2299)

        def validate(args, *, expect_nonempty=True):
            doc, r = lt.lsock_doc(args)
            problems = errors_of(doc_v, doc, f"lsock {' '.join(args)} --json")
            if expect_nonempty and not doc["sockets"]:
                problems.append(f"lsock {' '.join(args)} --json listed nothing")
            return doc, problems

        def kinds(doc):
            """What the document exercises, so a pass means something."""
            seen = set()
            for s in doc["sockets"]:
                seen.add((s.get("proto"), s.get("family")))
                if s.get("family") == "unix":
                    p = s.get("path")
                    seen.add("unnamed" if p is None else
                             "abstract" if s.get("abstract") else "path")
                    if "path_hex" in s:
                        seen.add("path_hex")
                for o in s.get("owners") or []:
                    seen.add("owner")
                    if "comm_hex" in o:
                        seen.add("comm_hex")
            return seen

        def netlink_with_owners():
            doc, problems = validate(["-tuxwUanp"])
            want = {("tcp", "inet"), ("tcp", "inet6"), ("udp", "inet"), ("udp", "inet6"),
                    ("raw", "inet"), ("udplite", "inet6"), ("unix", "unix"),
                    "unnamed", "abstract", "path", "path_hex", "owner", "comm_hex"}
            missing = want - kinds(doc)
            if missing:
                problems.append(f"the output does not exercise {sorted(map(str, missing))}")
            if "owners_complete" not in doc:
                problems.append("no owners_complete with -p")
            lt.check(problems, "schema, netlink, -p")

        def extensions():
            # -o -i -m -e (and -p): every extension key, validated, and
            # exercised with a value, not only null.
            lpath = os.path.join(mix.dir, "pending.sock")
            pl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            pl.bind(lpath)
            pl.listen(8)
            pend = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            pend.connect(lpath)
            problems = []
            for args in (["-tuxwUanpoime"], ["-tuxwUanpoime", "--source=proc"]):
                doc, p = validate(args)
                problems += p
                if "--source=proc" in args:
                    continue
                seen = {k for s in doc["sockets"] for k in
                        ("timer", "shutdown", "skmem", "tcp_info", "peer", "vfs", "pending")
                        if s.get(k) not in (None, [])}
                missing = {"timer", "shutdown", "skmem", "tcp_info", "peer", "vfs",
                           "pending"} - seen
                if missing:
                    problems.append(f"{' '.join(args)}: no value for {sorted(missing)}")
                # ss's timers and TCP internals only for inet, peers only for UNIX
                for s in doc["sockets"]:
                    if s["family"] == "unix" and ("timer" in s or "tcp_info" in s):
                        problems.append(f"timer or tcp_info on a UNIX socket: {s}")
            doc, p = validate(["-tuxwUan"])
            problems += p
            extra = {k for s in doc["sockets"] for k in s
                     if k in ("timer", "shutdown", "skmem", "tcp_info", "peer", "vfs", "pending")}
            if extra:
                problems.append(f"extension keys without -o -i -m -e -p: {sorted(extra)}")
            pend.close()
            pl.close()
            lt.check(problems, "schema, -oime")

        def netlink_without_owners():
            doc, problems = validate(["-tuxwUan"])
            if "owners_complete" in doc:
                problems.append("owners_complete without -p")
            if any("owners" in s for s in doc["sockets"]):
                problems.append("owners without -p")
            lt.check(problems, "schema, netlink, no -p")

        def proc():
            doc, problems = validate(["-tuxwUanp", "--source=proc"])
            not_proc = [s for s in doc["sockets"] if s.get("source") != "proc"]
            if not_proc:
                problems.append(f"{len(not_proc)} sockets not from proc: {not_proc[:2]}")
            lt.check(problems, "schema, --source=proc")

        def empty():
            # No raw IPv6 socket exists in the netns.
            doc, problems = validate(["-6w", "-a"], expect_nonempty=False)
            if doc["sockets"]:
                problems.append(f"expected no sockets, got {doc['sockets']}")
            lt.check(problems, "schema, empty result")

        def ndjson():
            problems = []
            for args in (["-tuxwUanp", "--ndjson"], ["-tuxwUan", "--ndjson", "--source=proc"]):
                r = lt.run_lsock(args)
                if r.status != 0:
                    problems.append(r.describe())
                lines = r.out.decode("utf-8").splitlines()
                if not lines:
                    problems.append(f"lsock {' '.join(args)}: no lines")
                for i, line in enumerate(lines):
                    try:
                        obj = json.loads(line)
                    except ValueError as e:
                        problems.append(f"lsock {' '.join(args)} line {i + 1}: not JSON ({e}): "
                                        f"{line[:200]!r}")
                        continue
                    problems += errors_of(sock_v, obj, f"lsock {' '.join(args)} line {i + 1}")
            lt.check(problems, "schema, --ndjson lines")

        def summary():
            # A listener with more than half of its backlog waiting, so
            # full_listeners holds a socket object with owners.
            full = mix.tcp_listen("127.0.0.1", 2298, backlog=1)
            mix.socks.append(socket.create_connection(("127.0.0.1", 2298)))
            problems = []
            for args in (["-s"], ["-s", "-x"], ["-s", "-6", "-w"], ["-s", "-t", "--source=proc"],
                         ["-s", "-N", str(os.getpid())]):
                r = lt.run_lsock(args + ["--json"])
                if r.status != 0:
                    problems.append(r.describe())
                    continue
                doc = r.json()
                problems += errors_of(doc_v, doc, f"lsock {' '.join(args)} --json")
                if args == ["-s"]:
                    fl = doc["summary"]["full_listeners"]
                    if [s["inode"] for s in fl] != [lt.sock_inode(full)] or \
                            not fl[0].get("owners"):
                        problems.append(f"-s: full_listeners {fl}")
                    bad = copy.deepcopy(doc)
                    bad["summary"]["counters"]["OutRsts"] = "3"
                    if doc_v.is_valid(bad):
                        problems.append("the schema accepts a counter as a string")
                    bad = copy.deepcopy(doc)
                    del bad["summary"]["sockstat"]["tcp"]["closed"]
                    if doc_v.is_valid(bad):
                        problems.append("the schema accepts a summary without tcp.closed")
                    bad = copy.deepcopy(doc)
                    bad["sockets"] = []
                    if doc_v.is_valid(bad):
                        problems.append("the schema accepts sockets and summary together")
                if "-N" in args:
                    ns = doc["summary"].get("namespaces")
                    if not isinstance(ns, list) or len(ns) != 1:
                        problems.append(f"-s -N: namespaces {ns!r:.200}")
                        continue
                    bad = copy.deepcopy(doc)
                    del bad["summary"]["namespaces"][0]["netns"]
                    if doc_v.is_valid(bad):
                        problems.append("the schema accepts a namespace entry without netns")
                    bad = copy.deepcopy(doc)
                    bad["summary"]["namespaces"][0]["sockstat"]["tcp"]["inuse"] = "1"
                    if doc_v.is_valid(bad):
                        problems.append("the schema accepts a namespace's figure as a string")
            lt.check(problems, "schema, -s --json")

        def validator_bites():
            # Guard: the schema rejects broken documents, so the passes above
            # are not vacuous.
            doc, _ = lt.lsock_doc(["-tuxanp"])
            inet = next(s for s in doc["sockets"] if s["family"] == "inet")
            unix = next(s for s in doc["sockets"] if s["family"] == "unix")
            mutations = {
                "inet socket without inode": lambda s: s.pop("inode"),
                "state FOO": lambda s: s.__setitem__("state", "FOO"),
                "port as a string": lambda s: s["local"].__setitem__("port", "22"),
                "v6only on an inet socket": lambda s: s.__setitem__("v6only", False),
                "unknown key": lambda s: s.__setitem__("bogus", 1),
                "timer kind FOO": lambda s: s.__setitem__(
                    "timer", {"kind": "FOO", "expires_ms": 1, "retrans": 0}),
                "tcp_info without rtt_us": lambda s: s.__setitem__("tcp_info", {"congestion": "x"}),
                "skmem with a string": lambda s: s.__setitem__("skmem", {"rcvbuf": "1"}),
            }
            problems = []
            for what, mutate in mutations.items():
                bad = copy.deepcopy(inet)
                mutate(bad)
                if sock_v.is_valid(bad):
                    problems.append(f"the schema accepts an {what}")
            bad = copy.deepcopy(unix)
            bad["path_hex"] = "XYZ"
            if sock_v.is_valid(bad):
                problems.append("the schema accepts path_hex 'XYZ'")
            lt.check(problems, "the schema rejects broken sockets")

        lt.main([
            ("-o -i -m -e: every extension key", extensions),
            ("netlink with -p", netlink_with_owners),
            ("netlink without -p", netlink_without_owners),
            ("--source=proc", proc),
            ("empty result", empty),
            ("--ndjson lines against #/$defs/socket", ndjson),
            ("the validator rejects broken documents", validator_bites),
            ("-s --json", summary),
        ])


lt.run_test(main)
