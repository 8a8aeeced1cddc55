"""The book's translations: catalogues kept in step with the English sources.

The English .rst pages are the single source of truth. Sphinx's gettext builder cuts
them into messages (paragraphs, headings, captions, list items, table cells, index
entries); each translation keeps one catalogue per page in
docs/locale/<language>/LC_MESSAGES/<page>.po. Code, math and program output are not
messages: every edition shows the same ones.

    python3 docs/translation.py status  [--build DIR]   what needs translating; exit 1 if anything
    python3 docs/translation.py update  [--build DIR]   merge English edits into the catalogues, then status
    python3 docs/translation.py lint [PAGE...]          the catalogues alone: untranslated, fuzzy, glossary
    python3 docs/translation.py html    [--build DIR] [--out DIR]   render the translated edition

`status` and `html` need a configured build tree (``./nnbook setup`` or ``cmake --preset
default``) whose book outputs exist: the gettext builder runs the same directives as the
HTML one. ``./nnbook translate`` is `update`. After an English edit, a changed message
comes back *fuzzy*, with its old English (``#| msgid``) and old translation kept for
reference: correct the translation, delete the ``#, fuzzy`` line, and the build passes again.

The glossary (docs/glossary.csv) fixes one Chinese rendering for each technical term.
`lint` checks every translated message whose English contains a term (outside code and
math) for the term's Chinese form. It also catches the two ways Sphinx drops a translation
without a warning: a translation that parses as another kind of block than its English (a
message starting "Y. LeCun" is a numbered list), and a link to a section of the page that
does not use the section's translated title. Where a term is used in another sense, a translator
comment ``# glossary-ok: <term>`` above the message exempts it.
"""
import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from docutils import nodes
from docutils.core import publish_doctree

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
from glossary_csv import read_glossary  # noqa: E402 (docs/_ext is not a package)

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
LANGUAGE = "zh_CN"
CATALOGUES = DOCS / "locale" / LANGUAGE / "LC_MESSAGES"
GLOSSARY = DOCS / "glossary.csv"
PYTHON = "/usr/bin/python3"


def sphinx(build: Path, builder: str, out: Path, doctrees: Path, extra_env=None, quiet=True):
    """Runs sphinx-build on the staged sources of build tree `build`."""
    stage = build / "docs" / "src"
    xml = build / "docs" / "doxygen" / "xml"
    if not (stage / "conf.py").exists() or not (xml / "index.xml").exists():
        raise SystemExit(f"{build}: no rendered book sources there; run ./nnbook setup "
                         f"(or cmake --build {build} --target book) first")
    env = dict(os.environ, NN_BOOK_DOXYGEN_XML=str(xml), NN_BOOK_STATIC=str(build / "docs" / "static"),
               PYTHONDONTWRITEBYTECODE="1", **(extra_env or {}))
    command = [PYTHON, "-m", "sphinx", "-b", builder, "-d", str(doctrees), str(stage), str(out)]
    if quiet:
        command.insert(3, "-q")
    if builder == "html":
        command[3:3] = ["-W", "--keep-going", "-n"]
    return subprocess.run(command, env=env).returncode


def extract(build: Path) -> Path:
    """The English messages, one template (.pot) per page, under <build>/docs/gettext."""
    out = build / "docs" / "gettext"
    if sphinx(build, "gettext", out, build / "docs" / "doctrees-gettext") != 0:
        raise SystemExit("sphinx-build -b gettext failed: the English pages have errors, listed above")
    return out


def templates(pot_dir: Path) -> dict[str, Path]:
    return {str(p.relative_to(pot_dir).with_suffix("")): p for p in sorted(pot_dir.rglob("*.pot"))}


def merge(pot: Path, po: Path, out: Path):
    """msgmerge: `po`'s translations onto the messages of `pot`, written to `out`.
    New messages are untranslated; changed ones keep their old translation, marked fuzzy,
    with the previous English beside it; messages the English no longer has are dropped."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if po.exists():
        subprocess.run(["msgmerge", "--quiet", "--no-wrap", "--previous", "--lang", LANGUAGE,
                        "-o", str(out), str(po), str(pot)], check=True)
        subprocess.run(["msgattrib", "--no-wrap", "--no-obsolete", "-o", str(out), str(out)], check=True)
    else:
        subprocess.run(["msginit", "--no-translator", "--no-wrap", "--locale", f"{LANGUAGE}.UTF-8",
                        "-i", str(pot), "-o", str(out)], check=True, stderr=subprocess.DEVNULL)


def needs_work(catalogue: polib.POFile):
    """(kind, entry) for every message not ready to show."""
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            yield "fuzzy", entry
        elif not entry.msgstr:
            yield "untranslated", entry


# --- the glossary ----------------------------------------------------------------------------
# Text the glossary does not look at: inline code, roles (math, cross-references), URLs, paths,
# and titles in double quotes (papers in the further reading, kept in English).
NOT_PROSE = re.compile(r"``.+?``|:[\w:+-]+:`[^`]*`|<https?://[^>]*>|https?://\S+|\"[^\"]*\""
                       r"|[\w.-]*/[\w./-]+|\b[\w-]+\.(?:cpp|hpp|py|txt|csv|sh|rst)\b", re.S)


def glossary_terms():
    terms = []
    for english, chinese, pattern in read_glossary(GLOSSARY):
        pattern = pattern or re.escape(english).replace(r"\ ", r"[ -]") + "s?"
        terms.append((english, chinese, re.compile(rf"(?<![\w-]){pattern}(?![\w-])", re.I)))
    return terms


def glossary_problems(name: str, catalogue: polib.POFile, terms):
    for entry in catalogue:
        if entry.obsolete or not entry.msgstr or "fuzzy" in entry.flags:
            continue
        english = NOT_PROSE.sub(" ", entry.msgid)
        exempt = set(re.findall(r"glossary-ok:\s*([^\n,]+)", entry.tcomment or ""))
        exempt = {e.strip().lower() for e in exempt}
        for term, chinese, pattern in terms:
            if term.lower() in exempt or not pattern.search(english):
                continue
            if chinese.lower() not in entry.msgstr.lower():
                yield f"{name}.po: '{term}' must read '{chinese}' (docs/glossary.csv): {entry.msgid[:90]!r}"


# --- two ways a translation is dropped without a warning ------------------------------------
def reads_as_one_paragraph(text: str) -> bool:
    """Whether reStructuredText reads `text` as exactly one paragraph. Sphinx parses each
    translation on its own and keeps it only if it is one (the first block is taken, the
    rest dropped); anything else, and the page shows the English without a warning.
    "Y. LeCun, ..." alone is a numbered list to docutils: write "Y\\. LeCun"."""
    if text.rstrip().endswith("::"):
        text += "\n\n   dummy literal"  # as Sphinx does: a literal block follows
    document = publish_doctree(text, settings_overrides={
        "report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(), "file_insertion_enabled": False})
    blocks = [node for node in document.children if not isinstance(node, nodes.system_message)]
    return bool(blocks) and isinstance(blocks[0], nodes.paragraph) and (
        len(blocks) == 1 or isinstance(blocks[1], nodes.literal_block))


# Index entries are not parsed as text: "single: im2col", "pair: ...; ...".
INDEX_ENTRY = ("single:", "pair:", "triple:", "see:", "seealso:")
# `Section title`_ : a link to a section of the same page, by its title.
SECTION_LINK = re.compile(r"`([^`<>]+?)`_(?!_)")


def markup_problems(name: str, catalogue: polib.POFile):
    titles = {entry.msgid: entry.msgstr for entry in catalogue if entry.msgstr}
    for entry in catalogue:
        if entry.obsolete or not entry.msgstr or "fuzzy" in entry.flags:
            continue
        if entry.msgstr != entry.msgid and not entry.msgid.startswith(INDEX_ENTRY) \
                and not reads_as_one_paragraph(entry.msgstr):
            yield (f"{name}.po: the translation does not read as one paragraph, so Sphinx would show "
                   f"the English: {entry.msgstr[:70]!r}")
        # A link to a section must use that section's translated title, or it resolves elsewhere.
        for english, chinese in zip(SECTION_LINK.findall(entry.msgid), SECTION_LINK.findall(entry.msgstr)):
            title = " ".join(english.split())
            if title in titles and " ".join(chinese.split()) != titles[title]:
                yield (f"{name}.po: the link `{chinese}`_ should name its section as translated, "
                       f"`{titles[title]}`_ (English `{title}`_)")


def show(kind: str, name: str, entry: polib.POEntry):
    text = entry.msgid if len(entry.msgid) < 300 else entry.msgid[:297] + "..."
    print(f"  [{kind}] {name}.po: {text}")
    if kind == "fuzzy" and entry.previous_msgid:
        print(f"      (the English was: {entry.previous_msgid[:200]})")


def report(catalogues: dict[str, polib.POFile], stale: list[str]) -> int:
    """Prints what needs translating; returns the number of problems."""
    counts = {"untranslated": 0, "fuzzy": 0}
    for name, catalogue in catalogues.items():
        for kind, entry in needs_work(catalogue):
            counts[kind] += 1
            show(kind, name, entry)
    for name in stale:
        print(f"  [stale] {CATALOGUES / name}.po: the English page is gone; `update` removes it")
    terms = glossary_terms()
    glossary = [p for name, c in catalogues.items() for p in glossary_problems(name, c, terms)]
    for problem in glossary:
        print(f"  [glossary] {problem}")
    markup = [p for name, c in catalogues.items() for p in markup_problems(name, c)]
    for problem in markup:
        print(f"  [markup] {problem}")
    total = sum(len(list(c)) for c in catalogues.values())
    problems = counts["untranslated"] + counts["fuzzy"] + len(stale) + len(glossary) + len(markup)
    print(f"{LANGUAGE}: {total} messages in {len(catalogues)} catalogues; "
          f"{counts['untranslated']} untranslated, {counts['fuzzy']} fuzzy, "
          f"{len(glossary)} off the glossary, {len(markup)} with markup problems, {len(stale)} stale")
    if problems:
        print(f"  to fix: edit {CATALOGUES.relative_to(REPO)}/<page>.po (after `./nnbook translate`)")
    return problems


def cmd_status(args) -> int:
    pots = templates(extract(args.build))
    with tempfile.TemporaryDirectory() as tmp:
        merged = {}
        for name, pot in pots.items():
            out = Path(tmp) / f"{name}.po"
            merge(pot, CATALOGUES / f"{name}.po", out)
            merged[name] = polib.pofile(str(out))
        stale = [n for n in (str(p.relative_to(CATALOGUES).with_suffix("")) for p in CATALOGUES.rglob("*.po"))
                 if n not in pots]
        return 1 if report(merged, stale) else 0


def undated(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*\n', "", text, flags=re.M)


def cmd_update(args) -> int:
    pots = templates(extract(args.build))
    with tempfile.TemporaryDirectory() as tmp:
        for name, pot in pots.items():
            po, merged = CATALOGUES / f"{name}.po", Path(tmp) / f"{name}.po"
            merge(pot, po, merged)
            # A catalogue whose messages did not change keeps its file (msgmerge would only
            # move its POT-Creation-Date).
            if not po.exists() or undated(merged.read_text()) != undated(po.read_text()):
                po.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(merged, po)
    for po in CATALOGUES.rglob("*.po"):
        if str(po.relative_to(CATALOGUES).with_suffix("")) not in pots:
            po.unlink()
            print(f"removed {po.relative_to(REPO)}: its English page is gone")
    return 1 if report(source_catalogues(), []) else 0


def source_catalogues() -> dict[str, polib.POFile]:
    return {str(p.relative_to(CATALOGUES).with_suffix("")): polib.pofile(str(p))
            for p in sorted(CATALOGUES.rglob("*.po"))}


def cmd_lint(args) -> int:
    catalogues = {name: c for name, c in source_catalogues().items()
                  if not args.pages or any(name.startswith(page) for page in args.pages)}
    if not catalogues:
        print(f"no catalogues in {CATALOGUES}")
        return 1
    for name in catalogues:
        check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(CATALOGUES / f"{name}.po")],
                               capture_output=True, text=True)
        if check.returncode:
            print(check.stderr, end="")
            return 1
    return 1 if report(catalogues, []) else 0


def sync_locale(target: Path):
    """Copies docs/locale to `target`, file by file and only what changed (keeping the
    times), so Sphinx recompiles and re-reads only the pages whose catalogue changed."""
    source = DOCS / "locale"
    for po in source.rglob("*.po"):
        copy = target / po.relative_to(source)
        if not copy.exists() or copy.read_bytes() != po.read_bytes():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(po, copy)
    for copy in target.rglob("*.po"):
        if not (source / copy.relative_to(target)).exists():
            copy.unlink()
            copy.with_suffix(".mo").unlink(missing_ok=True)


def cmd_html(args) -> int:
    if args.out:  # a private rendering: its own catalogues and saved state beside it
        out = args.out.resolve()
        locale, doctrees = out.with_name(out.name + "-locale"), out.with_name(out.name + "-doctrees")
    else:
        out = args.build / "docs" / "html" / LANGUAGE
        locale, doctrees = args.build / "docs" / "locale", args.build / "docs" / f"doctrees-{LANGUAGE}"
    sync_locale(locale)
    status = sphinx(args.build, "html", out, doctrees,
                    {"NN_BOOK_LANGUAGE": LANGUAGE, "NN_BOOK_LOCALE_DIR": str(locale)})
    if status != 0:
        # Sphinx re-reads only changed pages: start afresh next time, so every warning shows again.
        shutil.rmtree(doctrees, ignore_errors=True)
        print(f"sphinx-build failed ({status}): the {LANGUAGE} edition has errors, listed above")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["status", "update", "lint", "html"])
    parser.add_argument("pages", nargs="*", help="lint: only these catalogues (e.g. chapters/05_cnn)")
    parser.add_argument("--build", type=Path, default=REPO / "build", help="the build tree (default: build)")
    parser.add_argument("--out", type=Path, help="html: where to render (default: <build>/docs/html/zh_CN)")
    args = parser.parse_args()
    args.build = args.build.resolve()
    return {"status": cmd_status, "update": cmd_update, "lint": cmd_lint, "html": cmd_html}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
