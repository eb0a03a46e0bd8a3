"""What an analysis kind reports, as data: named exact values, closed forms, tables and prose.

An analysis kind (:mod:`linkage.analyses`) returns a :class:`Section`; every output format renders
it (:mod:`linkage.render.findings`), so a kind written once shows in text, Markdown, LaTeX, HTML
and JSON. Values stay exact (sympy) until a renderer prints them.

>>> import sympy
>>> s = Section("Levels", "linking raises welfare by 1/8",
...             (Fact("linked welfare", sympy.Rational(9, 8)), Paragraph("Slack moves to k2.")))
>>> s.items[0].value
9/8
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import attrs
import sympy

Value: TypeAlias = "sympy.Basic | str"
"""An exact value (a sympy number or expression) or a short text."""


def _value(value: Any) -> Value:
    if isinstance(value, str | sympy.Basic):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return sympy.Integer(value)
    raise TypeError(f"a finding's value is a sympy expression or a string, not {value!r}")


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _rows(rows: Any) -> tuple[tuple[Value, ...], ...]:
    return tuple(tuple(_value(v) for v in row) for row in rows)


@attrs.frozen
class Fact:
    """A named value: ``label = value`` with an optional note."""

    label: str
    value: Value = attrs.field(converter=_value)
    note: str = ""


@attrs.frozen
class ClosedForm:
    """A closed form: ``label: expr`` (an expression or a relation such as ``Eq``/``Ge``)."""

    label: str
    expr: sympy.Basic = attrs.field(validator=attrs.validators.instance_of(sympy.Basic))
    note: str = ""


@attrs.frozen
class Table:
    """A table of values; every row has as many cells as there are columns."""

    columns: tuple[str, ...] = attrs.field(converter=_strings)
    rows: tuple[tuple[Value, ...], ...] = attrs.field(converter=_rows)
    caption: str = ""

    def __attrs_post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {len(row)} cells in a table of {len(self.columns)}")


@attrs.frozen
class Paragraph:
    """A paragraph of plain text (no markup: every renderer escapes it)."""

    text: str


Item = Fact | ClosedForm | Table | Paragraph


def _items(value: Any) -> tuple[Item, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, Fact | ClosedForm | Table | Paragraph):
            raise TypeError(f"a section holds facts, formulas, tables and paragraphs, not {item!r}")
    return items


@attrs.frozen
class Section:
    """One analysis's result: a title, a one-line verdict, its items in order, and ``data``, a
    JSON-ready summary (strings, numbers, booleans, lists and tables of them) for ``--format json``.
    """

    title: str
    verdict: str
    items: tuple[Item, ...] = attrs.field(default=(), converter=_items)
    data: Mapping[str, Any] = attrs.field(factory=dict)
