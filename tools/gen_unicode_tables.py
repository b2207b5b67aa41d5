#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates src/model/unicode_tables.h, the code point classes behind
lsock's text escaping and column widths, from the Unicode Character Database.

Input: the UCD text files of exactly one Unicode version, pinned below by
version and by SHA-256 (Debian's `unicode-data` package installs them in
/usr/share/unicode):
  UnicodeData.txt       general category of every assigned code point
  EastAsianWidth.txt    East_Asian_Width
  HangulSyllableType.txt conjoining jamo vowels and trailing consonants

Every code point U+0000..U+10FFFF gets one class; the first that applies:
  ESCAPE  general category Cc, Cf, Zl, Zp, Zs (but U+0020), Co, Cs, or Cn
          (unassigned, which includes the noncharacters): text output never
          writes these raw.
  ZERO    Mn, Me, and Hangul_Syllable_Type V or T (they join the syllable
          before them, in its cells): width 0.
  WIDE    East_Asian_Width W or F: width 2.
  PLAIN   everything else: width 1 (Ambiguous is narrow, as on a terminal
          not set up for CJK).
The table is the list of runs of equal class: each entry is the run's first
code point << 2 | class, sorted, so one binary search finds the class.

Usage:
  python3 tools/gen_unicode_tables.py            # rewrite the table file
  python3 tools/gen_unicode_tables.py --check    # exit 1 if it is stale
  python3 tools/gen_unicode_tables.py --crosscheck
      # compare with Python's unicodedata and glibc's wcwidth (C.UTF-8);
      # informative only: they may be built on another Unicode version.
"""
import argparse
import ctypes
import ctypes.util
import hashlib
import os
import sys

UNICODE_VERSION = "15.0.0"
# The files as published for UNICODE_VERSION (and as Debian 12 ships them).
PINNED_SHA256 = {
    "UnicodeData.txt": "806e9aed65037197f1ec85e12be6e8cd870fc5608b4de0fffd990f689f376a73",
    "EastAsianWidth.txt": "743e7bc435c04ab1a8459710b1c3cad56eedced5b806b4659b6e69b85d0adf2a",
    "HangulSyllableType.txt": "9a3ab36d36a22bdb84de7a17b17e9b9c242134f0080f0a8b4b28d209465a8fc8",
}
DEFAULT_UCD = "/usr/share/unicode"
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "model",
                      "unicode_tables.h")

PLAIN, ESCAPE, ZERO, WIDE = 0, 1, 2, 3
CLASS_NAMES = ("PLAIN", "ESCAPE", "ZERO", "WIDE")
MAX_CP = 0x10FFFF
ESCAPED_GC = {"Cc", "Cf", "Zl", "Zp", "Zs", "Co", "Cs", "Cn"}
ZERO_GC = {"Mn", "Me"}


def die(msg):
    print(f"gen_unicode_tables: {msg}", file=sys.stderr)
    sys.exit(2)


def read_pinned(ucd, name):
    path = os.path.join(ucd, name)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        die(f"{path}: {e.strerror} (apt-get install unicode-data)")
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED_SHA256[name]:
        die(f"{path}: sha256 {digest} is not the pinned Unicode {UNICODE_VERSION} file")
    text = data.decode("utf-8")
    # Files but UnicodeData.txt name their version on their first line.
    first = text.split("\n", 1)[0]
    if name != "UnicodeData.txt" and first != f"# {name[:-4]}-{UNICODE_VERSION}.txt":
        die(f"{path}: first line {first!r} does not name Unicode {UNICODE_VERSION}")
    return text, digest


def data_lines(text):
    """(first, last, fields) of each data line of a UCD property file."""
    for line in text.split("\n"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [x.strip() for x in line.split(";")]
        lo, _, hi = fields[0].partition("..")
        yield int(lo, 16), int(hi or lo, 16), fields[1:]


def general_categories(text):
    """A list: the general category of each code point ('Cn' if unassigned)."""
    gc = ["Cn"] * (MAX_CP + 1)
    first = None
    for line in text.split("\n"):
        if not line:
            continue
        f = line.split(";")
        cp, name, cat = int(f[0], 16), f[1], f[2]
        # Large blocks are given as a <..., First> and a <..., Last> line.
        if name.endswith(", First>"):
            first = cp
            continue
        if name.endswith(", Last>"):
            if first is None:
                die(f"UnicodeData.txt: {name} without its First line")
            for c in range(first, cp + 1):
                gc[c] = cat
            first = None
            continue
        gc[cp] = cat
    return gc


def classes(gc, eaw_text, hst_text):
    eaw = ["N"] * (MAX_CP + 1)
    for lo, hi, (value, *_) in data_lines(eaw_text):
        for c in range(lo, hi + 1):
            eaw[c] = value
    jamo = set()
    for lo, hi, (value, *_) in data_lines(hst_text):
        if value in ("V", "T"):
            jamo.update(range(lo, hi + 1))
    out = []
    for c in range(MAX_CP + 1):
        if gc[c] in ESCAPED_GC and c != 0x20:
            out.append(ESCAPE)
        elif gc[c] in ZERO_GC or c in jamo:
            out.append(ZERO)
        elif eaw[c] in ("W", "F"):
            out.append(WIDE)
        else:
            out.append(PLAIN)
    return out


def runs(cls):
    """[(first code point, class)] for each run of equal class."""
    out = []
    for c, k in enumerate(cls):
        if not out or out[-1][1] != k:
            out.append((c, k))
    return out


def render(rs, digests):
    counts = [0, 0, 0, 0]
    for i, (first, k) in enumerate(rs):
        end = rs[i + 1][0] if i + 1 < len(rs) else MAX_CP + 1
        counts[k] += end - first
    lines = [
        "/* SPDX-License-Identifier: MIT */",
        "/*",
        " * GENERATED FILE, do not edit.  Code point classes for escape.c, made by",
        " * tools/gen_unicode_tables.py from the Unicode Character Database, version",
        f" * {UNICODE_VERSION} (data files (c) Unicode, Inc., Unicode License):",
    ]
    for name, digest in digests.items():
        lines.append(f" *   {name:<23} sha256 {digest[:16]}...")
    lines += [
        " * To regenerate (Debian: apt-get install unicode-data, which installs them",
        " * in /usr/share/unicode):",
        " *   python3 tools/gen_unicode_tables.py [--ucd DIR]",
        " * and check that it is current with --check.",
        " *",
        " * UC_ESCAPE: general category Cc Cf Zl Zp Zs (not U+0020) Co Cs Cn.",
        " * UC_ZERO:   Mn Me, and Hangul_Syllable_Type V and T (conjoining jamo).",
        " * UC_WIDE:   East_Asian_Width W or F.",
        " * UC_PLAIN:  the rest.  The first class that applies wins.",
        " * Code points per class: "
        + ", ".join(f"{CLASS_NAMES[k]} {counts[k]}" for k in range(4)) + ".",
        " *",
        " * uc_runs[]: one entry per run of code points of the same class, sorted:",
        " * (first code point << 2) | class.  A run ends where the next one begins;",
        " * the last one ends at U+10FFFF.",
        " */",
        "#ifndef LSOCK_UNICODE_TABLES_H",
        "#define LSOCK_UNICODE_TABLES_H",
        "",
        "#include <stdint.h>",
        "",
        f'#define UC_UNICODE_VERSION "{UNICODE_VERSION}"',
        "",
        "enum uc_class { UC_PLAIN = 0, UC_ESCAPE = 1, UC_ZERO = 2, UC_WIDE = 3 };",
        "",
        f"static const uint32_t uc_runs[{len(rs)}] = {{",
    ]
    row = []
    for first, k in rs:
        row.append(f"0x{first << 2 | k:07x},")
        if len(row) == 8:
            lines.append("\t" + " ".join(row))
            row = []
    if row:
        lines.append("\t" + " ".join(row))
    lines += ["};", "", "#endif", ""]
    return "\n".join(lines)


def crosscheck(gc, cls):
    """Prints how the classes differ from unicodedata and glibc's wcwidth."""
    import unicodedata

    print(f"Python unicodedata {unicodedata.unidata_version}, tables {UNICODE_VERSION}")
    gc_diff = eaw_diff = 0
    for c in range(MAX_CP + 1):
        if 0xD800 <= c <= 0xDFFF:
            continue
        py = unicodedata.category(chr(c))
        # Code points new since unicodedata's version are Cn there.
        if py == "Cn" or gc[c] == "Cn":
            continue
        if py != gc[c]:
            gc_diff += 1
            if gc_diff <= 10:
                print(f"  U+{c:04X}: category {gc[c]} here, {py} in unicodedata")
        wide = unicodedata.east_asian_width(chr(c)) in ("W", "F")
        if cls[c] in (PLAIN, WIDE) and wide != (cls[c] == WIDE):
            eaw_diff += 1
            if eaw_diff <= 10:
                print(f"  U+{c:04X}: {CLASS_NAMES[cls[c]]} here, "
                      f"EAW {unicodedata.east_asian_width(chr(c))} in unicodedata")
    print(f"  code points assigned in both: {gc_diff} category, {eaw_diff} wide differences")

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.setlocale.restype = ctypes.c_char_p
    if not libc.setlocale(0, b"C.UTF-8"):  # LC_CTYPE
        print("glibc: no C.UTF-8 locale, wcwidth not compared")
        return
    libc.wcwidth.argtypes = [ctypes.c_uint32]
    want = {PLAIN: 1, ZERO: 0, WIDE: 2}
    diff = unknown = 0
    for c in range(0xA0, MAX_CP + 1):
        if cls[c] == ESCAPE:
            continue
        w = libc.wcwidth(c)
        if w < 0:
            # Assigned after the Unicode version of glibc's tables.
            unknown += 1
        elif w != want[cls[c]]:
            diff += 1
            if diff <= 10:
                print(f"  U+{c:04X} ({gc[c]}): {CLASS_NAMES[cls[c]]} here, wcwidth {w}")
    print(f"glibc wcwidth (C.UTF-8), over code points not escaped: {diff} differences, "
          f"{unknown} unknown to glibc")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ucd", default=DEFAULT_UCD, help="directory of the UCD files")
    ap.add_argument("--output", default=OUTPUT, help="file to write")
    ap.add_argument("--check", action="store_true", help="only compare with --output")
    ap.add_argument("--crosscheck", action="store_true",
                    help="compare with unicodedata and wcwidth, write nothing")
    args = ap.parse_args()

    texts, digests = {}, {}
    for name in PINNED_SHA256:
        texts[name], digests[name] = read_pinned(args.ucd, name)
    gc = general_categories(texts["UnicodeData.txt"])
    cls = classes(gc, texts["EastAsianWidth.txt"], texts["HangulSyllableType.txt"])
    if args.crosscheck:
        crosscheck(gc, cls)
        return 0
    out = render(runs(cls), digests)
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except OSError as e:
            die(f"{args.output}: {e.strerror}")
        if current != out:
            print(f"{args.output} is stale: run tools/gen_unicode_tables.py", file=sys.stderr)
            return 1
        return 0
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
