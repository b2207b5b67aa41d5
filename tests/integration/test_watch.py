# SPDX-License-Identifier: MIT
"""lsock --watch (issue 15, item 1).

A changer process opens, changes and closes TCP sockets in steps, at known
times, in a private namespace, while `lsock -t -a --watch 0.2 --ndjson`
runs; a stayer process holds sockets that never change.  Then:
- the first snapshot is the usual socket objects, and lists the stayer's
  sockets; after it, nothing is said about them;
- each change is reported exactly once, as the right kind ("new",
  "closed", "state" with from_state), with the owner (the changer, by pid
  and comm; a closed socket with the owner it had), with a time that lies
  between the step that made the change and the end of the run;
- a socket's state events chain (each from_state is the state before),
  from the state it was new in to the one it ended in;
- nothing else is reported;
- /proc is walked again only when a snapshot has new sockets (-v says so);
- SIGINT ends lsock with status 0, and every line came through the pipe
  while lsock was still running (line-buffered output).
The text form is checked once too: "+", "-" and "~" lines with a time.
"""
import datetime
import json
import os
import re
import signal
import socket
import subprocess
import time

import lsocktest as lt

STAY_PORT = 7001
CHANGE_PORT = 7002

# The changer: one command per stdin line, "done" after each.
CHANGER = r"""
set_comm(b"changer")
socks = {}
print("ready", flush=True)
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "listen":
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(cmd[1]))); s.listen(8); socks["L"] = s
    elif cmd[0] == "connect":
        c = socket.create_connection(("127.0.0.1", int(cmd[1])))
        a, _ = socks["L"].accept()
        socks["C"], socks["A"] = c, a
        print("ports", c.getsockname()[1], flush=True)
    elif cmd[0] == "close":
        socks.pop(cmd[1]).close()
    print("done", flush=True)
"""

STAYER = r"""
set_comm(b"stayer")
l = socket.socket(); l.bind(("127.0.0.1", %d)); l.listen(8)
c = socket.create_connection(("127.0.0.1", %d)); a, _ = l.accept()
ready()
""" % (STAY_PORT, STAY_PORT)


def parse_time(s):
    lt.expect(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", s), f"time {s!r} is not RFC 3339")
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def start_changer():
    p = subprocess.Popen([lt.PYTHON, "-c", lt.HOLDER_PRELUDE + CHANGER], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, bufsize=1)
    lt.expect(p.stdout.readline().strip() == "ready", "changer not ready")
    return p


def command(p, cmd):
    """Sends one command; returns (time before it, its fact lines)."""
    t = time.time()
    p.stdin.write(cmd + "\n")
    p.stdin.flush()
    facts = []
    while True:
        line = p.stdout.readline().strip()
        if line == "done":
            return t, facts
        facts.append(line)


def events(lines):
    return [json.loads(l) for _, l in lines if '"event"' in l]


def case_ndjson():
    with lt.Holders() as h:
        stayer, _ = h.start(STAYER)
        changer = start_changer()
        proc = subprocess.Popen(lt.lsock_argv(["-t", "-a", "--watch", "0.2", "--ndjson", "-v"]),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rd = lt.LineReader(proc)
        try:
            # The first snapshot: the stayer's three sockets, as usual.
            rd.wait_for(lambda ls: sum(1 for _, l in ls if '"event"' not in l) >= 3, "the first snapshot")
            first = [json.loads(l) for _, l in rd.lines]
            lt.expect(all("event" not in o for o in first), f"first snapshot has events: {first}")
            lt.expect(all(o["local"]["port"] == STAY_PORT or o["remote"]["port"] == STAY_PORT
                           for o in first), f"first snapshot: {first}")
            lt.expect(all(o["owners"] and o["owners"][0]["comm"] == "stayer" for o in first),
                      f"first snapshot owners: {first}")
            steps = {}

            def step(name, cmd, want):
                t, facts = command(changer, cmd)
                steps[name] = t
                rd.wait_for(lambda ls: len(events(ls)) >= want, f"{want} events after {name}")
                return facts

            step("listen", f"listen {CHANGE_PORT}", 1)
            facts = step("connect", f"connect {CHANGE_PORT}", 3)
            cport = int(facts[0].split()[1])
            # The server side closes first: A -> FIN_WAIT2, C -> CLOSE_WAIT.
            step("close A", "close A", 5)
            lt.wait_tcp_state(CHANGE_PORT, cport, "FIN_WAIT2")
            # (A tick may have caught FIN_WAIT1 for an instant: wait for
            # the state the kernel settled in before the next step.)
            rd.wait_for(lambda ls: any(e["socket"]["state"] == "FIN_WAIT2" for e in events(ls)),
                        "A in FIN_WAIT2")
            # Then the client: C goes (LAST_ACK, then) away, A -> TIME_WAIT.
            step("close C", "close C", 7)
            lt.wait_tcp_state(CHANGE_PORT, cport, "TIME_WAIT")
            rd.wait_for(lambda ls: any(e["socket"]["state"] == "TIME_WAIT" for e in events(ls)),
                        "A in TIME_WAIT")
            step("close L", "close L", 8)
            rd.drain(1.0)  # time for anything extra to show up
            t_end = time.time()
            out_lines = len(rd.lines)
            proc.send_signal(signal.SIGINT)
            status = proc.wait(timeout=60)
            err = proc.stderr.read().decode()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            changer.stdin.close()
            changer.wait()
        rd.thread.join(5)
        lt.expect(status == 0, f"SIGINT: exit status {status}, stderr {err!r}")
        # /proc is walked again only for new sockets: after "listen" and
        # "connect" (twice if a tick fell between connect() and accept(),
        # which gives the accepted socket its inode), never when sockets
        # only changed state or closed, nor while nothing happened.
        walks = err.count("lsock: watch: walked ")
        lt.expect(2 <= walks <= 3, f"{walks} walks of /proc:\n{err}")
        lt.expect(len(rd.lines) == out_lines, "lines arrived only after SIGINT (not line-buffered)")
        evs = events(rd.lines)
        pid = changer.pid

        def who(o):
            return [(w["pid"], w["comm"]) for w in o["socket"]["owners"]]

        by_port = {}
        for e in evs:
            s = e["socket"]
            lt.expect(STAY_PORT not in (s["local"]["port"], s["remote"]["port"]),
                      f"an event for a socket that did not change: {e}")
            key = ("L" if s["remote"]["port"] == 0 else
                   "C" if s["local"]["port"] == cport else
                   "A" if s["remote"]["port"] == cport else None)
            lt.expect(key, f"an event for an unknown socket: {e}")
            by_port.setdefault(key, []).append(e)
            t = parse_time(e["time"])
            lt.expect(steps["listen"] - 0.01 <= t <= t_end + 0.01, f"time out of the run: {e}")
            lt.expect(e["from_state"] is None if e["event"] != "state" else
                      isinstance(e["from_state"], str), f"from_state: {e}")
        lt.expect(set(by_port) == {"L", "C", "A"}, f"sockets with events: {sorted(by_port)}")
        # One cookie per socket, all along.
        for k, es in by_port.items():
            lt.expect(len({e["socket"]["cookie"] for e in es}) == 1, f"{k}: cookies differ: {es}")

        def kinds(k):
            return [e["event"] for e in by_port[k]]

        L = by_port["L"]
        lt.expect(kinds("L") == ["new", "closed"], f"listener: {kinds('L')}")
        lt.expect(L[0]["socket"]["state"] == "LISTEN" and who(L[0]) == [(pid, "changer")] and
                  who(L[1]) == [(pid, "changer")], f"listener owners: {L}")
        lt.expect(parse_time(L[0]["time"]) >= steps["listen"] - 0.01 and
                  parse_time(L[0]["time"]) < steps["connect"], f"listener new time: {L[0]}")
        lt.expect(parse_time(L[1]["time"]) >= steps["close L"] - 0.01, f"listener closed time: {L[1]}")

        def chain(k, first_state, last_state):
            es = by_port[k]
            lt.expect(es[0]["event"] == "new" and es[0]["socket"]["state"] == first_state,
                      f"{k} first event: {es[0]}")
            lt.expect(who(es[0]) == [(pid, "changer")], f"{k} new: owner {who(es[0])}")
            lt.expect(parse_time(es[0]["time"]) >= steps["connect"] - 0.01, f"{k} new time: {es[0]}")
            prev = first_state
            for e in es[1:]:
                if e["event"] == "closed":
                    lt.expect(e is es[-1], f"{k}: events after closed: {es}")
                    lt.expect(e["socket"]["state"] == prev, f"{k} closed in {e['socket']['state']}, was {prev}")
                    continue
                lt.expect(e["event"] == "state" and e["from_state"] == prev, f"{k}: broken chain: {es}")
                lt.expect(e["socket"]["state"] != prev, f"{k}: a state event without change: {e}")
                prev = e["socket"]["state"]
            lt.expect(prev in last_state, f"{k} ends in {prev}, not {last_state}: {es}")
            return es

        # C: new, -> CLOSE_WAIT (after A closed), closed (after it closed) with its owner.
        # (A tick may catch C in LAST_ACK, for an instant, before it goes.)
        c = chain("C", "ESTABLISHED", ("CLOSE_WAIT", "LAST_ACK"))
        lt.expect(kinds("C")[-1] == "closed", f"C not closed: {kinds('C')}")
        lt.expect("CLOSE_WAIT" in [e["socket"]["state"] for e in c], f"C never CLOSE_WAIT: {c}")
        lt.expect(who(c[-1]) == [(pid, "changer")], f"C closed without its owner: {c[-1]}")
        lt.expect(parse_time(c[-1]["time"]) >= steps["close C"] - 0.01, f"C closed time: {c[-1]}")
        cw = next(e for e in c if e["socket"]["state"] == "CLOSE_WAIT")
        lt.expect(steps["close A"] - 0.01 <= parse_time(cw["time"]) < steps["close C"], f"C CLOSE_WAIT time: {cw}")
        # A: new, -> FIN_WAIT2 (it closed: no owner any more), -> TIME_WAIT.
        a = chain("A", "ESTABLISHED", ("TIME_WAIT",))
        lt.expect("FIN_WAIT2" in [e["socket"]["state"] for e in a], f"A never FIN_WAIT2: {a}")
        lt.expect(all(e["event"] != "closed" for e in a), f"A closed: {a}")
        fw = next(e for e in a if e["socket"]["state"] == "FIN_WAIT2")
        lt.expect(steps["close A"] - 0.01 <= parse_time(fw["time"]) < steps["close C"], f"A FIN_WAIT2 time: {fw}")


def case_text():
    with lt.Holders() as h:
        changer = start_changer()
        proc = subprocess.Popen(lt.lsock_argv(["-tln", "--watch", "0.2"]), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        rd = lt.LineReader(proc)
        try:
            rd.wait_for(lambda ls: any("Local Address" in l for _, l in ls), "the header")
            command(changer, f"listen {CHANGE_PORT}")
            rd.wait_for(lambda ls: any(" + " in l for _, l in ls), "a + line")
            command(changer, "close L")
            rd.wait_for(lambda ls: any(" - " in l for _, l in ls), "a - line")
            proc.send_signal(signal.SIGINT)
            status = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            changer.stdin.close()
            changer.wait()
        lt.expect(status == 0, f"exit status {status}")
        rows = [l for _, l in rd.lines if re.match(r"\d{4}-", l)]
        want = [rf"^\S+Z \+ tcp 0 8 127\.0\.0\.1:{CHANGE_PORT} 0\.0\.0\.0:\* LISTEN {changer.pid}/changer$",
                rf"^\S+Z - tcp 0 8 127\.0\.0\.1:{CHANGE_PORT} 0\.0\.0\.0:\* LISTEN {changer.pid}/changer$"]
        lt.expect(len(rows) == 2 and all(re.match(w, r.rstrip("\n")) for w, r in zip(want, rows)),
                  f"text lines: {rows}")


def case_usage():
    for args in (["--watch", "0.05"], ["--watch", "--json"], ["-c", "-E"]):
        r = lt.run_lsock(args)
        lt.expect(r.status == 2 and not r.out and len(r.stderr_lines()) == 1, f"{r.describe()}")


def main():
    lt.main([("watch --ndjson reports each change once", case_ndjson),
             ("watch text lines", case_text),
             ("watch usage errors", case_usage)])


lt.run_test(main)
