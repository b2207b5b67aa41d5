#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extracts lsock's translatable strings into a .pot with xgettext, the one
way both the `pot` target (into po/lsock.pot) and the completeness test
(into a temporary directory) do it, so the test measures the template a
maintainer would generate.  The files come from po/POTFILES; the marks are
_() (translate here), N_() (mark only) and P_(one, many, n) (plural).

usage: po_template.py OUTPUT.pot [VERSION]"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def potfiles():
    with open(os.path.join(ROOT, "po", "POTFILES"), encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]


def extract(out, version="", xgettext="xgettext"):
    cmd = [xgettext, "--from-code=UTF-8", "--language=C", "--keyword=_", "--keyword=N_",
           "--keyword=P_:1,2", "--add-comments=TRANSLATORS:", "--package-name=lsock",
           "--sort-by-file", "-o", out]
    if version:
        cmd.append("--package-version=" + version)
    return subprocess.run(cmd + potfiles(), cwd=ROOT).returncode


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sys.exit(extract(os.path.abspath(sys.argv[1]), sys.argv[2] if len(sys.argv) == 3 else ""))
