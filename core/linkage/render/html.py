r"""HTML building blocks: presentation MathML of exact values, tables, verdicts, embedded figures,
and the comparison table. Used by the report (:mod:`linkage.render.html_report`) and by notebook
display (:mod:`linkage.render.notebook`). All text from case files is escaped.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

import sympy
from sympy.printing.mathml import mathml

from linkage.compare import Comparison, ComparisonRow
from linkage.engine.threshold import Threshold
from linkage.plots import figure_bytes
from linkage.render.comparison import HEADERS, cell
from linkage.symbols import delta

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MATHML_LIMIT = 2000
"""Closed forms longer than this (as text) are summarised instead of typeset."""


# -- small pieces -------------------------------------------------------------------------------
def anchor(case_id: str) -> str:
    """The HTML id of a case's section."""
    return "case-" + re.sub(r"[^A-Za-z0-9_-]", "-", case_id)


def math(expr: sympy.Basic) -> str:
    """``expr`` as inline presentation MathML (text when too long or not printable).

    An exact root of a polynomial (``CRootOf``, from T-period punishments) is shown as the root of
    its polynomial in δ when it stands alone, else by its decimal value."""
    if isinstance(expr, sympy.CRootOf):
        poly = expr.expr.subs(expr.poly.gen, delta)
        return f"the root in (0, 1) of {math(sympy.Eq(poly, 0))}"
    if isinstance(expr, sympy.Expr) and expr.is_number and expr.has(sympy.CRootOf):
        return f'<math display="inline"><mn>{float(sympy.N(expr, 30)):.6f}</mn></math>'
    text = sympy.sstr(expr)
    if len(text) > MATHML_LIMIT:
        return (
            f'<span class="muted">(closed form of {len(text)} characters; '
            "see the JSON output)</span>"
        )
    try:
        body = mathml(expr, printer="presentation")
    except Exception:  # a sympy object the MathML printer does not know: show it as text
        return f"<code>{escape(text)}</code>"
    return f'<math display="inline">{body}</math>'


def threshold_math(t: Threshold) -> str:
    """A critical δ: MathML of its closed form, ``never``, or ``0`` (always)."""
    if t.status == "never":
        return '<span class="no">never</span>'
    if t.status == "always":
        return '<math display="inline"><mn>0</mn></math> <span class="muted">(always)</span>'
    if t.status in ("piecewise", "max", "implicit"):
        return f"<code>{escape(str(t))}</code>"
    if t.status == "bounded":
        assert t.upper is not None
        return "δ ≤ " + math(t.upper)
    if t.exact is None:
        return "root in (0, 1) of " + math(sympy.Eq(t.polynomial, 0))
    out = math(t.exact)
    if t.exact.is_number and not t.exact.is_Integer:
        out += f' <span class="muted">≈ {float(sympy.N(t.exact, 30)):.4f}</span>'
    return out


def verdict(value: bool | None) -> str:
    word = {True: "yes", False: "no", None: "undecided"}[value]
    return f'<span class="{word}">{word}</span>'


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    attrs: str = "",
    row_attrs: Sequence[str] | None = None,
) -> str:
    """A table from already-escaped header and cell HTML."""
    out = [
        f'<div class="scroll"><table{attrs}>',
        "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    for i, row in enumerate(rows):
        extra = row_attrs[i] if row_attrs is not None else ""
        out.append(f"<tr{extra}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out += ["</tbody>", "</table></div>"]
    return "\n".join(out)


def svg_figure(fig: Figure, caption: str) -> str:
    """A figure embedded as an SVG ``data:`` URI with its caption."""
    data = base64.b64encode(figure_bytes(fig, "svg")).decode("ascii")
    return (
        f'<figure><img alt="{escape(caption)}" src="data:image/svg+xml;base64,{data}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


# -- comparison ---------------------------------------------------------------------------------
COMPARISON_COLUMNS = (
    "case",
    "hypothesis",
    "players",
    "domains",
    "delta",
    "separate",
    "linked",
    "helps_interval",
    "vulnerable",
    "lever",
    "linked_holds",
    "separate_holds",
    "helps",
    "fit",
)


def _cell(row: ComparisonRow, column: str) -> str:
    text = cell(row, column)
    if column in ("linked_holds", "helps") and text in ("yes", "no", "undecided"):
        return f'<span class="{text}">{text}</span>'
    if column == "case":
        return f'<a href="#{anchor(row.case)}">{escape(text)}</a>'
    return escape(text)


def comparison_table(
    result: Comparison,
    *,
    table_id: str | None = None,
    row_class: str = "row",
    columns: Sequence[str] = COMPARISON_COLUMNS,
) -> str:
    """The rows of ``result`` as an HTML table (links to the case sections)."""
    attrs = f' id="{escape(table_id)}"' if table_id else ""
    return table(
        [escape(HEADERS[c]) for c in columns],
        [[_cell(r, c) for c in columns] for r in result.rows],
        attrs=attrs,
        row_attrs=[
            f' class="{row_class}" data-case="{escape(r.case)}"'
            f' data-hypothesis="{escape(r.hypothesis)}"'
            for r in result.rows
        ],
    )
