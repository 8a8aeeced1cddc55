"""The English-Chinese glossary, docs/glossary.csv, read in one place.

Three things use it: the glossary page (glossary_table.py), the translation check
(docs/translation.py lint: each term's Chinese form wherever the English term appears)
and the Chinese edition's search (conf.py teaches jieba the Chinese terms as words).
"""
import csv
from pathlib import Path
from typing import NamedTuple


class Term(NamedTuple):
    english: str
    chinese: str
    pattern: str  # a regular expression for the English term in prose; "" for the default


def read_glossary(path: Path) -> list[Term]:
    """The file's rows in order, each column stripped of surrounding blanks."""
    with open(path, newline="", encoding="utf-8") as f:
        return [Term(row["english"].strip(), row["chinese"].strip(), (row.get("pattern") or "").strip())
                for row in csv.DictReader(f)]
