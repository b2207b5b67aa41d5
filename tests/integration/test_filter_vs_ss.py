# SPDX-License-Identifier: MIT
"""Filters agree with ss: on a live mix in a private netns, for every state
keyword and group, every operator spelling, and/or/not with parentheses,
src/dst with IPv4, prefixes, bracketed IPv6, v4-mapped addresses and
ports, and exclude, `lsock -tuan --json FILTER` lists exactly the sockets
`ss -tuane FILTER` lists (joined on the inode, or on the 4-tuple for
inode-0 rows such as TIME_WAIT and SYN_RECV); a few filters run with -p
(`lsock -tuanp` vs `ss -tuanpe`) too.  Filters ss rejects must be
rejected by lsock too (exit 2).  UNIX: `lsock -xa src GLOB` vs
`ss -xa src GLOB`.

The mix holds every TCP state that can be parked without dropping packets
by hand: LISTEN, ESTABLISHED, SYN_SENT (SYN routed into lo, where it is not
local and gets dropped), SYN_RECV (TCP_DEFER_ACCEPT keeps the request
socket), FIN_WAIT1 (FIN queued behind data the peer's zero window
refuses), FIN_WAIT2/CLOSE_WAIT (half-close), TIME_WAIT; CLOSING and
LAST_ACK stay empty on both sides."""
import errno
import os
import socket
import time

import lsocktest as lt

# Fields that must agree besides membership: the identity of each row.
FIELDS = ("proto", "family", "state", "laddr", "lport", "raddr", "rport")

STATES = ["established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait",
          "closed", "close-wait", "last-ack", "listening", "closing"]
GROUPS = ["all", "connected", "synchronized", "bucket", "big"]
EMPTY_STATES = {"last-ack", "closing"}   # not parked in the mix

# Expression filters (word strings split on spaces).  Port 22/80/443 are
# below 1024, the rest above.
EXPRESSIONS = [
    # every operator spelling
    "sport = :22", "sport == :22", "sport eq :22",
    "sport != :22", "sport ne :22",
    # bounds that are ports in the mix, so that > and >= differ
    "sport > :2204", "sport gt :2204",
    "sport < :443", "sport lt :443",
    "sport > :1024", "sport < :1024",
    "sport >= :2204", "sport ge :2204",
    "sport <= :443", "sport le :443",
    "dport = :22", "dport != :0", "dport > :2204", "dport >= :2204", "dport < :1024",
    "dport <= :22", "dport lt :22",
    "dport = :80", "sport = :53",
    # and / or / not, parentheses as words
    "sport = :22 or dport = :22",
    "sport = :22 || dport = :22",
    "sport > :1000 and sport < :3000",
    "sport > :1000 && dport != :0",
    "sport = :22 dport > :1024",
    "not sport = :22",
    "! sport = :22",
    "not ( sport = :22 or sport = :80 )",
    "! ( dport = :22 || dport = :443 )",
    "( sport = :22 or sport = :443 ) and dport > :1024",
    "( src 127.0.0.1 or src [::1] ) and not sport < :1024",
    # src / dst
    "src 127.0.0.1", "dst 127.0.0.1",
    "src 127.0.0.1:22", "dst 127.0.0.1:22",
    "src 127.0.0.0/8", "dst 127.0.0.0/8", "src 10.1.2.0/24", "dst 10.1.2.3/32",
    "src 0.0.0.0", "src 0.0.0.0/0",
    "src [::1]", "dst [::1]", "src [::1]:443", "dst [::1]:443",
    "src [2001:db8::/64]", "dst [2001:db8::1]:2211", "dst [2001:db8::/64]:5303",
    "src [::ffff:127.0.0.1]", "dst [::ffff:127.0.0.1]",
    "src [::ffff:127.0.0.1]:2204",
    "src [::]", "src [::]:2205",
    "src :22", "dst :443", "src *:2204",
    "src 127.0.0.1 and dst 127.0.0.1",
    "dst 10.9.0.2",
]

# State words combined with expressions, and exclude.
STATE_MIXES = [
    "state established ( dport = :22 or sport = :22 )",
    "state listening sport < :1024",
    "state established state listening",
    "state connected src 127.0.0.0/8",
    "state time-wait dport = :80",
    "state syn-recv sport = :8080",
    "exclude listening",
    "exclude established",
    "exclude time-wait exclude established",
    "exclude closed sport > :1024",
    "state all exclude syn-sent",
]

# Filters ss rejects; lsock must reject them too (exit 2).
REJECTED_BY_BOTH = ["state bogus", "( sport = :22", "src", "sport ~ :22", "sport = :22 )"]


def park_fin_wait1(mix, port):
    """A connection whose client sits in FIN_WAIT1: the server's receive
    buffer is tiny and never read, so the client's data (and the FIN queued
    behind it) cannot be sent; shutdown(SHUT_WR) moves it to FIN_WAIT1."""
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    lst.bind(("127.0.0.1", port))
    lst.listen(1)
    mix._keep(lst, f"fin-wait-1 listener :{port}")
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    c.connect(("127.0.0.1", port))
    srv, _ = lst.accept()
    mix._keep(c, "fin-wait-1 client")
    mix._keep(srv, "fin-wait-1 server")
    c.setblocking(False)
    try:
        while True:
            c.send(b"x" * 4096)
    except BlockingIOError:
        pass
    c.shutdown(socket.SHUT_WR)
    lt.wait_tcp_state(c.getsockname()[1], port, "FIN_WAIT1")


def park_half_close(mix, listener):
    """Server side half-closes: server FIN_WAIT2, client CLOSE_WAIT."""
    port = listener.getsockname()[1]
    c, srv = mix.tcp_connect(listener, "127.0.0.1")
    srv.shutdown(socket.SHUT_WR)
    cport = c.getsockname()[1]
    lt.wait_tcp_state(port, cport, "FIN_WAIT2")
    lt.wait_tcp_state(cport, port, "CLOSE_WAIT")


def park_syn_sent(mix):
    """A SYN to 10.9.0.2, which is routed into lo but is not local: the
    kernel drops it on input (no forwarding), so the client stays SYN_SENT."""
    lt.ip("route", "add", "10.9.0.0/24", "dev", "lo")
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.bind(("127.0.0.1", 0))
    c.setblocking(False)
    err = c.connect_ex(("10.9.0.2", 80))
    lt.expect(err == errno.EINPROGRESS, f"connect to 10.9.0.2: {os.strerror(err)}")
    mix._keep(c, "syn-sent client")
    lt.wait_tcp_state(c.getsockname()[1], 80, "SYN_SENT")


def park_syn_recv(mix, port):
    """TCP_DEFER_ACCEPT: the server drops the bare final ACK and keeps the
    request socket (reported as SYN_RECV) until data comes or the defer time
    ends; the client is ESTABLISHED."""
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # The ACK that would complete the handshake is ignored until about this
    # many seconds have passed (then the next one is taken): long enough.
    lst.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 3600)
    lst.bind(("127.0.0.1", port))
    lst.listen(4)
    mix._keep(lst, f"defer-accept listener :{port}")
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect(("127.0.0.1", port))
    mix._keep(c, "syn-recv client")
    lt.wait_tcp_state(port, c.getsockname()[1], "SYN_RECV")


class TimeWait:
    """The mix's TIME_WAIT socket.  It lasts 60 s (TCP_TIMEWAIT_LEN, not
    tunable), which a slow run (valgrind) outlives: refresh() replaces it,
    between two filters, once it is older than MAX_AGE, and waits for the
    old one to vanish first so that no filter sees it expire half-way."""

    MAX_AGE = 40.0

    def __init__(self, mix, listener):
        self.mix = mix
        self.listener = listener
        self.port = listener.getsockname()[1]
        self._make()

    def _make(self):
        self.cport = self.mix.tcp_time_wait(self.listener, "127.0.0.1")
        self.born = time.monotonic()

    def refresh(self):
        if time.monotonic() - self.born < self.MAX_AGE:
            return
        lt.wait_until(lambda: not any(r[1] == self.cport and r[3] == self.port
                                      for r in lt.tcp_rows()),
                      f"TIME_WAIT on port {self.cport} to expire", 40)
        self._make()


def build_mix(mix):
    lt.add_addr("10.1.2.3/24")
    lt.add_addr("2001:db8::1/64")
    # SYN_SENT and SYN_RECV time out after tcp_syn_retries and
    # tcp_synack_retries retransmissions (about 2 min and 1 min); these
    # sysctls are per-netns, so make them outlive any run.
    lt.set_netns_sysctl("net/ipv4/tcp_syn_retries", 127)
    lt.set_netns_sysctl("net/ipv4/tcp_synack_retries", 127)
    l22 = mix.tcp_listen("127.0.0.1", 22)
    l80 = mix.tcp_listen("0.0.0.0", 80)
    l443 = mix.tcp_listen("::1", 443)
    dual = mix.tcp_listen("::", 2204, v6only=False)
    mix.tcp_listen("::", 2205, v6only=True)
    l2210 = mix.tcp_listen("10.1.2.3", 2210)
    l2211 = mix.tcp_listen("2001:db8::1", 2211)
    mix.tcp_connect(l22, send=b"hello")
    mix.tcp_connect(l443, send=b"hello6")
    mix.tcp_connect(dual, "127.0.0.1")          # server side is ::ffff:127.0.0.1
    mix.tcp_connect(dual, "::1")
    mix.tcp_connect(l2210)
    mix.tcp_connect(l2211)
    tw = TimeWait(mix, l80)
    park_half_close(mix, l22)
    park_fin_wait1(mix, 2220)
    park_syn_sent(mix)
    park_syn_recv(mix, 8080)
    mix.udp_bind("127.0.0.1", 53, queue=b"query")
    mix.udp_bind("0.0.0.0", 5353)
    mix.udp_bind("::1", 5302)
    mix.udp_bind("::", 5303)
    mix.udp_bind("10.1.2.3", 1234)
    mix.udp_connect("127.0.0.1", 53)
    mix.udp_connect("::1", 5302)
    mix.udp_connect("2001:db8::1", 5303)
    return tw


def build_unix(mix):
    os.mkdir(mix.unix_path("sub"))
    for name in ("alpha.sock", "alps.sock", "beta.sock", "sub/alpha.sock"):
        s = mix.unix_listen(mix.unix_path(name))
        mix.unix_connect(s)
    mix.unix_dgram(mix.unix_path("dgram-alpha"))
    mix.unix_listen("@lsft-alpha")
    mix.unix_listen("@lsft-beta")
    mix.unix_pair()


# ss's name of each state keyword, for rows where ss leaves the State column out.
SS_STATE_NAME = {
    "established": "ESTAB", "syn-sent": "SYN-SENT", "syn-recv": "SYN-RECV",
    "fin-wait-1": "FIN-WAIT-1", "fin-wait-2": "FIN-WAIT-2", "time-wait": "TIME-WAIT",
    "closed": "UNCONN", "close-wait": "CLOSE-WAIT", "last-ack": "LAST-ACK",
    "listening": "LISTEN", "closing": "CLOSING",
}


def parse_ss_filtered(text, words):
    """parse_ss() for `ss -H ... FILTER` output.  When the filter selects a
    single state, ss omits the State column (all rows would say the same),
    so the rows have a number where the state should be: put it back."""
    states = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "state"]
    single = states[0] if len(states) == 1 and "exclude" not in words else None
    lines = []
    for line in text.splitlines():
        tok = line.split()
        if single in SS_STATE_NAME and len(tok) > 1 and tok[1].isdigit():
            line = " ".join([tok[0], SS_STATE_NAME[single]] + tok[1:])
        lines.append(line)
    return lt.parse_ss("\n".join(lines))


def compare_filter(flags, ss_flags, words, *, expect_nonempty):
    """Problems for one filter: both reject it, or both list the same sockets."""
    ss = lt.run(["ss", "-H"] + ss_flags + words)
    r_args = flags + words
    if ss.status != 0:
        r = lt.run_lsock(r_args + ["--json"])
        if r.status != 2:
            return [f"ss rejects it ({ss.stderr.strip().splitlines()[0][:200]!r}) but "
                    f"{r.describe()}, want 2"]
        return []
    oracle = parse_ss_filtered(ss.stdout, words)
    ours, _, r = lt.lsock_sockets(r_args)
    problems = lt.compare(ours, oracle, FIELDS)
    want_status = 0 if ours else 1
    if r.status != want_status:
        problems.append(f"{r.describe()}: {len(ours)} sockets, want exit {want_status}")
    if expect_nonempty and not oracle:
        problems.append("(test guard) ss lists nothing for this filter: the mix lacks a socket "
                        "it should select")
    return problems


def main():
    with lt.SocketMix() as mix:
        tw = build_mix(mix)
        build_unix(mix)
        d = mix.dir
        cases = []

        def add(words, *, flags=("-tuan",), ss_flags=("-tuane",), nonempty=True):
            words = words.split() if isinstance(words, str) else words

            def run():
                tw.refresh()
                lt.check(compare_filter(list(flags), list(ss_flags), words,
                                        expect_nonempty=nonempty),
                         f"lsock {' '.join(flags)} vs ss {' '.join(ss_flags)}")
            name = " ".join(words) or "(no filter)"
            cases.append((f"{name}  [{' '.join(flags)}]", run))

        def mix_has_every_state():
            recs, _ = lt.ss_sockets("-tuanpe")
            seen = {r["state"] for r in recs}
            want = {"LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
                    "CLOSE_WAIT", "TIME_WAIT", "UNCONN"}
            lt.expect(want <= seen, f"ss does not see states {sorted(want - seen)} in the mix")

        cases.append(("(guard) the mix holds every parkable state", mix_has_every_state))
        add([])
        # -p walks all of /proc in both tools (seconds on a busy machine),
        # so only a few filters run with it: it must not change what matches.
        for words in ([], "sport = :22", "state listening", "src 127.0.0.0/8 and not dport = :22",
                      "state time-wait"):
            add(words, flags=("-tuanp",), ss_flags=("-tuanpe",))
        for s in STATES:
            add(["state", s], nonempty=s not in EMPTY_STATES)
        for g in GROUPS:
            add(["state", g])
        for e in EXPRESSIONS:
            add(e)
        for m in STATE_MIXES:
            add(m)
        for bad in REJECTED_BY_BOTH:
            add(bad, nonempty=False)
        # Default (connected) and -l state sets combined with filters.
        add("sport = :22", flags=("-tun",), ss_flags=("-tun",))
        add("src 127.0.0.1", flags=("-tuln",), ss_flags=("-tuln",))
        add("exclude listening", flags=("-tuln",), ss_flags=("-tuln",), nonempty=False)
        # UNIX: src is an fnmatch glob on the name ('@' for abstract names).
        for glob in (f"{d}/al*", f"{d}/*", f"{d}/*alpha*", f"{d}/sub/*", f"{d}/alp?.sock",
                     "@lsft-*", "@lsft-a*", f"{d}/[ab]*.sock"):
            add(["src", glob], flags=("-xa",), ss_flags=("-xa",))
        add(["state", "listening", "src", f"{d}/a*"], flags=("-xa",), ss_flags=("-xa",))
        add(["src", "/nonexistent/*"], flags=("-xa",), ss_flags=("-xa",), nonempty=False)
        lt.main(cases)


lt.run_test(main)
