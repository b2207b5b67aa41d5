#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The layering rules of src/, checked on the tree and the built library.

  1. Includes point one way: model <- collect, owners, netns <- snapshot
     <- filter <- output <- cli.  A header belongs to the layer of the directory whose
     .c files implement it (include/lsock/X.h is defined where X's functions
     are); a file may include headers of its own layer or lower ones.
  2. No two .c files call each other (from nm of liblsock_core.a).
  3. src/cli/main.c is under 150 lines.

usage: check_layers.py SOURCE_DIR LIBLSOCK_CORE_A
Exit 0 if every rule holds, 1 otherwise (each violation on a line).
"""
import os
import re
import subprocess
import sys

LAYERS = ["model", "collect", "owners", "netns", "snapshot", "filter", "output", "cli"]
# netns shares the owners' rank: the owner walk may hand it the nsfs fds it
# meets, and read units (lsock/unit.h) through its pinned pid dirfds.
RANK = {"model": 0, "collect": 1, "owners": 1, "netns": 1, "snapshot": 2, "filter": 3,
        "output": 4, "cli": 5}


def main():
    src, lib = sys.argv[1], sys.argv[2]
    problems = []
    files = {}  # path relative to src -> layer
    for layer in LAYERS:
        d = os.path.join(src, "src", layer)
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h")):
                files[f"{layer}/{name}"] = layer

    # Which layer defines each public header: the layer whose .c files
    # define the functions it declares (found from the library's symbols).
    defined = {}  # symbol -> object basename
    undefined = {}  # object basename -> set of symbols
    out = subprocess.run(["nm", "-A", lib], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^[^:]+:([^:]+\.o):\s*(?:[0-9a-f]+)?\s+([A-Za-z])\s+(\S+)$", line)
        if not m:
            continue
        obj, kind, sym = m.groups()
        obj = obj[: -len(".c.o")] if obj.endswith(".c.o") else obj[:-2]
        if kind in "TDBR":
            defined[sym] = obj
        elif kind == "U":
            undefined.setdefault(obj, set()).add(sym)
    obj_layer = {os.path.splitext(os.path.basename(p))[0]: l for p, l in files.items()
                 if p.endswith(".c")}

    header_layer = {}
    inc = os.path.join(src, "include", "lsock")
    for name in sorted(os.listdir(inc)):
        text = open(os.path.join(inc, name)).read()
        ranks = []
        for fn in re.findall(r"\b([a-z_][a-z0-9_]*)\s*\(", text):
            obj = defined.get(fn)
            if obj in obj_layer:
                ranks.append(obj_layer[obj])
        if ranks:
            header_layer[name] = max(ranks, key=lambda l: RANK[l])
    # Headers with only types and inline helpers are model-level.
    for name in os.listdir(inc):
        header_layer.setdefault(name, "model")

    for path, layer in files.items():
        text = open(os.path.join(src, "src", path)).read()
        for h in re.findall(r'#include "lsock/([^"]+)"', text):
            hl = header_layer.get(h, "model")
            if RANK[hl] > RANK[layer]:
                problems.append(f"src/{path} ({layer}) includes lsock/{h} ({hl})")
    for name, layer in header_layer.items():
        text = open(os.path.join(inc, name)).read()
        for h in re.findall(r'#include "lsock/([^"]+)"', text):
            hl = header_layer.get(h, "model")
            if RANK[hl] > RANK[layer]:
                problems.append(f"include/lsock/{name} ({layer}) includes lsock/{h} ({hl})")

    # Rule 2: calls between objects go one way.
    calls = {}
    for obj, syms in undefined.items():
        for s in syms:
            target = defined.get(s)
            if target and target != obj:
                calls.setdefault(obj, set()).add(target)
    for a, targets in sorted(calls.items()):
        for b in sorted(targets):
            if a < b and a in calls.get(b, set()):
                problems.append(f"{a}.c and {b}.c call each other")

    n = sum(1 for _ in open(os.path.join(src, "src", "cli", "main.c")))
    if n >= 150:
        problems.append(f"src/cli/main.c has {n} lines (at most 149)")

    for p in problems:
        print(p)
    print(f"{len(files)} files, {len(header_layer)} headers: "
          f"{'ok' if not problems else str(len(problems)) + ' problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
