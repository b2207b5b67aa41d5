# SPDX-License-Identifier: MIT
"""The uid and inode the kernel does not know are not made up (issue 9,
4.3).  For a time-wait socket (TIME_WAIT, and FIN_WAIT2 once its process
closed it) and a request socket (SYN_RECV), the kernel writes uid 0 and
inode 0 (inet_twsk_diag_fill(), inet_req_diag_fill(), get_timewait4_sock()),
so a connection of uid 65534 would show up as root's.  lsock reports null
in JSON and `-` in text instead, from sock_diag and from /proc/net; only
/proc/net's request rows carry a real uid (the listener's).  A full socket
its process closed (an orphan in FIN_WAIT1) keeps its real uid but has no
inode: null too.

Every socket here belongs to uid 65534, so that 0 is visibly wrong."""
import socket

import lsocktest as lt

ROOT_PORT = 2501    # root's listener; nobody's clients close first
DEFER_PORT = 2502   # nobody's TCP_DEFER_ACCEPT listener: requests stay SYN_RECV
STUCK_PORT = 2503   # root's listener that never reads: nobody's FIN stays queued

CLOSE_FIRST = r"""
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.connect(("127.0.0.1", int(sys.argv[1])))
port = c.getsockname()[1]
c.close()
ready(port)
"""

DEFER_LISTENER = r"""
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 3600)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(4)
ready(os.fstat(s.fileno()).st_ino)
"""

# Fills the send buffer toward a peer whose tiny receive buffer is never
# read, then closes: the FIN waits behind the data, the socket is an orphan
# in FIN_WAIT1 (a full socket with no file).
ORPHAN = r"""
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
c.connect(("127.0.0.1", int(sys.argv[1])))
port = c.getsockname()[1]
c.setblocking(False)
try:
    while True:
        c.send(b"x" * 4096)
except BlockingIOError:
    pass
c.close()
ready(port)
"""


def proc_tcp_row(lport, rport):
    """The /proc/net/tcp fields of the row lport -> rport."""
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            t = line.split()
            if int(t[1].rsplit(":", 1)[1], 16) == lport and int(t[2].rsplit(":", 1)[1], 16) == rport:
                return t
    raise lt.TestFailure(f"no /proc/net/tcp row {lport} -> {rport}")


def main():
    lt.set_netns_sysctl("net/ipv4/tcp_synack_retries", 127)
    with lt.SocketMix() as mix:
        lst = mix.tcp_listen("127.0.0.1", ROOT_PORT)

        # TIME_WAIT: nobody's client closes first, then our side.
        _, facts = mix.holders.start(CLOSE_FIRST, ROOT_PORT, nobody=True)
        tw_port = int(facts[0])
        srv, _ = lst.accept()
        lt.expect(srv.recv(1) == b"", "data on the TIME_WAIT server side")
        srv.close()
        lt.wait_tcp_state(tw_port, ROOT_PORT, "TIME_WAIT")

        # FIN_WAIT2 after close: our side never closes (CLOSE_WAIT).
        _, facts = mix.holders.start(CLOSE_FIRST, ROOT_PORT, nobody=True)
        fw2_port = int(facts[0])
        srv, _ = lst.accept()
        mix.socks.append(srv)
        lt.wait_tcp_state(fw2_port, ROOT_PORT, "FIN_WAIT2")
        # Normally tcp_close()/tcp_rcv_state_process() turn it into a
        # time-wait socket (tcp_time_wait(sk, TCP_FIN_WAIT2, ...)); timer 3
        # in /proc says which it is.
        fw2_mini = proc_tcp_row(fw2_port, ROOT_PORT)[5].startswith("03:")

        # SYN_RECV: a request socket under nobody's listener.
        _, facts = mix.holders.start(DEFER_LISTENER, DEFER_PORT, nobody=True)
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.connect(("127.0.0.1", DEFER_PORT))
        mix.socks.append(c)
        req_port = c.getsockname()[1]
        lt.wait_tcp_state(DEFER_PORT, req_port, "SYN_RECV")

        # FIN_WAIT1 orphan of nobody's.
        stuck = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        stuck.bind(("127.0.0.1", STUCK_PORT))
        stuck.listen(1)
        mix.socks.append(stuck)
        _, facts = mix.holders.start(ORPHAN, STUCK_PORT, nobody=True)
        orphan_port = int(facts[0])
        srv, _ = stuck.accept()
        mix.socks.append(srv)
        lt.wait_tcp_state(orphan_port, STUCK_PORT, "FIN_WAIT1")

        rows = {  # (lport, rport): (what, uid over netlink, uid from /proc)
            (tw_port, ROOT_PORT): ("TIME_WAIT", None, None),
            (fw2_port, ROOT_PORT): ("FIN_WAIT2 after close",
                                    None if fw2_mini else lt.NOBODY_UID,
                                    None if fw2_mini else lt.NOBODY_UID),
            (DEFER_PORT, req_port): ("SYN_RECV request", None, lt.NOBODY_UID),
            (orphan_port, STUCK_PORT): ("FIN_WAIT1 orphan", lt.NOBODY_UID, lt.NOBODY_UID),
        }

        def kernel_says_zero():
            # Guard: the kernel really writes 0s here, so the cases below
            # test something.
            problems = []
            for (lport, rport), (what, _, proc_uid) in rows.items():
                t = proc_tcp_row(lport, rport)
                if t[9] != "0":
                    problems.append(f"{what}: /proc inode {t[9]}, expected 0")
                if proc_uid is None and t[7] != "0":
                    problems.append(f"{what}: /proc uid {t[7]}, expected the kernel's 0")
            lt.check(problems, "/proc/net/tcp")

        def json_of(source, col):
            doc, _ = lt.lsock_doc(["-tan", f"--source={source}"])
            problems = []
            got = {(s["local"]["port"], s["remote"]["port"]): s for s in doc["sockets"]}
            for key, (what, *uids) in rows.items():
                s = got.get(key)
                want_uid = uids[col]
                if s is None:
                    problems.append(f"{what} {key} not listed")
                elif s["uid"] != want_uid or s["inode"] is not None:
                    problems.append(f"{what}: uid {s['uid']!r} inode {s['inode']!r}, "
                                    f"want uid {want_uid!r} inode None: {s}")
            lt.check(problems, f"--json --source={source}")

        def text_of(source, col):
            problems = []
            r = lt.run_lsock(["-tan", "-H", f"--source={source}",
                              "-k", "local,remote,uid,user,inode,state"])
            lt.expect(r.status == 0, r.describe())
            got = {}

            def port(ep):
                p = ep.rsplit(":", 1)[1]
                return 0 if p == "*" else int(p)
            for line in r.stdout.splitlines():
                f = line.split()
                got[(port(f[0]), port(f[1]))] = f[2:5]
            for key, (what, *uids) in rows.items():
                want = ["-", "-"] if uids[col] is None else [str(uids[col])] * 2  # -n: numeric
                if got.get(key) != want + ["-"]:
                    problems.append(f"{what}: uid/user/inode {got.get(key)}, want {want + ['-']}")
            # The netstat layout with -e: User and Inode are "-", not root and 0.
            r = lt.run_lsock(["-tae", "-H", f"--source={source}", "sport", "=", f":{tw_port}"])
            f = r.stdout.split()
            if r.status != 0 or f[5:8] != ["TIME_WAIT", "-", "-"]:
                problems.append(f"lsock -tae: TIME_WAIT row {r.stdout!r}, want User and Inode '-'")
            lt.check(problems, f"text --source={source}")

        lt.main([
            ("the kernel reports uid 0 and inode 0 here", kernel_says_zero),
            ("JSON, sock_diag: null uid and inode", lambda: json_of("netlink", 0)),
            ("JSON, /proc/net: null uid and inode", lambda: json_of("proc", 1)),
            ("text, sock_diag: '-'", lambda: text_of("netlink", 0)),
            ("text, /proc/net: '-'", lambda: text_of("proc", 1)),
        ])


lt.run_test(main)
