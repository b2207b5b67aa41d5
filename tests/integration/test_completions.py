#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bash, zsh and fish completions complete what a user types.

Each shell's own completion machinery is driven without a terminal user:
bash calls the completion function with COMP_WORDS split as readline splits
them (at COMP_WORDBREAKS: "--sort=-lo" is "--sort" "=" "-lo"); zsh runs
interactively in a pseudo-terminal, gets a TAB, and reports every candidate
its completion widget adds (compadd is wrapped); fish answers `complete -C`.
The cases are the ones a new user hit: comma lists completed item by item,
every --option=value form, state names only after `state`/`exclude`, the
new sort keys, --icmp, and fish's per-column descriptions.

Needs no root.  A missing shell is skipped (and the test exits 77 if any was);
tests/integration/test_install.py reuses these drivers on installed files."""
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

sys.dont_write_bytecode = True
import lsocktest as lt  # noqa: E402

# /work/notes/columns.txt order; --help, lsock(8) and the completions agree on it.
COLUMNS = {
    "proto": "protocol label: tcp, tcp6, udp, udp6, udpl, udpl6, raw, raw6, icmp, icmp6, unix",
    "family": "address family: inet, inet6 or unix",
    "recv_q": "bytes waiting to be read; for LISTEN, connections waiting to be accepted",
    "send_q": "bytes not yet sent or acknowledged; for LISTEN, the maximum backlog",
    "local": "local address and port; for UNIX, the bound name",
    "remote": "remote address and port; for UNIX, the peer's inode",
    "state": "socket state: LISTEN, ESTABLISHED, UNCONN, TIME_WAIT, ...",
    "type": "socket type: stream, dgram, seqpacket or raw",
    "user": "user name of the socket's uid",
    "uid": "numeric uid that owns the socket",
    "inode": "socket inode number",
    "cookie": "kernel socket cookie, unique while the system runs",
    "v6only": "IPv6 only (1) or also IPv4 (0), for IPv6 sockets",
    "interface": "network interface the socket is bound to",
    "peer": "inode of the connected UNIX peer",
    "source": "where the row came from: netlink or proc",
    "owners": "owning processes as PID/name, comma-separated",
    "pid": "PIDs of the owning processes",
    "program": "names of the owning processes",
    "path": "UNIX socket path, or @name for an abstract name",
    "netns": "network namespace: ip netns name, container, host or net:[INODE]",
    "unit": "systemd units of the owning processes (JSON: each owner's unit)",
    "timer": "TCP timer as ss -o: timer:(kind,expiry,retransmits) (-o)",
    "sk": "socket cookie in hex, as ss -e: sk:1a2b (-e)",
    "shutdown": "directions still open: <-> both, --> no reading, <-- no writing, --- none (-e)",
    "peer_owners": "processes holding the connected UNIX peer: ->PID/name (-x -p)",
    "vfs": "device and inode of a UNIX socket's bound path: vfs:(maj:min,ino) (-e)",
    "pending": "inodes of a UNIX listener's pending connections: icons:(ino,...) (-e)",
    "skmem": "socket memory as ss -m: skmem:(r,rb,t,tb,f,w,o,bl,d) (-m)",
    "tcp_info": "TCP internals as ss -i: congestion algorithm, rtt, cwnd, rates... (-i)",
}
SORT_KEYS = set(COLUMNS) | {"lport", "rport", "queue"}
STATES = {"established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait",
          "closed", "close-wait", "last-ack", "listening", "closing",
          "all", "connected", "synchronized", "bucket", "big"}
KEYWORDS = {"state", "exclude", "excl", "src", "dst", "sport", "dport", "dev", "pid", "comm", "uid", "user", "and", "or", "not"}
OPERATORS = {"eq", "ne", "neq", "gt", "lt", "ge", "geq", "le", "leq"}

# (command line before the cursor, the candidates: a set that must be exactly
# what is offered, or ("has", set, "not", set)).  A candidate is the text that
# replaces the word being completed, without a leading "--option=".
CASES = [
    ("lsock -k proto,lo", {"proto,local"}),
    ("lsock --columns=proto,st", {"proto,state"}),
    ("lsock -k ", set(COLUMNS)),
    ("lsock --columns=", set(COLUMNS)),
    ("lsock -k proto,", {"proto," + c for c in COLUMNS if c != "proto"}),
    ("lsock -tn -k local,remote,s", {"local,remote," + c for c in ("send_q", "state", "source", "sk", "shutdown", "skmem")}),
    ("lsock --sort ", SORT_KEYS),
    ("lsock --sort=", SORT_KEYS),
    ("lsock --sort=-lp", {"-lport"}),
    ("lsock --sort local,-r", {"local,-" + k for k in ("recv_q", "remote", "rport")}),
    ("lsock --sort=in", {"inode", "interface"}),
    ("lsock --source=n", {"netlink"}),
    ("lsock --source ", {"auto", "netlink", "proc"}),
    ("lsock --so", {"--sort", "--source"}),
    ("lsock --ic", {"--icmp"}),
    ("lsock --in", {"--inet", "--inet6", "--info"}),
    ("lsock -tno -k st", {"state"}),
    ("lsock --ti", {"--timers"}),
    ("lsock --pro", {"--programs", "--program"}),
    ("lsock -tn state ", STATES),
    ("lsock -t exclude l", {"listening", "last-ack"}),
    ("lsock -t excl fin", {"fin-wait-1", "fin-wait-2"}),
    ("lsock -tn ", KEYWORDS),
    ("lsock -k state ", ("has", KEYWORDS, "not", STATES)),
    ("lsock --sort=state ", ("has", KEYWORDS, "not", STATES)),
    ("lsock -t sport ", OPERATORS),
    ("lsock dev l", ("has", {"lo"}, "not", KEYWORDS | STATES)),
]


def normalize(word):
    """'--sort=' (an option offered with its '=') -> '--sort'; '--sort=x' -> 'x'."""
    if re.fullmatch(r"--[a-z0-9-]+=", word):
        return word[:-1]
    return re.sub(r"^--[a-z0-9-]+=", "", word)


def judge(shell, line, got, want):
    """Problems (strings) of one case."""
    got = {normalize(w) for w in got}
    if isinstance(want, set):
        if got != want:
            return [f"{shell}: {line!r}<TAB>: missing {sorted(want - got)}, "
                    f"unexpected {sorted(got - want)}"]
        return []
    _, has, _, hasnt = want
    problems = []
    if not has <= got:
        problems.append(f"{shell}: {line!r}<TAB>: missing {sorted(has - got)} (got {sorted(got)})")
    if got & hasnt:
        problems.append(f"{shell}: {line!r}<TAB>: should not offer {sorted(got & hasnt)}")
    return problems


# --------------------------------------------------------------------------
# bash
# --------------------------------------------------------------------------

BASH_BREAKS = "\"'><=;|&(:"


def bash_words(line):
    """COMP_WORDS and COMP_CWORD as bash builds them from `line` (no quoting):
    split at blanks, and every run of COMP_WORDBREAKS characters is a word."""
    words = re.findall(r"[^\s%s]+|[%s]+" % (re.escape(BASH_BREAKS), re.escape(BASH_BREAKS)), line)
    if not line or line[-1].isspace():
        words.append("")
    return words, len(words) - 1


BASH_DRIVER = r'''
# compopt works only inside a real completion; record what the function asks.
compopt() { printf '\002compopt %s\n' "$*"; }
eval "$LSOCK_BASH_SETUP"
spec=$(complete -p lsock) || { echo "no completion for lsock"; exit 1; }
func=${spec#*-F }; func=${func%% *}
COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; COMP_CWORD=$2; shift 2
COMP_WORDS=("$@")
"$func" lsock "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '\002reply %s\n' "${COMPREPLY[@]}"
'''


def bash_complete(line, setup, env=None):
    """(candidates, compopt calls) from bash for `line`; `setup` is shell code
    that defines the completion (sources the file, or loads it as bash-completion would)."""
    words, cword = bash_words(line)
    e = dict(os.environ if env is None else env, LSOCK_BASH_SETUP=setup)
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", line, str(cword)] + words,
                       capture_output=True, text=True, env=e, timeout=30)
    if r.returncode != 0:
        raise lt.TestFailure(f"bash driver failed for {line!r}: {r.stdout}{r.stderr}")
    got, opts = [], []
    for out in r.stdout.splitlines():
        if out.startswith("\002reply "):
            got.append(out[len("\002reply "):])
        elif out.startswith("\002compopt "):
            opts.append(out[len("\002compopt "):])
    return [w for w in got if w], opts


# --------------------------------------------------------------------------
# zsh
# --------------------------------------------------------------------------

ZSH_SETUP = r'''
PS1='%% ' RPS1= PROMPT_EOL_MARK=
fpath=(%(fpath)s)
autoload -U compinit && compinit -u -D
zstyle ':completion:*' list-prompt ''
zstyle ':completion:*' menu no
LISTMAX=100000
# Report every candidate a completion function adds; calls that only ask
# compadd to match (-O, -A, -D) are internal.
compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return
	fi
	local -a __lsock_hits
	local __lsock_h
	builtin compadd -O __lsock_hits "$@"
	for __lsock_h in $__lsock_hits; do
		print -r -- $'\002C '"$IPREFIX$__lsock_h"
	done
	builtin compadd "$@"
}
# TAB: the usual completion, then an end marker.
__lsock_complete() {
	_main_complete "$@"
	local r=$?
	print -r -- $'\002END'
	return r
}
zle -C __lsock_complete complete-word __lsock_complete
bindkey '^I' __lsock_complete
print -r -- $'\002READY'
'''


def zsh_fpath_own():
    """zsh's default fpath without the site/vendor directories, where another
    copy of _lsock could hide the one under test: only zsh's own functions."""
    r = subprocess.run(["zsh", "-fc", "print -rl -- $fpath"], capture_output=True, text=True, check=True)
    return [d for d in r.stdout.split() if "/functions" in d and "vendor" not in d]


class ZshSession:
    """An interactive zsh on a pseudo-terminal, its completion system loaded
    with `fpath` first.  complete(line) types the line and a TAB and returns
    the candidates; the line is then killed (^U) for the next one."""

    def __init__(self, fpath, home, timeout=30.0):
        self.script = os.path.join(home, "setup.zsh")
        with open(self.script, "w") as f:
            f.write(ZSH_SETUP % {"fpath": " ".join(fpath)})
        env = dict(os.environ, HOME=home, TERM="dumb", ZDOTDIR=home)
        self.timeout = timeout
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvpe("zsh", ["zsh", "-f", "-i"], env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 200, 250, 0, 0))
        os.write(self.fd, f"source {self.script}\n".encode())
        out = self._read_until(b"\002READY")
        if out is None:
            self.close()
            raise lt.TestFailure("zsh did not start")

    def _read_until(self, marker):
        out = b""
        deadline = time.monotonic() + self.timeout
        while marker not in out:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    return out if marker in out else None
                out += chunk
        return out

    def complete(self, line):
        os.write(self.fd, line.encode() + b"\t")
        out = self._read_until(b"\002END")
        if out is None:
            raise lt.TestFailure(f"zsh gave no answer for {line!r}")
        os.write(self.fd, b"\x15")
        text = out.decode(errors="replace")
        return [m.rstrip("\r") for m in re.findall(r"\002C ([^\n]*)", text)]

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------
# fish
# --------------------------------------------------------------------------

def fish_complete(line, complete_path, env):
    """(candidate, description) pairs from fish's `complete -C`, with
    $fish_complete_path set to `complete_path`.  fish loads a command's
    completions only when the command exists, so env's PATH must have lsock."""
    script = "set fish_complete_path $argv[2..]; complete -C $argv[1]"
    r = subprocess.run(["fish", "-c", script, line] + list(complete_path),
                       capture_output=True, text=True, env=env, timeout=30)
    if r.returncode != 0:
        raise lt.TestFailure(f"fish failed for {line!r}: {r.stderr}")
    pairs = []
    for out in r.stdout.splitlines():
        word, _, descr = out.partition("\t")
        pairs.append((word, descr))
    return pairs


def fish_env(home, bindir):
    """An environment for fish with a private HOME and `bindir` (holding lsock) on PATH."""
    return dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                XDG_DATA_HOME=os.path.join(home, ".local", "share"),
                PATH=bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"))


# --------------------------------------------------------------------------
# The cases, for the completion files in the source tree
# --------------------------------------------------------------------------

def completions_dir():
    return os.path.join(lt.source_dir(), "completions")


def case_bash():
    setup = f'source {completions_dir()}/lsock.bash'
    problems = []
    for line, want in CASES:
        got, _ = bash_complete(line, setup)
        problems += judge("bash", line, got, want)
    # A list item is completed without a trailing space, so ',' can follow.
    _, opts = bash_complete("lsock -k proto,lo", setup)
    if "-o nospace" not in opts:
        problems.append(f"bash: 'lsock -k proto,lo': no 'compopt -o nospace' (got {opts})")
    _, opts = bash_complete("lsock --sour", setup)
    if "-o nospace" not in opts:
        problems.append(f"bash: 'lsock --sour': '--source=' would get a space after it")
    # With '=' removed from COMP_WORDBREAKS the word keeps its "--columns=".
    got, _ = bash_complete("lsock --columns=proto,lo", setup + "; COMP_WORDBREAKS=${COMP_WORDBREAKS//=}")
    problems += judge("bash (no '=' break)", "lsock --columns=proto,lo", got, {"proto,local"})
    # Short options in a cluster, the list glued on.
    got, _ = bash_complete("lsock -tnkproto,lo", setup)
    if got != ["-tnkproto,local"]:
        problems.append(f"bash: 'lsock -tnkproto,lo': got {got}")
    lt.check(problems, "bash completion")


def case_zsh():
    with tempfile.TemporaryDirectory() as home:
        fpath = [completions_dir()] + zsh_fpath_own()
        problems = []
        with ZshSession(fpath, home) as zsh:
            for line, want in CASES:
                problems += judge("zsh", line, zsh.complete(line), want)
    lt.check(problems, "zsh completion")


def case_fish():
    with tempfile.TemporaryDirectory() as home:
        bindir = os.path.join(home, "bin")
        os.mkdir(bindir)
        os.symlink(lt.lsock_path(), os.path.join(bindir, "lsock"))
        env = fish_env(home, bindir)
        problems = []
        for line, want in CASES:
            problems += judge("fish", line, [w for w, _ in fish_complete(line, [completions_dir()], env)], want)
        # Each column has its own description, the one --help and lsock(8) give.
        for line in ("lsock -k ", "lsock --sort=", "lsock -k local,"):
            for word, descr in fish_complete(line, [completions_dir()], env):
                name = normalize(word).rsplit(",", 1)[-1]
                if name in COLUMNS and descr != COLUMNS[name]:
                    problems.append(f"fish: {line!r}: {name} is described as {descr!r}, "
                                    f"want {COLUMNS[name]!r}")
        got = fish_complete("lsock -tnkproto,lo", [completions_dir()], env)
        if [w for w, _ in got] != ["-tnkproto,local"]:
            problems.append(f"fish: 'lsock -tnkproto,lo': got {got}")
    lt.check(problems, "fish completion")


def main():
    cases, missing = [], []
    for shell, fn in (("bash", case_bash), ("zsh", case_zsh), ("fish", case_fish)):
        if shutil.which(shell):
            cases.append((shell, fn))
        else:
            missing.append(shell)
            print(f"SKIP {shell}: not installed")
    try:
        lt.main(cases)
    except SystemExit as e:
        if e.code == 0 and missing:
            lt.skip(f"not installed: {', '.join(missing)}")
        raise


if __name__ == "__main__":
    main()
