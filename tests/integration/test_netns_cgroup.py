#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Container and unit names from real cgroups (issue 12, the library).

Under the real cgroup2 mount (/sys/fs/cgroup/unified on a hybrid host,
/sys/fs/cgroup on a unified one) the test makes the directories a container
engine would, moves processes that have their own network namespace into
them, and points the library at a temporary state root holding the engine's
state file, through tests/helpers/core/netns_probe.c:

  - system.slice/docker-<64 hex>.scope, with config.v2.json "Name": "/web",
    must give docker:web (docker:<12 hex> in a build without jansson), both
    with --state-root and with LSOCK_STATE_ROOT;
  - a pod: the sandbox and an app container (two processes, one namespace)
    under kubepods-besteffort-pod<uid>.slice/cri-containerd-<id>.scope with
    their OCI bundle annotations, must give k8s:default/web-7d9c/nginx;
  - a unit and a user unit (<slice>/user@4242.service/app.slice/<x>.service)
    must be read back by systemd's rule.

Exits 77 if there is no writable cgroup2 mount.  Every cgroup it made is
removed afterwards, its processes moved back to the root first."""
import json
import os
import secrets
import socket
import tempfile
import time

import lsocktest as lt

NS_PRELUDE = r"""
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
def netns_ino():
    return os.stat("/proc/thread-self/ns/net").st_ino
def listen_unix():
    # A listener in the namespace, so that lsock --all-netns shows it.
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.bind("\0lsock-cgroup-%d" % os.getpid())
    s.listen(1)
    return s
"""

OWN_NETNS = NS_PRELUDE + r"""
if libc.unshare(CLONE_NEWNET) != 0:
    raise OSError(ctypes.get_errno(), "unshare")
keep = listen_unix()
ready(netns_ino())
"""

JOIN_NETNS = NS_PRELUDE + r"""
fd = os.open(sys.argv[1], os.O_RDONLY)
if libc.setns(fd, CLONE_NEWNET) != 0:
    raise OSError(ctypes.get_errno(), "setns")
keep = listen_unix()
ready(netns_ino())
"""

JUST_WAIT = NS_PRELUDE + "keep = listen_unix()\nready()\n"


def cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            if fields[sep + 1] == "cgroup2":
                return fields[4]
    return None


class Cgroups:
    """Makes cgroup directories under root and removes them again (the
    ones it made, deepest first), after moving their processes to root."""

    def __init__(self, root):
        self.root = root
        self.made = []

    def make(self, rel):
        path = self.root
        for part in rel.split("/"):
            path = os.path.join(path, part)
            if not os.path.isdir(path):
                os.mkdir(path)
                self.made.append(path)
        return path

    def move(self, pid, rel):
        with open(os.path.join(self.root, rel, "cgroup.procs"), "w") as f:
            f.write(str(pid))

    def cleanup(self):
        for path in reversed(self.made):
            try:
                with open(os.path.join(path, "cgroup.procs")) as f:
                    pids = f.read().split()
                for pid in pids:
                    with open(os.path.join(self.root, "cgroup.procs"), "w") as f:
                        f.write(pid)
            except OSError:
                pass
            for _ in range(50):  # a task that is exiting holds it for a moment
                try:
                    os.rmdir(path)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
        self.made = []


def probe(args, env=None):
    # Behind LSOCK_WRAPPER (valgrind in CI): the library's memory checked too.
    r = lt.run(lt.lsock_wrapper() + [lt.helper_path("netns_probe")] + args, env=env, timeout=300)
    lt.expect(r.status == 0, f"netns_probe failed:\n{r.describe()}")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    return {o["ino"]: o for o in lines if "ino" in o}, lines[-1]["summary"]


def unit_argv(pid):
    return lt.lsock_wrapper() + [lt.helper_path("netns_probe"), "--unit", str(pid)]


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    cg2 = cgroup2_mount()
    if not cg2:
        lt.skip("no cgroup2 mount")
    tag = secrets.token_hex(4)
    docker_id, sandbox_id, app_id = (secrets.token_hex(32) for _ in range(3))
    uid = "0f1e2d3c-4b5a-6978-8796-" + secrets.token_hex(6)
    pod_slice = ("kubepods.slice/kubepods-besteffort.slice/"
                 f"kubepods-besteffort-pod{uid.replace('-', '_')}.slice")
    cgs = Cgroups(cg2)
    try:
        cgs.make(f"system.slice/docker-{docker_id}.scope")
    except OSError as e:
        cgs.cleanup()
        lt.skip(f"cgroup2 at {cg2} is not writable: {e}")

    with tempfile.TemporaryDirectory(prefix="lsock-state-") as state, lt.Holders() as h:
        write(state, f"var/lib/docker/containers/{docker_id}/config.v2.json",
              json.dumps({"ID": docker_id, "Name": "/web", "State": {"Running": True}}))
        bundles = "run/containerd/io.containerd.runtime.v2.task/k8s.io"
        ann = {"io.kubernetes.cri.sandbox-namespace": "default",
               "io.kubernetes.cri.sandbox-name": "web-7d9c"}
        write(state, f"{bundles}/{sandbox_id}/config.json", json.dumps(
            {"annotations": dict(ann, **{"io.kubernetes.cri.container-type": "sandbox"})}))
        write(state, f"{bundles}/{app_id}/config.json", json.dumps(
            {"annotations": dict(ann, **{"io.kubernetes.cri.container-type": "container",
                                         "io.kubernetes.cri.container-name": "nginx"})}))
        try:
            docker_pid, (docker_ino,) = h.start(OWN_NETNS)
            sandbox_pid, (pod_ino,) = h.start(OWN_NETNS)
            app_pid, (app_ino,) = h.start(JOIN_NETNS, f"/proc/{sandbox_pid}/ns/net")
            unit_pid, _ = h.start(JUST_WAIT)
            lt.expect(app_ino == pod_ino, "the app container did not join the pod's namespace")
            docker_ino, pod_ino = int(docker_ino), int(pod_ino)
            try:
                cgs.move(docker_pid, f"system.slice/docker-{docker_id}.scope")
            except OSError as e:
                lt.skip(f"cannot move a process into a cgroup2 directory: {e}")
            for pid, cid in ((sandbox_pid, sandbox_id), (app_pid, app_id)):
                rel = f"{pod_slice}/cri-containerd-{cid}.scope"
                cgs.make(rel)
                cgs.move(pid, rel)
            unit_rel = f"lsock-{tag}.slice/user@4242.service/app.slice/lsock-{tag}.service"
            cgs.make(unit_rel)
            cgs.move(unit_pid, unit_rel)

            def docker_web():
                json_ok = probe(["--scans", "procs"])[1]["json"]
                want = "docker:web" if json_ok else f"docker:{docker_id[:12]}"
                for how, args, env in (
                        ("--state-root", ["--state-root", state], None),
                        ("LSOCK_STATE_ROOT", [], dict(os.environ, LSOCK_STATE_ROOT=state))):
                    found, _ = probe(["--scans", "procs"] + args, env=env)
                    ns = found.get(docker_ino)
                    lt.expect(ns is not None, f"{how}: the container's namespace not found")
                    c = ns["container"]
                    lt.expect(ns["label"] == want and ns["label_kind"] == "container",
                              f"{how}: label {ns['label']!r}, want {want!r}")
                    lt.expect(c["runtime"] == "docker" and c["id"] == docker_id and
                              c["name"] == ("web" if json_ok else None), f"{how}: {c}")
                # The default state root (the real one) has no such container.
                found, _ = probe(["--scans", "procs", "--state-root", "/nonexistent"])
                lt.expect(found[docker_ino]["label"] == f"docker:{docker_id[:12]}",
                          f"without state: {found[docker_ino]['label']!r}")

            def k8s_pod():
                found, summary = probe(["--scans", "procs", "--state-root", state])
                ns = found.get(pod_ino)
                lt.expect(ns is not None, "the pod's namespace not found")
                lt.expect(sorted(ns["pids"]) == sorted([sandbox_pid, app_pid]),
                          f"pids {ns['pids']}")
                c = ns["container"]
                if summary["json"]:
                    want = "k8s:default/web-7d9c/nginx"
                    lt.expect(c["id"] == app_id and c["name"] == "nginx" and c["pod"] == "web-7d9c"
                              and c["pod_ns"] == "default" and not c["sandbox"], f"{c}")
                else:
                    want = f"k8s:{sandbox_id[:12]}"
                lt.expect(ns["label"] == want, f"label {ns['label']!r}, want {want!r}")
                lt.expect(c["pod_uid"] == uid, f"pod uid {c['pod_uid']!r}, want {uid!r}")

            def units():
                r = lt.run(unit_argv(unit_pid))
                got = json.loads(r.stdout)
                lt.expect(got == {"unit": "user@4242.service", "user_unit": f"lsock-{tag}.service"},
                          f"units {got}")
                r = lt.run(unit_argv(docker_pid))
                got = json.loads(r.stdout)
                lt.expect(got == {"unit": f"docker-{docker_id}.scope", "user_unit": None},
                          f"units {got}")

            # A listener made in a .socket unit's cgroup and held by pid 1 only
            # (this test is pid 1 of its PID namespace), as systemd does it.
            sock_rel = f"lsock-{tag}.slice/lsock-{tag}.socket"
            cgs.make(sock_rel)
            with open("/proc/self/cgroup") as f:
                home = [x for x in f.read().splitlines() if x.startswith("0::")][0][3:]
            cgs.move(os.getpid(), sock_rel)
            try:
                activated = socket.socket()
                activated.bind(("127.0.0.1", 4917))
                activated.listen(1)
            finally:
                cgs.move(os.getpid(), home.lstrip("/"))

            def socket_unit():
                doc, r = lt.lsock_doc(["-tlp"])
                s = [x for x in doc["sockets"] if x["local"]["port"] == 4917]
                lt.expect(len(s) == 1 and [o["pid"] for o in s[0]["owners"]] == [1],
                          f"the pid-1 listener: {s}")
                lt.expect(s[0]["owners"][0]["unit"] == f"lsock-{tag}.socket",
                          f"its unit: {s[0]['owners'][0]}, want lsock-{tag}.socket")
                r = lt.run_lsock(["-tlp", "-k", "local,unit", "sport = :4917"])
                lt.expect(f"lsock-{tag}.socket" in r.stdout, f"text: {r.stdout!r}")

            def cli_names():
                json_ok = probe(["--scans", "procs"])[1]["json"]
                env = dict(os.environ, LSOCK_STATE_ROOT=state)
                doc, r = lt.lsock_doc(["--all-netns", "-xlp"], env=env)
                got = {s["netns"]["inode"]: s["netns"] for s in doc["sockets"]}
                want_docker = {"inode": docker_ino, "name": "docker:web" if json_ok else
                               f"docker:{docker_id[:12]}", "container": {
                                   "runtime": "docker", "id": docker_id,
                                   "name": "web" if json_ok else None}}
                lt.expect(got.get(docker_ino) == want_docker,
                          f"docker: {got.get(docker_ino)}, want {want_docker}")
                pod = got.get(pod_ino) or {}
                lt.expect(pod.get("name") == ("k8s:default/web-7d9c/nginx" if json_ok
                                              else f"k8s:{sandbox_id[:12]}"), f"pod: {pod}")
                mine = [o for s in doc["sockets"] for o in s.get("owners", [])
                        if o["pid"] == unit_pid]
                lt.expect(mine and all(o["unit"] == "user@4242.service" and
                                       o["user_unit"] == f"lsock-{tag}.service" for o in mine),
                          f"units of pid {unit_pid}: {mine}")
                r = lt.run_lsock(["-G", "-xlp", "-k", "netns,unit,path"],
                                 env=env)
                lt.expect("user@4242.service" in r.stdout, f"no Unit cell: {r.stdout}")

            lt.main([
                ("lsock --all-netns: container names, owners' units", cli_names),
                ("a pid-1 listener is named by its .socket unit (INET_DIAG_CGROUP_ID)",
                 socket_unit),
                ("docker scope + config.v2.json = docker:web", docker_web),
                ("kubepods pod + OCI annotations = k8s:default/web-7d9c/nginx", k8s_pod),
                ("systemd unit and user unit from the cgroup", units),
            ])
        finally:
            cgs.cleanup()


if __name__ == "__main__":
    lt.run_test(main)
