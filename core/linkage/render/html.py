r"""HTML building blocks: presentation MathML of exact values, tables, verdicts, embedded figures,
and the comparison table. Used by the report (:mod:`linkage.render.html_report`) and by notebook
display (:mod:`linkage.render.notebook`). All text from case files is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

import sympy

from linkage.compare import Comparison, ComparisonRow
from linkage.decimals import DIGITS, is_short_decimal
from linkage.engine.threshold import Threshold
from linkage.plots import figure_bytes
from linkage.render.comparison import HEADERS, cell
from linkage.render.maths import Notation
from linkage.symbols import delta

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MATHML_LIMIT = 2000
"""Closed forms longer than this (as text) are summarised instead of typeset."""


# -- small pieces -------------------------------------------------------------------------------
def anchor(case_id: str) -> str:
    """The HTML id of a case's section: ``case-`` and the id, each character outside
    ``A-Z a-z 0-9 _ -`` written as ``.hex.`` (``a b`` → ``case-a.20.b``), so distinct ids never
    share an anchor."""
    return "case-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f".{ord(m.group(0)):x}.", case_id)


def math(expr: sympy.Basic, notation: Notation | None = None) -> str:
    """``expr`` as inline presentation MathML in ``notation`` (declared symbols, upright names,
    short decimals), or text when too long or not printable.

    An exact root of a polynomial (``CRootOf``, from T-period punishments) is shown as the root of
    its polynomial in δ when it stands alone, else by its decimal value."""
    notation = notation or Notation()
    if isinstance(expr, sympy.CRootOf):
        poly = expr.expr.subs(expr.poly.gen, delta)
        return f"the root in (0, 1) of {math(sympy.Eq(poly, 0, evaluate=False), notation)}"
    if isinstance(expr, sympy.Expr) and expr.is_number and expr.has(sympy.CRootOf):
        return f'<math display="inline"><mn>{notation.number(expr)}</mn></math>'
    text = sympy.sstr(expr)
    if len(text) > MATHML_LIMIT:
        return (
            f'<span class="muted">(closed form of {len(text)} characters; '
            "see the JSON output)</span>"
        )
    try:
        body = notation.mathml(expr)
    except Exception:  # a sympy object the MathML printer does not know: show it as text
        return f"<code>{escape(text)}</code>"
    return f'<math display="inline">{body}</math>'


def number(x: sympy.Expr, notation: Notation | None = None) -> str:
    """A value as a decimal (``digits`` of the notation) in MathML."""
    notation = notation or Notation()
    if not x.is_number:
        return math(x, notation)
    return f'<math display="inline"><mn>{escape(notation.number(x))}</mn></math>'


def threshold_math(t: Threshold, notation: Notation | None = None) -> str:
    """A critical δ: MathML of its exact value with ``≈`` a decimal, ``never``, or ``0``
    (always); a status this renderer does not know is shown as the threshold's text."""
    notation = notation or Notation()
    if t.status == "never":
        return '<span class="no">never</span>'
    if t.status == "always":
        return '<math display="inline"><mn>0</mn></math> <span class="muted">(always)</span>'
    if t.status == "bounded" and t.upper is not None:
        lower = "" if t.exact is None or t.exact == 0 else math(t.exact, notation) + " ≤ "
        return f"{lower}δ ≤ {math(t.upper, notation)}"
    if t.status != "threshold":
        return f"<code>{escape(str(t))}</code>"
    if t.exact is None:
        return "root in (0, 1) of " + math(sympy.Eq(t.polynomial, 0, evaluate=False), notation)
    out = math(t.exact, notation)
    if t.exact.is_number and not t.exact.is_Integer and not is_short_decimal(t.exact):
        out += f' <span class="muted">≈ {escape(notation.number(t.exact))}</span>'
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


def cell_html(text: str) -> str:
    """A table cell's text escaped, one line per player (``<br>``)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return escape(text)
    return "<br>".join(f'<span class="nw">{escape(line)}</span>' for line in lines)


_URI_ESCAPES = {"%": "%25", "#": "%23", "<": "%3C", ">": "%3E", '"': "%22", "\n": " ", "\r": " "}


def svg_data_uri(svg: bytes) -> str:
    """An SVG as a ``data:`` URI for an HTML attribute: the text itself with the few characters
    a URI or the attribute cannot hold escaped (a tenth larger than the SVG, where base64 adds a
    third)."""
    text = "".join(_URI_ESCAPES.get(ch, ch) for ch in svg.decode("utf-8").strip())
    return "data:image/svg+xml;charset=utf-8," + text.replace("&", "&amp;")


def svg_figure(fig: Figure, caption: str) -> str:
    """A figure embedded as an SVG ``data:`` URI with its caption."""
    return (
        f'<figure><img alt="{escape(caption)}" src="{svg_data_uri(figure_bytes(fig, "svg"))}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


# -- comparison ---------------------------------------------------------------------------------
COMPARISON_COLUMNS = (
    "case",
    "hypothesis",
    "separate",
    "linked",
    "helps_interval",
    "gain",
    "vulnerable",
    "lever",
    "linked_holds",
    "helps",
    "fit",
)


def _cell(row: ComparisonRow, column: str, digits: int = DIGITS) -> str:
    text = cell(row, column, digits)
    if column in ("linked_holds", "helps") and text in ("yes", "no", "undecided"):
        return f'<span class="{text}">{text}</span>'
    if column == "case":
        return f'<a href="#{anchor(row.case)}">{escape(text)}</a>'
    return cell_html(text)


def comparison_table(
    result: Comparison,
    *,
    table_id: str | None = None,
    row_class: str = "row",
    columns: Sequence[str] = COMPARISON_COLUMNS,
    digits: int = DIGITS,
) -> str:
    """The rows of ``result`` as an HTML table (links to the case sections)."""
    attrs = f' id="{escape(table_id)}"' if table_id else ""
    return table(
        [escape(HEADERS[c]) for c in columns],
        [[_cell(r, c, digits) for c in columns] for r in result.rows],
        attrs=attrs,
        row_attrs=[
            f' class="{row_class}" data-case="{escape(r.case)}"'
            f' data-hypothesis="{escape(r.hypothesis)}"'
            for r in result.rows
        ],
    )
