# SPDX-License-Identifier: MIT
"""Command-line bugs of issue 9, section 4:

  - 4.2 the section titles describe the states actually selected, after
    the filter's `state`/`exclude` words, not the -l/-a choice: "(only
    servers)" above LISTEN rows, "(w/o servers)" above connections;
  - 4.4 `--json --ndjson` (either order) is a usage error: exit 2, one
    line on stderr, nothing on stdout;
  - 4.5 an ambiguous abbreviation (`--so=proc`) says it is ambiguous and
    names the candidates (`--sort`, `--source`);
  - --events with -G or -N is a usage error: the destroy groups are of
    lsock's own network namespace only."""

import lsocktest as lt

SERVERS = "(only servers)"
CLIENTS = "(w/o servers)"
BOTH = "(servers and established)"


def titles_and_states(args):
    """(titles, states of the rows) of `lsock ARGS`."""
    r = lt.run_lsock(args)
    if r.status not in (0, 1):
        raise lt.TestFailure(r.describe())
    lines = r.stdout.splitlines()
    titles = [x for x in lines if x.startswith("Active ")]
    header = next((x for x in lines if x.startswith("Proto ")), "")
    col = header.split().index("State") if "State" in header.split() else None
    # "Local Address" and "Foreign Address" are two words each in the header.
    if col is not None and "Address" in header:
        col -= header.split()[:col].count("Address")
    states = {x.split()[col] for x in lt.text_rows(r.stdout)} if col is not None else set()
    return titles, states


def usage_error(args, want_words):
    """Problems unless `lsock ARGS` is a usage error naming want_words."""
    r = lt.run_lsock(args)
    problems = []
    if r.status != 2:
        problems.append(f"{r.describe()}: want exit status 2")
    if r.out != b"":
        problems.append(f"lsock {' '.join(args)}: stdout {r.out[:200]!r}, want nothing")
    lines = r.stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith("lsock: "):
        problems.append(f"lsock {' '.join(args)}: stderr {lines!r}, want one 'lsock: ' line")
    missing = [w for w in want_words if w not in r.stderr]
    if missing:
        problems.append(f"lsock {' '.join(args)}: stderr {r.stderr.strip()!r} lacks {missing}")
    return problems


def main():
    with lt.SocketMix() as mix:
        lst = mix.tcp_listen("127.0.0.1", 2601)
        mix.tcp_connect(lst)
        mix.unix_connect(mix.unix_listen(mix.unix_path("t.sock")))

        def titles():
            problems = []
            cases = [
                # the cases: the filter's words decide, not -l/-a
                (["-tn", "state", "listening"], SERVERS, {"LISTEN"}),
                (["-tln", "state", "established"], CLIENTS, {"ESTABLISHED"}),
                (["-tan", "state", "listening", "state", "established"], BOTH,
                 {"LISTEN", "ESTABLISHED"}),
                # (exclude listening alone keeps closed: unconnected UDP are servers)
                (["-tln", "exclude", "listening", "exclude", "closed"], CLIENTS,
                 {"ESTABLISHED"}),
                (["-xn", "state", "listening"], SERVERS, {"LISTEN"}),
                (["-xln", "state", "connected"], CLIENTS, {"ESTABLISHED"}),
                # and without a filter
                (["-tn"], CLIENTS, {"ESTABLISHED"}),
                (["-tln"], SERVERS, {"LISTEN"}),
                (["-tan"], BOTH, {"LISTEN", "ESTABLISHED"}),
            ]
            for args, want_title, want_states in cases:
                got_titles, states = titles_and_states(args)
                if len(got_titles) != 1 or not got_titles[0].endswith(" " + want_title):
                    problems.append(f"lsock {' '.join(args)}: titles {got_titles}, want "
                                    f"one ending in {want_title!r}")
                if states != want_states:
                    problems.append(f"lsock {' '.join(args)}: row states {sorted(states)}, "
                                    f"want {sorted(want_states)}")
            lt.check(problems, "section titles")

        def conflicting_formats():
            problems = []
            for args in (["--json", "--ndjson"], ["--ndjson", "--json"],
                         ["-tln", "--ndjson", "-x", "--json"], ["--json", "--ndjson", "-H"]):
                problems += usage_error(args, ["--json", "--ndjson"])
            # The same format twice is no conflict.
            r = lt.run_lsock(["-tln", "--json", "--json"])
            if r.status != 0 or not r.out.startswith(b'{"schema":1'):
                problems.append(f"--json --json: {r.describe()}")
            lt.check(problems, "--json with --ndjson")

        def ambiguous_abbreviation():
            problems = []
            for args in (["--so=proc"], ["--so", "proc"], ["-tln", "--so=proc"]):
                problems += usage_error(args, ["ambiguous", "'--so'", "--sort", "--source"])
            # An abbreviation that fits one option works.
            r = lt.run_lsock(["-tln", "--sou=proc"])
            if r.status != 0 or r.err:
                problems.append(f"--sou=proc: {r.describe()}")
            r = lt.run_lsock(["-tln", "--sor=local"])
            if r.status != 0 or r.err:
                problems.append(f"--sor=local: {r.describe()}")
            lt.check(problems, "ambiguous abbreviations")

        def events_other_netns():
            # The destroy groups multicast in the socket's own namespace
            # only: --events cannot follow -G or -N, and says so.
            problems = []
            for args in (["-E", "-G"], ["--events", "--all-netns", "dev", "=", "nosuch0"],
                         ["-E", "-N", "1"], ["-E", "--ndjson", "--netns=nosuch"]):
                problems += usage_error(args, ["--events", "--all-netns", "--netns"])
            lt.check(problems, "--events with -G/-N")

        lt.main([
            ("titles follow the selected states", titles),
            ("--json --ndjson is a usage error", conflicting_formats),
            ("--so=proc is ambiguous: --sort, --source", ambiguous_abbreviation),
            ("--events with -G or -N is a usage error", events_other_netns),
        ])


lt.run_test(main)
