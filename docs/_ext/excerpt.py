"""The ``excerpt`` directive: a named region of a source file, shown as a C++ code block.

    .. excerpt:: nn/src/neuron.cpp neuron-forward

shows the lines between the two marker lines ``// [neuron-forward]`` of
``nn/src/neuron.cpp``, dedented, in a code block captioned with that path. The
path is relative to the repository root (``excerpt_root`` in conf.py). A region
may come in several pieces (markers 1-2, 3-4, ...); they are joined with a
``// ...`` line. Marker lines of other regions nested inside are left out.

A missing file, a missing or empty region, or a marker that appears an odd
number of times stops the build: the book never shows code that is not in the
compiled, tested sources. Each excerpted file is recorded as a dependency of
the page, so editing the code re-renders the page that shows it.
"""
import re
import textwrap
from pathlib import Path

from docutils import nodes
from sphinx.directives.code import container_wrapper
from sphinx.errors import SphinxError
from sphinx.util.docutils import SphinxDirective

# Any marker line: optional indentation, `// [name]`, nothing else.
MARKER = re.compile(r"^\s*//\s*\[([A-Za-z0-9_.-]+)\]\s*$")


class ExcerptError(SphinxError):
    category = "Excerpt error"


def read_region(path: Path, region: str) -> str:
    """The text of ``region`` in ``path``, dedented; raises ExcerptError if it is not there."""
    if not path.is_file():
        raise ExcerptError(f"no such file: {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    marks = [i for i, line in enumerate(lines)
             if (m := MARKER.match(line)) and m.group(1) == region]
    if not marks:
        raise ExcerptError(f"{path}: no region '{region}' "
                           f"(expected a pair of lines `// [{region}]`)")
    if len(marks) % 2:
        at = ", ".join(str(i + 1) for i in marks)
        raise ExcerptError(f"{path}: marker `// [{region}]` appears {len(marks)} times "
                           f"(lines {at}); each piece of a region needs an opening "
                           f"and a closing marker")
    pieces = []
    for start, end in zip(marks[0::2], marks[1::2]):
        body = [line for line in lines[start + 1:end] if not MARKER.match(line)]
        pieces.append(textwrap.dedent("\n".join(body)).strip("\n"))
    if not any(pieces):
        raise ExcerptError(f"{path}: region '{region}' is empty")
    return "\n\n// ...\n\n".join(pieces)


class Excerpt(SphinxDirective):
    """``.. excerpt:: <path from the repository root> <region>``"""

    required_arguments = 2
    optional_arguments = 0
    has_content = False

    def run(self):
        relpath, region = self.arguments
        root = self.config.excerpt_root
        if not root:
            raise ExcerptError("excerpt_root is not set in conf.py")
        path = Path(root) / relpath
        source, line = self.get_source_info()
        try:
            code = read_region(path, region)
        except ExcerptError as error:
            raise ExcerptError(f"{source}:{line}: {error}") from None
        self.env.note_dependency(str(path.resolve()))

        block = nodes.literal_block(code, code, language="cpp", source=str(path))
        self.set_source_info(block)
        return [container_wrapper(self, block, relpath)]


def setup(app):
    app.add_config_value("excerpt_root", None, "env")
    app.add_directive("excerpt", Excerpt)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
