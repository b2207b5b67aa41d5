#!/usr/bin/env python3
"""Every option `lsock --help` lists is documented in man/lsock.8, the README
and all three completions, and every option those mention exists.
Needs no root: it only runs `lsock --help` and reads files."""
import os
import re
import subprocess
import sys

lsock = os.environ.get("LSOCK", "lsock")
src = os.environ.get("LSOCK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

help_text = subprocess.run([lsock, "--help"], capture_output=True, text=True, check=True).stdout
longs = set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]+)", help_text))
shorts = set(re.findall(r"(?<![\w-])-([a-zA-Z0-9]),", help_text))
if len(longs) < 15 or len(shorts) < 15:
    sys.exit(f"could not parse --help: {sorted(longs)} {sorted(shorts)}")

def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return f.read()

docs = {
    "man/lsock.8": read("man/lsock.8").replace("\\-", "-"),
    "README.md": read("README.md"),
    "completions/lsock.bash": read("completions/lsock.bash"),
    "completions/_lsock": read("completions/_lsock"),
    "completions/lsock.fish": read("completions/lsock.fish"),
}
failures = []
for name, text in docs.items():
    for opt in sorted(longs):
        if name.endswith(".fish"):
            ok = re.search(rf"-l {re.escape(opt)}\b", text)
        else:
            ok = re.search(rf"--{re.escape(opt)}(?![\w-])", text)
        if not ok:
            failures.append(f"{name}: --{opt} is missing")
    for opt in sorted(shorts):
        if name.endswith(".fish"):
            ok = re.search(rf"-s {re.escape(opt)}\b", text)
        else:
            ok = re.search(rf"(?<![\w-])-{re.escape(opt)}(?![\w-])", text) or \
                 re.search(rf"(?<![\w-])-[a-zA-Z0-9]*{re.escape(opt)}[a-zA-Z0-9]*\b", text)
        if not ok:
            failures.append(f"{name}: -{opt} is missing")

# And nothing documented that does not exist (long options in the man page and completions).
for name in ("man/lsock.8", "completions/lsock.bash", "completions/_lsock"):
    for opt in set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]+)", docs[name])):
        if opt not in longs:
            failures.append(f"{name}: --{opt} is documented but lsock --help does not list it")
for opt in set(re.findall(r"-l ([a-z][a-z0-9-]+)", docs["completions/lsock.fish"])):
    if opt not in longs:
        failures.append(f"completions/lsock.fish: --{opt} is not an lsock option")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"ok: {len(longs)} long and {len(shorts)} short options documented everywhere")
