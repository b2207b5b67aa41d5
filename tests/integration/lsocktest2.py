# SPDX-License-Identifier: MIT
"""More helpers for lsock's integration tests, on top of lsocktest.py.

What this adds:
  - every lsock run honours LSOCK_WRAPPER (e.g. "valgrind -q
    --error-exitcode=99 --leak-check=full"): the wrapper's words are put in
    front of the lsock argv.  lsocktest.run_lsock() does not do this, so
    the tests in this module's users call lsock only through here;
  - results that keep the exact stdout/stderr bytes (hostile names);
  - holder processes that run a python snippet (set their comm, make
    sockets) and stay alive until their stdin is closed;
  - small netns chores: addresses on lo, waiting for a TCP state.
"""

import contextlib
import json
import os
import shlex
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lsocktest as lt  # noqa: E402

PR_SET_NAME = 15

# TCP states as /proc/net/tcp numbers them (include/net/tcp_states.h).
TCP_STATE_NUM = {
    "ESTABLISHED": 1, "SYN_SENT": 2, "SYN_RECV": 3, "FIN_WAIT1": 4, "FIN_WAIT2": 5,
    "TIME_WAIT": 6, "CLOSE": 7, "CLOSE_WAIT": 8, "LAST_ACK": 9, "LISTEN": 10, "CLOSING": 11,
}


def wrapper():
    """The LSOCK_WRAPPER words (a valgrind command line in CI), or []."""
    return lt.lsock_wrapper()


def lsock_argv(args, *, wrapped=True):
    """The argv that runs lsock with args, behind LSOCK_WRAPPER if set."""
    return (wrapper() if wrapped else []) + [lt.lsock_path()] + list(args)


def lsock_shell(args, *, wrapped=True):
    """lsock_argv() quoted for a `bash -c` command line."""
    return shlex.join(lsock_argv(args, wrapped=wrapped))


class BResult(lt.Result):
    """A lt.Result that also keeps the exact bytes (out, err)."""

    def __init__(self, argv, status, out, err):
        super().__init__(argv, status, out.decode("utf-8", "replace"),
                         err.decode("utf-8", "replace"))
        self.out = out
        self.err = err

    def stderr_lines(self):
        """Non-empty stderr lines."""
        return [x for x in self.stderr.splitlines() if x.strip()]


def run(argv, *, env=None, stdout=subprocess.PIPE, preexec_fn=None, timeout=120, cwd=None):
    """Runs argv, returns a BResult (never raises on a non-zero status)."""
    try:
        p = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, env=env,
                           preexec_fn=preexec_fn, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise lt.TestFailure(f"`{' '.join(argv)}` timed out after {timeout}s")
    return BResult(argv, p.returncode, p.stdout or b"", p.stderr or b"")


def run_lsock(args, **kw):
    """Runs lsock (behind LSOCK_WRAPPER) with args; see run() for keywords."""
    return run(lsock_argv(args), **kw)


def lsock_doc(args, **kw):
    """Runs `lsock ARGS --json`; returns (document, BResult).  Fails unless
    the status is 0 or 1 and stdout is strict UTF-8 JSON."""
    r = run_lsock(list(args) + ["--json"], **kw)
    if r.status not in (0, 1):
        raise lt.TestFailure(r.describe())
    try:
        doc = json.loads(r.out.decode("utf-8"))
    except ValueError as e:
        raise lt.TestFailure(f"{r.describe()}: stdout is not UTF-8 JSON ({e}):\n{r.out[:2000]!r}")
    if not isinstance(doc, dict) or not isinstance(doc.get("sockets"), list):
        raise lt.TestFailure(f"{r.describe()}: not an lsock document: {r.stdout[:500]}")
    return doc, r


def lsock_records(args, **kw):
    """`lsock ARGS --json` as lsocktest socket dicts; returns (records, BResult)."""
    doc, r = lsock_doc(args, **kw)
    return [lt.normalize_lsock(s) for s in doc["sockets"]], r


def text_rows(text):
    """Data rows of lsock's text output (not titles, headers or blank lines)."""
    return [x for x in text.splitlines()
            if x.strip() and not x.startswith("Active ") and not x.startswith("Proto ")]


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
    """Starts python3 snippets that make and hold sockets; each prints zero
    or more fact lines and then "ready", and exits when its stdin closes.
    A context manager; close() ends them all."""

    def __init__(self):
        self.procs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self, code, *args, cwd=None):
        """Runs HOLDER_PRELUDE + code with argv[1:] = args; returns
        (pid, list of fact lines) once it printed "ready"."""
        p = subprocess.Popen([lt.PYTHON, "-c", HOLDER_PRELUDE + code] + [str(a) for a in args],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd)
        self.procs.append(p)
        facts = []
        while True:
            line = p.stdout.readline()
            if not line:
                p.wait()
                raise lt.TestFailure(f"holder died before it was ready (status {p.returncode})")
            line = line.rstrip(b"\n").decode()
            if line == "ready":
                return p.pid, facts
            facts.append(line)

    def close(self):
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


# --------------------------------------------------------------------------
# Namespace chores
# --------------------------------------------------------------------------

def ip(*args):
    """Runs `ip ARGS` in the current netns; fails on error."""
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise lt.TestFailure(f"ip {' '.join(args)}: {r.stderr.strip()}")


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
    lt.wait_until(usable, f"address {addr} usable")


def set_netns_sysctl(name, value):
    """Writes a per-netns sysctl (e.g. net/ipv4/tcp_syn_retries) in the
    current (private) netns."""
    with open(os.path.join("/proc/sys", name), "w") as f:
        f.write(str(value))


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
    lt.wait_until(lambda: any(r[1] == lport and r[3] == rport and r[4] == num for r in tcp_rows()),
                  f"TCP {lport}->{rport} in {state}", timeout)
