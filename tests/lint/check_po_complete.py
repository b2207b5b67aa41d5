#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every translation is complete: each po/LANG.po listed in po/LINGUAS,
merged (msgmerge, as a maintainer would) with a template freshly extracted
from the sources (tools/po_template.py, as the `pot` target does), has no
untranslated and no fuzzy entry.  A string marked in the code but missing
from es.po, or whose English changed since it was translated, fails here.

Also: every source file that marks strings (_(), N_(), P_()) is listed in
po/POTFILES, or its strings would never reach the template at all.

Nothing in the tree is written: the template and the merged copies live in
a temporary directory.  usage: check_po_complete.py SOURCE_DIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = re.compile(r"(?<![A-Za-z0-9_])(?:_|N_|P_)\(")
# The header that defines the marks, not a user of them.
NOT_USERS = {"include/lsock/i18n.h"}


def unlisted(root, listed):
    missing = []
    for top in ("src", "include"):
        for d, _dirs, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(d, name), root)
                if rel in NOT_USERS or rel in listed:
                    continue
                with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                    if MARK.search(f.read()):
                        missing.append(rel)
    return missing


def entries(tool, po, tmp):
    """msgids msgattrib selects (--untranslated or --only-fuzzy), header aside."""
    out = os.path.join(tmp, "sel.po")
    subprocess.run(["msgattrib", tool, "--no-obsolete", "--no-wrap", "-o", out, po], check=True)
    if not os.path.exists(out):
        return []
    ids, cur = [], None
    for line in open(out, encoding="utf-8"):
        if line.startswith("msgid "):
            cur = line[len("msgid "):].strip()[1:-1]
        elif cur is not None and line.startswith('"'):
            cur += line.strip()[1:-1]
        elif cur is not None:
            ids.append(cur)
            cur = None
    return [i for i in ids if i]


def main():
    root = os.path.abspath(sys.argv[1])
    sys.path.insert(0, os.path.join(root, "tools"))
    import po_template  # noqa: E402

    failures = []
    missing = unlisted(root, set(po_template.potfiles()))
    for rel in missing:
        failures.append(f"{rel} marks strings for translation but is not in po/POTFILES")
    tmp = tempfile.mkdtemp(prefix="lsock-po.")
    try:
        pot = os.path.join(tmp, "lsock.pot")
        if po_template.extract(pot) != 0:
            failures.append("xgettext failed")
            return report(failures)
        with open(os.path.join(root, "po", "LINGUAS"), encoding="utf-8") as f:
            langs = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
        for lang in langs:
            po = os.path.join(tmp, lang + ".po")
            shutil.copy(os.path.join(root, "po", lang + ".po"), po)
            subprocess.run(["msgmerge", "--quiet", "--update", "--backup=none", po, pot], check=True)
            stats = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, po],
                                   capture_output=True, text=True).stderr.strip()
            print(f"po/{lang}.po against a fresh template: {stats}")
            seen = set()
            for what, tool in (("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")):
                for msgid in entries(tool, po, tmp):
                    if msgid not in seen:
                        seen.add(msgid)
                        failures.append(f"po/{lang}.po: {what}: \"{msgid[:100]}\"")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(failures)


def report(failures):
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        print(f"{len(failures)} problem(s); regenerate with `cmake --build build --target pot`, "
              "then `msgmerge --update po/LANG.po po/lsock.pot` and translate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
