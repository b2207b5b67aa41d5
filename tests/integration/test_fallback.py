# SPDX-License-Identifier: MIT
"""The /proc/net fallback: under tests/helpers/nodiag (socket(AF_NETLINK,
NETLINK_SOCK_DIAG) fails with EPROTONOSUPPORT, EPERM or EACCES) lsock must
list the same sockets as ss does in the same sandbox (ss falls back to
/proc/net itself), and the same as the kernel's sock_diag truth minus what
/proc/net does not carry.

What /proc/net does not carry, so it is not compared and must be null in
lsock's JSON when the socket came from /proc:
  - the LISTEN backlog: over netlink Send-Q of a listener is the backlog;
    /proc/net/tcp has tx_queue 0 for listeners (so both say 0);
  - v6only (no column in /proc/net/tcp6, udp6): null;
  - the socket cookie (/proc prints a kernel pointer, hashed): null;
  - UNIX queues, peer inode and uid (/proc/net/unix has none): null.
ss's own fallback has gaps too, worked around here: it prints no `ino:`
or `uid:` for UDP rows (those join on the 4-tuple) and calls every
non-listening UNIX socket ESTAB (the UNIX state is checked against the
netlink truth instead).
"""

import lsocktest as lt

ERRNOS = ("EPROTONOSUPPORT", "EPERM", "EACCES")
ARGS = ["-tuxanp"]

# Fields ss's /proc fallback reports correctly.
FIELDS_SS_PROC = ("proto", "family", "type", "state", "recv_q", "send_q", "laddr", "lport",
                  "raddr", "rport", "path", "uid", "inode", "owners")


def skip_vs_ss_proc(rec):
    if rec["family"] == "unix":
        return {"state", "recv_q", "send_q", "uid"}
    if rec["uid"] is None:
        return {"uid"}
    return set()


def proc_truth(netlink_recs):
    """The ss (netlink) records reduced to what /proc/net can say."""
    out = []
    for r in netlink_recs:
        r = dict(r)
        r["cookie"] = None
        r["v6only"] = None
        if r["family"] == "unix":
            r["recv_q"] = r["send_q"] = r["peer_inode"] = r["uid"] = None
        elif r["proto"] == "tcp" and r["state"] == "LISTEN":
            r["send_q"] = 0
        out.append(r)
    return out


def skip_vs_truth(rec):
    # The kernel reports uid 0 for TIME_WAIT; lsock may say null.
    return {"uid"} if rec["state"] == "TIME_WAIT" else set()


def check_sources(recs, want, what):
    return [f"{what}: source {r['source']!r}, expected {want!r}: {r['raw']}"
            for r in recs if r["source"] != want]


def main():
    lt.helper_path("nodiag")
    with lt.SocketMix() as mix:
        lt.build_standard_mix(mix)
        raw = mix.raw_icmp("127.0.0.1")
        lite = mix.udplite_bind("::1", 5555)
        raw_ino, lite_ino = lt.sock_inode(raw), lt.sock_inode(lite)

        def sandboxed(err, nobody=False):
            ours, doc, r = lt.lsock_sockets(ARGS, sandbox=err, nobody=nobody)
            ss_proc, _ = lt.ss_sockets(sandbox=err, nobody=nobody)
            ss_nl, _ = lt.ss_sockets(nobody=nobody)
            who = "nobody" if nobody else "root"
            problems = lt.compare(ours, ss_proc, FIELDS_SS_PROC, skip_fields=skip_vs_ss_proc,
                                  names=("lsock", "ss-in-sandbox"))
            problems += lt.compare(ours, proc_truth(ss_nl), skip_fields=skip_vs_truth,
                                   names=("lsock", "netlink-truth"))
            problems += check_sources(ours, "proc", f"nodiag {err}")
            if r.status != 0:
                problems.append(f"exit status {r.status}: {r.describe()}")
            lt.check(problems, f"nodiag {err}: lsock {' '.join(ARGS)} --json ({who})")

        def forced_proc():
            ours, _, r = lt.lsock_sockets(ARGS + ["--source=proc"])
            boxed, _, _ = lt.lsock_sockets(ARGS, sandbox="EPERM")
            problems = lt.compare(ours, boxed, names=("--source=proc", "nodiag EPERM"))
            problems += check_sources(ours, "proc", "--source=proc")
            lt.check(problems, "--source=proc == sandboxed auto")

        def forced_netlink():
            problems = []
            for err in ERRNOS:
                r = lt.run_lsock(ARGS + ["--json", "--source=netlink"], sandbox=err)
                if r.status == 0 or r.stdout.strip() or "netlink" not in r.stderr:
                    problems.append(f"nodiag {err} --source=netlink: want a non-zero exit, no stdout, "
                                    f"'netlink' on stderr; got {r.describe()} stdout={r.stdout[:200]!r}")
            lt.check(problems, "--source=netlink refused")

        def raw_and_udplite():
            problems = []
            for err in (None, "EPERM"):
                ours, _, r = lt.lsock_sockets(["-wUan"], sandbox=err)
                mine = lt.by_inode(ours)
                where = f"lsock -wUan --json{' under nodiag ' + err if err else ''}"
                rr, lr = mine.get(raw_ino), mine.get(lite_ino)
                if rr is None or (rr["proto"], rr["family"], rr["laddr"]) != ("raw", "inet", "127.0.0.1"):
                    problems.append(f"{where}: raw ICMP socket ino={raw_ino} wrong or missing: "
                                    f"{rr and rr['raw']}")
                if lr is None or (lr["proto"], lr["family"], lr["laddr"], lr["lport"], lr["state"]) != \
                        ("udplite", "inet6", "::1", 5555, "UNCONN"):
                    problems.append(f"{where}: UDP-Lite socket ino={lite_ino} wrong or missing: "
                                    f"{lr and lr['raw']}")
                if rr is not None and rr["source"] != "proc":
                    problems.append(f"{where}: raw came from {rr['source']!r}; this kernel has no "
                                    f"RAW_DIAG, so it must come from /proc")
                if err:
                    problems += check_sources(ours, "proc", where)
                others = [x for x in ours if x["proto"] not in ("raw", "udplite")]
                if others:
                    problems.append(f"{where}: non raw/udplite rows: {[x['raw'] for x in others]}")
            lt.check(problems, "raw and UDP-Lite")

        cases = [(f"nodiag {e}: lsock == ss in sandbox == /proc truth (root)",
                  lambda e=e: sandboxed(e)) for e in ERRNOS]
        cases += [
            ("nodiag EPERM: same as nobody", lambda: sandboxed("EPERM", nobody=True)),
            ("--source=proc without sandbox", forced_proc),
            ("--source=netlink in sandbox fails", forced_netlink),
            ("raw ICMP and UDP-Lite with and without sandbox", raw_and_udplite),
        ]
        lt.main(cases)


lt.run_test(main)
