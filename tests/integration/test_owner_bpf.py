#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The BPF owner source (--owners=bpf, issue 16 part 1) against the /proc walk.

On one live load, `--owners=bpf` and `--owners=proc` must print the same
`--json`, byte for byte.  The load has what makes owners hard:
  * sockets shared by a parent and its child (two owners, same fd);
  * a socket passed over SCM_RIGHTS (two owners, different fds), and one
    still in flight (held by no process: no owner from either source);
  * threads: a leader that called pthread_exit() (its fds live only in a
    thread's table), and a thread with its own table (unshare(CLONE_FILES));
  * a process in a child PID namespace (numbered as our namespace sees it);
  * processes that start and exit all the time, holding UDP and UNIX
    sockets, while the TCP listing is compared (they must not disturb it).
Then the fallback: unprivileged, without CAP_BPF/CAP_PERFMON, and under a
seccomp filter that makes bpf(2) fail with EPERM (tests/helpers/nobpf),
`--owners=auto` quietly walks /proc (-v says why) and `--owners=bpf` exits 3
with one line and nothing on stdout.

Needs root (skips with 77 otherwise) and a build with the BPF source."""
import os
import socket
import subprocess

import lsocktest as lt

# Holds a listener and a connection (both ends), a UDP socket and a UNIX
# pair, forks a child that keeps them all (two owners each), and passes a
# second listener to a third process over SCM_RIGHTS, keeping its own copy;
# one more listener is sent and never received (in flight).
SHARED = r"""
set_comm(b"bpf_shared")
lst = socket.socket(); lst.bind(("127.0.0.1", 4601)); lst.listen()
cli = socket.create_connection(("127.0.0.1", 4601)); srv, _ = lst.accept()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 4601))
ua, ub = socket.socketpair()
passed = socket.socket(); passed.bind(("127.0.0.1", 4602)); passed.listen()
pa, pb = socket.socketpair()
la, lb = socket.socketpair()
if os.fork() == 0:
    set_comm(b"bpf_child")
    sys.stdin.read(); os._exit(0)
if os.fork() == 0:
    # The receiver: gets `passed` at a new fd number.
    set_comm(b"bpf_receiver")
    for f in range(3, 64):
        if f not in (pb.fileno(),):
            try: os.close(f)
            except OSError: pass
    msg, fds, _, _ = socket.recv_fds(pb, 16, 1)
    os.dup2(fds[0], 40); os.close(fds[0])
    sys.stdin.read(); os._exit(0)
inflight = socket.socket(); inflight.bind(("127.0.0.1", 4603)); inflight.listen()
socket.send_fds(pa, [b"x"], [passed.fileno()])
socket.send_fds(la, [b"y"], [inflight.fileno()])
inflight.close()
ready()
"""

# Forks children that open sockets and exit at once, until stdin closes.
CHURN = r"""
import threading
set_comm(b"bpf_churn")
def loop():
    while True:
        pid = os.fork()
        if pid == 0:
            a, b = socket.socketpair()
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            os._exit(0)
        os.waitpid(pid, 0)
threading.Thread(target=loop, daemon=True).start()
ready()
"""

# Runs in a child PID namespace (pid 1 there): one listener.
PIDNS = r"""
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 4620)); s.listen()
print("ready", flush=True)
sys.stdin.read()
"""


def lsock(args, wrap=(), **kw):
    return lt.run(list(wrap) + lt.lsock_argv(args), **kw)


def nobpf():
    return [lt.helper_path("nobpf"), "--"]


class Threads:
    """A tests/helpers/thread_holder process, until close."""

    def __init__(self, holders, mode, port):
        self.proc = subprocess.Popen([lt.helper_path("thread_holder"), mode, str(port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        holders.procs.append(self.proc)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise lt.TestFailure(f"thread_holder {mode} died before it was ready")
            if line.split() == ["ready"]:
                break


def start_pidns(holders):
    p = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", lt.PYTHON, "-c", PIDNS],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holders.procs.append(p)
    if p.stdout.readline().strip() != "ready":
        raise lt.TestFailure("the PID namespace holder died before it was ready")
    # Its pid as our namespace numbers it: unshare's only child.
    with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
        return int(f.read().split()[0])


def owners_by_port(doc):
    out = {}
    for s in doc["sockets"]:
        if s["family"] == "inet":
            out.setdefault((s["proto"], s["local"]["port"], s["state"]), []).append(
                [(o["pid"], o["fd"], o["comm"]) for o in s["owners"]])
    return out


def same_json(args, problems, wrap=()):
    """Runs lsock ARGS with each source; returns the bpf run's document."""
    bpf = lsock(args + ["--owners=bpf", "-v"], wrap)
    proc = lsock(args + ["--owners=proc"], wrap)
    if bpf.status != 0 or proc.status != 0:
        problems.append(f"{bpf.describe()} / {proc.describe()}")
        return None
    if "lsock: owners: bpf" not in bpf.stderr_lines():
        problems.append(f"-v did not say the BPF iterator served: {bpf.stderr_lines()}")
    if bpf.out != proc.out:
        a, b = bpf.json(), proc.json()
        diff = [(x, y) for x, y in zip(a["sockets"], b["sockets"]) if x != y][:3]
        problems.append(f"{' '.join(args)}: --owners=bpf and --owners=proc differ "
                        f"(complete {a['owners_complete']}/{b['owners_complete']}, "
                        f"{len(a['sockets'])}/{len(b['sockets'])} sockets): {diff}")
    return bpf.json()


def main():
    r = lsock(["-tln", "--owners=bpf"])
    if r.status == 3 and "built without BPF" in r.stderr:
        lt.skip("lsock was built without the BPF owner source")
    with lt.Holders() as holders:
        holders.start(SHARED)
        Threads(holders, "exit-main", 4610)
        Threads(holders, "unshare-files", 4612)
        inner = start_pidns(holders)
        holders.start(CHURN)

        def identical():
            problems = []
            doc = None
            for _ in range(2):
                doc = same_json(["-tanp", "--json"], problems) or doc
            if doc:
                got = owners_by_port(doc)
                names = lambda key: sorted(c for o in got.get(key, [[]])[0] for *_, c in [o])
                fds = lambda key: sorted({fd for o in got.get(key, [[]])[0] for _, fd, _ in [o]})
                want = {
                    ("tcp", 4601, "LISTEN"): ["bpf_child", "bpf_shared"],
                    ("tcp", 4602, "LISTEN"): ["bpf_child", "bpf_receiver", "bpf_shared"],
                    ("tcp", 4603, "LISTEN"): [],
                    ("tcp", 4610, "LISTEN"): ["thread_holder"],
                    ("tcp", 4612, "LISTEN"): ["thread_holder"],
                    ("tcp", 4613, "LISTEN"): ["thread_holder"],
                    ("tcp", 4620, "LISTEN"): ["python3"],
                }
                for key, comms in want.items():
                    if names(key) != comms:
                        problems.append(f"{key}: owners {got.get(key)}, want comms {comms}")
                if 40 not in fds(("tcp", 4602, "LISTEN")):
                    problems.append(f"SCM_RIGHTS receiver's fd 40 missing: {got.get(('tcp', 4602, 'LISTEN'))}")
                pids = {p for p, _, _ in got.get(("tcp", 4620, "LISTEN"), [[]])[0]}
                if pids != {inner}:
                    problems.append(f"PID namespace holder: pids {pids}, want {{{inner}}} (our numbering)")
            lt.check(problems, "same load, both sources")

        def identical_quiet():
            # Every family, UNIX pairs and the in-flight socket included,
            # once the churn is gone; and a filter that needs owners.
            holders.procs[-1].stdin.close()
            holders.procs[-1].wait()
            problems = []
            same_json(["-tuxanp", "--json"], problems)
            same_json(["-tan", "--json", "comm", "=", "bpf_*"], problems)
            lt.check(problems, "all families, quiet")

        def fallback():
            problems = []
            proc = lsock(["-tanp", "--json", "--owners=proc"])
            cases = [
                ("seccomp: bpf(2) fails with EPERM", nobpf(), []),
                ("without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN",
                 ["setpriv", "--inh-caps=-bpf,-perfmon,-sys_admin",
                  "--bounding-set=-bpf,-perfmon,-sys_admin", "--"], []),
            ]
            for what, wrap, _ in cases:
                auto = lsock(["-tanp", "--json", "-v", "--owners=auto"], wrap)
                line = [x for x in auto.stderr_lines() if x.startswith("lsock: owners:")]
                if auto.status != 0 or line != ["lsock: owners: proc (bpf not used: bpf(2) was "
                                                "refused (it needs root, or CAP_BPF and CAP_PERFMON; "
                                                "a seccomp filter may also refuse it))"]:
                    problems.append(f"{what}: auto: {auto.describe()}")
                elif auto.out != proc.out:
                    problems.append(f"{what}: auto's fallback differs from --owners=proc")
                quiet = lsock(["-tanp", "--json", "--owners=auto"], wrap)
                if quiet.err:
                    problems.append(f"{what}: the fallback is not silent: {quiet.err!r}")
                forced = lsock(["-tanp", "--owners=bpf"], wrap)
                if forced.status != 3 or forced.out or len(forced.stderr_lines()) != 1 or \
                        not forced.stderr.startswith("lsock: --owners=bpf: cannot use the BPF iterator: "):
                    problems.append(f"{what}: --owners=bpf: {forced.describe()}")
            lt.check(problems, "fallback")

        def unprivileged():
            # As nobody the kernel refuses tracing programs whatever
            # kernel.unprivileged_bpf_disabled says; the walk serves, as
            # incomplete as it is for ss.
            with open("/proc/sys/kernel/unprivileged_bpf_disabled") as f:
                sysctl = f.read().strip()
            problems = []
            auto = lt.run(lt.lsock_argv(["-tanp", "--json", "-v", "--owners=auto"]), nobody=True)
            proc = lt.run(lt.lsock_argv(["-tanp", "--json", "--owners=proc"]), nobody=True)
            if auto.status != 0 or not any(x.startswith("lsock: owners: proc (bpf not used: ")
                                           for x in auto.stderr_lines()):
                problems.append(f"auto as nobody: {auto.describe()}")
            if auto.out != proc.out:
                problems.append("auto as nobody differs from --owners=proc")
            forced = lt.run(lt.lsock_argv(["-tanp", "--owners=bpf"]), nobody=True)
            if forced.status != 3 or forced.out:
                problems.append(f"--owners=bpf as nobody: {forced.describe()}")
            lt.check(problems, f"unprivileged (kernel.unprivileged_bpf_disabled={sysctl})")

        lt.main([
            ("live load: --owners=bpf and --owners=proc print the same JSON", identical),
            ("no churn: every family, and an owner filter", identical_quiet),
            ("fallback: seccomp EPERM, capabilities dropped", fallback),
            ("fallback: unprivileged", unprivileged),
        ])


if __name__ == "__main__":
    lt.run_test(main)
