#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What -v says about each protocol (issue 11, item 7, "A misleading
verbose line").

`lsock -a --source=netlink -v` used to say "raw: not available on this
system" on a kernel without raw_diag, while /proc/net/raw existed and held
the raw sockets that were left out.  Each -v line must state what happened:
which source served the protocol, or why sock_diag was passed over (no
sock_diag socket, no handler for the protocol, a failed dump, not asked),
and why /proc/net did not serve it (not read because of --source=netlink,
missing, not a regular file).  Every combination the report can reach is
run here: sock_diag here or refused (tests/helpers/nodiag), each --source,
and fake LSOCK_PROC_ROOT trees for a missing file and a FIFO."""
import errno
import os
import shutil
import socket
import struct
import tempfile

import lsocktest as lt

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
INET_DIAG_REQ_PROTOCOL = 3

INET_LABELS = ("tcp", "tcp6", "udp", "udp6", "udpl", "udpl6")
NO_ICMP = "sock_diag has no handler for {l}"
NO_RAW = "sock_diag has no handler for {l} on this kernel"
NOT_ASKED = "sock_diag not asked: --source=proc"
EPERM_SOCKET = "no sock_diag socket: Operation not permitted"


def kernel_has_raw_diag():
    """Whether sock_diag dumps IPv4 raw sockets: a kernel without
    CONFIG_INET_RAW_DIAG answers the dump with DONE(-ENOENT)."""
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    try:
        body = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_RAW, 0, 0, 0xffffffff)
        body += bytes(48) + struct.pack("=HHI", 8, INET_DIAG_REQ_PROTOCOL, socket.IPPROTO_RAW)
        nl.send(struct.pack("=IHHII", 16 + len(body), SOCK_DIAG_BY_FAMILY,
                            NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
        data = nl.recv(65536)
    finally:
        nl.close()
    _, kind = struct.unpack_from("=IH", data)
    if kind in (NLMSG_DONE, NLMSG_ERROR):
        return struct.unpack_from("=i", data, 16)[0] != -errno.ENOENT
    return True


def verbose_lines(r, labels):
    """{label: the rest of its "lsock: LABEL: ..." line} from stderr."""
    out = {}
    for line in r.stderr_lines():
        for label in labels:
            prefix = f"lsock: {label}: "
            if line.startswith(prefix):
                if label in out:
                    raise lt.TestFailure(f"two -v lines for {label}: {r.describe()}")
                out[label] = line[len(prefix):]
    return out


def check_lines(r, want, what):
    got = verbose_lines(r, want.keys())
    problems = [f"{label}: got {got.get(label)!r}, want {line!r}"
                for label, line in want.items() if got.get(label) != line]
    problems += [f"stale wording: {line!r}" for line in r.stderr_lines()
                 if "not available on this system" in line]
    lt.check(problems, f"{what} ({r.describe()})")


def not_read(label, file, why):
    return f"not listed: {why}; /proc/net/{file} not read (--source=netlink)"


def fake_tree(drop=(), fifo=()):
    """A proc root whose net/ holds copies of the fixtures, less `drop`,
    with FIFOs in place of `fifo`."""
    root = tempfile.mkdtemp(prefix="lsock-verbose-")
    os.mkdir(os.path.join(root, "net"))
    for name in ("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6", "unix"):
        if name in drop:
            continue
        dst = os.path.join(root, "net", name)
        if name in fifo:
            os.mkfifo(dst)
        else:
            shutil.copy(os.path.join(lt.source_dir(), "tests", "fixtures", f"proc_net_{name}.txt"),
                        dst)
    return root


def run_in_tree(root, args):
    timeout = 300 if lt.lsock_wrapper() else 10
    return lt.run_lsock(args, env=dict(os.environ, LSOCK_PROC_ROOT=root), timeout=timeout)


def main():
    raw_diag = kernel_has_raw_diag()
    with lt.SocketMix() as mix:
        mix.tcp_listen("127.0.0.1", 4321)
        raw = mix.raw_icmp("127.0.0.1")
        raw_ino = lt.sock_inode(raw)

        def netlink_only():
            r = lt.run_lsock(["-a", "--source=netlink", "-v"])
            lt.expect(r.status == 0, f"{r.describe()}: want exit 0")
            want = {l: "netlink" for l in INET_LABELS + ("unix",)}
            for l, f in (("raw", "raw"), ("raw6", "raw6")):
                want[l] = "netlink" if raw_diag else not_read(l, f, NO_RAW.format(l=l))
            for l in ("icmp", "icmp6"):
                want[l] = not_read(l, l, NO_ICMP.format(l=l))
            check_lines(r, want, "lsock -a --source=netlink -v")

        def netlink_only_raw_named():
            r = lt.run_lsock(["-w", "--source=netlink", "-v"])
            if raw_diag:
                lt.expect(r.status in (0, 1), f"{r.describe()}: raw_diag is here, want exit 0 or 1")
                return
            line = ("lsock: cannot list raw sockets over netlink: sock_diag has no handler for raw "
                    "on this kernel; --source=netlink does not read /proc/net/raw")
            lt.expect(r.status == 3 and not r.out and r.stderr_lines()[-1:] == [line],
                      f"{r.describe()}: want exit 3, no stdout, last line {line!r}")
            check_lines(r, {"raw": not_read("raw", "raw", NO_RAW.format(l="raw"))},
                        "lsock -w --source=netlink -v")

        def auto():
            r = lt.run_lsock(["-a", "-v", "--json"])
            lt.expect(r.status == 0, f"{r.describe()}: want exit 0")
            want = {l: "netlink" for l in INET_LABELS + ("unix",)}
            for l in ("raw", "raw6"):
                want[l] = "netlink" if raw_diag else f"proc ({NO_RAW.format(l=l)})"
            for l in ("icmp", "icmp6"):
                want[l] = f"proc ({NO_ICMP.format(l=l)})"
            check_lines(r, want, "lsock -a -v")
            lt.expect(any(s.get("inode") == raw_ino for s in r.json()["sockets"]),
                      f"the raw socket {raw_ino} is missing from lsock -a --json")

        def proc_only():
            r = lt.run_lsock(["-a", "--source=proc", "-v"])
            lt.expect(r.status == 0, f"{r.describe()}: want exit 0")
            labels = INET_LABELS + ("raw", "raw6", "icmp", "icmp6", "unix")
            check_lines(r, {l: f"proc ({NOT_ASKED})" for l in labels}, "lsock -a --source=proc -v")

        def refused_auto():
            r = lt.run_lsock(["-t", "-a", "-v"], sandbox="EPERM")
            lt.expect(r.status == 0, f"{r.describe()}: want exit 0")
            check_lines(r, {l: f"proc ({EPERM_SOCKET})" for l in ("tcp", "tcp6")},
                        "nodiag EPERM lsock -ta -v")

        def refused_netlink_only():
            r = lt.run_lsock(["-t", "-a", "-v", "--source=netlink"], sandbox="EPERM")
            lt.expect(r.status == 3 and not r.out, f"{r.describe()}: want exit 3, no stdout")
            check_lines(r, {l: not_read(l, f, EPERM_SOCKET) for l, f in (("tcp", "tcp"),
                                                                          ("tcp6", "tcp6"))},
                        "nodiag EPERM lsock -ta -v --source=netlink")

        def tree_missing_file():
            root = fake_tree(drop=("udplite6", "raw6"))
            try:
                r = run_in_tree(root, ["-U", "-a", "-v", "--source=proc"])
                lt.expect(r.status in (0, 1), f"{r.describe()}: want exit 0 or 1")
                check_lines(r, {"udpl": f"proc ({NOT_ASKED})",
                                "udpl6": f"not listed: {NOT_ASKED}; {root}/net/udplite6 does not exist"},
                            "fake tree without udplite6: lsock -Ua -v --source=proc")
                # Default source: raw comes from the tree unless sock_diag has raw_diag.
                r = run_in_tree(root, ["-w", "-a", "-v"])
                lt.expect(r.status in (0, 1), f"{r.describe()}: want exit 0 or 1")
                if not raw_diag:
                    check_lines(r, {"raw": f"proc ({NO_RAW.format(l='raw')})",
                                    "raw6": f"not listed: {NO_RAW.format(l='raw6')}; "
                                            f"{root}/net/raw6 does not exist"},
                                "fake tree without raw6: lsock -wa -v")
            finally:
                shutil.rmtree(root, ignore_errors=True)

        def tree_fifo():
            root = fake_tree(fifo=("raw",))
            try:
                r = run_in_tree(root, ["-w", "-a", "-v", "--source=proc"])
                lt.expect(r.status == 3 and not r.out, f"{r.describe()}: want exit 3, no stdout")
                check_lines(r, {"raw": f"not listed: {NOT_ASKED}; {root}/net/raw is not a regular file",
                                "raw6": f"proc ({NOT_ASKED})"},
                            "fake tree with net/raw a FIFO: lsock -wa -v --source=proc")
            finally:
                shutil.rmtree(root, ignore_errors=True)

        lt.main([
            ("-a --source=netlink -v: no handler, /proc not read", netlink_only),
            ("-w --source=netlink -v: the failure names the missing handler", netlink_only_raw_named),
            ("-a -v: raw and icmp from /proc, and why", auto),
            ("-a --source=proc -v: sock_diag not asked", proc_only),
            ("sock_diag refused: -v says so (auto)", refused_auto),
            ("sock_diag refused: -v says so (--source=netlink)", refused_netlink_only),
            ("fake tree: a missing file", tree_missing_file),
            ("fake tree: a FIFO", tree_fifo),
        ])


lt.run_test(main)
