"""Rendering the sections analysis kinds return (:mod:`linkage.findings`) as text, Markdown, HTML
and JSON (LaTeX: :func:`linkage.render.latex.section_latex`).

A value prints as its exact form and, when that is not a short number, ``≈`` a decimal; text is
escaped for the format. JSON carries each section's ``data`` plus its facts as exact strings.
"""

from __future__ import annotations

from html import escape
from typing import Any

import sympy

from linkage.escape import markdown, plain
from linkage.findings import ClosedForm, Fact, Paragraph, Section, Table, Value
from linkage.render.maths import Notation

_RELATIONS = {"==": ("=", "="), "!=": ("≠", r"\neq"), "<=": ("≤", r"\le"), "<": ("<", "<")}
_RELATIONS |= {">=": ("≥", r"\ge"), ">": (">", ">")}


def _number(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.Expr) and bool(expr.is_number)


def exact_text(expr: sympy.Basic, notation: Notation) -> str:
    """An exact value or closed form as text: a relation as ``lhs ≤ rhs``; a number in sympy's
    exact form (``15/32``, ``(-13 + sqrt(1833))/64``), as the kinds' verdicts write it; a closed
    form in the case's notation."""
    if isinstance(expr, sympy.core.relational.Relational):
        op = _RELATIONS[expr.rel_op][0]
        return f"{exact_text(expr.lhs, notation)} {op} {exact_text(expr.rhs, notation)}"
    return sympy.sstr(expr) if _number(expr) else notation.text(expr)


def exact_latex(expr: sympy.Basic, notation: Notation) -> str:
    """:func:`exact_text` in LaTeX (math mode, without the dollars)."""
    if isinstance(expr, sympy.core.relational.Relational):
        op = _RELATIONS[expr.rel_op][1]
        return f"{exact_latex(expr.lhs, notation)} {op} {exact_latex(expr.rhs, notation)}"
    return sympy.latex(expr) if _number(expr) else notation.latex(expr)


def _exact_and_decimal(value: sympy.Basic, notation: Notation, exact: str) -> str:
    if isinstance(value, sympy.Expr) and value.is_number and not value.is_Integer:
        approx = notation.number(value)
        if approx != exact:
            return f"{exact} ≈ {approx}"
    return exact


def value_text(value: Value, notation: Notation) -> str:
    """A value as plain text: the exact form, ``≈`` a decimal when that differs."""
    if isinstance(value, str):
        return plain(value)
    return _exact_and_decimal(value, notation, exact_text(value, notation))


def shown(item: Fact | ClosedForm, notation: Notation) -> str:
    """A fact's value or a closed form's expression as text (see :func:`value_text`)."""
    if isinstance(item, Fact):
        return value_text(item.value, notation)
    return exact_text(item.expr, notation)


def _md(text: str) -> str:
    return markdown(text).replace("|", "\\|")


# -- text -----------------------------------------------------------------------------------------
def section_text(section: Section, notation: Notation) -> list[str]:
    """A section as lines of plain text."""
    lines = [plain(section.title), f"  {plain(section.verdict)}"]
    for item in section.items:
        if isinstance(item, Fact | ClosedForm):
            note = f"  ({plain(item.note)})" if item.note else ""
            lines.append(f"  {plain(item.label)}: {shown(item, notation)}{note}")
        elif isinstance(item, Table):
            rows = [[plain(c) for c in item.columns]]
            rows += [[value_text(v, notation) for v in r] for r in item.rows]
            widths = [max(len(r[i]) for r in rows) for i in range(len(item.columns))]
            if item.caption:
                lines.append(f"  {plain(item.caption)}")
            lines += [
                "    " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                for r in rows
            ]
        elif isinstance(item, Paragraph):
            lines.append(f"  {plain(item.text)}")
    return lines


# -- Markdown -------------------------------------------------------------------------------------
def section_markdown(section: Section, notation: Notation) -> list[str]:
    """A section as Markdown: a heading, the verdict in bold, facts as a list, tables as tables."""
    lines = [f"### {_md(section.title)}", "", f"**{_md(section.verdict)}**", ""]
    for item in section.items:
        if isinstance(item, Fact | ClosedForm):
            note = f" ({_md(item.note)})" if item.note else ""
            text = shown(item, notation)
            value = _md(text) if isinstance(item, Fact) else f"`{text}`"
            lines.append(f"- {_md(item.label)}: {value}{note}")
        elif isinstance(item, Table):
            lines += ["", *([_md(item.caption), ""] if item.caption else [])]
            lines.append("| " + " | ".join(_md(c) for c in item.columns) + " |")
            lines.append("|" + " --- |" * len(item.columns))
            for row in item.rows:
                lines.append("| " + " | ".join(_md(value_text(v, notation)) for v in row) + " |")
            lines.append("")
        elif isinstance(item, Paragraph):
            lines += ["", _md(item.text), ""]
    return [*lines, ""]


# -- HTML -----------------------------------------------------------------------------------------
def section_html(section: Section, notation: Notation) -> str:
    """A section as HTML (values as text; the report's MathML is kept for its own closed forms)."""
    parts = [
        f"<h3>{escape(section.title)}</h3>",
        f"<p><strong>{escape(section.verdict)}</strong></p>",
    ]
    facts: list[str] = []
    for item in section.items:
        if isinstance(item, Fact | ClosedForm):
            note = f' <span class="muted">({escape(item.note)})</span>' if item.note else ""
            text = escape(shown(item, notation))
            facts.append(f"<li>{escape(item.label)}: <code>{text}</code>{note}</li>")
            continue
        if facts:
            parts.append("<ul>" + "".join(facts) + "</ul>")
            facts = []
        if isinstance(item, Table):
            head = "".join(f"<th>{escape(c)}</th>" for c in item.columns)
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(value_text(v, notation))}</td>" for v in r) + "</tr>"
                for r in item.rows
            )
            caption = f"<caption>{escape(item.caption)}</caption>" if item.caption else ""
            parts.append(
                f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
        elif isinstance(item, Paragraph):
            parts.append(f"<p>{escape(item.text)}</p>")
    if facts:
        parts.append("<ul>" + "".join(facts) + "</ul>")
    return "\n".join(parts)


# -- JSON -----------------------------------------------------------------------------------------
def _json_value(value: Value) -> str:
    """A value as an exact string: sympy's (``(-13 + sqrt(1833))/64``); a relation as
    ``lhs <= rhs``, not ``Le(lhs, rhs)``."""
    if isinstance(value, str):
        return value
    if isinstance(value, sympy.core.relational.Relational):
        return f"{sympy.sstr(value.lhs)} {value.rel_op.replace('==', '=')} {sympy.sstr(value.rhs)}"
    return str(sympy.sstr(value))


def section_json(section: Section) -> dict[str, Any]:
    """A section for ``--format json``: title, verdict, its facts and formulas as exact strings
    (``sympy.sstr``), its tables, and the kind's own ``data``."""
    return {
        "title": section.title,
        "verdict": section.verdict,
        "facts": {
            i.label: _json_value(i.value if isinstance(i, Fact) else i.expr)
            for i in section.items
            if isinstance(i, Fact | ClosedForm)
        },
        "tables": [
            {"columns": list(t.columns), "rows": [[_json_value(v) for v in r] for r in t.rows]}
            for t in section.items
            if isinstance(t, Table)
        ],
        "data": dict(section.data),
    }
