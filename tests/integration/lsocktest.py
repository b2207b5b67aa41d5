# SPDX-License-Identifier: MIT
"""Shared helpers for lsock's integration tests (python3 stdlib only).

Every integration test runs as a plain script under CTest with the env
variables LSOCK (the binary), LSOCK_HELPERS (dir of tests/helpers/*.c
executables) and LSOCK_SOURCE_DIR.  Exit 0 = pass, 77 = skip, else fail.

Typical use::

    import lsocktest as lt

    def main():                          # runs in private net/pid namespaces
        with lt.SocketMix() as mix:
            srv = mix.tcp_listen("127.0.0.1", 2299)
            mix.tcp_connect(srv)

            def vs_ss():
                ours, doc, r = lt.lsock_sockets(["-tuxanp"])   # normalized records
                oracle, _ = lt.ss_sockets()          # same shape, from `ss -tuxanpe`
                lt.check(lt.compare(ours, oracle), "lsock vs ss")

            lt.main([("lsock == ss", vs_ss)])        # runs every case, exits 0 or 1

    lt.run_test(main)    # enters the namespaces (or exits 77), runs main, exits

What is here:
  - outcomes: skip(), check(), expect(), main(cases), run_test(fn);
  - running commands: run() and run_lsock() return a Result that keeps
    both the exact bytes (out, err) and their text (stdout, stderr); every
    lsock run goes behind LSOCK_WRAPPER (a valgrind command line in CI);
    lsock_doc() and lsock_sockets() run `lsock ... --json`;
  - ss as the oracle (ss_sockets, parse_ss) and compare() for two lists of
    normalized records;
  - sockets and processes: SocketMix (sockets with what is expected of
    them) and Holders (python3 snippets that make, name and hold sockets);
  - namespace chores: addresses on lo, per-netns sysctls, waiting for a
    TCP state.

Records ("socket dicts") are plain dicts with the same keys whichever tool
they come from, so they can be compared field by field:

    proto      "tcp" | "udp" | "udplite" | "raw" | "unix"
    family     "inet" | "inet6" | "unix"
    type       "stream" | "dgram" | "seqpacket" (unix), None otherwise
    state      contract name: "ESTABLISHED", "LISTEN", "UNCONN", "TIME_WAIT", ...
    recv_q, send_q   int or None
    laddr, lport, raddr, rport   inet: address as inet_ntop writes it, port int
    path       unix: "/x.sock", "@abstract" or None (unnamed)
    peer_inode unix: int or None (0 from ss means "no peer": normalized to None)
    uid        int or None
    inode      int, or None when the socket has none (the kernel's 0: TIME_WAIT,
               SYN_RECV requests, unaccepted and orphaned sockets)
    cookie     int or None
    v6only     bool or None
    owners     frozenset of (pid, fd, comm), or None when not asked for
    source     "netlink" | "proc" | None (ss does not say)
    raw        the original JSON object or ss line, for failure messages
"""

import contextlib
import errno
import fcntl
import json
import os
import queue
import shlex
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

SKIP = 77

NOBODY_UID = 65534
NOBODY_GID = 65534

# Children that run as nobody cannot read root's pyenv shims; /usr/bin/python3
# is what CTest uses anyway.
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable

# --------------------------------------------------------------------------
# Outcome helpers
# --------------------------------------------------------------------------

def skip(reason):
    """Prints the reason and exits with the CTest skip code (77)."""
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP)


class TestFailure(Exception):
    """Raised by check(); main() turns it into exit status 1."""


def check(problems, what):
    """Fails with a readable report if `problems` (a list of strings) is non-empty."""
    if problems:
        raise TestFailure(f"{what}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))


def expect(cond, msg):
    """Fails with `msg` unless `cond` is true."""
    if not cond:
        raise TestFailure(msg)


def main(cases):
    """Runs the (name, function) pairs in order, reports each, and exits.

    Every case runs even if an earlier one failed, so one run shows every
    broken behaviour.  Exit status: 0 if all passed, 1 otherwise."""
    failed = []
    for name, fn in cases:
        try:
            fn()
        except TestFailure as e:
            failed.append(name)
            print(f"FAIL {name}: {e}", flush=True)
        except Exception:  # an unexpected crash of the test itself is a failure too
            import traceback
            failed.append(name)
            print(f"FAIL {name}: test raised\n{traceback.format_exc()}", flush=True)
        else:
            print(f"ok   {name}", flush=True)
    if failed:
        print(f"{len(failed)} of {len(cases)} case(s) failed: {', '.join(failed)}", flush=True)
        sys.exit(1)
    print(f"all {len(cases)} case(s) passed", flush=True)
    sys.exit(0)


def run_test(fn, *, netns=True):
    """The whole `__main__` of a test script: enters private namespaces
    (enter_private_netns(); exits 77 when it cannot), checks that the lsock
    binary exists, calls fn() (which usually ends in main(cases)) and exits.
    A TestFailure that escapes fn (a broken set-up) is reported and exits 1;
    so does any other exception, with its traceback.  netns=False runs fn
    in the caller's namespaces, for tests that only read files."""
    if netns:
        enter_private_netns()
    try:
        lsock_path()
        fn()
    except TestFailure as e:
        print(f"FAIL: {e}", flush=True)
        sys.exit(1)
    sys.exit(0)


# --------------------------------------------------------------------------
# Environment: binaries and the private network namespace
# --------------------------------------------------------------------------

def source_dir():
    """The project source dir (LSOCK_SOURCE_DIR, or derived from this file)."""
    return os.environ.get("LSOCK_SOURCE_DIR") or \
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def lsock_path():
    """Path of the lsock binary under test (LSOCK, else <source>/build/lsock).

    A missing binary is a failure, not a skip: CTest always sets LSOCK."""
    path = os.environ.get("LSOCK") or os.path.join(source_dir(), "build", "lsock")
    if not os.access(path, os.X_OK):
        raise TestFailure(f"lsock binary not found or not executable: {path}")
    return path


def helper_path(name):
    """Path of a built tests/helpers/<name>.c executable."""
    d = os.environ.get("LSOCK_HELPERS") or os.path.join(source_dir(), "build", "tests", "helpers")
    path = os.path.join(d, name)
    if not os.access(path, os.X_OK):
        raise TestFailure(f"test helper not found: {path}")
    return path


def enter_private_netns():
    """Re-runs the calling test script inside fresh network, PID and mount
    namespaces (`unshare -n -p -f --mount-proc`) with lo up, and exits with
    its status; returns only in the re-executed copy.

    Exits 77 when not root or when namespaces cannot be created (e.g. in an
    unprivileged container).  The network namespace keeps the machine's own
    sockets out (UNIX sockets are per-netns too, in sock_diag and in
    /proc/net/unix) and ours in.  The PID namespace with its own /proc keeps
    the machine's processes out of the owner scan: otherwise a host process
    whose fds even root cannot read (seen for pid 1 in some sandboxes) would
    make every tool's owner view incomplete.  When the test (pid 1 there)
    exits, the kernel kills every holder process it left behind."""
    if os.environ.get("LSOCKTEST_IN_NS") == "1" and os.getpid() == 1:
        r = subprocess.run(["ip", "link", "set", "lo", "up"], capture_output=True, text=True)
        if r.returncode != 0:
            raise TestFailure(f"ip link set lo up failed: {r.stderr.strip()}")
        return
    if os.geteuid() != 0:
        skip("needs root (private network namespace)")
    for tool in ("ip", "ss", "setpriv", "unshare"):
        if shutil.which(tool) is None:
            skip(f"{tool} not installed")
    ns = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child"]
    probe = subprocess.run(ns + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        skip(f"cannot create namespaces: {probe.stderr.strip()}")
    # Every socket a test lists lives in the fresh netns and is held by a
    # process of the fresh pidns, so lsock may vouch for its owners there
    # (see LSOCK_TEST_ASSUME_INITIAL_PIDNS in include/lsock/owner.h).
    env = dict(os.environ, LSOCKTEST_IN_NS="1", LSOCK_TEST_ASSUME_INITIAL_PIDNS="1")
    r = subprocess.run(ns + ["--", sys.executable, os.path.abspath(sys.argv[0])] + sys.argv[1:], env=env)
    sys.exit(r.returncode)


def ip(*args):
    """Runs `ip ARGS` in the current netns; fails on error."""
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise TestFailure(f"ip {' '.join(args)}: {r.stderr.strip()}")


def add_link(dev, prefix=()):
    """Adds device dev, up, that takes one index and needs no peer: a dummy,
    or a bridge where the dummy module is missing.  prefix: a command that
    runs ip elsewhere (["nsenter", "--net=PATH"])."""
    for kind in ("dummy", "bridge"):
        if subprocess.run(list(prefix) + ["ip", "link", "add", dev, "type", kind],
                          capture_output=True).returncode == 0:
            subprocess.run(list(prefix) + ["ip", "link", "set", dev, "up"], check=True)
            return
    skip("cannot create dummy or bridge devices")


def unmount_foreign_netns():
    """-G also looks at the nsfs mounts this (private) mount namespace
    inherited from the host, other tests' namespaces: unmounted here only."""
    for line in open("/proc/self/mountinfo"):
        f = line.split()
        if f[f.index("-") + 1] == "nsfs":
            subprocess.run(["umount", "-l", f[4]], capture_output=True)


# ioctl(2) on a socket: an fd on its network namespace (linux/sockios.h).
SIOCGSKNS = 0x894C


def socket_ns_fd(pid, fd, pidfd_flags=0):
    """An fd on the namespace of socket fd of pid (a tid with PIDFD_THREAD
    in pidfd_flags, for a thread's own fd table): pidfd_getfd + SIOCGSKNS."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid, pidfd_flags)
    try:
        sfd = libc.syscall(438, pidfd, fd, 0)  # pidfd_getfd
        if sfd < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
        try:
            return fcntl.ioctl(sfd, SIOCGSKNS)
        finally:
            os.close(sfd)
    finally:
        os.close(pidfd)


def ss_in_netns(path, ss_args, fds=(), what="nsenter ss"):
    """parse_ss() of `nsenter --net=PATH ss SS_ARGS...` (path: str or bytes;
    fds: open fds PATH names, such as /proc/self/fd/N, closed here)."""
    path = path.encode() if isinstance(path, str) else path
    try:
        r = subprocess.run([b"nsenter", b"--net=" + path, b"ss", *[a.encode() for a in ss_args]],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=tuple(fds))
    finally:
        for fd in fds:
            os.close(fd)
    if r.returncode != 0:
        raise TestFailure(f"{what}: {r.stderr!r}")
    return parse_ss(r.stdout.decode("utf-8", "replace"))


def connect_settled(sock, addr, timeout=5.0):
    """sock.connect(addr), retried while the route to an address added a
    moment ago is not installed yet (ENETUNREACH, EHOSTUNREACH,
    EADDRNOTAVAIL): the kernel installs IPv6 routes from its addrconf work
    queue, and adding a second address of a prefix reinstalls the route, so
    even after add_addr() a connect can fail for an instant on a busy
    machine.  A connect that failed this way sent nothing and may be
    retried on the same socket."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            sock.connect(addr)
            return
        except OSError as e:
            if e.errno not in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL) \
                    or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def add_addr(cidr, dev="lo"):
    """Adds an address to dev and waits until it is usable.  IPv6 addresses
    are added with nodad, yet the kernel installs their routes from the
    addrconf work queue, after `ip` returns (connect() to them fails with
    ENETUNREACH for a moment): poll until a UDP connect() to it works."""
    addr = cidr.split("/", 1)[0]
    if ":" not in addr:
        ip("addr", "add", cidr, "dev", dev)
        return
    ip("-6", "addr", "add", cidr, "dev", dev, "nodad")

    def usable():
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            s.bind((addr, 0))
            s.connect((addr, 9))
            return True
        except OSError:
            return False
        finally:
            s.close()
    wait_until(usable, f"address {addr} usable")


def set_netns_sysctl(name, value):
    """Writes a per-netns sysctl (e.g. net/ipv4/tcp_syn_retries) in the
    current (private) netns."""
    with open(os.path.join("/proc/sys", name), "w") as f:
        f.write(str(value))


# --------------------------------------------------------------------------
# Running commands
# --------------------------------------------------------------------------

class Result:
    """Outcome of run(): argv, status, the exact output bytes (out, err) and
    the same decoded as UTF-8 with replacement (stdout, stderr)."""

    def __init__(self, argv, status, out, err):
        self.argv = list(argv)
        self.status = status
        self.out = out.encode() if isinstance(out, str) else out
        self.err = err.encode() if isinstance(err, str) else err
        self.stdout = self.out.decode("utf-8", "replace")
        self.stderr = self.err.decode("utf-8", "replace")

    def json(self):
        """stdout parsed as one JSON document (fails readably if it is not)."""
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise TestFailure(f"{self.describe()}: stdout is not JSON ({e}):\n{self.stdout[:2000]}")

    def stderr_lines(self):
        """Non-empty stderr lines."""
        return [x for x in self.stderr.splitlines() if x.strip()]

    def describe(self):
        """A one-line summary for failure messages."""
        err = self.stderr.strip().replace("\n", " | ")
        return f"`{' '.join(self.argv)}` exited {self.status} (stderr: {err[:500]!r})"


def as_nobody(argv):
    """argv wrapped to run as uid/gid 65534 with no supplementary groups."""
    return ["setpriv", f"--reuid={NOBODY_UID}", f"--regid={NOBODY_GID}", "--clear-groups"] + list(argv)


def in_sandbox(argv, err="EPROTONOSUPPORT"):
    """argv wrapped in tests/helpers/nodiag: socket(AF_NETLINK, *, NETLINK_SOCK_DIAG)
    fails with `err` (errno name or number), like in a sandbox that refuses
    sock_diag."""
    return [helper_path("nodiag"), str(err), "--"] + list(argv)


def run(argv, *, nobody=False, sandbox=None, env=None, stdout=subprocess.PIPE, preexec_fn=None,
        cwd=None, timeout=120):
    """Runs argv and returns a Result.  nobody=True runs it as uid 65534;
    sandbox="EPERM" (etc.) runs it under nodiag; stdout may be a file to
    write to instead of a pipe (Result.out is then empty).  Never raises on
    a non-zero exit status; a timeout is a TestFailure."""
    argv = list(argv)
    if sandbox:
        argv = in_sandbox(argv, sandbox)
    if nobody:
        argv = as_nobody(argv)
    try:
        p = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, env=env,
                           preexec_fn=preexec_fn, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TestFailure(f"`{' '.join(argv)}` timed out after {timeout}s")
    return Result(argv, p.returncode, p.stdout or b"", p.stderr or b"")


def lsock_wrapper():
    """The command prefix CI puts before lsock (LSOCK_WRAPPER, e.g. a
    valgrind command line), as a list; empty when unset."""
    return shlex.split(os.environ.get("LSOCK_WRAPPER", ""))


def lsock_argv(args, *, wrapped=True):
    """The argv that runs lsock with args, behind LSOCK_WRAPPER if set."""
    return (lsock_wrapper() if wrapped else []) + [lsock_path()] + list(args)


def lsock_shell(args, *, wrapped=True):
    """lsock_argv() quoted for a `bash -c` command line."""
    return shlex.join(lsock_argv(args, wrapped=wrapped))


def run_lsock(args, **kw):
    """Runs lsock with args (see run() for keywords), behind LSOCK_WRAPPER
    when it is set, so CI can run every test's lsock under valgrind."""
    if lsock_wrapper():
        kw.setdefault("timeout", 300)
    return run(lsock_argv(args), **kw)


def owner_sources():
    """The --owners sources to test a case under: "proc" always, and
    "bpf" when the BPF iterator can be used here (built with it, root,
    BTF; valgrind cannot run bpf(2) programs' loads usefully, so the
    check is made on the bare binary)."""
    r = run([lsock_path(), "-tln", "--owners=bpf"])
    # 1: nothing listens in a private namespace; that is no failure.
    return ["proc", "bpf"] if r.status in (0, 1) else ["proc"]


def text_rows(text):
    """Data rows of lsock's text output (not titles, headers or blank lines)."""
    return [x for x in text.splitlines()
            if x.strip() and not x.startswith("Active ") and not x.startswith("Proto ")]


# --------------------------------------------------------------------------
# Normalized records from lsock --json
# --------------------------------------------------------------------------

def _owners_from_json(owners):
    if owners is None:
        return None
    return frozenset((o.get("pid"), o.get("fd"), o.get("comm")) for o in owners)


def normalize_lsock(obj):
    """One lsock JSON SOCKET object -> a socket dict (see module doc)."""
    rec = {
        "proto": obj.get("proto"),
        "family": obj.get("family"),
        "type": obj.get("type") if obj.get("family") == "unix" else None,
        "state": obj.get("state"),
        "recv_q": obj.get("recv_q"),
        "send_q": obj.get("send_q"),
        "laddr": None, "lport": None, "raddr": None, "rport": None,
        "path": None, "peer_inode": None,
        "uid": obj.get("uid"),
        "inode": obj.get("inode"),
        "cookie": obj.get("cookie"),
        "v6only": obj.get("v6only"),
        "owners": _owners_from_json(obj.get("owners")) if "owners" in obj else None,
        "source": obj.get("source"),
        "raw": json.dumps(obj, sort_keys=True),
    }
    if rec["family"] == "unix":
        rec["path"] = obj.get("path")
        peer = obj.get("peer_inode")
        rec["peer_inode"] = peer if peer else None
    else:
        loc = obj.get("local") or {}
        rem = obj.get("remote") or {}
        rec["laddr"], rec["lport"] = loc.get("address"), loc.get("port")
        rec["raddr"], rec["rport"] = rem.get("address"), rem.get("port")
    return rec


def lsock_doc(args, **kw):
    """Runs `lsock ARGS --json` (kw as for run()) and returns (document,
    Result).  Fails unless the exit status is 0 or 1 (1 = nothing matched),
    stdout is strict UTF-8 JSON and the document has schema 1 and a list of
    sockets."""
    r = run_lsock(list(args) + ["--json"], **kw)
    if r.status not in (0, 1):
        raise TestFailure(r.describe())
    try:
        doc = json.loads(r.out.decode("utf-8"))
    except ValueError as e:
        raise TestFailure(f"{r.describe()}: stdout is not UTF-8 JSON ({e}):\n{r.out[:2000]!r}")
    if not isinstance(doc, dict) or doc.get("schema") != 1 or \
            not isinstance(doc.get("sockets"), list):
        raise TestFailure(f"{r.describe()}: JSON does not follow the schema: {r.stdout[:500]}")
    return doc, r


def lsock_sockets(args, **kw):
    """lsock_doc() as socket dicts: returns (list of socket dicts, the whole
    JSON document, Result)."""
    doc, r = lsock_doc(args, **kw)
    return [normalize_lsock(s) for s in doc["sockets"]], doc, r


# --------------------------------------------------------------------------
# ss as the oracle
# --------------------------------------------------------------------------

_SS_STATES = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
    "FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
    "UNCONN": "UNCONN", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
    "LISTEN": "LISTEN", "CLOSING": "CLOSING", "NEW-SYN-RECV": "NEW_SYN_RECV",
}

_SS_UNIX = {"u_str": "stream", "u_dgr": "dgram", "u_seq": "seqpacket"}

_SS_INET = {"tcp": "tcp", "udp": "udp", "raw": "raw"}

_USERS_RE = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)')


def _ss_inet_endpoint(tok):
    """ss "addr:port" -> (address as inet_ntop writes it, port, family).

    ss brackets IPv6 addresses ([::1]:22) and writes a dual-stack (not
    v6only) IPv6 wildcard as "*"; "*" as a port means 0.  A "%dev" scope
    suffix is dropped."""
    addr, _, port = tok.rpartition(":")
    port = 0 if port == "*" else int(port)
    if addr == "*":
        return "::", port, "inet6"
    if addr.startswith("[") and addr.endswith("]"):
        addr = addr[1:-1]
    addr = addr.split("%", 1)[0]
    return addr, port, ("inet6" if ":" in addr else "inet")


def parse_ss_line(line, *, proc_mode=False):
    """One `ss -H -tuxwanpe`-style line -> socket dict, or None for netids we
    do not model (p_raw, nl, ...).

    ss's known differences from the contract are normalized here: brackets
    and "*" for IPv6 (see _ss_inet_endpoint), "-" states, hex sk: cookies,
    `uid:` omitted when 0 (so an inet uid defaults to 0), peer inode 0 for
    "no peer".  For UNIX sockets ss -e prints `ino:` of the *bound path's
    file* (UDIAG_SHOW_VFS), not the socket: the socket inode is the "port"
    column.  In proc_mode (ss fell back to /proc/net) `sk:` is a kernel
    pointer, not a cookie, and is ignored."""
    tok = line.split()
    if len(tok) < 6:
        raise TestFailure(f"unparsable ss line: {line!r}")
    netid, state = tok[0], tok[1]
    rec = {
        "proto": None, "family": None, "type": None,
        "state": _SS_STATES.get(state, state),
        "recv_q": int(tok[2]), "send_q": int(tok[3]),
        "laddr": None, "lport": None, "raddr": None, "rport": None,
        "path": None, "peer_inode": None, "uid": None, "inode": None,
        "cookie": None, "v6only": None, "owners": None, "source": None,
        "raw": line.rstrip(),
    }
    if netid in _SS_UNIX:
        if len(tok) < 8:
            raise TestFailure(f"unparsable ss unix line: {line!r}")
        rec["proto"], rec["family"], rec["type"] = "unix", "unix", _SS_UNIX[netid]
        rec["path"] = None if tok[4] == "*" else tok[4]
        rec["inode"] = int(tok[5])
        peer = int(tok[7]) if tok[7] != "*" else 0
        rec["peer_inode"] = peer or None
        rest = tok[8:]
    elif netid in _SS_INET:
        rec["proto"] = _SS_INET[netid]
        rec["laddr"], rec["lport"], lfam = _ss_inet_endpoint(tok[4])
        rec["raddr"], rec["rport"], _ = _ss_inet_endpoint(tok[5])
        # ss writes "*" only for an IPv6 wildcard, so the local side alone
        # tells the family.
        rec["family"] = lfam
        rest = tok[6:]
        rec["uid"] = 0
    else:
        return None
    for t in rest:
        if t.startswith("users:("):
            rec["owners"] = frozenset((int(p), int(f), c) for c, p, f in _USERS_RE.findall(t))
        elif rec["family"] != "unix" and t.startswith("ino:"):
            # ino:0 is the kernel's "no inode" (lsock says null).
            rec["inode"] = int(t[4:]) or None
        elif t.startswith("uid:"):
            rec["uid"] = int(t[4:])
        elif t.startswith("sk:") and not proc_mode:
            rec["cookie"] = int(t[3:], 16)
        elif t.startswith("v6only:"):
            rec["v6only"] = t[7:] == "1"
    if rec["owners"] is None:
        rec["owners"] = frozenset()
    if rec["family"] != "unix" and rec["inode"] is None:
        # No -e block at all (ss's /proc fallback prints none for UDP): the
        # uid is unknown, not 0.
        rec["uid"] = None
    return rec


def parse_ss(text, *, proc_mode=False):
    """All lines of `ss -H ...` output -> list of socket dicts."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        rec = parse_ss_line(line, proc_mode=proc_mode)
        if rec is not None:
            out.append(rec)
    return out


def ss_sockets(flags="-tuxanpe", *, nobody=False, sandbox=None):
    """Runs `ss -H FLAGS` (optionally as nobody / in the nodiag sandbox) and
    returns (list of socket dicts, Result).  In the sandbox ss falls back to
    /proc/net itself (it prints "Cannot open netlink socket" on stderr)."""
    r = run(["ss", "-H"] + flags.split(), nobody=nobody, sandbox=sandbox)
    if r.status != 0:
        raise TestFailure(r.describe())
    proc_mode = bool(sandbox)
    if proc_mode and "netlink" not in r.stderr:
        raise TestFailure(f"ss did not report a refused netlink socket: {r.describe()}")
    return parse_ss(r.stdout, proc_mode=proc_mode), r


# --------------------------------------------------------------------------
# Comparing record lists
# --------------------------------------------------------------------------

# What both tools report over sock_diag, for every kind.
FIELDS_NETLINK = ("proto", "family", "type", "state", "recv_q", "send_q", "laddr", "lport",
                  "raddr", "rport", "path", "peer_inode", "uid", "inode", "cookie", "v6only",
                  "owners")


def tuple_key(rec):
    """A socket's protocol and endpoints (no inode)."""
    return (rec["proto"], rec["family"], rec["type"], rec["laddr"], rec["lport"],
            rec["raddr"], rec["rport"], rec["path"])


def describe(rec):
    """A short human description of a socket dict."""
    if rec["family"] == "unix":
        where = f"{rec['path'] or '(unnamed)'} peer={rec['peer_inode']}"
        kind = f"unix/{rec['type']}"
    else:
        where = f"{rec['laddr']}:{rec['lport']} -> {rec['raddr']}:{rec['rport']}"
        kind = f"{rec['proto']}/{rec['family']}"
    return f"{kind} {rec['state']} {where} ino={rec['inode']}"


def _fmt(v):
    if isinstance(v, frozenset):
        return "{" + ", ".join(str(x) for x in sorted(v, key=str)) + "}"
    return repr(v)


def _group(recs, key):
    out = {}
    for r in recs:
        out.setdefault(key(r), []).append(r)
    return out


def compare(ours, oracle, fields=FIELDS_NETLINK, *, skip_fields=None, names=("lsock", "ss")):
    """Joins two lists of socket dicts and returns a list of readable
    problems: rows on one side only, rows that are not unique, and for every
    joined pair each field in `fields` that differs.

    Rows join on the inode; oracle rows without one (inode 0 for TIME_WAIT,
    or None when the oracle does not print it, like ss's /proc fallback for
    UDP) join on tuple_key() among the rows left over.  skip_fields(rec) may
    return a set of field names not to compare for that oracle record."""
    problems = []
    a_name, b_name = names
    pairs = []
    a_by_ino = _group([r for r in ours if r["inode"]], lambda r: r["inode"])
    b_left = []
    used = set()
    for rb in oracle:
        if not rb["inode"]:
            b_left.append(rb)
            continue
        cand = a_by_ino.get(rb["inode"], [])
        if len(cand) != 1:
            if cand:
                problems.append(f"{len(cand)} {a_name} rows for inode {rb['inode']}: "
                                + " | ".join(x["raw"] for x in cand))
                used.update(id(x) for x in cand)
            else:
                problems.append(f"missing from {a_name}: {describe(rb)}\n      {b_name}: {rb['raw']}")
            continue
        if id(cand[0]) in used:
            problems.append(f"two {b_name} rows for inode {rb['inode']}")
            continue
        used.add(id(cand[0]))
        pairs.append((cand[0], rb))
    a_left = _group([r for r in ours if id(r) not in used], tuple_key)
    for rb in b_left:
        cand = a_left.get(tuple_key(rb), [])
        if not cand:
            problems.append(f"missing from {a_name}: {describe(rb)}\n      {b_name}: {rb['raw']}")
            continue
        ra = cand.pop(0)
        used.add(id(ra))
        pairs.append((ra, rb))
    for ra in ours:
        if id(ra) not in used:
            problems.append(f"extra in {a_name} (not in {b_name}): {describe(ra)}\n"
                            f"      {a_name}: {ra['raw']}")
    for ra, rb in pairs:
        skipped = set(skip_fields(rb)) if skip_fields else set()
        if rb["inode"] is None:
            skipped.add("inode")
        diffs = [f for f in fields if f not in skipped and ra[f] != rb[f]]
        if diffs:
            lines = [f"mismatch on {describe(rb)}:"]
            for f in diffs:
                lines.append(f"      {f}: {a_name}={_fmt(ra[f])} {b_name}={_fmt(rb[f])}")
            lines.append(f"      {a_name}: {ra['raw']}")
            lines.append(f"      {b_name}: {rb['raw']}")
            problems.append("\n".join(lines))
    return problems


def by_inode(recs):
    """dict inode -> socket dict (inode-0 rows are left out)."""
    return {r["inode"]: r for r in recs if r["inode"]}


# --------------------------------------------------------------------------
# The socket mix
# --------------------------------------------------------------------------

def sock_inode(sock):
    """The sockfs inode number of a socket object."""
    return os.fstat(sock.fileno()).st_ino


def _ioctl_int(sock, req):
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), req, b"\0\0\0\0"))[0]


def wait_until(cond, what, timeout=10.0):
    """Polls cond() until it is true; a TestFailure after `timeout` s.  Used
    only for kernel-side progress (an ACK, a FIN) that no fd can signal."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TestFailure(f"timed out waiting for {what}")
        time.sleep(0.005)


# TCP states as /proc/net/tcp numbers them (include/net/tcp_states.h).
TCP_STATE_NUM = {
    "ESTABLISHED": 1, "SYN_SENT": 2, "SYN_RECV": 3, "FIN_WAIT1": 4, "FIN_WAIT2": 5,
    "TIME_WAIT": 6, "CLOSE": 7, "CLOSE_WAIT": 8, "LAST_ACK": 9, "LISTEN": 10, "CLOSING": 11,
}


def tcp_rows():
    """(laddr_hex, lport, raddr_hex, rport, state number) of /proc/net/tcp{,6}."""
    rows = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as f:
            next(f)
            for line in f:
                t = line.split()
                la, lp = t[1].rsplit(":", 1)
                ra, rp = t[2].rsplit(":", 1)
                rows.append((la, int(lp, 16), ra, int(rp, 16), int(t[3], 16)))
    return rows


def wait_tcp_state(lport, rport, state, timeout=10.0):
    """Waits until /proc/net/tcp* has a row lport -> rport in `state` (a
    name from TCP_STATE_NUM).  Only for kernel-side progress (an ACK, a
    FIN) that no fd can signal."""
    num = TCP_STATE_NUM[state]
    wait_until(lambda: any(r[1] == lport and r[3] == rport and r[4] == num for r in tcp_rows()),
               f"TCP {lport}->{rport} in {state}", timeout)


# --------------------------------------------------------------------------
# Holder processes
# --------------------------------------------------------------------------

HOLDER_PRELUDE = r"""
import ctypes, os, resource, socket, sys
def set_comm(name):
    # PR_SET_NAME: the kernel keeps at most 15 bytes.
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NAME)")
def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
def ready(*facts):
    for f in facts:
        print(f)
    print("ready", flush=True)
    sys.stdin.read()
"""


class Holders:
    """Starts python3 snippets (HOLDER_PRELUDE + code) that make or inherit
    sockets and hold them; each prints zero or more fact lines and then
    "ready" (ready(*facts) does both), and exits when its stdin closes.
    A context manager; close() ends them all."""

    def __init__(self):
        self.procs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start_proc(self, code, *args, cwd=None, pass_fds=(), nobody=False):
        """Like start(), but returns (Popen, list of fact lines).  pass_fds
        are inherited; nobody=True runs the snippet as uid 65534 (setpriv
        execs python3 after the uid change, so the process is dumpable and
        nobody can read its /proc/PID/fd)."""
        argv = [PYTHON, "-c", HOLDER_PRELUDE + code] + [str(a) for a in args]
        if nobody:
            argv = as_nobody(argv)
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd,
                             pass_fds=pass_fds)
        self.procs.append(p)
        facts = []
        while True:
            line = p.stdout.readline()
            if not line:
                p.wait()
                raise TestFailure(f"holder died before it was ready (status {p.returncode})")
            line = line.rstrip(b"\n").decode()
            if line == "ready":
                return p, facts
            facts.append(line)

    def start(self, code, *args, cwd=None, pass_fds=(), nobody=False):
        """Runs HOLDER_PRELUDE + code with argv[1:] = args; returns
        (pid, list of fact lines) once it printed "ready"."""
        p, facts = self.start_proc(code, *args, cwd=cwd, pass_fds=pass_fds, nobody=nobody)
        return p.pid, facts

    def close(self):
        """Closes every holder's stdin and waits for it (kills it after 30 s)."""
        for p in self.procs:
            with contextlib.suppress(OSError):
                p.stdin.close()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []


# A holder that makes one socket: family, type, host, port, backlog.
_HOLD_ONE = r"""
fam, typ, host, port, backlog = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                 int(sys.argv[4]), int(sys.argv[5]))
s = socket.socket(fam, typ)
s.bind((host, port))
if typ == socket.SOCK_STREAM:
    s.listen(backlog)
ready(os.fstat(s.fileno()).st_ino)
"""


class Expected:
    """What the mix knows about one socket it made: inode, uid, owner pids."""

    def __init__(self, sock_or_inode, desc, owners, uid):
        self.inode = sock_or_inode if isinstance(sock_or_inode, int) else sock_inode(sock_or_inode)
        self.desc = desc
        self.owners = frozenset(owners)
        self.uid = uid

    def __repr__(self):
        return f"<{self.desc} ino={self.inode} uid={self.uid} owners={sorted(self.owners)}>"


class SocketMix:
    """Creates and holds sockets for a test, and records what it expects.

    Sockets made in this process are owned by os.getpid(); share_with_child()
    and as_nobody_listener() start holder processes (self.holders, python3
    with comm "python3") that keep them open until close().  All methods return once the kernel
    state is settled (data queued, ACKs and FINs processed), so tools can run
    right away.  Use as a context manager; close() releases everything and
    removes the temporary dir used for UNIX paths (self.dir)."""

    def __init__(self):
        self.socks = []
        self.holders = Holders()
        self.expected = []
        self.dir = tempfile.mkdtemp(prefix="lsocktest.")
        os.chmod(self.dir, 0o755)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Closes every held socket, ends holder processes, removes self.dir."""
        for s in self.socks:
            with contextlib.suppress(OSError):
                s.close()
        self.socks = []
        self.holders.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _keep(self, sock, desc, owners=None, uid=0):
        self.socks.append(sock)
        self.expected.append(Expected(sock, desc, owners or {os.getpid()}, uid))
        return sock

    def expected_by_inode(self):
        """dict inode -> Expected for every socket the mix made."""
        return {e.inode: e for e in self.expected}

    # -- inet ---------------------------------------------------------------

    def tcp_listen(self, host, port, *, v6only=None, backlog=128):
        """A TCP listener on host:port (IPv6 if host contains ':').  v6only
        sets IPV6_V6ONLY explicitly (None: the sysctl default, 0 here)."""
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if v6only is not None:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
        s.bind((host, port))
        s.listen(backlog)
        return self._keep(s, f"tcp listen {host}:{port}")

    def tcp_connect(self, listener, host=None, *, send=b""):
        """Connects to `listener` (via `host`, default its own address),
        accepts, and optionally sends `send` from client to server, left
        unread.  Returns (client, server) once the server has the bytes and
        the client has its ACK (Send-Q 0)."""
        lhost, port = listener.getsockname()[:2]
        host = host or lhost
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        c = socket.socket(fam, socket.SOCK_STREAM)
        connect_settled(c, (host, port))
        srv, _ = listener.accept()
        self._keep(c, f"tcp client -> {host}:{port}")
        self._keep(srv, f"tcp accepted on {lhost}:{port}")
        if send:
            c.sendall(send)
            wait_until(lambda: _ioctl_int(srv, termios.FIONREAD) == len(send), "data at server")
        wait_until(lambda: _ioctl_int(c, termios.TIOCOUTQ) == 0, "ACK at client (Send-Q 0)")
        return c, srv

    def tcp_time_wait(self, listener, host=None):
        """Makes a connection to `listener` and closes it from the client
        first (the side that sends the first FIN ends in TIME_WAIT), then the
        server.  Returns the client's local port once the only kernel row for
        it is TIME_WAIT (the server side has gone through LAST_ACK)."""
        lhost, port = listener.getsockname()[:2]
        host = host or lhost
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        c = socket.socket(fam, socket.SOCK_STREAM)
        connect_settled(c, (host, port))
        srv, _ = listener.accept()
        cport = c.getsockname()[1]
        c.close()
        if srv.recv(1) != b"":
            raise TestFailure("unexpected data on the TIME_WAIT server side")
        srv.close()

        def settled():
            rows = [(r[1], r[3], r[4]) for r in tcp_rows()
                    if cport in (r[1], r[3]) and port in (r[1], r[3])]
            return rows == [(cport, port, TCP_STATE_NUM["TIME_WAIT"])]
        wait_until(settled, f"TIME_WAIT on client port {cport}")
        return cport

    def udp_bind(self, host, port, *, queue=b""):
        """A bound (unconnected) UDP socket; `queue` is sent to it and left
        unread so its Recv-Q is non-zero."""
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((host, port))
        self._keep(s, f"udp bound {host}:{port}")
        if queue:
            t = socket.socket(fam, socket.SOCK_DGRAM)
            t.sendto(queue, (host, port))
            t.close()
            wait_until(lambda: _ioctl_int(s, termios.FIONREAD) > 0, "datagram queued")
        return s

    def udp_connect(self, host, port):
        """A connected UDP socket (kernel state ESTABLISHED), autobound."""
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        connect_settled(s, (host, port))
        return self._keep(s, f"udp connected -> {host}:{port}")

    def raw_icmp(self, host="127.0.0.1"):
        """socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) bound to host (needs CAP_NET_RAW)."""
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        proto = socket.IPPROTO_ICMPV6 if fam == socket.AF_INET6 else socket.IPPROTO_ICMP
        s = socket.socket(fam, socket.SOCK_RAW, proto)
        s.bind((host, 0))
        return self._keep(s, f"raw icmp {host}")

    def udplite_bind(self, host, port):
        """socket(AF_INET[6], SOCK_DGRAM, IPPROTO_UDPLITE=136) bound to host:port."""
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM, 136)
        s.bind((host, port))
        return self._keep(s, f"udplite bound {host}:{port}")

    # -- unix ---------------------------------------------------------------

    def unix_path(self, name):
        """A filesystem path for a UNIX socket inside self.dir."""
        return os.path.join(self.dir, name)

    def unix_listen(self, name, kind=socket.SOCK_STREAM):
        """A listening UNIX stream/seqpacket socket bound to `name`: a
        filesystem path, or "@x" for the abstract name "\\0x"."""
        s = socket.socket(socket.AF_UNIX, kind)
        s.bind("\0" + name[1:] if name.startswith("@") else name)
        s.listen(16)
        return self._keep(s, f"unix listen {name}")

    def unix_connect(self, listener, *, send=b""):
        """Connects to a UNIX listener and accepts: returns (client, server);
        `send` goes client -> server and is left unread."""
        c = socket.socket(socket.AF_UNIX, listener.type)
        c.connect(listener.getsockname())
        srv, _ = listener.accept()
        self._keep(c, "unix client")
        self._keep(srv, "unix accepted")
        if send:
            c.sendall(send)
        return c, srv

    def unix_dgram(self, name=None):
        """A UNIX datagram socket, bound to `name` (path or "@x") if given."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if name:
            s.bind("\0" + name[1:] if name.startswith("@") else name)
        return self._keep(s, f"unix dgram {name}")

    def unix_pair(self, kind=socket.SOCK_STREAM):
        """An unnamed socketpair of the given type."""
        a, b = socket.socketpair(socket.AF_UNIX, kind)
        self._keep(a, "unix pair a")
        self._keep(b, "unix pair b")
        return a, b

    # -- other processes ----------------------------------------------------

    def share_with_child(self, sock):
        """Starts a child python3 process that holds `sock` too: the socket
        then has two owners (us and the child).  Returns the child's pid."""
        pid, _ = self.holders.start("ready()\n", pass_fds=(sock.fileno(),))
        for e in self.expected:
            if e.inode == sock_inode(sock):
                e.owners = e.owners | {pid}
        return pid

    def as_nobody_listener(self, host, port, *, kind=socket.SOCK_STREAM, backlog=7):
        """A socket created by a python3 process running as nobody (uid 65534):
        a TCP listener (or bound UDP socket for kind=SOCK_DGRAM).  The process
        re-execs after the uid change, so it is dumpable and nobody can read
        its /proc/PID/fd.  Returns (pid, inode)."""
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        pid, facts = self.holders.start(_HOLD_ONE, int(fam), int(kind), host, port, backlog,
                                        nobody=True)
        inode = int(facts[0])
        self.expected.append(Expected(inode, f"nobody's socket {host}:{port}", {pid}, NOBODY_UID))
        return pid, inode


def errno_name(num):
    """errno number -> name (e.g. 1 -> "EPERM")."""
    return errno.errorcode.get(num, str(num))


# --------------------------------------------------------------------------
# The standard mix shared by the core and fallback tests
# --------------------------------------------------------------------------

def build_standard_mix(mix):
    """Fills `mix` with one of every socket kind the comparison tests cover
    and returns a dict of notable facts (ports, pids, inodes):

    TCP: v4 loopback and wildcard listeners, a [::1] listener, a dual-stack
    [::] listener and a v6only one; established v4 and v6 pairs with unread
    data; a v4 client connected through the dual-stack listener (the server
    side is v4-mapped ::ffff:127.0.0.1); a TIME_WAIT; a listener shared with
    a child process (two owners); a listener owned by nobody.
    UDP: bound v4 (with a queued datagram), bound [::1], bound dual-stack
    [::], connected v4 and v6.
    UNIX: stream and seqpacket listeners with paths and abstract names, with
    accepted connections and unread data; bound and unbound datagram sockets;
    unnamed stream/dgram/seqpacket socketpairs."""
    facts = {}
    l4 = mix.tcp_listen("127.0.0.1", 2201, backlog=11)
    l4any = mix.tcp_listen("0.0.0.0", 2202)
    l6 = mix.tcp_listen("::1", 2203)
    dual = mix.tcp_listen("::", 2204, v6only=False)
    mix.tcp_listen("::", 2205, v6only=True)
    mix.tcp_connect(l4, send=b"hello")
    mix.tcp_connect(l6, send=b"hello6!")
    mix.tcp_connect(dual, "127.0.0.1", send=b"mapped")
    facts["time_wait_port"] = mix.tcp_time_wait(l4any)
    shared = mix.tcp_listen("0.0.0.0", 2206)
    facts["shared_inode"] = sock_inode(shared)
    facts["shared_child"] = mix.share_with_child(shared)
    facts["nobody_pid"], facts["nobody_inode"] = mix.as_nobody_listener("127.0.0.1", 2207)

    mix.udp_bind("127.0.0.1", 5301, queue=b"datagram")
    mix.udp_bind("::1", 5302)
    mix.udp_bind("::", 5303)
    mix.udp_connect("127.0.0.1", 5301)
    mix.udp_connect("::1", 5302)

    us = mix.unix_listen(mix.unix_path("stream.sock"))
    mix.unix_connect(us, send=b"0123456789")
    ua = mix.unix_listen("@lsocktest-abstract")
    mix.unix_connect(ua)
    uq = mix.unix_listen(mix.unix_path("seqpacket.sock"), socket.SOCK_SEQPACKET)
    mix.unix_connect(uq, send=b"pkt")
    mix.unix_listen("@lsocktest-seq", socket.SOCK_SEQPACKET)
    mix.unix_dgram(mix.unix_path("dgram.sock"))
    mix.unix_dgram("@lsocktest-dgram")
    mix.unix_dgram()
    mix.unix_pair(socket.SOCK_STREAM)
    mix.unix_pair(socket.SOCK_DGRAM)
    mix.unix_pair(socket.SOCK_SEQPACKET)
    return facts


def check_oracle_sees_mix(mix, ss_recs, *, owners_visible=True):
    """Problems if ss does not list every socket the mix made with the owner
    pids (and, for inet, the uid) the mix expects.  owners_visible is a bool
    or a function Expected -> bool (False: ss must show no owner).  This guards the mix and
    the ss parser, so that a comparison against ss means something."""
    problems = []
    seen = by_inode(ss_recs)
    for e in mix.expected:
        r = seen.get(e.inode)
        if r is None:
            problems.append(f"ss does not list {e}")
            continue
        pids = frozenset(o[0] for o in r["owners"])
        visible = owners_visible(e) if callable(owners_visible) else owners_visible
        want = e.owners if visible else frozenset()
        if pids != want:
            problems.append(f"ss owners {sorted(pids)} != expected {sorted(want)} for {e}")
        if r["family"] != "unix" and r["uid"] != e.uid:
            problems.append(f"ss uid {r['uid']} != expected {e.uid} for {e}")
    return problems


class LineReader:
    """Reads a process's stdout lines as they come, with their arrival time
    (for --watch and --events, which print until stopped)."""

    def __init__(self, proc):
        self.q = queue.Queue()
        self.lines = []
        self.thread = threading.Thread(target=self._run, args=(proc.stdout,), daemon=True)
        self.thread.start()

    def _run(self, f):
        for line in iter(f.readline, b""):
            self.q.put((time.time(), line.decode()))
        self.q.put(None)

    def wait_for(self, cond, what, timeout=20.0):
        """Collects lines until cond(lines) holds."""
        deadline = time.monotonic() + timeout
        while not cond(self.lines):
            try:
                item = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                item = False
            if item is None or item is False or time.monotonic() > deadline:
                raise TestFailure(f"timed out waiting for {what}; got:\n" +
                                     "".join(l for _, l in self.lines))
            self.lines.append(item)

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                item = self.q.get(timeout=0.05)
            except queue.Empty:
                continue
            if item is None:
                return
            self.lines.append(item)
