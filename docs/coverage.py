#!/usr/bin/env python3
"""Literate coverage: how much of the library's code the book shows.

A line of ``nn/src/**/*.cpp`` counts as code unless it is blank, a comment (``//`` lines and
``/* ... */`` blocks) or a region marker (``// [name]``). It counts as shown when it lies inside a
region that some page of the book includes with ``.. excerpt:: <file> <region>``. New pages and
new source files are found by themselves (every .rst under docs/, every .cpp under nn/src).

    python3 docs/coverage.py               # a table per file and the total
    python3 docs/coverage.py --floor 80    # the same; exit status 1 if the total is below 80%
    python3 docs/coverage.py --total       # only the total, as a percentage (for the README)
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SOURCES = ROOT / "nn" / "src"
MARKER = re.compile(r"^\s*//\s*\[([A-Za-z0-9_.-]+)\]\s*$")
EXCERPT = re.compile(r"^\s*\.\.\s+excerpt::\s+(\S+)\s+(\S+)\s*$")


def excerpted_regions():
    """{path from the repository root: {region, ...}} over every page of the book."""
    shown = {}
    for page in DOCS.rglob("*.rst"):
        for line in page.read_text(encoding="utf-8").splitlines():
            if m := EXCERPT.match(line):
                shown.setdefault(m.group(1), set()).add(m.group(2))
    return shown


def code_lines(lines):
    """Indices of the lines that are code (not blank, not comment, not marker)."""
    code = []
    in_block = False
    for i, line in enumerate(lines):
        text = line.strip()
        if in_block:
            if "*/" in text:
                in_block = False
                rest = text.split("*/", 1)[1].strip()
                if rest and not rest.startswith("//"):
                    code.append(i)
            continue
        if not text or text.startswith("//"):
            continue
        if text.startswith("/*"):
            if "*/" not in text[2:]:
                in_block = True
                continue
            rest = text[2:].split("*/", 1)[1].strip()
            if not rest or rest.startswith("//"):
                continue
        code.append(i)
    return code


def shown_lines(lines, regions):
    """Indices of the lines inside any of ``regions`` (between pairs of their markers)."""
    inside = set()
    open_at = {}
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if not m or m.group(1) not in regions:
            continue
        name = m.group(1)
        if name in open_at:
            inside.update(range(open_at.pop(name) + 1, i))
        else:
            open_at[name] = i
    return inside


def measure():
    shown = excerpted_regions()
    rows = []
    for path in sorted(SOURCES.rglob("*.cpp")):
        rel = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").splitlines()
        code = code_lines(lines)
        covered = shown_lines(lines, shown.get(rel, set()))
        rows.append((rel, len(code), sum(1 for i in code if i in covered)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", type=float, help="fail if the total is below this percentage")
    parser.add_argument("--total", action="store_true", help="print only the total percentage")
    args = parser.parse_args()

    rows = measure()
    code = sum(r[1] for r in rows)
    covered = sum(r[2] for r in rows)
    total = 100.0 * covered / code if code else 100.0
    if args.total:
        print(f"{total:.1f}")
    else:
        width = max(len(r[0]) for r in rows)
        print(f"{'file':<{width}}  code  shown      %")
        for rel, n, k in rows:
            print(f"{rel:<{width}}  {n:4d}  {k:5d}  {100.0 * k / n if n else 100.0:5.1f}")
        print(f"{'total (nn/src)':<{width}}  {code:4d}  {covered:5d}  {total:5.1f}")
    if args.floor is not None and total < args.floor:
        print(f"literate coverage {total:.1f}% is below the floor of {args.floor:g}%: show the new "
              f"code in the book with `.. excerpt::` (see docs/chapters/_template.rst.txt)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
