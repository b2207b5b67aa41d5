# SPDX-License-Identifier: MIT
"""--sort path, --sort type and --sort user (issue 10: "work and are
tested"), on UNIX sockets of root and of nobody in a private netns.

The expected order is computed here from lsock's own unsorted JSON listing
of the same sockets: path by the name as shown (bytes; "@" for abstract
names, unnamed sockets first), type by its name (dgram < seqpacket <
stream), user by the user name (then the uid).  A '-' reverses the key
only: ties still end on the inode, ascending.  Each expected order must
differ from lsock's unsorted one (the kernel's hash order), or the check
would pass for a sort that does nothing.

Each order is checked twice: the column itself (`-k path`, as in the
issue) and `-k inode`, which pins down ties too.  The path and type orders
are checked with --source=proc as well (the user order there is the
inode order: /proc/net/unix has no uid).
"""
import os
import pwd
import socket

import lsocktest as lt

NOBODY = r"""
d = sys.argv[1]
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
a.bind(os.path.join(d, "k-nobody.sock"))
a.listen(4)
b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
b.bind("\0lsort-a-nobody")
c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
ready(*(os.fstat(s.fileno()).st_ino for s in (a, b, c)))
"""

HEADERS = {"path": "Path", "type": "Type", "user": "User"}


def user_name(uid):
    """What lsock shows for uid: its name, or the number if it has none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def expected(socks, key, reverse):
    """Socket dicts (from JSON) in the order --sort [-]key should give."""
    def path_key(s):
        return (s["path"] or "").encode()

    def user_key(s):
        # /proc has no uid: unknown uids compare equal (and first)
        if s["uid"] is None:
            return (0, b"", 0)
        return (1, user_name(s["uid"]).encode(), s["uid"])

    keyfn = {"path": path_key, "type": lambda s: s["type"], "user": user_key}[key]
    # ties end on the inode (all rows are unix: proto and family are equal)
    by_inode = sorted(socks, key=lambda s: s["inode"])
    return sorted(by_inode, key=keyfn, reverse=reverse)


def column(s, key):
    """The text cell of s in the key column."""
    if key == "path":
        return s["path"] or "*"  # the cell of an unnamed socket (issue 9: no empty cells)
    if key == "type":
        return s["type"]
    return user_name(s["uid"]) if s["uid"] is not None else "-"


def main():
    with lt.SocketMix() as mix, lt.Holders() as holders:
        # root, then nobody, then root again (inodes come from per-CPU
        # batches, so creation order says little about inode order)
        listener = mix.unix_listen(mix.unix_path("m-stream.sock"))
        mix.unix_connect(listener)   # an unnamed client; the accepted end shares the path
        mix.unix_dgram(mix.unix_path("a-dgram.sock"))
        mix.unix_listen(mix.unix_path("z-seq.sock"), socket.SOCK_SEQPACKET)
        nb_dir = mix.unix_path("nb")
        os.mkdir(nb_dir)
        os.chmod(nb_dir, 0o777)
        _, facts = holders.start(NOBODY, nb_dir, nobody=True)
        nobody_inodes = {int(x) for x in facts}
        mix.unix_listen("@lsort-b")
        mix.unix_dgram(mix.unix_path("B-upper.sock"))
        mix.unix_pair(socket.SOCK_DGRAM)
        mix.unix_listen(mix.unix_path("c-seq.sock"), socket.SOCK_SEQPACKET)
        ours = {e.inode for e in mix.expected} | nobody_inodes

        def listing(source):
            doc, _ = lt.lsock_doc(["-xa", f"--source={source}"])
            socks = doc["sockets"]
            have = {s["inode"] for s in socks}
            lt.expect(ours <= have, f"--source={source}: sockets missing from the listing: "
                      f"{sorted(ours - have)}")
            if source == "netlink":
                uids = {s["inode"]: s["uid"] for s in socks}
                lt.expect(all(uids[i] == lt.NOBODY_UID for i in nobody_inodes) and
                          any(u == 0 for u in uids.values()),
                          f"want sockets of root and of nobody, got uids {uids}")
            return socks

        def check_order(key, reverse, source):
            socks = listing(source)
            want = expected(socks, key, reverse)
            spec = ("-" if reverse else "") + key
            problems = []
            unsorted = lt.run_lsock(["-xaH", f"--source={source}", "-k", "inode"]).stdout.split()
            if [s["inode"] for s in want] == [int(x) for x in unsorted]:
                problems.append(f"--sort {spec}: the expected order is the unsorted one, so "
                                "this proves nothing (test set-up)")
            base = ["-xa", f"--source={source}", "--sort", spec]
            r = lt.run_lsock(base + ["-k", key])
            lines = r.stdout.split("\n")
            if r.status != 0 or r.err or lines[:1] != [HEADERS[key]]:
                problems.append(f"{r.describe()}: want exit 0, a header, no stderr")
            got = lines[1:-1]
            cells = [column(s, key) for s in want]
            if got != cells:
                problems.append(f"lsock {' '.join(base)} -k {key}:\n    got  {got}\n"
                                f"    want {cells}")
            r = lt.run_lsock(base + ["-H", "-k", "inode"])
            got = [int(x) for x in r.stdout.split()]
            inodes = [s["inode"] for s in want]
            if r.status != 0 or got != inodes:
                problems.append(f"lsock {' '.join(base)} -H -k inode (exit {r.status}):\n"
                                f"    got  {got}\n    want {inodes}\n    rows "
                                + ", ".join(f"{s['inode']}:{column(s, key)}" for s in want))
            lt.check(problems, f"--sort {spec} (--source={source})")

        cases = []
        for key in ("path", "type", "user"):
            for reverse in (False, True):
                for source in ("netlink", "proc"):
                    if source == "proc" and key == "user" and reverse:
                        continue
                    spec = ("-" if reverse else "") + key
                    cases.append((f"--sort {spec} --source={source}",
                                  lambda k=key, rv=reverse, src=source: check_order(k, rv, src)))
        lt.main(cases)


lt.run_test(main)
