#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Churn stress test (issue 11 item 6): long-lived sockets are never lost
and never listed twice, however fast other sockets and processes come and go.

Not part of `ctest` (it takes a minute or two); CI runs it as the `churn`
stage of .ci/run.  Run it by hand, as root, after building:

    LSOCK=build/lsock LSOCK_HELPERS=build/tests/helpers python3 tests/stress/test_churn.py

In private network, PID and mount namespaces, tests/helpers/churn.c holds
1000 long-lived sockets in 4 processes (one of which forked a child that
shares them): UNIX stream and dgram pairs, UNIX listeners on abstract
names and on paths, TCP listeners and connections, UDP sockets.  Around
them it churns TCP connections, UNIX sockets and forks as fast as the
machine lets it.  Then `lsock -tuxanp --json` runs over and over; in every
run each long-lived socket must be listed exactly once, with its protocol
and exactly its owners, and no socket (by cookie, or by inode) twice.
Then `lsock -tuxan --ndjson` does, under the same load: with no sort and
no owners it streams (rows rendered and flushed in batches of
LSOCK_BATCH_ROWS, set small here so that every run flushes many batches),
and the same holds for it, owners aside.

With LSOCK_CHURN_NETNS=1 the helper runs in a second network namespace
(unshare --net, loopback up) and lsock runs with --all-netns from the
first, owners phase only (a -G listing has a table): the recovery of UNIX
sockets a resumed dump skipped must work in every namespace a -G listing
enters, not only in lsock's own.

Environment: LSOCK_CHURN_RUNS (default 300) runs of each, at most
LSOCK_CHURN_SECONDS (default 150) seconds of each; fewer than
LSOCK_CHURN_MIN_RUNS (default 100) runs in that time is a failure (the
test would show nothing).  LSOCK_CHURN_ONLY="-tuxan --ndjson" (the
arguments of one phase) runs that phase only.  Exit 0 pass, 1 fail, 77 skip (not root).
"""

import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import lsocktest as lt  # noqa: E402

HOLD = 1000
TCP_CHURNERS, UNIX_CHURNERS, FORK_CHURNERS = 1, 2, 1
# (arguments, whether they list owners, environment)
PHASES = (
    (["-tuxanp", "--json"], True, {}),
    (["-tuxan", "--ndjson"], False, {"LSOCK_BATCH_ROWS": "64"}),
)
NETNS = os.environ.get("LSOCK_CHURN_NETNS") == "1"
if NETNS:
    # A resumed UNIX dump skips sockets often enough to need the recovery
    # (snapshot_take()) only with a big table and hard churn: about one run
    # in fifteen at 8000 held sockets and 4 UNIX churners on 2 cores.
    PHASES = ((["-G", "-tuxanp", "--json"], True, {}),)
    HOLD, TCP_CHURNERS, UNIX_CHURNERS, FORK_CHURNERS = 8000, 0, 4, 0

# What lsock must call each kind of long-lived socket.
KINDS = {
    "unix-stream": ("unix", "unix"),
    "unix-dgram": ("unix", "unix"),
    "unix-abstract": ("unix", "unix"),
    "unix-path": ("unix", "unix"),
    "tcp-listen": ("tcp", "inet"),
    "tcp-client": ("tcp", "inet"),
    "tcp-accepted": ("tcp", "inet"),
    "udp": ("udp", "inet"),
}


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise lt.TestFailure(f"{name} is not a number")


class Load:
    """The churn helper: its long-lived sockets (inode -> (kind, pid)), the
    child that shares holder 0's fds, and the churn rates it reports."""

    def __init__(self, cwd):
        argv = [os.path.abspath(lt.helper_path("churn"))] + \
            [str(n) for n in (HOLD, TCP_CHURNERS, UNIX_CHURNERS, FORK_CHURNERS)]
        if NETNS:
            # A namespace of its own, as a container's: lo up, and the
            # same TIME_WAIT cap as the first one (see main()).
            argv = ["unshare", "--net", "sh", "-c",
                    "ip link set lo up && "
                    "echo 2048 > /proc/sys/net/ipv4/tcp_max_tw_buckets && "
                    'exec "$0" "$@"'] + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     cwd=cwd, text=True)
        self.held = {}
        self.shared = {}  # holder pid -> child pid
        for line in self.proc.stdout:
            f = line.split()
            if f == ["ready"]:
                break
            if f[0] == "hold":
                self.held[int(f[1])] = (f[2], int(f[3]))
            elif f[0] == "child":
                self.shared[int(f[1])] = int(f[2])
        else:
            self.proc.wait()
            raise lt.TestFailure(f"churn helper died before it was ready ({self.proc.returncode})")
        lt.expect(len(self.held) == HOLD, f"churn helper reported {len(self.held)} sockets")

    def owners(self, pid):
        return {pid, self.shared[pid]} if pid in self.shared else {pid}

    def stop(self):
        """Ends the load; returns (tcp, unix, fork) operations per second."""
        self.proc.stdin.close()
        out = self.proc.stdout.read().split()
        self.proc.wait()
        if len(out) != 5 or out[0] != "ops" or self.proc.returncode != 0:
            raise lt.TestFailure(f"churn helper ended badly: {out} ({self.proc.returncode})")
        secs = float(out[4]) or 1.0
        return tuple(int(x) / secs for x in out[1:4])


def run_lsock(args, env):
    """One listing: (list of socket objects, Result)."""
    if "--json" in args:
        doc, r = lt.lsock_doc([a for a in args if a != "--json"], env=env)
        return doc["sockets"], r
    r = lt.run_lsock(args, env=env)
    if r.status not in (0, 1):
        raise lt.TestFailure(r.describe())
    try:
        return [json.loads(line) for line in r.out.decode("utf-8").splitlines()], r
    except ValueError as e:
        raise lt.TestFailure(f"{r.describe()}: a line is not JSON ({e})")


def check_run(load, sockets, owners):
    """Problems of one listing: long-lived sockets missed, listed twice or
    wrong; any socket listed twice.  Returns (missed, doubled, problems)."""
    seen = collections.defaultdict(list)
    cookies = collections.Counter()
    problems = []
    for s in sockets:
        if s.get("inode"):
            seen[s["inode"]].append(s)
        if s.get("cookie") is not None:
            cookies[s["cookie"]] += 1
    missed = [i for i in load.held if not seen.get(i)]
    doubled = [i for i in load.held if len(seen.get(i, ())) > 1]
    for ino, (kind, pid) in load.held.items():
        rows = seen.get(ino)
        if not rows or len(rows) > 1:
            continue
        s = rows[0]
        proto, family = KINDS[kind]
        pids = {o["pid"] for o in s.get("owners") or ()}
        if s["proto"] != proto or not s["family"].startswith(family) or \
                (owners and pids != load.owners(pid)):
            problems.append(f"{kind} inode {ino}: listed as {s['proto']}/{s['family']} with "
                            f"owners {sorted(pids)}, expected {proto} owned by "
                            f"{sorted(load.owners(pid))}")
    twice = [c for c, n in cookies.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} cookie(s) listed twice, e.g. {twice[:3]}")
    inodes_twice = [i for i, rows in seen.items() if len(rows) > 1 and i not in load.held]
    if inodes_twice:
        problems.append(f"{len(inodes_twice)} other inode(s) listed twice, e.g. {inodes_twice[:3]}")
    return missed, doubled, problems


def run_phase(load, args, owners, extra, runs, budget, min_runs):
    """Runs `lsock ARGS` over and over; returns what check_run() found."""
    env = dict(os.environ, **extra) if extra else None
    missed_runs = doubled_runs = done = recovered_runs = 0
    missed_by_kind, doubled_by_kind = collections.Counter(), collections.Counter()
    problems = []
    t0 = time.monotonic()
    while done < runs and time.monotonic() - t0 < budget:
        sockets, r = run_lsock(args + ["-v"], env)
        done += 1
        recovered_runs += "fetched by inode" in r.stderr
        if r.status != 0:
            problems.append(f"run {done}: exit {r.status}: {r.stderr.strip()[:300]}")
        missed, doubled, other = check_run(load, sockets, owners)
        missed_runs += bool(missed)
        doubled_runs += bool(doubled)
        missed_by_kind.update(load.held[i][0] for i in missed)
        doubled_by_kind.update(load.held[i][0] for i in doubled)
        if missed or doubled:
            problems.append(f"run {done}: missed {len(missed)} {missed[:5]}, "
                            f"twice {len(doubled)} {doubled[:5]}")
        problems += [f"run {done}: {p}" for p in other]
    return (args, done, time.monotonic() - t0, missed_runs, missed_by_kind, doubled_runs,
            doubled_by_kind, recovered_runs, problems)


def main():
    only = os.environ.get("LSOCK_CHURN_ONLY")
    runs = env_int("LSOCK_CHURN_RUNS", 300)
    budget = env_int("LSOCK_CHURN_SECONDS", 150)
    min_runs = min(runs, env_int("LSOCK_CHURN_MIN_RUNS", 100))
    # TIME_WAIT sockets from the TCP churn would pile up for a minute and
    # grow every dump; the namespace keeps at most this many (the oldest
    # are dropped, which is churn too).
    lt.set_netns_sysctl("net/ipv4/tcp_max_tw_buckets", 2048)
    if NETNS:
        # -G would also dump the namespaces of the host's nsfs mounts,
        # which this private mount namespace inherited: not ours to time.
        lt.unmount_foreign_netns()
    with tempfile.TemporaryDirectory(prefix="lsock-churn-") as cwd:
        load = Load(cwd)
        kinds = collections.Counter(k for k, _ in load.held.values())
        print(f"long-lived: {dict(kinds)}", flush=True)
        results = []
        try:
            for args, owners, extra in PHASES:
                if only and only != " ".join(args):
                    continue
                results.append(run_phase(load, args, owners, extra, runs, budget, min_runs))
        finally:
            rates = load.stop()
    failed = []
    for args, done, elapsed, missed_runs, missed_by_kind, doubled_runs, doubled_by_kind, \
            recovered_runs, problems in results:
        print(f"{done} runs of lsock {' '.join(args)} in {elapsed:.1f} s, under "
              f"{rates[0]:.0f} TCP connections, {rates[1]:.0f} UNIX sockets and "
              f"{rates[2]:.0f} forks per second", flush=True)
        print(f"runs with a long-lived socket missed: {missed_runs} {dict(missed_by_kind)}; "
              f"listed twice: {doubled_runs} {dict(doubled_by_kind)}; "
              f"runs that fetched skipped UNIX sockets by inode: {recovered_runs}", flush=True)
        if done < min_runs:
            problems.append(f"only {done} runs in {budget} s (at least {min_runs} needed)")
        failed += [f"{' '.join(args)}: {p}" for p in problems]
    lt.check(failed[:40] + ([f"... {len(failed) - 40} more"] if len(failed) > 40 else []),
             "long-lived sockets under churn")
    print("ok: 0 missed, 0 listed twice", flush=True)


lt.run_test(main)
