# SPDX-License-Identifier: MIT
"""lsock --format=prometheus [--output-file FILE] (issue 15, item 4).

- The exposition passes `promtool check metrics` (promtool from Debian's
  prometheus package, unpacked by tools/get_promtool.sh, never installed
  or started; $LSOCK_PROMTOOL names one), for a mix of TCP, UDP and UNIX
  listeners held by a process whose comm holds a quote, a backslash and a
  newline, one of them on a UNIX path with the same bytes.
- Parsed back (with the format's escapes), every label value is exactly
  the comm or the path; each listener is one series of each metric with
  the right numbers; a connection adds no series; the counts are right.
- While lsock rewrites --output-file again and again, a reader that opens
  and reads it in a loop only ever sees a whole file; the file is 0644 and
  no temporary file is left behind.  A failed write (no such directory)
  exits 3 with one line on stderr and leaves the old file alone.
"""
import os
import re
import socket
import stat
import subprocess
import tempfile
import threading
import time

import lsocktest as lt

HOSTILE = 'q"b\\c\nd'  # 8 bytes: fits a comm
TCP_PORT = 7401
UDP_PORT = 7402


def promtool():
    path = os.environ.get("LSOCK_PROMTOOL")
    if path:
        return path
    script = os.path.join(lt.source_dir(), "tools", "get_promtool.sh")
    r = subprocess.run(["bash", script], capture_output=True, text=True)
    if r.returncode != 0:
        lt.skip(f"no promtool: {r.stderr.strip()[-300:]}")
    return r.stdout.strip()


LINE_RE = re.compile(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"(,|$)')


def unescape(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}[m.group(1)], v)


def parse(text):
    """[(name, {label: value}, value)] of the sample lines."""
    out = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = LINE_RE.match(line)
        lt.expect(m, f"not a sample line: {line!r}")
        labels = {}
        if m.group(2):
            pos = 0
            while pos < len(m.group(2)):
                lm = LABEL_RE.match(m.group(2), pos)
                lt.expect(lm, f"bad labels in {line!r}")
                labels[lm.group(1)] = unescape(lm.group(2))
                pos = lm.end()
        out.append((m.group(1), labels, float(m.group(3))))
    return out


HOLDER = r"""
set_comm(sys.argv[1].encode())
t4 = socket.socket(); t4.bind(("127.0.0.1", %d)); t4.listen(5)
t6 = socket.socket(socket.AF_INET6); t6.bind(("::1", %d)); t6.listen(9)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", %d))
x = socket.socket(socket.AF_UNIX); x.bind(sys.argv[2]); x.listen(3)
c = socket.create_connection(("127.0.0.1", %d))
ready()
""" % (TCP_PORT, TCP_PORT, UDP_PORT, TCP_PORT)


def case_promtool_and_labels():
    tool = promtool()
    d = tempfile.mkdtemp()
    path = os.path.join(d, "s" + HOSTILE + ".sock")
    with lt.Holders() as h:
        pid, _ = h.start(HOLDER, HOSTILE, path)
        r = lt.run_lsock(["--format=prometheus"])
        lt.expect(r.status == 0, r.describe())
    os.unlink(path)
    os.rmdir(d)
    chk = subprocess.run([tool, "check", "metrics"], input=r.out, capture_output=True)
    lt.expect(chk.returncode == 0, f"promtool check metrics: {chk.stdout!r} {chk.stderr!r}\n{r.stdout}")
    for name in ("lsock_listener_info", "lsock_listener_accept_queue", "lsock_listener_backlog",
                 "lsock_sockets", "lsock_scrape_duration_seconds", "lsock_last_scrape_timestamp_seconds"):
        lt.expect(f"# HELP {name} " in r.stdout and f"# TYPE {name} gauge\n" in r.stdout, f"{name}: HELP/TYPE")
    lt.expect('program="q\\"b\\\\c\\nd"' in r.stdout, f"escaping of the comm:\n{r.stdout}")
    samples = parse(r.stdout)
    info = {(l["proto"], l["family"], l["address"], l["port"]): l for n, l, v in samples
            if n == "lsock_listener_info" and v == 1}
    want = {("tcp", "inet", "127.0.0.1", str(TCP_PORT)), ("tcp", "inet6", "::1", str(TCP_PORT)),
            ("udp", "inet", "127.0.0.1", str(UDP_PORT)), ("unix", "unix", path, "")}
    lt.expect(set(info) == want, f"listeners {sorted(info)}, want {sorted(want)}")
    # lsock's own namespace is named as the NetNS column names it.
    own = f"net:[{os.stat('/proc/self/ns/net').st_ino}]"
    for l in info.values():
        lt.expect(l["program"] == HOSTILE and l["netns"] == own and set(l) ==
                  {"netns", "proto", "family", "address", "port", "program", "unit"}, f"labels {l}")
    backlog = {(l["proto"], l["family"], l["port"]): v for n, l, v in samples if n == "lsock_listener_backlog"}
    lt.expect(backlog == {("tcp", "inet", str(TCP_PORT)): 5, ("tcp", "inet6", str(TCP_PORT)): 9,
                          ("unix", "unix", ""): 3}, f"backlogs {backlog}")
    queue = {(l["proto"], l["family"]): v for n, l, v in samples if n == "lsock_listener_accept_queue"}
    # The connection waits in the IPv4 listener's accept queue.
    lt.expect(queue == {("tcp", "inet"): 1, ("tcp", "inet6"): 0, ("unix", "unix"): 0}, f"queues {queue}")
    counts = {(l["proto"], l["state"]): v for n, l, v in samples if n == "lsock_sockets"}
    lt.expect(counts == {("tcp", "LISTEN"): 2, ("tcp", "ESTABLISHED"): 2, ("udp", "UNCONN"): 1,
                         ("unix", "LISTEN"): 1}, f"counts {counts}")
    # No per-connection series: nothing names the client's port.
    lt.expect(all(n.startswith("lsock_listener") is False or l.get("port") in (str(TCP_PORT), str(UDP_PORT), "")
                  for n, l, v in samples), "a connection has a series")
    names = {n for n, _, _ in samples}
    lt.expect(names == {"lsock_listener_info", "lsock_listener_accept_queue", "lsock_listener_backlog",
                        "lsock_sockets", "lsock_scrape_duration_seconds",
                        "lsock_last_scrape_timestamp_seconds"}, f"metrics {names}")
    ts = [v for n, _, v in samples if n == "lsock_last_scrape_timestamp_seconds"][0]
    lt.expect(abs(ts - time.time()) < 120, f"timestamp {ts}")


def case_atomic():
    d = tempfile.mkdtemp()
    out = os.path.join(d, "lsock.prom")
    # Enough listeners that the file takes several write(2)s (> 64 KiB).
    socks = []
    for i in range(700):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 20000 + i))
        socks.append(s)
    stop = threading.Event()
    seen = {"reads": 0, "bad": []}

    def reader():
        while not stop.is_set():
            try:
                with open(out, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                continue
            seen["reads"] += 1
            if not (data.startswith(b"# HELP lsock_listener_info ") and
                    re.search(rb"\nlsock_last_scrape_timestamp_seconds \d+\.\d{3}\n\Z", data) and
                    data.count(b"\nlsock_listener_info{") == 700):
                seen["bad"].append(len(data))
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        runs = 4 if lt.lsock_wrapper() else 12
        for _ in range(runs):
            r = lt.run_lsock(["--format=prometheus", "-u", "--output-file", out])
            lt.expect(r.status == 0 and not r.out, r.describe())
    finally:
        stop.set()
        t.join(10)
        for s in socks:
            s.close()
    lt.expect(not seen["bad"], f"a reader saw {len(seen['bad'])} partial file(s) (sizes {seen['bad'][:5]}) "
              f"in {seen['reads']} reads")
    lt.expect(seen["reads"] > runs, f"only {seen['reads']} reads")
    lt.expect(stat.S_IMODE(os.stat(out).st_mode) == 0o644, f"mode {oct(os.stat(out).st_mode)}")
    lt.expect(os.listdir(d) == ["lsock.prom"], f"left behind: {os.listdir(d)}")
    # A failed write: exit 3, one line, the old file untouched.
    before = open(out, "rb").read()
    r = lt.run_lsock(["--format=prometheus", "--output-file", os.path.join(d, "no", "x.prom")])
    lt.expect(r.status == 3 and not r.out and len(r.stderr_lines()) == 1 and "cannot write" in r.stderr,
              r.describe())
    lt.expect(open(out, "rb").read() == before and os.listdir(d) == ["lsock.prom"], "the old file changed")
    os.unlink(out)
    os.rmdir(d)


NS_NAME = 'we"b\\x'  # an ip netns name with a quote and a backslash

NS_HOLDER = r"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
if libc.setns(fd, 0x40000000) != 0:
    raise OSError(ctypes.get_errno(), "setns")
t = socket.socket(); t.bind(("127.0.0.1", %d)); t.listen(4)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", %d))
ready()
""" % (TCP_PORT, UDP_PORT)

UNSHARE_HOLDER = r"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x40000000) != 0:
    raise OSError(ctypes.get_errno(), "unshare")
t = socket.socket(); t.bind(("0.0.0.0", %d)); t.listen(6)
ready(os.stat("/proc/self/ns/net").st_ino)
""" % (TCP_PORT,)


def case_all_netns():
    """-G: every namespace's listeners and counts, each labelled with the
    namespace's name as the NetNS column shows it."""
    tool = promtool()
    r = lt.run(["mount", "-t", "tmpfs", "lsock-run", "/run"])
    if r.status != 0:
        lt.skip(f"cannot mount a tmpfs on /run: {r.stderr.strip()}")
    try:
        r = lt.run(["ip", "netns", "add", NS_NAME])
        lt.expect(r.status == 0, f"ip netns add: {r.stderr}")
        own = f"net:[{os.stat('/proc/self/ns/net').st_ino}]"
        with lt.Holders() as h:
            h.start(NS_HOLDER, "/run/netns/" + NS_NAME)
            _, facts = h.start(UNSHARE_HOLDER)
            other = f"net:[{facts[0]}]"
            l = socket.socket()
            l.bind(("127.0.0.1", TCP_PORT + 10))
            l.listen(2)
            r = lt.run_lsock(["--format=prometheus", "-G", "-tu"])
            text = lt.run_lsock(["-G", "-tuln"])
            l.close()
        lt.expect(r.status == 0, r.describe())
        chk = subprocess.run([tool, "check", "metrics"], input=r.out, capture_output=True)
        lt.expect(chk.returncode == 0, f"promtool check metrics: {chk.stdout!r} {chk.stderr!r}\n{r.stdout}")
        lt.expect('netns="we\\"b\\\\x"' in r.stdout, f"the ip netns name escaped:\n{r.stdout}")
        samples = parse(r.stdout)
        info = sorted((l["netns"], l["proto"], l["address"], l["port"]) for n, l, v in samples
                      if n == "lsock_listener_info")
        want = sorted([(NS_NAME, "tcp", "127.0.0.1", str(TCP_PORT)),
                       (NS_NAME, "udp", "127.0.0.1", str(UDP_PORT)),
                       (other, "tcp", "0.0.0.0", str(TCP_PORT)),
                       (own, "tcp", "127.0.0.1", str(TCP_PORT + 10))])
        lt.expect(info == want, f"listeners {info}, want {want}")
        counts = sorted((l["netns"], l["proto"], l["state"], v) for n, l, v in samples
                        if n == "lsock_sockets")
        lt.expect(counts == sorted([(NS_NAME, "tcp", "LISTEN", 1), (NS_NAME, "udp", "UNCONN", 1),
                                    (other, "tcp", "LISTEN", 1), (own, "tcp", "LISTEN", 1)]),
                  f"counts {counts}")
        # The same names as the NetNS column (which escapes for the terminal).
        shown = {line.split()[0] for line in text.stdout.splitlines()
                 if line.strip() and not line.startswith(("Active ", "NetNS "))}
        lt.expect({own, other} <= shown and len(shown) == 3, f"NetNS column {shown}")
    finally:
        lt.run(["ip", "netns", "delete", NS_NAME])
        lt.run(["umount", "/run"])


def main():
    lt.main([("every namespace, labelled by name (-G)", case_all_netns),("promtool check metrics, labels escaped", case_promtool_and_labels),
             ("--output-file is replaced atomically", case_atomic)])


lt.run_test(main)
