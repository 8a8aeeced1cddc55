"""The ``numpy-table`` directive: a two-column table, NumPy beside xtensor, read from a test.

    .. numpy-table:: nn/tests/test_numpy_to_xtensor.cpp numpy-table

reads the named region (as ``excerpt`` does). Each row starts at a comment line
``// np: <NumPy code>``; the code lines under it, up to the next ``// np:`` line, form
the xtensor column, leaving out blank lines, the test's ``CHECK`` lines (which assert
that the C++ computes what the NumPy line computes) and lines ending in ``// test only``. The table therefore shows only
code that compiles and passes.
"""
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from excerpt import ExcerptError, read_region

ROW = re.compile(r"^//\s*np:\s*(.*)$")

# The directive's own words, in each edition (they are not in a page, so not in its catalogue).
WORDS = {
    "en": {"xtensor": "xtensor (nn::Tensor<T> is xt::xarray<T>)",
           "checked by": ("Every row is compiled and checked by ", ".")},
    "zh_CN": {"xtensor": "xtensor（nn::Tensor<T> 即 xt::xarray<T>）",
              "checked by": ("每一行都经过编译，并由 ", " 检查。")},
}


def rows_of(code: str):
    rows = []
    for line in code.splitlines():
        text = line.strip()
        if m := ROW.match(text):
            rows.append([m.group(1), []])
        elif rows and text and not text.startswith(("CHECK", "REQUIRE", "//")):
            if not text.endswith("// test only"):
                rows[-1][1].append(text)
    return [(numpy, "\n".join(cpp)) for numpy, cpp in rows if cpp]


def two_column_table(css_class: str, titles, rows) -> nodes.table:
    """A two-column table: `titles`, the header's two texts; `rows`, pairs of nodes, each the
    content of a cell. Made here, not read from a page, its texts are no translation messages."""
    table = nodes.table(classes=[css_class])
    group = nodes.tgroup(cols=2)
    table += group
    group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=1)]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    for target, cells in [(head, [nodes.paragraph(text=t) for t in titles])] + [(body, r) for r in rows]:
        row = nodes.row()
        for content in cells:
            entry = nodes.entry()
            entry += content
            row += entry
        target += row
    return table


class NumpyTable(SphinxDirective):
    required_arguments = 2
    has_content = False

    def run(self):
        relpath, region = self.arguments
        path = Path(self.config.excerpt_root) / relpath
        source, line = self.get_source_info()
        try:
            rows = rows_of(read_region(path, region))
        except ExcerptError as error:
            raise ExcerptError(f"{source}:{line}: {error}") from None
        if not rows:
            raise ExcerptError(f"{source}:{line}: {relpath} region '{region}' has no `// np:` rows")
        self.env.note_dependency(str(path.resolve()))

        words = WORDS.get(self.config.language, WORDS["en"])
        table = two_column_table("numpy-table", ("NumPy", words["xtensor"]),
                                 [(nodes.literal_block(numpy, numpy, language="python"),
                                   nodes.literal_block(cpp, cpp, language="cpp")) for numpy, cpp in rows])
        caption = nodes.paragraph()
        caption += nodes.Text(words["checked by"][0])
        caption += nodes.literal(text=relpath)
        caption += nodes.Text(words["checked by"][1])
        return [table, caption]


def setup(app):
    app.add_directive("numpy-table", NumpyTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
