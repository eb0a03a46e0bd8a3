r"""Griffe extensions that let the API reference show the package as it is written.

``AttrsInit`` gives each ``attrs`` class the ``__init__`` signature that attrs generates (griffe
reads source and knows only dataclasses), from ``attrs.fields`` of the imported class, and leaves
out the fields without a docstring (the signature shows them) and attrs' hooks.

``SphinxRoles`` renders the docstrings, which are written for Sphinx, in Markdown. When griffe
loads a package it rewrites each docstring in memory (never the source):

* ``:class:``, ``:func:``, ``:meth:``, ``:mod:``, ``:data:``, ``:attr:``, ``:exc:`` and ``:obj:``
  become cross-references. A name is resolved as Python would (the object's scope, its module's
  imports), else as the one object of that name in the package; ``~`` shows the last component,
  ``title <target>`` a title. A name in the package that does not exist is a warning, so the
  strict build fails on a stale reference; another library's name stays code.
* ``:math:`...` `` and ``.. math::`` become ``\(...\)`` and ``\[...\]``, which
  ``pymdownx.arithmatex`` marks and the ``mathml.py`` hook typesets.
* Doctest blocks are fenced as ``pycon``, ``text::`` before a literal block becomes ``text:``,
  and definition lists become ``def_list`` syntax.

Double-backtick literals are left alone, so a role quoted as an example stays as written.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import attrs
import griffe

logger = logging.getLogger("mkdocs.plugins.linkage_api")  # a warning fails a strict build

ROLE = re.compile(r":(?:py:)?(class|func|meth|mod|data|attr|exc|obj|math):`([^`]+)`")
# ``.. math::`` with its text on the same line and/or on the following, more indented lines.
DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<first>.*)\n"
    r"(?P<rest>(?:(?P=indent)[ \t]+\S.*\n?)*)",
    re.M,
)
LIST_ITEM = re.compile(r"^([*+-]|\d+\.)\s")
LITERAL = re.compile(r"(``.+?``)")


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)


class AttrsInit(griffe.Extension):
    """The ``__init__`` that attrs generates, so that each attrs class shows its signature."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for obj in _walk(pkg):
            if obj.is_class and "__init__" not in obj.members:
                try:
                    runtime = griffe.dynamic_import(obj.path)
                except ImportError as exc:  # e.g. an optional dependency is missing
                    logger.warning("%s: cannot import it to read its fields: %s", obj.path, exc)
                    continue
                if attrs.has(runtime):
                    obj.set_member("__init__", _attrs_init(obj, runtime))
                    for name, member in list(obj.members.items()):
                        # attrs' hooks are not API; the signature shows undocumented fields
                        field = name in attrs.fields_dict(runtime) and member.is_attribute
                        if name.startswith("__attrs_") or (field and not member.docstring):
                            obj.del_member(name)


def _attrs_init(cls: griffe.Class, runtime: type) -> griffe.Function:
    kind = griffe.ParameterKind
    parameters = [griffe.Parameter("self", kind=kind.positional_or_keyword)]
    fields = [f for f in attrs.fields(runtime) if f.init]
    for field in sorted(fields, key=lambda f: f.kw_only):  # keyword-only ones last
        if field.default is attrs.NOTHING:
            default = None
        elif isinstance(field.default, attrs.Factory):
            default = "..." if field.default.takes_self else repr(field.default.factory())
        else:
            default = repr(field.default)
        member = cls.members.get(field.name)
        parameters.append(
            griffe.Parameter(
                field.alias or field.name,
                annotation=member.annotation
                if member is not None and member.is_attribute
                else None,
                kind=kind.keyword_only if field.kw_only else kind.positional_or_keyword,
                default=default,
            )
        )
    return griffe.Function(
        "__init__", parent=cls, parameters=griffe.Parameters(*parameters), returns="None"
    )


class SphinxRoles(griffe.Extension):
    """Sphinx roles, math and RST blocks in every docstring of a package, as Markdown."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        objects = list(_walk(pkg))
        by_name: dict[str, set[str]] = defaultdict(set)
        for obj in objects:
            by_name[obj.name].add(obj.path)
        for obj in objects:
            if obj.docstring is None:
                continue
            # The parsed sections are what gets rendered (and may be parsed already).
            for section in obj.docstring.parsed:
                if isinstance(section.value, str):
                    section.value = rewrite(section.value, obj, by_name)
                elif isinstance(section.value, list):
                    for item in section.value:
                        if isinstance(getattr(item, "description", None), str):
                            item.description = rewrite(item.description, obj, by_name)


def rewrite(text: str, obj: griffe.Object, by_name: dict[str, set[str]]) -> str:
    parts = LITERAL.split(_blocks(DIRECTIVE.sub(_display_math, text)))
    for i in range(0, len(parts), 2):  # outside ``literals``
        parts[i] = ROLE.sub(lambda m: _role(m, obj, by_name), parts[i])
    return "".join(parts)


def _display_math(m: re.Match[str]) -> str:
    body = " ".join(line.strip() for line in [m["first"], *m["rest"].splitlines()])
    indent = m["indent"]
    return f"\n{indent}\\[\n{indent}{body.strip()}\n{indent}\\]\n\n"


def _blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.startswith(">>> "):  # a doctest, up to the next blank line
            out.append("```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
            out.append("```")
            continue
        if line.endswith("::") and not following.strip():  # before a literal block
            out.append(line[:-2].rstrip() + (":" if line.strip() != "::" else ""))
        elif (  # a definition list's term: its definition is indented below it
            line.strip()
            and not line[0].isspace()
            and not LIST_ITEM.match(line)
            and following.startswith("  ")
            and following.strip()
            and (not out or not out[-1].strip() or out[-1][0].isspace())
        ):
            out += ["", line] if out and out[-1].strip() else [line]
            body = []
            i += 1
            while i < len(lines) and lines[i][:1].isspace() and lines[i].strip():
                body.append(lines[i].strip())
                i += 1
            out += [":   " + body[0], *("    " + b for b in body[1:]), ""]
            continue
        else:
            out.append(line)
        i += 1
    return "\n".join(out)


def _role(m: re.Match[str], obj: griffe.Object, by_name: dict[str, set[str]]) -> str:
    kind, text = m.groups()
    if kind == "math":
        return f"\\({text}\\)"
    title, _, target = text.partition(" <")
    if target:  # :attr:`title <target>`
        target = target.removesuffix(">")
    else:
        title = target = text
    name = re.sub(r"\(.*\)$", "", target.lstrip("~."))  # f(), CaseError(s)
    if title == text:
        title = name.rsplit(".", 1)[-1] if text.startswith("~") else name
        if kind in ("func", "meth"):
            title += "()"
    path = _resolve(name, obj, by_name)
    if path is None:
        return f"`{title}`"
    return f'<autoref identifier="{path}" optional><code>{title}</code></autoref>'


def _resolve(name: str, obj: griffe.Object, by_name: dict[str, set[str]]) -> str | None:
    """The canonical path of ``name`` as seen from ``obj``; None for another library's name."""
    head, _, rest = name.partition(".")
    if head == obj.package.name:
        base = head  # absolute (a class attribute may have the package's name)
    else:
        try:
            base = obj.resolve(head)
        except griffe.NameResolutionError:
            if len(by_name.get(head, ())) != 1:
                return None
            (base,) = by_name[head]
        if base.split(".", 1)[0] != obj.package.name:
            return None
    path = f"{base}.{rest}" if rest else base
    try:
        target = obj.modules_collection[path]
        return target.canonical_path if target.is_alias else target.path
    except griffe.AliasResolutionError:
        return None
    except KeyError:
        logger.warning("%s: the docstring refers to %s, which does not exist", obj.path, name)
        return None
