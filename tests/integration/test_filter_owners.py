#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The filter predicates pid, comm, uid and user on a live mix, against the
sockets the holders made and against lsof -p, -c and -u.

The mix, in private net and pid namespaces:
  - lsk-alpha (root): a TCP listener, a UDP socket, a UNIX socket pair, and
    a forked child (same comm) that keeps only the listener, so the listener
    has two owners and `pid = CHILD` selects it alone;
  - lsk-beta (nobody): a TCP listener, a UDP6 socket, a UNIX socket;
  - a TIME_WAIT (no inode, no owner, no uid).
Every set is exact: only these processes exist in the namespaces.
"""
import shutil
import socket

import lsocktest as lt

ALPHA = r"""
set_comm(b"lsk-alpha")
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 2411)); l.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 2412))
a, b = socket.socketpair()
ino = lambda s: os.fstat(s.fileno()).st_ino
r, w = os.pipe()
child = os.fork()
if child == 0:
    u.close(); a.close(); b.close(); os.close(w)
    os.read(r, 1)
    os._exit(0)
ready(child, ino(l), ino(u), ino(a), ino(b))
"""

BETA = r"""
set_comm(b"lsk-beta")
l = socket.socket(); l.bind(("127.0.0.1", 2413)); l.listen()
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 2414))
x = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ino = lambda s: os.fstat(s.fileno()).st_ino
ready(ino(l), ino(u), ino(x))
"""


def doc(flags, words):
    """lsock FLAGS --json WORDS..., as a document."""
    r = lt.run_lsock([flags, "--json", *words.split()])
    lt.expect(r.status in (0, 1), r.describe())
    return r.json()


def inodes(words):
    """The inodes lsock -a lists for the filter (0 for an inode-less row)."""
    return sorted(s["inode"] or 0 for s in doc("-tuxwan", words)["sockets"])


def lsof_inodes(args):
    """Socket inodes of the processes lsof selects with args (lsof puts an
    inet socket's inode in the DEVICE field, a UNIX socket's in NODE)."""
    r = lt.run(["lsof", "-w", "-nP", "-F", "ptdi", *args])
    found, kind = set(), None
    for line in r.stdout.splitlines():
        tag, val = line[:1], line[1:]
        if tag == "t":
            kind = val
        elif tag == "d" and kind in ("IPv4", "IPv6"):
            found.add(int(val))
        elif tag == "i" and kind == "unix":
            found.add(int(val))
    return sorted(found)


def main():
    lt.expect(shutil.which("lsof"), "lsof is missing (the README's test command installs it)")
    with lt.Holders() as h:
        alpha, facts = h.start(ALPHA)
        child, a_listen, a_udp, a_pair1, a_pair2 = (int(x) for x in facts)
        beta, facts = h.start(BETA, nobody=True)
        b_listen, b_udp, b_unix = (int(x) for x in facts)
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", 2415))
        srv.listen()
        cli = socket.create_connection(("127.0.0.1", 2415))
        acc, _ = srv.accept()
        cport = cli.getsockname()[1]
        cli.close()
        acc.close()
        srv.close()
        # The active closer gets the TIME_WAIT once the peer's FIN is in.
        lt.wait_tcp_state(cport, 2415, "TIME_WAIT")

        alpha_all = sorted([a_listen, a_udp, a_pair1, a_pair2])
        beta_all = sorted([b_listen, b_udp, b_unix])
        everything = inodes("")
        lt.expect(sorted(set(everything) - {0}) == sorted(alpha_all + beta_all),
                  f"the mix: {everything}, want {sorted(alpha_all + beta_all)} and a 0")

        def exact_sets():
            problems = []
            cases = [
                (f"pid = {alpha}", alpha_all),
                (f"pid = {child}", [a_listen]),
                (f"pid == {beta}", beta_all),
                ("pid = 999999", []),
                (f"pid != {alpha}", sorted([0] + beta_all)),
                (f"not pid = {child} and not pid = {beta}", sorted([0, a_udp, a_pair1, a_pair2])),
                ("comm = lsk-alpha", alpha_all),
                ("comm = lsk-b*", beta_all),
                ("comm = lsk-?????", alpha_all),
                ("comm = LSK-alpha", []),
                (f"comm = lsk-alpha and pid = {alpha} and pid = {child}", [a_listen]),
                # != is "no holder is": the listener is held by alpha too.
                (f"comm = lsk-alpha and pid != {alpha}", []),
                # The kernel has no uid for a TIME_WAIT: neither = nor != matches it.
                ("uid = 0", alpha_all),
                ("uid = 65534", beta_all),
                ("user = nobody", beta_all),
                ("user = root", alpha_all),
                ("user != root", beta_all),
                ("( user = nobody or pid = 1 ) and sport = :2413", [b_listen]),
                ("not uid = 65534 and not comm = lsk-alpha", [0]),
                ("uid != 65534 or uid = 65534", sorted(alpha_all + beta_all)),
                ("comm = lsk-beta or sport = :2411", sorted(beta_all + [a_listen])),
            ]
            for words, want in cases:
                got = inodes(words)
                if got != want:
                    problems.append(f"'{words}': {got}, want {want}")
            # With -p the same sets, and the owners shown.
            d = doc("-tuxwanp", f"pid = {child}")
            got = [(s["inode"], sorted(o["pid"] for o in s["owners"])) for s in d["sockets"]]
            if got != [(a_listen, sorted([alpha, child]))]:
                problems.append(f"-p 'pid = {child}': {got}")
            # Without -p the walk is for the filter only: no owners shown.
            d = doc("-tuxwan", "comm = lsk-beta")
            if "owners_complete" in d or any("owners" in s for s in d["sockets"]):
                problems.append("owners shown without -p")
            text = lt.run_lsock(["-tan", "comm = lsk-alpha"]).stdout
            if "lsk-alpha" in text or len(lt.text_rows(text)) != 1:
                problems.append(f"text without -p: {text!r}")
            lt.check(problems, "pid, comm, uid and user select exact sets")

        def vs_lsof():
            problems = []
            for lsof_args, words in (
                    (["-p", str(alpha)], f"pid = {alpha}"),
                    (["-p", str(child)], f"pid = {child}"),
                    (["-p", str(beta)], f"pid = {beta}"),
                    (["-c", "/^lsk-alpha$/"], "comm = lsk-alpha"),
                    (["-c", "lsk-b"], "comm = lsk-b*"),
                    (["-u", "nobody"], "user = nobody"),
            ):
                theirs = lsof_inodes(lsof_args)
                # lsof -u selects processes, lsock the socket's uid: here the
                # same, since each holder made its own sockets.
                ours = [i for i in inodes(words) if i]
                if ours != theirs:
                    problems.append(f"'{words}': {ours}, lsof {' '.join(lsof_args)}: {theirs}")
                if not theirs:
                    problems.append(f"lsof {' '.join(lsof_args)} found nothing")
            lt.check(problems, "lsock agrees with lsof -p, -c and -u")

        def bad_filters():
            problems = []
            for words in ("user = no-such-user-lsk", "pid = 0", "uid = x", "pid > 3", "comm"):
                r = lt.run_lsock(["-ta", *words.split()])
                if r.status != 2 or r.out or len(r.stderr_lines()) != 1:
                    problems.append(f"'{words}': {r.describe()}")
            lt.check(problems, "bad pid, comm, uid and user filters exit 2")

        lt.main([("exact sets", exact_sets), ("vs lsof", vs_lsof), ("bad filters", bad_filters)])


lt.run_test(main)
