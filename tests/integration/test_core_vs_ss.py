# SPDX-License-Identifier: MIT
"""Core acceptance: `lsock -tuxanp --json` lists exactly what `ss -tuxanpe`
lists, socket by socket, in a private netns holding every socket kind
(see lsocktest.build_standard_mix), as root and as nobody.

Known differences that are normalized rather than compared (lsocktest):
ss brackets IPv6 addresses and writes "*" for a dual-stack wildcard; ss
writes "@name" for abstract names (as lsock does); ss -e omits `uid:0`; ss
never prints a UNIX socket's uid (checked against the mix instead) nor its
cookie; for
LISTEN sockets both tools show the backlog as Send-Q over netlink, so it
*is* compared here.  TIME_WAIT rows have inode 0 and join on the 4-tuple;
their uid is not compared (the kernel reports 0 for them, and lsock may say
null).
"""

import lsocktest as lt

LSOCK_ARGS = ["-tuxanp"]


def skip_netlink(rec):
    skipped = set()
    if rec["family"] == "unix":
        # ss prints neither the uid nor the cookie of UNIX sockets.
        skipped |= {"uid", "cookie"}
    if rec["state"] == "TIME_WAIT":
        skipped.add("uid")
    if rec["v6only"] is None:
        # ss 6.1 prints v6only only for listening/unconnected sockets.
        skipped.add("v6only")
    return skipped


def main():
    with lt.SocketMix() as mix:
        facts = lt.build_standard_mix(mix)
        nobody_inode = facts["nobody_inode"]

        def oracle_sanity():
            recs, _ = lt.ss_sockets()
            lt.check(lt.check_oracle_sees_mix(mix, recs), "ss (root) vs the mix")
            tw = [r for r in recs if r["state"] == "TIME_WAIT"]
            lt.expect([r["lport"] for r in tw] == [facts["time_wait_port"]],
                      f"ss shows no single TIME_WAIT on port {facts['time_wait_port']}: {tw}")
            recs, _ = lt.ss_sockets(nobody=True)
            lt.check(lt.check_oracle_sees_mix(mix, recs, owners_visible=lambda e: e.inode == nobody_inode),
                     "ss (nobody) vs the mix")

        def root_vs_ss():
            ours, doc, r = lt.lsock_sockets(LSOCK_ARGS)
            oracle, _ = lt.ss_sockets()
            problems = lt.compare(ours, oracle, skip_fields=skip_netlink)
            if r.status != 0:
                problems.append(f"exit status {r.status}, expected 0: {r.describe()}")
            if doc.get("owners_complete") is not True:
                problems.append(f"owners_complete is {doc.get('owners_complete')!r} as root, expected true")
            if r.stderr.strip():
                problems.append(f"unexpected stderr as root: {r.stderr.strip()!r}")
            for rec in ours:
                if rec["source"] != "netlink":
                    problems.append(f"source {rec['source']!r}, expected 'netlink': {rec['raw']}")
            lt.check(problems, "lsock -tuxanp --json vs ss -tuxanpe (root)")

        def root_vs_mix():
            ours, _, _ = lt.lsock_sockets(LSOCK_ARGS)
            mine = lt.by_inode(ours)
            problems = []
            for e in mix.expected:
                rec = mine.get(e.inode)
                if rec is None:
                    problems.append(f"lsock does not list {e}")
                    continue
                pids = frozenset(o[0] for o in rec["owners"] or ())
                if pids != e.owners:
                    problems.append(f"owners {sorted(pids)} != {sorted(e.owners)} for {e}: {rec['raw']}")
                if rec["uid"] != e.uid:
                    problems.append(f"uid {rec['uid']!r} != {e.uid} for {e}: {rec['raw']}")
                if any(o[2] != "python3" for o in rec["owners"] or ()):
                    problems.append(f"owner comm is not python3 for {e}: {rec['raw']}")
            lt.check(problems, "lsock vs what the mix created")

        def without_p():
            ours, doc, r = lt.lsock_sockets(["-tuxan"])
            oracle, _ = lt.ss_sockets("-tuxane")
            problems = lt.compare(ours, oracle, fields=[f for f in lt.FIELDS_NETLINK if f != "owners"],
                                  skip_fields=skip_netlink)
            if "owners_complete" in doc:
                problems.append("owners_complete present without -p")
            for rec in ours:
                if '"owners"' in rec["raw"]:
                    problems.append(f"owners present without -p: {rec['raw']}")
            lt.check(problems, "lsock -tuxan --json vs ss -tuxane")

        def nobody_vs_ss():
            ours, doc, r = lt.lsock_sockets(LSOCK_ARGS, nobody=True)
            oracle, _ = lt.ss_sockets(nobody=True)
            problems = lt.compare(ours, oracle, skip_fields=skip_netlink)
            for rec in ours:
                if rec["owners"] and rec["inode"] != nobody_inode:
                    problems.append(f"nobody sees owners of a root socket: {rec['raw']}")
            mine = lt.by_inode(ours)
            if nobody_inode in mine and \
                    frozenset(o[0] for o in mine[nobody_inode]["owners"] or ()) != {facts["nobody_pid"]}:
                problems.append(f"nobody's own socket lacks its owner: {mine[nobody_inode]['raw']}")
            if doc.get("owners_complete") is not False:
                problems.append(f"owners_complete is {doc.get('owners_complete')!r} as nobody, expected false")
            if not r.stderr.strip():
                problems.append("no note on stderr about incomplete owners as nobody")
            elif len(r.stderr.strip().splitlines()) != 1:
                problems.append(f"expected one note line on stderr, got: {r.stderr!r}")
            lt.check(problems, "lsock -tuxanp --json vs ss -tuxanpe (nobody)")

        lt.main([
            ("oracle: ss lists the mix", oracle_sanity),
            ("root: lsock == ss", root_vs_ss),
            ("root: lsock == the mix (owners, uid, comm)", root_vs_mix),
            ("root: without -p", without_p),
            ("nobody: lsock == ss, owners only for own sockets", nobody_vs_ss),
        ])


lt.run_test(main)
