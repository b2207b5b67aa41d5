#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`cmake --install` puts everything where it is looked for.

For the default prefix (/usr/local) and for /usr, lsock is configured and its
"data" component (all but the binary) installed into a staging directory
(DESTDIR), with the binary under test copied beside it.  Then, against the staged
tree, with each shell's own default search path moved into it:
  - bash-completion (its loader, with XDG_DATA_DIRS at its default) loads
    lsock's completion, and `lsock --so<TAB>` offers --sort and --source;
  - zsh's compinit, with the default $fpath, knows _comps[lsock], and the
    completion widget offers --sort and --source;
  - fish, with its default $fish_complete_path (XDG_DATA_DIRS unset, as on a
    console or ssh login), completes `lsock --so`;
  - the schema is at the path lsock-json(7) names, and the man pages are
    installed.
Needs no root.  A missing shell is skipped, and then the test exits 77."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
import lsocktest as lt  # noqa: E402
import test_completions as tc  # noqa: E402

WANT = {"--sort", "--source"}
BASH_COMPLETION = ["/usr/share/bash-completion/bash_completion", "/etc/bash_completion"]


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise lt.TestFailure(f"{' '.join(argv)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


def staged(stage, path):
    """`path` (absolute) inside the staging directory."""
    return os.path.join(stage, path.lstrip("/"))


def private_env(home, **extra):
    """The environment without the user's shell set-up or XDG_DATA_DIRS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_DATA_HOME=os.path.join(home, ".local", "share"), **extra)
    return env


def pkg_config_var(pkg, var):
    if not shutil.which("pkg-config"):
        return None
    r = subprocess.run(["pkg-config", f"--variable={var}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


def check_files(prefix, stage):
    problems = []
    for page in ("man8/lsock.8", "man7/lsock-json.7"):
        if not os.path.isfile(staged(stage, f"{prefix}/share/man/{page}")):
            problems.append(f"{prefix}: {page} not installed")
    # The schema is where the installed lsock-json(7) says.
    with open(staged(stage, f"{prefix}/share/man/man7/lsock-json.7"), encoding="utf-8") as f:
        page = f.read()
    named = sorted({w.rstrip(".,") for w in page.replace("\\-", "-").split()
                    if w.rstrip(".,").endswith("lsock.schema.json")})
    if named != [f"{prefix}/share/lsock/lsock.schema.json"]:
        problems.append(f"{prefix}: lsock-json(7) names the schema as {named}, "
                        f"want {prefix}/share/lsock/lsock.schema.json")
    for path in named:
        if not os.path.isfile(staged(stage, path)):
            problems.append(f"{prefix}: lsock-json(7) names {path}, which is not installed")
            continue
        with open(staged(stage, path), encoding="utf-8") as f, \
                open(os.path.join(lt.source_dir(), "man", "lsock.schema.json"), encoding="utf-8") as g:
            if json.load(f) != json.load(g):
                problems.append(f"{prefix}: the installed schema differs from man/lsock.schema.json")
    return problems


def check_bash(prefix, stage, home):
    """bash-completion's loader, as on TAB for a command with no completion yet."""
    loader = next(p for p in BASH_COMPLETION if os.path.isfile(p))
    # XDG_DATA_DIRS unset means /usr/local/share:/usr/share to bash-completion.
    dirs = ":".join(staged(stage, d) for d in ("/usr/local/share", "/usr/share"))
    setup = (f"source {loader}; BASH_COMPLETION_USER_DIR={home}/none XDG_DATA_DIRS={dirs}; "
             "_completion_loader lsock; shopt -s extdebug; declare -F _lsock >&2; shopt -u extdebug")
    env = private_env(home)
    got, _ = tc.bash_complete("lsock --so", setup, env)
    problems = tc.judge(f"bash, prefix {prefix}", "lsock --so", got, WANT)
    # Loaded from the staged tree, not from a copy installed on this machine.
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", setup], capture_output=True, text=True, env=env)
    if stage not in r.stderr:
        problems.append(f"bash, prefix {prefix}: _lsock not loaded from {stage}: {r.stderr.strip()!r}")
    return problems


def check_zsh(prefix, stage, home):
    default = run(["zsh", "-c", "print -rl -- $fpath"], env=private_env(home)).split()
    fpath = [staged(stage, d) for d in default] + tc.zsh_fpath_own()
    script = (f"fpath=({' '.join(fpath)}); autoload -U compinit; compinit -u -D; "
              "print -r -- ${_comps[lsock]}; autoload +X _lsock 2>/dev/null; print -r -- $functions_source[_lsock]")
    out = run(["zsh", "-f", "-c", script], env=private_env(home)).split("\n")
    problems = []
    if out[0] != "_lsock":
        problems.append(f"zsh, prefix {prefix}: compinit with the default fpath gives "
                        f"_comps[lsock]={out[0]!r}, want _lsock")
    elif not out[1].startswith(stage):
        problems.append(f"zsh, prefix {prefix}: _lsock comes from {out[1]!r}, not from {stage}")
    with tc.ZshSession(fpath, home) as zsh:
        problems += tc.judge(f"zsh, prefix {prefix}", "lsock --so", zsh.complete("lsock --so"), WANT)
    return problems


def check_fish(prefix, stage, home):
    env = private_env(home)
    default = run(["fish", "-c", "string join \\n -- $fish_complete_path"], env=env).split("\n")
    path = [staged(stage, d) for d in default if d and not d.startswith(home)]
    # fish completes a command only when it exists: the installed lsock is on PATH.
    env = tc.fish_env(home, staged(stage, f"{prefix}/bin"))
    env.pop("XDG_DATA_DIRS", None)
    got = [w for w, _ in tc.fish_complete("lsock --so", path, env)]
    return tc.judge(f"fish, prefix {prefix}", "lsock --so", got, WANT)


def check_pkg_config(stage):
    """For /usr, the completion dirs are the ones bash-completion and fish
    publish in their pkg-config files."""
    problems = []
    for pkg, name in (("bash-completion", "lsock"), ("fish", "lsock.fish")):
        d = pkg_config_var(pkg, "completionsdir")
        if d and not os.path.isfile(os.path.join(staged(stage, d), name)):
            problems.append(f"/usr: {name} is not in {pkg}'s completionsdir {d}")
    return problems


def install_case(tmp, prefix, shells):
    """Configures (the default prefix when `prefix` is None), installs into a
    staging dir and checks it."""
    def case():
        build = os.path.join(tmp, "build")
        run(["cmake", "-S", lt.source_dir(), "-B", build, "-DBUILD_TESTING=OFF",
             f"-DCMAKE_INSTALL_PREFIX={prefix}" if prefix else "-UCMAKE_INSTALL_PREFIX"])
        pfx = prefix or "/usr/local"
        stage = os.path.join(tmp, "stage" + pfx.replace("/", "-"))
        # Everything but the binary, which needs no build; the binary under
        # test stands in for the one `cmake --install` would copy.
        run(["cmake", "--install", build, "--component", "data"], env=dict(os.environ, DESTDIR=stage))
        os.makedirs(staged(stage, f"{pfx}/bin"))
        shutil.copy(lt.lsock_path(), staged(stage, f"{pfx}/bin/lsock"))
        home = tempfile.mkdtemp(dir=tmp)
        problems = check_files(pfx, stage)
        for shell, fn in (("bash", check_bash), ("zsh", check_zsh), ("fish", check_fish)):
            if shells[shell]:
                problems += fn(pfx, stage, home)
        if pfx == "/usr":
            problems += check_pkg_config(stage)
        lt.check(problems, f"install with prefix {pfx}")
    return case


def main():
    if not shutil.which("cmake"):
        lt.skip("cmake not installed")
    shells = {s: bool(shutil.which(s)) for s in ("bash", "zsh", "fish")}
    missing = [s for s, ok in shells.items() if not ok]
    if shells["bash"] and not any(os.path.isfile(p) for p in BASH_COMPLETION):
        shells["bash"] = False
        missing.append("bash-completion")
    for s in missing:
        print(f"SKIP {s}: not installed")
    with tempfile.TemporaryDirectory(prefix="lsock-install-") as tmp:
        try:
            lt.main([("default prefix (/usr/local)", install_case(tmp, None, shells)),
                     ("prefix /usr", install_case(tmp, "/usr", shells))])
        except SystemExit as e:
            if e.code == 0 and missing:
                lt.skip(f"not installed: {', '.join(missing)}")
            raise


if __name__ == "__main__":
    main()
