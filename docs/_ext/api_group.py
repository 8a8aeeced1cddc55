"""API pages from Doxygen groups, and a check that every grouped symbol is rendered.

    .. api-group:: ch02

renders every symbol of the Doxygen group ``ch02`` (``@ingroup ch02`` in the
headers), in header order, one Breathe directive each: ``doxygenclass`` or
``doxygenstruct`` with all its public members, ``doxygenfunction`` with the argument list
(so overloads resolve), ``doxygentypedef``, ``doxygenenum``, ``doxygenvariable``.
Breathe's own ``doxygengroup`` is not used because it declares a group's free
functions outside their namespace (``gemm`` instead of ``nn::gemm``), which
breaks cross-references to and from them.

After reading, every symbol of every group must have been rendered somewhere in
the book, by ``api-group`` or by a chapter page's own directives; a symbol
rendered nowhere is a warning (an error under -W) naming its group. Rendering a
symbol twice is Sphinx's own "Duplicate C++ declaration" warning. So each
symbol appears exactly once; docs/api.rst states the rule for where.
"""
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

MEMBER_DIRECTIVES = {
    "function": "doxygenfunction",
    "typedef": "doxygentypedef",
    "enum": "doxygenenum",
    "variable": "doxygenvariable",
}


class ApiGroupError(SphinxError):
    category = "API group error"


def xml_dir(config) -> Path:
    return Path(config.breathe_projects[config.breathe_default_project])


def group_symbols(xml: Path, group: str):
    """[(file, line, qualified name, kind, argsstring)] of a group, in header order."""
    path = xml / f"group__{group}.xml"
    if not path.is_file():
        raise ApiGroupError(f"no Doxygen group '{group}' ({path} is missing); "
                            f"groups are defined in docs/groups.dox")
    compound = ET.parse(path).getroot().find("compounddef")
    symbols = []
    for inner in compound.findall("innerclass"):
        cls = ET.parse(xml / f"{inner.get('refid')}.xml").getroot().find("compounddef")
        loc = cls.find("location")
        symbols.append((loc.get("file"), int(loc.get("line")), inner.text, cls.get("kind"), ""))
    for member in compound.iter("memberdef"):
        kind = member.get("kind")
        if kind not in MEMBER_DIRECTIVES:
            continue
        loc = member.find("location")
        symbols.append((loc.get("file"), int(loc.get("line")), member.findtext("qualifiedname"),
                        kind, member.findtext("argsstring") or ""))
    return sorted(symbols)


def all_group_names(xml: Path):
    index = ET.parse(xml / "index.xml").getroot()
    return sorted(c.findtext("name") for c in index.findall("compound")
                  if c.get("kind") == "group")


class ApiGroup(SphinxDirective):
    """``.. api-group:: <group>``"""

    required_arguments = 1
    has_content = False

    def run(self):
        group = self.arguments[0]
        xml = xml_dir(self.config)
        self.env.note_dependency(str(xml / f"group__{group}.xml"))
        lines = []
        for _file, _line, name, kind, args in group_symbols(xml, group):
            if kind in ("class", "struct"):
                lines += [f".. doxygen{kind}:: {name}", "   :members:", "   :undoc-members:", ""]
            elif kind == "function":
                lines += [f".. doxygenfunction:: {name}{args}", ""]
            else:
                lines += [f".. {MEMBER_DIRECTIVES[kind]}:: {name}", ""]
        container = nodes.container()
        # Messages about the generated directives point at this directive's line.
        source, line = self.get_source_info()
        self.state.nested_parse(StringList(lines, items=[(source, line - 1)] * len(lines)),
                                0, container)
        return container.children


def rendered_names(env) -> Counter:
    """How many C++ declarations of each qualified name the book renders."""
    root = env.domaindata["cpp"]["root_symbol"]
    names = Counter()
    for symbol in root.get_all_symbols():
        decl = symbol.declaration
        if decl is not None and symbol.docname is not None and \
                decl.objectType not in ("templateParam", "functionParam"):
            names[str(symbol.get_full_nested_name()).lstrip(":")] += 1
    return names


def check_every_symbol_rendered(app, env):
    xml = xml_dir(app.config)
    if not (xml / "index.xml").is_file():
        return
    expected = Counter()
    group_of = {}
    for group in all_group_names(xml):
        for _file, _line, name, _kind, _args in group_symbols(xml, group):
            expected[name] += 1
            group_of.setdefault(name, group)
    rendered = rendered_names(env)
    for name, count in sorted(expected.items()):
        if rendered[name] < count:
            logger.warning(f"{name} (group {group_of[name]}) is not rendered anywhere in the "
                           f"book: render it on its chapter's page, or in docs/api.rst with "
                           f"`.. api-group:: {group_of[name]}` (see the rule there)")


def setup(app):
    app.add_directive("api-group", ApiGroup)
    app.connect("env-check-consistency", check_every_symbol_rendered)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
