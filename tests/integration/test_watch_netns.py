# SPDX-License-Identifier: MIT
"""lsock --watch --all-netns (issue 15: (netns, cookie) keys, pinned namespaces).

Holders, each in a network namespace of its own (unshare(CLONE_NEWNET)),
open, connect, close sockets and exit while
`lsock -t -a -G --watch 0.2 --ndjson` runs.  Two of them listen on the
same address and port, so only the namespace tells their sockets apart.
Then:
- the first snapshot lists both listeners, each with its namespace;
- each change is reported exactly once, with the namespace (inode) it
  happened in, and nothing is said of the sockets that did not change;
- a namespace made after the watch started is picked up: its new socket
  is reported, with its namespace;
- a namespace whose last process exits is held by the watch: the
  connection its process closed first is seen going to TIME_WAIT there
  (without the hold the namespace dies, and the kernel purges it), and
  the watch keeps holding that namespace while the TIME_WAIT socket
  lives; a namespace left with no socket and no holder but the watch
  is let go (no process holds an fd on it any more).
"""
import json
import os
import signal
import subprocess
import time

import lsocktest as lt

PORT = 7101

HOLDER = r"""
import ctypes, subprocess
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x40000000) != 0:
    raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
set_comm(b"nsholder")
socks = {}
print("ns", os.stat("/proc/self/ns/net").st_ino, flush=True)
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "listen":
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(cmd[1]))); s.listen(8); socks["L" + cmd[1]] = s
    elif cmd[0] == "connect":
        c = socket.create_connection(("127.0.0.1", int(cmd[1])))
        a, _ = socks["L" + cmd[1]].accept()
        socks["C"], socks["A"] = c, a
        print("port", c.getsockname()[1], flush=True)
    elif cmd[0] == "close":
        socks.pop(cmd[1]).close()
    elif cmd[0] == "exit":
        os._exit(0)
    print("done", flush=True)
"""


def events(lines):
    return [json.loads(l) for _, l in lines if '"event"' in l]


class Holder:
    def __init__(self):
        self.p = subprocess.Popen([lt.PYTHON, "-c", lt.HOLDER_PRELUDE + HOLDER],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  bufsize=1)
        line = self.p.stdout.readline().split()
        lt.expect(line and line[0] == "ns", f"holder not ready: {line}")
        self.ino = int(line[1])

    def cmd(self, c):
        self.p.stdin.write(c + "\n")
        self.p.stdin.flush()
        if c == "exit":
            self.p.wait(timeout=30)
            return []
        facts = []
        while True:
            line = self.p.stdout.readline().strip()
            lt.expect(line, f"holder died on {c!r}")
            if line == "done":
                return facts
            facts.append(line)

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def holders_of(ino):
    """The pids with an fd on net:[ino]."""
    want = f"net:[{ino}]"
    pids = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == want:
                        pids.add(int(pid))
                except OSError:
                    pass
        except OSError:
            pass
    return pids


def ns_of(o):
    return (o["netns"] or {}).get("inode")


def ports(o):
    return (o["local"]["port"], o["remote"]["port"])


def case_all_netns():
    hs = []
    proc = None
    try:
        a, b = Holder(), Holder()
        hs += [a, b]
        a.cmd(f"listen {PORT}")
        b.cmd(f"listen {PORT}")
        proc = subprocess.Popen(lt.lsock_argv(["-t", "-a", "-G", "--watch", "0.2", "--ndjson"]),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rd = lt.LineReader(proc)
        rd.wait_for(lambda ls: sum(1 for _, l in ls if f'"port":{PORT}' in l.replace(" ", "")) >= 2,
                    "the first snapshot")
        first = [json.loads(l) for _, l in rd.lines]
        lt.expect(sorted(ns_of(o) for o in first if ports(o) == (PORT, 0)) == sorted([a.ino, b.ino]),
                  f"first snapshot: listeners {[(ns_of(o), ports(o)) for o in first]}")

        def wait_events(n, what):
            rd.wait_for(lambda ls: len(events(ls)) >= n, what)

        facts = a.cmd(f"connect {PORT}")
        cport = int(facts[0].split()[1])
        wait_events(2, "the connection in a")
        b.cmd(f"listen {PORT + 1}")
        wait_events(3, "the second listener in b")
        n = Holder()  # made after the watch started
        hs.append(n)
        n.cmd(f"listen {PORT}")
        wait_events(4, "the listener of a namespace made later")
        a.cmd("close C")  # C -> FIN_WAIT2, A -> CLOSE_WAIT
        rd.wait_for(lambda ls: sum(1 for e in events(ls) if e["event"] == "state") >= 2,
                    "C in FIN_WAIT2 and A in CLOSE_WAIT")
        a.cmd("exit")  # A closes (LAST_ACK, gone), C -> TIME_WAIT, the listener goes
        b.cmd("exit")  # both listeners go
        rd.wait_for(lambda ls: sum(1 for e in events(ls) if e["event"] == "closed") >= 4,
                    "the ends in a and b")
        rd.drain(1.0)
        held_a, held_b = holders_of(a.ino), holders_of(b.ino)
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=60)
        err = proc.stderr.read().decode()
        rd.thread.join(5)
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        for h in hs:
            h.close()
    lt.expect(status == 0, f"SIGINT: status {status}, stderr {err!r}")
    evs = events(rd.lines)
    seen = {}
    for e in evs:
        k = (e["event"], ns_of(e["socket"]), e["socket"]["cookie"], e["socket"]["state"])
        lt.expect(k not in seen, f"reported twice: {e}")
        seen[k] = e
    got = sorted((e["event"], ns_of(e["socket"]), ports(e["socket"]), e["socket"]["state"],
                  e.get("from_state")) for e in evs)
    want = sorted([
        # a: the connection (both ends), its close, a's exit.
        ("new", a.ino, (cport, PORT), "ESTABLISHED", None),
        ("new", a.ino, (PORT, cport), "ESTABLISHED", None),
        ("state", a.ino, (cport, PORT), "FIN_WAIT2", "ESTABLISHED"),
        ("state", a.ino, (PORT, cport), "CLOSE_WAIT", "ESTABLISHED"),
        ("closed", a.ino, (PORT, cport), "CLOSE_WAIT", None),
        ("state", a.ino, (cport, PORT), "TIME_WAIT", "FIN_WAIT2"),
        ("closed", a.ino, (PORT, 0), "LISTEN", None),
        # b: a second listener, then b's exit.
        ("new", b.ino, (PORT + 1, 0), "LISTEN", None),
        ("closed", b.ino, (PORT, 0), "LISTEN", None),
        ("closed", b.ino, (PORT + 1, 0), "LISTEN", None),
        # n: made after the watch started.
        ("new", n.ino, (PORT, 0), "LISTEN", None),
    ])
    # A tick may catch a passing state (FIN_WAIT1, LAST_ACK) for an instant.
    passing = [g for g in got if g[3] in ("FIN_WAIT1", "LAST_ACK") or g[4] in ("FIN_WAIT1", "LAST_ACK")]
    got = [g for g in got if g not in passing]
    if len(passing):
        # Then the state event around it is split in two: compare the ends.
        got = [g for g in got if not (g[0] == "state" and g[4] in ("FIN_WAIT1", "LAST_ACK"))]
        want = [w for w in want if not (w[0] == "state" and any(
            p[0] == "state" and p[1] == w[1] and p[2] == w[2] for p in passing))]
    lt.expect(got == want, "events:\n  got  " + "\n       ".join(map(str, got)) +
              "\n  want " + "\n       ".join(map(str, want)))
    lt.expect(held_a, "a (a TIME_WAIT socket left in it) is not held")
    lt.expect(not held_b, f"b (empty, no process) is still held by {held_b}")


def main():
    lt.main([("watch --all-netns: changes by (netns, cookie), pinned namespaces", case_all_netns)])


lt.run_test(main)
