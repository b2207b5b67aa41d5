#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn the files run.sh writes into Markdown tables (stdout).

usage: report.py compare|memory|unix RESULTS_DIR   (exit 1 if a target is missed)

Inputs in RESULTS_DIR: <mode>.meta (key=value lines), <mode>.rss
(label<TAB>median KiB<TAB>samples) and, for compare/unix, the hyperfine
--export-json file <mode>.json.
"""
import json
import os
import sys

# lsock/ss limits from the project brief; "<=" unless noted.
COMPARE_TARGETS = [
    ("time", "-tan", "ss -tan", 1.0),
    ("time", "-tanp", "ss -tanp", 0.25),
    ("time", "-tulpn", "ss -tulpn", 0.6),
    ("time", "-tan --json", "ss -tan", 2.0),
    ("rss", "-tan", "ss -tan", 2.5),
    ("rss", "-tanp", "ss -tanp", 1.0),
]
UNIX_TIME_LIMIT_BPF_S = 1.0
UNIX_TIME_LIMIT_S = 5.0
UNIX_RSS_LIMIT_BYTES = 150e6


def read_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    meta[key] = value
    return meta


def read_rss(path):
    rss = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[1].isdigit():
                    rss[parts[0]] = int(parts[1])
    return rss


def read_hyperfine(path):
    times = {}
    if os.path.exists(path):
        with open(path) as f:
            for r in json.load(f)["results"]:
                times[r["command"]] = r
    return times


def fmt_s(r):
    if r is None:
        return "–"
    return "%.3f s ± %.3f" % (r["median"], r["stddev"] or 0.0)


def fmt_cpu(x):
    return "–" if x is None else "%.3f s" % x


def fmt_mb(kib):
    return "–" if kib is None else "%.1f MB" % (kib * 1024 / 1e6)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(x):
    return "–" if x is None else "%.2f" % x


def machine_line(meta):
    return ("Machine: %s, %s cores, %s GiB RAM, kernel %s; %s; %s; load average at start %s." %
            (meta.get("cpu", "?"), meta.get("cores", "?"), meta.get("mem_gib", "?"),
             meta.get("kernel", "?"), meta.get("ss_version", "ss ?"),
             meta.get("hyperfine", "hyperfine ?"), meta.get("loadavg", "?")))


def report_compare(d):
    meta = read_meta(os.path.join(d, "compare.meta"))
    rss = read_rss(os.path.join(d, "compare.rss"))
    times = read_hyperfine(os.path.join(d, "compare.json"))
    med = {k: v["median"] for k, v in times.items()}
    out = []
    out.append("### lsock vs ss vs netstat")
    out.append("")
    out.append("Load: %s (`%s`), in a private network namespace. Median of %s runs "
               "(hyperfine, 1 warmup, output to /dev/null); peak RSS is the median of %s runs "
               "of `/usr/bin/time -f %%M`." % (meta.get("load_desc", "?"), meta.get("load", "?"),
                                               meta.get("runs", "?"), meta.get("rss_runs", "?")))
    out.append("")
    out.append("| Options | lsock | ss | netstat | lsock/ss time | lsock RSS | ss RSS | netstat RSS "
               "| lsock/ss RSS |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for opts in ("-tan", "-tanp", "-tulpn", "-tani"):
        lk, sk, nk = "lsock " + opts, "ss " + opts, "netstat " + opts
        out.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            opts, fmt_s(times.get(lk)), fmt_s(times.get(sk)), fmt_s(times.get(nk)),
            fmt_ratio(ratio(med.get(lk), med.get(sk))), fmt_mb(rss.get(lk)),
            fmt_mb(rss.get(sk)), fmt_mb(rss.get(nk)), fmt_ratio(ratio(rss.get(lk), rss.get(sk)))))
    lk = "lsock -tan --json"
    out.append("| `-tan --json` (vs `ss -tan`) | %s | %s | – | %s | %s | %s | – | %s |" % (
        fmt_s(times.get(lk)), fmt_s(times.get("ss -tan")),
        fmt_ratio(ratio(med.get(lk), med.get("ss -tan"))), fmt_mb(rss.get(lk)),
        fmt_mb(rss.get("ss -tan")), fmt_ratio(ratio(rss.get(lk), rss.get("ss -tan")))))
    out.append("")
    cpu = {k: v["user"] + v["system"] for k, v in times.items()
           if v.get("user") is not None and v.get("system") is not None}
    out.append("CPU time (user + system, mean over the same runs; less sensitive to a busy "
               "machine than wall time):")
    out.append("")
    out.append("| Options | lsock | ss | netstat | lsock/ss CPU |")
    out.append("|---|---:|---:|---:|---:|")
    for opts, base in (("-tan", "-tan"), ("-tanp", "-tanp"), ("-tulpn", "-tulpn"),
                       ("-tani", "-tani"), ("-tan --json", "-tan")):
        lk, sk, nk = "lsock " + opts, "ss " + base, "netstat " + opts
        out.append("| `%s` | %s | %s | %s | %s |" % (
            opts, fmt_cpu(cpu.get(lk)), fmt_cpu(cpu.get(sk)), fmt_cpu(cpu.get(nk)),
            fmt_ratio(ratio(cpu.get(lk), cpu.get(sk)))))
    out.append("")

    if "baseline" in meta:
        out.append("#### Before and after (the baseline binary and this one, in the same run)")
        out.append("")
        out.append("Baseline: `%s`." % meta["baseline"])
        out.append("")
        out.append("| Options | baseline | lsock | baseline/ss time | lsock/ss time "
                   "| baseline RSS | lsock RSS |")
        out.append("|---|---:|---:|---:|---:|---:|---:|")
        for opts, base in (("-tan", "-tan"), ("-tanp", "-tanp"), ("-tulpn", "-tulpn"),
                           ("-tani", "-tani"), ("-tan --json", "-tan")):
            bk, lk, sk = "baseline " + opts, "lsock " + opts, "ss " + base
            out.append("| `%s` | %s | %s | %s | %s | %s | %s |" % (
                opts, fmt_s(times.get(bk)), fmt_s(times.get(lk)),
                fmt_ratio(ratio(med.get(bk), med.get(sk))),
                fmt_ratio(ratio(med.get(lk), med.get(sk))), fmt_mb(rss.get(bk)),
                fmt_mb(rss.get(lk))))
        out.append("")
        for key in sorted(k for k in meta if k.startswith("identical_")):
            out.append("- Output of `%s` over the load, baseline vs lsock: %s" % (
                key[len("identical_"):].replace("_", " "),
                "byte-identical" if meta[key] == "yes" else "**different**"))
        out.append("")

    if "tcp_rows_lsock" in meta or "lsock -tan" in times:
        out.append("#### Targets (lsock/ss)")
        out.append("")
        out.append("| Target | Measured | Limit | Result |")
        out.append("|---|---:|---:|---|")
        for kind, opts, base, limit in COMPARE_TARGETS:
            src = med if kind == "time" else rss
            x = ratio(src.get("lsock " + opts), src.get(base))
            verdict = "n/a" if x is None else ("pass" if x <= limit else "**FAIL**")
            what = "%s `lsock %s` / `%s`" % ("time" if kind == "time" else "peak RSS", opts, base)
            out.append("| %s | %s | ≤ %.2f | %s |" % (what, fmt_ratio(x), limit, verdict))
        expected = int(meta.get("tcp_expected", "0"))
        for key, what in (("tcp_rows_lsock", "`lsock -tan` TCP rows"),
                          ("tcp_json_sockets_lsock", "`lsock -tan --json` sockets")):
            got = meta.get(key, "?")
            ok = got.isdigit() and int(got) == expected
            out.append("| %s | %s | = %d | %s |" % (what, got, expected,
                                                    "pass" if ok else "**FAIL**"))
        out.append("")
    out.append("`ss -tanH` rows: %s (expected %s)." % (meta.get("tcp_rows_ss", "?"),
                                                      meta.get("tcp_expected", "?")))
    out.append(machine_line(meta))
    return out


def report_memory(d):
    meta = read_meta(os.path.join(d, "memory.meta"))
    rss = read_rss(os.path.join(d, "memory.rss"))
    conns = sorted({int(k.split()[0]) for k in rss})
    cmds = ["lsock -tan", "baseline -tan", "lsock -tanp", "ss -tan", "ss -tanp"]
    cmds = [c for c in cmds if any(("%d %s" % (n, c)) in rss for n in conns)]
    out = ["### Peak RSS vs load", ""]
    out.append("Median of %s runs of `/usr/bin/time -f %%M`; each load also holds "
               "100 listeners, 100 UDP and 10,000 UNIX sockets by default." %
               meta.get("rss_runs", "?"))
    out.append("")
    out.append("| TCP sockets | " + " | ".join("`%s`" % c for c in cmds) + " |")
    out.append("|---:|" + "---:|" * len(cmds))
    sockets = {}
    for n in conns:
        s = int(meta.get("tcp_sockets_%d" % n, "0"))
        sockets[n] = s
        note = ""
        rows = meta.get("tcp_rows_lsock_%d" % n)
        if rows is not None and rows != str(s):
            note = " (lsock rows: %s)" % rows
        out.append("| %d%s | " % (s, note) +
                   " | ".join(fmt_mb(rss.get("%d %s" % (n, c))) for c in cmds) + " |")
    if len(conns) >= 2:
        row = []
        for c in cmds:
            pts = [(sockets[n], rss["%d %s" % (n, c)]) for n in conns if ("%d %s" % (n, c)) in rss]
            if len(pts) < 2 or pts[-1][0] == pts[0][0]:
                row.append("–")
                continue
            slope = (pts[-1][1] - pts[0][1]) * 1024 / (pts[-1][0] - pts[0][0])
            row.append("%.0f B" % slope)
        out.append("| bytes per extra socket | " + " | ".join(row) + " |")
    out.append("")
    out.append(machine_line(meta))
    return out


def report_unix(d):
    meta = read_meta(os.path.join(d, "unix.meta"))
    rss = read_rss(os.path.join(d, "unix.rss"))
    times = read_hyperfine(os.path.join(d, "unix.json"))
    out = ["### 500k UNIX sockets", ""]
    out.append("Load: `%s`; UNIX rows listed by lsock -xap: %s (`ss -xa` rows: %s)." %
               (meta.get("load", "?"), meta.get("unix_rows_lsock", "?"),
                meta.get("unix_rows_ss_noproc", "?")))
    out.append("")
    out.append("| Command | Time | CPU (user+sys) | Peak RSS | Target | Result |")
    out.append("|---|---:|---:|---:|---|---|")
    r = times.get("lsock -xap")
    kib = rss.get("lsock -xap")
    if r is not None or kib is not None:
        # Issue 16: <= 1.0 s with the BPF owner source; the /proc walk's
        # floor is the fd walk itself (~2.4 s at this load), so < 5 s.
        bpf = meta.get("unix_owner_source", "").startswith("bpf")
        limit = UNIX_TIME_LIMIT_BPF_S if bpf else UNIX_TIME_LIMIT_S
        ok = (r is not None and r["median"] <= limit and kib is not None and
              kib * 1024 < UNIX_RSS_LIMIT_BYTES)
        rows = meta.get("unix_rows_lsock", "0")
        ok = ok and rows.isdigit() and int(rows) >= int(meta.get("unix_sockets", "0"))
        cpu = None if r is None else r["user"] + r["system"]
        out.append("| `lsock -xap` (owners: %s) | %s | %s | %s | %s %g s, < 150 MB, all rows | %s |" %
                   (meta.get("unix_owner_source") or "?", fmt_s(r), fmt_cpu(cpu), fmt_mb(kib),
                    "≤" if bpf else "<", limit, "pass" if ok else "**FAIL**"))
    if "ss_xap_rc" in meta:
        rc = meta["ss_xap_rc"]
        secs = meta.get("ss_xap_seconds", "?")
        kib_s = meta.get("ss_xap_kib", "")
        t = ("> 120 s (timeout)" if rc == "124" else "%s s (1 run)" % secs)
        out.append("| `ss -xap` | %s | – | %s | – | %s |" % (
            t, fmt_mb(int(kib_s)) if kib_s.isdigit() else "?",
            "exit %s" % rc if rc not in ("0", "124") else ""))
        if r is not None and rc == "0":
            out.append("")
            out.append("lsock/ss time: %.3f" % (r["median"] / float(secs)))
    out.append("")
    out.append(machine_line(meta))
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("compare", "memory", "unix"):
        sys.stderr.write("usage: report.py compare|memory|unix RESULTS_DIR\n")
        return 2
    fn = {"compare": report_compare, "memory": report_memory, "unix": report_unix}
    lines = fn[sys.argv[1]](sys.argv[2])
    print("\n".join(lines))
    # A missed target or a missing row makes the exit status 1.
    return 1 if any("**FAIL**" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
