"""The ``glossary-table`` directive: the English-Chinese glossary, read from a CSV file.

    .. glossary-table:: glossary.csv

renders the file's ``english`` and ``chinese`` columns as a two-column table, in the
file's order. The same file drives the translation check (docs/translation.py lint): each
term's Chinese form must appear wherever the English term does. The table's cells are
not translation messages (the terms are the same in both editions).
"""
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from glossary_csv import read_glossary
from numpy_table import two_column_table


class GlossaryTable(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        path = Path(self.env.srcdir) / self.arguments[0]
        self.env.note_dependency(str(path.resolve()))
        rows = sorted(read_glossary(path), key=lambda term: term.english.lower())

        table = two_column_table("glossary-table", ("English", "中文"),
                                 [(nodes.paragraph(text=t.english), nodes.paragraph(text=t.chinese)) for t in rows])
        return [table]


def setup(app):
    app.add_directive("glossary-table", GlossaryTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
