# SPDX-License-Identifier: MIT
"""lsock --events (issue 15, item 2).

- Run as nobody (no capability), `lsock -E --ndjson` sees a TCP socket
  (both ends of a connection and the listener) and a UDP socket (IPv6)
  being destroyed, each once, as "closed" events, and nothing else; the
  text form prints "-" lines.
- Run as root, the event of a socket that lived long enough for lsock's
  snapshot carries the owner it had (pid and comm), found by cookie.
- A filter applies: `dport = :PORT` shows only the client end, even when
  the connection is aborted (SO_LINGER 0), for which the kernel's
  notification has remote port 0: the endpoints come from the snapshot.
"""
import json
import signal
import socket
import subprocess
import threading
import time

import lsocktest as lt

TCP_PORT = 7201
UDP_PORT = 7202


def start(args, nobody=False):
    argv = lt.lsock_argv(args)
    if nobody:
        argv = lt.as_nobody(argv)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # -v says when the groups are joined and the first snapshot is taken.
    err = b""
    while b"listening for destroyed" not in err:
        line = p.stderr.readline()
        if not line:
            raise lt.TestFailure(f"lsock -E ended early: {err!r}")
        err += line
    return p


def stop(p):
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        raise lt.TestFailure("lsock -E did not end on SIGINT")
    lt.expect(p.returncode == 0, f"SIGINT: exit status {p.returncode}, stderr {err!r}")
    return out.decode()


def churn(hold=0.0):
    """A TCP connection and a UDP socket, closed after hold seconds.
    Returns the client's port."""
    l = socket.socket()
    l.bind(("127.0.0.1", TCP_PORT))
    l.listen(4)
    c = socket.create_connection(("127.0.0.1", TCP_PORT))
    a, _ = l.accept()
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.bind(("::1", UDP_PORT))
    port = c.getsockname()[1]
    time.sleep(hold)
    # An orderly close: the client's full socket is freed when it enters
    # TIME_WAIT, the server's when its FIN is acknowledged.
    for s in (c, a, l, u):
        s.close()
    return port


def wait_events(p, n, timeout=20.0):
    """Reads n lines of p's stdout (events are written as they happen)."""
    lines = []
    done = threading.Event()

    def read():
        while len(lines) < n:
            line = p.stdout.readline()
            if not line:
                break
            lines.append(line.decode())
        done.set()
    t = threading.Thread(target=read, daemon=True)
    t.start()
    done.wait(timeout)
    return lines, t


def endpoints(e):
    s = e["socket"]
    return (s["proto"], s["family"], s["local"]["port"], s["remote"]["port"])


def case_unprivileged():
    p = start(["-E", "--ndjson", "-v"], nobody=True)
    try:
        cport = churn()
        lines, t = wait_events(p, 4)
    finally:
        out = stop(p)
    t.join(5)
    evs = [json.loads(l) for l in lines + out.splitlines(keepends=True) if l.strip()]
    got = sorted(endpoints(e) for e in evs)
    want = sorted([("tcp", "inet", TCP_PORT, 0), ("tcp", "inet", cport, TCP_PORT),
                   ("tcp", "inet", TCP_PORT, cport), ("udp", "inet6", UDP_PORT, 0)])
    lt.expect(got == want, f"events {got}, want {want}")
    lt.expect(all(e["event"] == "closed" and e["from_state"] is None and e["time"].endswith("Z")
                  for e in evs), f"events: {evs}")
    lt.expect(len({e["socket"]["cookie"] for e in evs}) == 4, f"cookies: {evs}")


def case_owner_and_filter():
    holder = r"""
set_comm(b"destroyme")
l = socket.socket(); l.bind(("127.0.0.1", %d)); l.listen(4)
c = socket.create_connection(("127.0.0.1", %d)); a, _ = l.accept()
ready(c.getsockname()[1])
for s in (c, a):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
""" % (TCP_PORT, TCP_PORT)
    # The holder first: lsock's first snapshot, taken before it says it
    # listens, knows its sockets (later ones are seen by the snapshot it
    # refreshes every second, which a loaded machine may delay).
    with lt.Holders() as h:
        hp, facts = h.start_proc(holder)
        cport = int(facts[0])
        p = start(["-E", "--ndjson", "-v", f"dport = :{TCP_PORT}"])
    try:
        lines, t = wait_events(p, 1)
        time.sleep(0.5)
    finally:
        out = stop(p)
    t.join(5)
    evs = [json.loads(l) for l in lines + out.splitlines(keepends=True) if l.strip()]
    lt.expect([endpoints(e) for e in evs] == [("tcp", "inet", cport, TCP_PORT)],
              f"the filter let through {[endpoints(e) for e in evs]}")
    owners = [(o["pid"], o["comm"]) for o in evs[0]["socket"]["owners"]]
    lt.expect(owners == [(hp.pid, "destroyme")], f"owner {owners}, want {(hp.pid, 'destroyme')}")


def case_text():
    p = start(["-E", "-n", "-v", "-t"], nobody=True)
    try:
        churn()
        lines, t = wait_events(p, 3)
    finally:
        out = stop(p)
    t.join(5)
    rows = [l for l in lines + out.splitlines(keepends=True) if l.strip()]
    lt.expect(len(rows) == 3 and all(" - tcp " in r for r in rows), f"text: {rows}")


def main():
    lt.main([("unprivileged -E sees TCP and UDP destroyed", case_unprivileged),
             ("-E names the owner and applies the filter", case_owner_and_filter),
             ("-E text", case_text)])


lt.run_test(main)
