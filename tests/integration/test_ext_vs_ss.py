#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Timers (-o), TCP internals (-i), socket memory (-m) and the -e extras
(cookie, shutdown state) against `ss -tinoemaO`, parsed here, on live
sockets in a private namespace: a keepalive socket, a TIME_WAIT, a
zero-window (persist) sender, a connection with retransmissions (tc netem
loss on a veth pair into a second namespace, or a tbf queue that drops
where the kernel has no netem; that case skips without either), and a UNIX listener with pending connections.

Fields that cannot move between the two reads must be equal (mss, wscale,
cwnd of an idle connection, the timer kind, retransmission counts, skmem);
moving ones must agree within a tolerance (rtt, expiry, rates).  The JSON
of the same run must say what the text says.  And ss(8)'s own examples
with -o, -i, -m and -e run unchanged."""
import os
import re
import socket
import subprocess
import time

import lsocktest as lt

# Words ss and lsock print that can move between two reads.
MOVING = {"rtt", "rto", "ato", "lastsnd", "lastrcv", "lastack", "send", "pacing_rate",
          "delivery_rate", "minrtt", "busy", "rcv_rtt", "bbr", "app_limited", "rcv_space",
          "rcv_ssthresh", "delivered", "ssthresh", "cwnd", "rwnd_limited", "sndbuf_limited",
          "segs_out", "segs_in", "data_segs_out", "data_segs_in", "bytes_sent", "bytes_acked",
          "bytes_received", "unacked", "notsent", "snd_wnd", "rcv_wnd", "lost", "sacked",
          "backoff", "retrans", "bytes_retrans", "reordering", "reord_seen", "dsack_dups",
          "rcvmss", "mss", "pmtu", "advmss", "wscale", "ecn", "ecnseen", "ts", "sack"}
# What must be equal for an idle connection.
STEADY = ["mss", "wscale", "cwnd", "rcvmss", "advmss", "pmtu", "bytes_acked", "bytes_received",
          "bytes_sent", "segs_out", "segs_in", "ts", "sack"]


def words(tokens):
    """ss's words as {key: value}: "k:v", a bare flag (value True), or one of
    the two-word items ("send 1Mbps", "pacing_rate ...")."""
    out, i = {}, 0
    while i < len(tokens):
        t = tokens[i]
        if t in ("send", "pacing_rate", "delivery_rate") and i + 1 < len(tokens):
            out[t] = tokens[i + 1]
            i += 2
            continue
        if ":" in t:
            k, v = t.split(":", 1)
            out[k] = v
        else:
            out[t] = True
        i += 1
    return out


def ss_rows():
    """{cookie: {"timer", "shutdown", "skmem", "info"}} from ss -tinoemaO."""
    r = lt.run(["ss", "-tinoemaOH"])
    lt.expect(r.status == 0, r.describe())
    rows = {}
    for line in r.stdout.splitlines():
        toks = line.split()
        sk = next((t[3:] for t in toks if t.startswith("sk:")), None)
        if sk is None:
            continue
        row = {"timer": next((t for t in toks if t.startswith("timer:(")), "-"),
               "shutdown": next((t for t in toks if t in ("<->", "-->", "<--", "---")), "-"),
               "skmem": next((t for t in toks if t.startswith("skmem:(")), "-")}
        after = [i for i, t in enumerate(toks) if t.startswith("skmem:(")]
        row["info"] = words(toks[after[0] + 1:]) if after else {}
        rows[int(sk, 16)] = row
    return rows


def lsock_rows(extra=()):
    """The same from lsock's text, and its JSON by cookie."""
    r = lt.run_lsock(["-tanH", "-k", "sk,timer,shutdown,skmem,tcp_info"] + list(extra))
    lt.expect(r.status == 0, r.describe())
    rows = {}
    for line in r.stdout.splitlines():
        toks = line.split()
        lt.expect(toks[0].startswith("sk:"), f"no sk: in {line!r}")
        rows[int(toks[0][3:], 16)] = {"timer": toks[1], "shutdown": toks[2], "skmem": toks[3],
                                      "info": words(toks[4:]) if toks[4:] != ["-"] else {}}
    doc, _ = lt.lsock_doc(["-tanoime"] + list(extra))
    return rows, {s["cookie"]: s for s in doc["sockets"]}


def timer_parts(t):
    """'timer:(keepalive,119min,0)' -> ('keepalive', ms, 0).  ss's forms:
    "119min", "9min59sec", "59sec", "4.936ms" (4.936 s), "200ms", ""."""
    kind, exp, retrans = t[len("timer:("):-1].split(",")
    m = re.fullmatch(r"(?:(\d+)min)?(?:(\d+)(sec|\.))?(?:(\d+)ms)?", exp)
    lt.expect(m is not None, f"timer expiry {exp!r} is not in ss's form")
    ms = int(m.group(1) or 0) * 60000 + int(m.group(2) or 0) * 1000 + int(m.group(4) or 0)
    return kind, ms, int(retrans)


def rate(v):
    """'94208000000bps' or '94.2Gbps' -> bits/s."""
    v = v[:-3]
    mul = {"K": 1e3, "M": 1e6, "G": 1e9}.get(v[-1:], 1)
    return float(v.rstrip("KMG")) * mul


def compare_row(what, ours, theirs, ours_json, *, steady=True, timer_slack_ms=2000,
                retrans_slack=0):
    p = []
    if ours["shutdown"] != theirs["shutdown"]:
        p.append(f"{what}: shutdown {ours['shutdown']} != ss {theirs['shutdown']}")
    if (ours["timer"] == "-") != (theirs["timer"] == "-"):
        p.append(f"{what}: timer {ours['timer']} != ss {theirs['timer']}")
    elif ours["timer"] != "-":
        (ok, oms, ore), (sk, sms, sre) = timer_parts(ours["timer"]), timer_parts(theirs["timer"])
        # ss rounds expiry to minutes past 60 s: compare at that precision
        slack = 60000 if max(oms, sms) >= 60000 else timer_slack_ms
        if ok != sk or abs(ore - sre) > retrans_slack or abs(oms - sms) > slack:
            p.append(f"{what}: timer {ours['timer']} != ss {theirs['timer']}")
        j = ours_json.get("timer") or {}
        if j.get("kind") != ok or abs(j.get("retrans", -99) - ore) > retrans_slack or \
                abs(j.get("expires_ms", -10**9) - oms) > max(slack, 2000):
            p.append(f"{what}: JSON timer {j} vs text {ours['timer']}")
    if ours["skmem"] != theirs["skmem"]:
        p.append(f"{what}: skmem {ours['skmem']} != ss {theirs['skmem']}")
    oi, si = ours["info"], theirs["info"]
    for k in set(si) - MOVING - {"rcv_wnd", "rehash", "cgroup", "ino", "uid", "sk"}:
        if oi.get(k) != si[k]:
            p.append(f"{what}: {k} {oi.get(k)} != ss {si[k]}")
    for k in STEADY if steady else []:
        if oi.get(k) != si.get(k):
            p.append(f"{what}: {k} {oi.get(k)} != ss {si.get(k)} (idle)")
    if "rtt" in si:
        ortt, srtt = float(oi.get("rtt", "0/0").split("/")[0]), float(si["rtt"].split("/")[0])
        if not (ortt > 0 and abs(ortt - srtt) <= max(5.0, srtt)):
            p.append(f"{what}: rtt {oi.get('rtt')} vs ss {si['rtt']}")
        ti = ours_json.get("tcp_info") or {}
        if ti.get("rtt_us") is None or abs(ti["rtt_us"] / 1000 - ortt) > max(5.0, ortt):
            p.append(f"{what}: JSON rtt_us {ti.get('rtt_us')} vs text rtt {ortt}")
    if "send" in si:
        o, s = rate(oi.get("send", "0bps")), rate(si["send"])
        if not (s / 4 <= o <= s * 4):
            p.append(f"{what}: send {oi.get('send')} vs ss {si['send']}")
    return p


def main():
    procs = []
    with lt.SocketMix() as mix:
        lo = "127.0.0.1"
        srv = mix.tcp_listen(lo, 3001)
        # keepalive, idle
        ka = socket.socket()
        ka.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        ka.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 600)
        lt.connect_settled(ka, (lo, 3001))
        ka_peer, _ = srv.accept()
        ka.sendall(b"k" * 100)
        lt.wait_until(lambda: lt._ioctl_int(ka, 0x5411) == 0, "the keepalive data acked")
        ka_peer.recv(100)
        # a half-closed connection: shutdown state --> / <--
        hc = socket.socket()
        lt.connect_settled(hc, (lo, 3001))
        hc_peer, _ = srv.accept()
        hc.shutdown(socket.SHUT_WR)
        lt.wait_until(lambda: hc_peer.recv(1) == b"", "the FIN")
        # TIME_WAIT
        mix.tcp_time_wait(srv)
        # zero window: a receiver with a small buffer that never reads
        zl = socket.socket()
        zl.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        zl.bind((lo, 3002))
        zl.listen(1)
        zs = socket.socket()
        zs.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        lt.connect_settled(zs, (lo, 3002))
        zr, _ = zl.accept()
        zs.setblocking(False)
        try:
            while True:
                zs.send(b"z" * 65536)
        except BlockingIOError:
            pass
        zcookie = None
        # UNIX listener with two pending connections
        upath = os.path.join(mix.dir, "pend.sock")
        ul = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ul.bind(upath)
        ul.listen(8)
        ucs = []
        for _ in range(2):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(upath)
            ucs.append(c)

        def cookie_of(sock):
            import struct
            return struct.unpack("=Q", sock.getsockopt(socket.SOL_SOCKET, 57, 8))[0]

        def against_ss():
            ours, js = lsock_rows()
            theirs = ss_rows()
            p = []
            if set(ours) != set(theirs):
                p.append(f"cookies: lsock {sorted(ours)} != ss {sorted(theirs)}")
            steady = {cookie_of(ka), cookie_of(ka_peer)}
            # the zero-window pair still moves (probes, buffers): see persist
            moving = {cookie_of(zs), cookie_of(zr)}
            for ck in (set(ours) & set(theirs)) - moving:
                p += compare_row(f"sk:{ck:x}", ours[ck], theirs[ck], js.get(ck, {}),
                                 steady=ck in steady)
            kinds = {ours[ck]["timer"].split(",")[0] for ck in ours}
            for want in ("timer:(keepalive", "timer:(timewait"):
                if want not in kinds:
                    p.append(f"no {want}...) row: {sorted(kinds)}")
            if ours.get(cookie_of(hc), {}).get("shutdown") != "<--":
                p.append(f"half-closed sender: {ours.get(cookie_of(hc))}")
            if ours.get(cookie_of(hc_peer), {}).get("shutdown") != "-->":
                p.append(f"half-closed receiver: {ours.get(cookie_of(hc_peer))}")
            lt.check(p, "lsock -oime == ss -tinoemaO")

        def persist():
            # The sender probes the zero window: timer persist, counting probes.
            ck = cookie_of(zs)
            deadline = time.monotonic() + 5
            while True:
                ours, js = lsock_rows()
                t = ours.get(ck, {}).get("timer", "-")
                if t.startswith("timer:(persist") or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            theirs = ss_rows()
            p = []
            if not t.startswith("timer:(persist"):
                p.append(f"zero-window sender: timer {t}, want persist")
            elif not theirs.get(ck, {}).get("timer", "").startswith("timer:(persist"):
                p.append(f"ss does not see persist either: {theirs.get(ck)}")
            else:
                # probes back off and count up between the reads
                p += compare_row("persist", ours[ck], theirs[ck], js[ck], steady=False,
                                 timer_slack_ms=60000, retrans_slack=2)
            lt.check(p, "zero-window sender: persist timer")

        def unix_pending():
            doc, _ = lt.lsock_doc(["-xlne"])
            rows = [s for s in doc["sockets"] if s.get("path") == upath]
            lt.expect(len(rows) == 1, f"listener {upath}: {rows}")
            # the kernel lists the connecting sockets (the peers of the
            # embryos queued on the listener); ss counts them in Recv-Q
            clients = {os.fstat(c.fileno()).st_ino for c in ucs}
            r = lt.run(["ss", "-xlnH", "src", upath])
            queued = [int(line.split()[2]) for line in r.stdout.splitlines()]
            p = []
            if sorted(rows[0]["pending"] or []) != sorted(clients):
                p.append(f"pending {rows[0]['pending']}, want the clients {sorted(clients)}")
            if queued != [len(clients)]:
                p.append(f"ss -xl Recv-Q {queued}, want {len(clients)}")
            if rows[0]["vfs"] is None or rows[0]["vfs"]["inode"] != os.stat(upath).st_ino:
                p.append(f"vfs {rows[0]['vfs']}, want inode {os.stat(upath).st_ino}")
            text = lt.run_lsock(["-xlneH", "-k", "path,pending"]).stdout
            want = "icons:(" + ",".join(str(i) for i in rows[0]["pending"]) + ")"
            if want not in text:
                p.append(f"text: no {want} in {text!r}")
            lt.check(p, "UNIX listener: pending connections and vfs")

        def retransmissions():
            # A second namespace behind a veth with 20% loss: the kernel
            # retransmits; once everything is acked the counts stand still.
            holder = subprocess.Popen(["unshare", "-n", "sleep", "30"])
            procs.append(holder)
            time.sleep(0.1)
            ns = ["nsenter", "-t", str(holder.pid), "-n"]
            try:
                lt.ip("link", "add", "lsv0", "type", "veth", "peer", "name", "lsv1")
            except Exception as e:
                lt.skip(f"no veth: {e}")
            subprocess.run(["ip", "link", "set", "lsv1", "netns", str(holder.pid)], check=True)
            lt.ip("addr", "add", "10.213.0.1/24", "dev", "lsv0")
            lt.ip("link", "set", "lsv0", "up")
            subprocess.run(ns + ["ip", "addr", "add", "10.213.0.2/24", "dev", "lsv1"], check=True)
            subprocess.run(ns + ["ip", "link", "set", "lsv1", "up"], check=True)
            subprocess.run(ns + ["ip", "link", "set", "lo", "up"], check=True)
            tc = subprocess.run(["tc", "qdisc", "add", "dev", "lsv0", "root", "netem", "loss",
                                 "20%"], capture_output=True, text=True)
            if tc.returncode != 0:
                # No sch_netem: a token bucket with a queue of four packets
                # drops a burst just as well.
                tc = subprocess.run(["tc", "qdisc", "add", "dev", "lsv0", "root", "tbf", "rate",
                                     "4mbit", "burst", "3000", "limit", "6000"],
                                    capture_output=True, text=True)
            if tc.returncode != 0:
                print(f"skip retransmissions: tc netem, tbf: {tc.stderr.strip()}", flush=True)
                return
            sink = subprocess.Popen(ns + ["python3", "-c",
                                          "import socket\n"
                                          "l=socket.socket();l.bind(('10.213.0.2',3003));"
                                          "l.listen();print(1,flush=True)\n"
                                          "a,_=l.accept()\n"
                                          "while a.recv(65536): pass\n"],
                                    stdout=subprocess.PIPE, text=True)
            procs.append(sink)
            sink.stdout.readline()
            c = socket.socket()
            lt.connect_settled(c, ("10.213.0.2", 3003))
            c.sendall(b"r" * 300000)
            lt.wait_until(lambda: lt._ioctl_int(c, 0x5411) == 0, "all data acked", timeout=20)
            ck = cookie_of(c)
            ours, js = lsock_rows(["dst", "10.213.0.2"])
            theirs = ss_rows()
            p = []
            oi, si = ours[ck]["info"], theirs[ck]["info"]
            if "retrans" not in si:
                p.append(f"ss shows no retransmissions: {si}")
            for k in ("retrans", "bytes_retrans", "bytes_acked", "segs_out", "lost", "mss"):
                if oi.get(k) != si.get(k):
                    p.append(f"{k}: lsock {oi.get(k)} != ss {si.get(k)}")
            ti = js[ck]["tcp_info"]
            if ti["total_retrans"] != int(si.get("retrans", "0/0").split("/")[1]):
                p.append(f"JSON total_retrans {ti['total_retrans']} vs ss {si.get('retrans')}")
            if ti["total_rto"] is None or ti["received_ce"] is None:
                p.append(f"fields ss drops are null on this kernel: {ti}")
            c.close()
            lt.check(p, "retransmissions over netem loss")

        def ss_examples():
            # ss(8)'s examples with -o, -i, -m and -e, unchanged.
            p = []
            for args in (["-o", "state", "established", "( dport = :ssh or sport = :ssh )"],
                         ["-tiom"], ["-tonp"], ["-tmie"], ["-xe"], ["-t", "-e", "-a"],
                         ["-o", "state", "fin-wait-1", "( sport = :http or sport = :https )",
                          "dst", "193.233.7/24"]):
                r = lt.run_lsock(args)
                if r.status not in (0, 1) or r.stderr:
                    p.append(f"lsock {' '.join(args)}: {r.describe()}")
                doc, r = lt.lsock_doc(args)
            lt.check(p, "ss(8) examples run unchanged")

        try:
            lt.main([
                ("lsock == ss -tinoemaO (keepalive, TIME_WAIT, half-closed)", against_ss),
                ("zero-window sender: persist", persist),
                ("UNIX listener with pending connections", unix_pending),
                ("retransmissions (netem)", retransmissions),
                ("ss(8) examples", ss_examples),
            ])
        finally:
            for pr in procs:
                pr.kill()


lt.run_test(main)
