# SPDX-License-Identifier: MIT
"""--watch loads the BPF owner iterator once (issue 15/16: "--watch pays the
load only once").

`lsock -tl --owners=bpf --watch 0.2 comm = NAME` walks the owners on every
snapshot (a comm predicate needs them for every row), while a holder opens
a new listener every 0.2 s (so the ticks in between walk for new sockets
too).  Under `strace -f -e trace=bpf`, every walk creates an iterator fd
(BPF_ITER_CREATE), but the program is attached (BPF_LINK_CREATE) once,
and loaded (BPF_PROG_LOAD of a BPF_PROG_TYPE_TRACING program) once, for
the whole run.  Needs root, strace, and a build with the BPF source
(skips with 77 otherwise).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import lsocktest as lt

HOLDER = r"""
set_comm(b"bpfonce")
ss = []
print("ready", flush=True)
for i in range(40):
    s = socket.socket(); s.bind(("127.0.0.1", 7900 + i)); s.listen(1); ss.append(s)
    time.sleep(0.2)
sys.stdin.read()
"""


def case_once():
    strace = shutil.which("strace")
    if not strace:
        lt.skip("no strace")
    r = lt.run([lt.lsock_path(), "-tln", "--owners=bpf"])
    if r.status not in (0, 1):  # 1: no listener in the private namespace
        lt.skip(f"the BPF owner source cannot be used here: {r.stderr.strip()}")
    d = tempfile.mkdtemp()
    log = os.path.join(d, "bpf.log")
    h = subprocess.Popen([lt.PYTHON, "-c", lt.HOLDER_PRELUDE + "import time\n" + HOLDER],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        lt.expect(h.stdout.readline().strip() == "ready", "holder not ready")
        # LeakSanitizer cannot run under ptrace: an ASan build (CI's asan
        # stage) keeps its other checks here; leaks are checked elsewhere.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
        p = subprocess.Popen([strace, "-f", "-qq", "-e", "trace=bpf", "-o", log] +
                             lt.lsock_argv(["-tl", "--owners=bpf", "--watch", "0.2", "comm", "=",
                                            "bpfonce"], wrapped=False),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        # Enough time for several walks even on a loaded machine.
        deadline = time.monotonic() + 60
        walks = 0
        while time.monotonic() < deadline and walks < 4:
            time.sleep(0.5)
            with open(log) as f:
                walks = f.read().count("BPF_ITER_CREATE")
        # lsock, strace's child, ends on SIGINT; strace then exits with it.
        with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
        for k in kids:
            os.kill(k, signal.SIGINT)
        out, err = p.communicate(timeout=60)
        status = p.returncode
    finally:
        h.stdin.close()
        h.kill()
        h.wait()
    with open(log) as f:
        text = f.read()
    os.unlink(log)
    os.rmdir(d)
    lt.expect(status == 0, f"status {status}, stderr {err!r}")
    iters = text.count("BPF_ITER_CREATE")
    links = text.count("BPF_LINK_CREATE")
    loads = len(re.findall(r"BPF_PROG_LOAD.*prog_type=BPF_PROG_TYPE_TRACING", text))
    lt.expect(iters >= 4, f"only {iters} walks in 60 s")
    lt.expect(links == 1 and loads == 1,
              f"{iters} walks: {loads} loads and {links} attaches of the program, want 1 each")
    lt.expect(b" + " in out or b"LISTEN" in out, f"no output: {out[:300]!r}")


def main():
    lt.main([("--watch loads the BPF iterator once", case_once)])


lt.run_test(main)
