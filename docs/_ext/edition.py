"""Every page links to the same page in the book's other edition.

The English edition is rendered at the root of the HTML directory and each translation in
a folder of its own (``book_editions`` in conf.py: ``{"en": "", "zh_CN": "zh_CN/"}``), so
chapters/05_cnn.html in English is zh_CN/chapters/05_cnn.html in Chinese. The link is put
at the top of the article, where it shows at every width, and in the page's <head> as
``<link rel="alternate" hreflang=...>``.
"""
from html import escape

from docutils import nodes
from sphinx.transforms import SphinxTransform


class MathIsNotAMessage(SphinxTransform):
    """Displayed equations are the same in every edition: not messages to translate.
    (Sphinx 5 leaves math blocks out of its list of untranslatable nodes; code and raw
    blocks are already in it.) Runs before Sphinx's own translation transform (20)."""
    default_priority = 10

    def apply(self, **kwargs):
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False


def _relative(pagename: str, from_edition: str, to_edition: str, editions: dict) -> str:
    """The path from page `pagename` in one edition to the same page in another."""
    up = "../" * (pagename.count("/") + editions[from_edition].count("/"))
    return f"{up}{editions[to_edition]}{pagename}.html"


def add_switch(app, pagename, templatename, context, doctree):
    editions = app.config.book_editions
    names = app.config.book_edition_names
    here = app.config.language if app.config.language in editions else "en"
    links = []
    for edition in editions:
        if edition == here:
            continue
        href = escape(_relative(pagename, here, edition, editions))
        lang = edition.replace("_", "-")
        links.append(f'<a href="{href}" hreflang="{lang}" lang="{lang}">{escape(names[edition])}</a>')
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" hreflang="{lang}" href="{href}" />')
    if links and "body" in context:
        context["body"] = f'<p class="edition-switch">{" · ".join(links)}</p>\n' + context["body"]


def setup(app):
    app.add_config_value("book_editions", {"en": ""}, "html")
    app.add_config_value("book_edition_names", {"en": "English"}, "html")
    app.connect("html-page-context", add_switch)
    app.add_transform(MathIsNotAMessage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
