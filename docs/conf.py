"""Sphinx configuration of the book.

Build the book with ``cmake --build <build-dir> --target book`` (configure with
-DNN_BUILD_DOCS=ON). That target runs Doxygen and the chapter demos first, then
calls sphinx-build on a staging directory in the build tree whose entries link
to this directory, plus ``_generated`` -> the demos' outputs and figures, so
pages include them as ``/_generated/01_neuron/neuron_demo.txt``. Two more
locations arrive in the environment:

    NN_BOOK_DOXYGEN_XML  Doxygen's XML output, read by Breathe
    NN_BOOK_STATIC       a directory holding the MathJax 2 subset (``mathjax/``)

The Chinese edition is the same build with two more (docs/translation.py sets them):

    NN_BOOK_LANGUAGE     ``zh_CN``; unset or ``en`` for the English edition
    NN_BOOK_LOCALE_DIR   the build tree's copy of docs/locale, where Sphinx compiles
                         the catalogues (.po -> .mo), so the source tree stays clean
"""
import os
import sys
from pathlib import Path

# The real docs/ directory (this file is reached through a link in the staging directory).
DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))


def _from_environment(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: build the book with "
                           f"`cmake --build <build-dir> --target book`")
    return value


# The edition: English (the sources) or a translation from docs/locale/<language>/.
language = os.environ.get("NN_BOOK_LANGUAGE") or "en"
TITLES = {"en": "Neural Networks from Scratch in C++", "zh_CN": "从零实现神经网络：C++ 版"}
project = TITLES["en"]
html_title = TITLES[language]
author = "the nn authors"
copyright = "the nn authors"

extensions = ["sphinx.ext.mathjax", "breathe", "excerpt", "api_group", "numpy_table",
              "edition", "glossary_table"]

# Translations: one catalogue per page (docs/locale/zh_CN/LC_MESSAGES/<page>.po), no
# source line numbers in them (they would change with every English edit), and the index
# entries translated too. Code, math and program output are not messages: both editions
# show the same ones. A figure drawn for an edition is picked by name:
# figures/activations.zh_CN.png in the Chinese edition, figures/activations.png otherwise.
locale_dirs = [os.environ.get("NN_BOOK_LOCALE_DIR") or str(DOCS / "locale")]
gettext_compact = False
gettext_location = False
gettext_uuid = False
gettext_additional_targets = ["index"]
figure_language_filename = "{root}.{language}{ext}"
# Search in the Chinese edition: Sphinx splits Chinese text into words with jieba (Debian's
# python3-jieba), taught the glossary's terms so that 批量归一化 or 随时间反向传播 are found whole.
if language == "zh_CN" and os.environ.get("NN_BOOK_LOCALE_DIR"):
    from glossary_csv import read_glossary

    _words = Path(os.environ["NN_BOOK_LOCALE_DIR"]) / "jieba_words.txt"
    _text = "".join(f"{term.chinese} 1000 n\n" for term in read_glossary(DOCS / "glossary.csv")
                    if not term.chinese.isascii())
    if not _words.exists() or _words.read_text(encoding="utf-8") != _text:
        _words.write_text(_text, encoding="utf-8")
    html_search_options = {"dict": str(_words)}

# The editions and where each is rendered, relative to the English edition's root
# (docs/_ext/edition.py links every page to its counterpart).
book_editions = {"en": "", "zh_CN": "zh_CN/"}
book_edition_names = {"en": "English", "zh_CN": "中文"}

# Sources: pages are .rst; the chapter template and the generated outputs are not pages.
source_suffix = ".rst"
root_doc = "index"
exclude_patterns = ["chapters/_template.rst.txt", "_generated", "_ext", "_static", "locale"]

# Code is C++ unless a block says otherwise.
primary_domain = "cpp"
highlight_language = "cpp"

# `.. excerpt:: nn/src/neuron.cpp neuron-forward`: paths are relative to the repository root.
excerpt_root = str(REPO)

# Breathe renders the API from Doxygen's XML. Each symbol is rendered once; see docs/api.rst.
breathe_projects = {"nn": _from_environment("NN_BOOK_DOXYGEN_XML")}
breathe_default_project = "nn"
breathe_domain_by_extension = {"hpp": "cpp", "dox": "cpp"}
# No "#include <...>" lines: they would link to file pages the book does not have.
breathe_show_include = False

# Every cross-reference must resolve (-n), except names from the standard
# library and xtensor, which have no pages in this book.
nitpicky = True
nitpick_ignore_regex = [
    (r"cpp:.*", r"(::)?(std|xt)(::.*)?"),
    # The namespace itself: Sphinx's C++ domain has no page to link `nn` to.
    (r"cpp:identifier", r"nn"),
    (r"cpp:.*", r"(u?int(8|16|32|64)_t|size_t|ptrdiff_t)"),
]

# MathJax 2.7.9 from Debian, served from _static: no network at build or read time.
# docs/_static holds the book's own layout rules and script (book.css, book.js: nothing is cut off
# at any width); the staged directory holds MathJax and the theme files patched for Debian.
html_static_path = [_from_environment("NN_BOOK_STATIC"), str(DOCS / "_static")]
html_css_files = ["book.css"]
html_js_files = ["book.js"]
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full"
# No "Loading [MathJax]..." messages in the corner while the page typesets.
# Long displayed equations break at the article's width instead of scrolling (book.js scales
# the few that cannot break, such as matrices).
mathjax2_config = {
    "messageStyle": "none",
    "CommonHTML": {"linebreaks": {"automatic": True, "width": "container"}},
    "HTML-CSS": {"linebreaks": {"automatic": True, "width": "container"}},
    "SVG": {"linebreaks": {"automatic": True, "width": "container"}},
}

# furo as Debian packages it. Its layout is pure CSS and works from disk; its script does not
# (Debian ships furo.js unbundled, starting with an `import`). docs/CMakeLists.txt bundles
# Debian's own two files the way upstream's webpack build does and stages the result as
# _static/scripts/furo.js, which replaces the theme's: the theme toggle, the contents
# highlighting and back-to-top then work from file://, with no other theme or download.
html_theme = "furo"
html_copy_source = False
html_show_sourcelink = False
pygments_style = "friendly"
pygments_dark_style = "monokai"
