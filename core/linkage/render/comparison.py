r"""A :class:`~linkage.compare.Comparison` as a terminal table, Markdown, LaTeX, CSV or JSON.

Floats are printed with four decimals; exact values are in the JSON output (the data of
:meth:`Comparison.as_json <linkage.compare.Comparison.as_json>`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import sympy

from linkage.compare import COLUMNS, DEFAULT_COLUMNS, Comparison, ComparisonRow, parse_columns
from linkage.engine.threshold import Threshold
from linkage.errors import LinkageError
from linkage.render.latex import latex_escape
from linkage.render.report import yes

HEADERS: dict[str, str] = {
    "case": "case",
    "title": "title",
    "hypothesis": "hypothesis",
    "players": "players",
    "domains": "domains",
    "delta": "δ",
    "separate": "δ* separate",
    "linked": "δ* linked",
    "helps_interval": "linkage helps on",
    "gain": "gain",
    "vulnerable": "vulnerable",
    "lever": "lever",
    "linked_holds": "linked holds",
    "separate_holds": "separate holds",
    "helps": "helps",
    "fit": "fit",
}
"""Every column's header in the terminal and Markdown tables."""

LATEX_HEADERS: dict[str, str] = {
    **HEADERS,
    "delta": r"$\delta$",
    "separate": r"$\delta^*$ separate",
    "linked": r"$\delta^*$ linked",
}

FORMATS = ("text", "markdown", "latex", "csv", "json")
"""The output formats of :func:`render_comparison`."""


def number(x: float) -> str:
    """A float with four decimals (never ``-0.0000``)."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _float(expr: sympy.Expr) -> float:
    return float(sympy.N(expr, 30))


def threshold_text(t: Threshold) -> str:
    """A threshold in a table cell: four decimals, ``always`` (0) or ``never``."""
    if t.status == "never":
        return "never"
    if t.status == "always":
        return "always"
    if t.value is None:
        return str(t)
    return number(t.value)


def _per_player(values: dict[str, str]) -> str:
    return "; ".join(f"{p} {v}" for p, v in values.items())


def cell(row: ComparisonRow, column: str) -> str:
    """The cell of ``column`` in ``row`` as text (four-decimal floats)."""
    if column in ("case", "title", "hypothesis"):
        return str(getattr(row, column))
    if column in ("players", "domains"):
        return ", ".join(getattr(row, column))
    if column == "delta":
        values = {
            p: (number(_float(d)) if d.is_number else sympy.sstr(d)) for p, d in row.delta.items()
        }
        distinct = set(values.values())
        return distinct.pop() if len(distinct) == 1 else _per_player(values)
    if column == "separate":
        return _per_player({p: threshold_text(t) for p, t in row.separate.items()})
    if column == "linked":
        return _per_player({p: threshold_text(t) for p, t in row.linked.items()})
    if column == "helps_interval":
        i = row.helps_interval
        if i is None:
            return "-"
        if not (i.low.is_number and i.high.is_number):
            return str(i)
        return f"[{number(_float(i.low))}, {number(_float(i.high))})"
    if column == "gain":
        g = row.gain
        return "-" if g is None else (number(_float(g)) if g.is_number else sympy.sstr(g))
    if column == "vulnerable":
        return row.vulnerable or "-"
    if column == "lever":
        return row.lever or "-"
    if column == "linked_holds":
        return yes(row.linked_holds)
    if column == "separate_holds":
        held = [k for k, v in row.separate_holds.items() if v]
        open_ = [f"{k}?" for k, v in row.separate_holds.items() if v is None]
        return ", ".join(held + open_) or "none"
    if column == "helps":
        return yes(row.helps)
    if column == "fit":
        f = row.fit
        if f is None or f["share"] is None:
            return "n/a"
        return f"{100 * f['share']:.0f}% ({f['matched']}/{f['scored']})"
    raise LinkageError(f"unknown column {column!r}; valid columns: {', '.join(COLUMNS)}")


def cells(result: Comparison, columns: Sequence[str]) -> list[list[str]]:
    return [[cell(r, c) for c in columns] for r in result.rows]


def render_text(result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
    """An aligned table for the terminal."""
    head = [HEADERS[c] for c in columns]
    body = cells(result, columns)
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    out = [line(head), line(["-" * w for w in widths])] + [line(r) for r in body]
    if not result.rows:
        out.append("(no cases)")
    return "\n".join(out) + "\n"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
    """A Markdown (GitHub) table."""
    lines = ["| " + " | ".join(HEADERS[c] for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += [
        "| " + " | ".join(_markdown_cell(x) for x in row) + " |" for row in cells(result, columns)
    ]
    return "\n".join(lines) + "\n"


def render_latex(result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
    """A booktabs ``tabular`` ready to paste (needs ``\\usepackage{booktabs}``)."""
    lines = [
        f"% linkage compare: {len(result.cases)} case(s), {len(result.rows)} row(s); "
        "needs booktabs",
        r"\begin{tabular}{" + "l" * len(columns) + "}",
        r"\toprule",
        " & ".join(LATEX_HEADERS[c] for c in columns) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(latex_escape(x) for x in row) + r" \\" for row in cells(result, columns)]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def render_csv(result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
    """CSV with the column names as header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(cells(result, columns))
    return buffer.getvalue()


def render_json(result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS) -> str:
    return json.dumps(result.as_json(columns), indent=2, ensure_ascii=False) + "\n"


RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "latex": render_latex,
    "csv": render_csv,
    "json": render_json,
}


def render_comparison(
    result: Comparison, fmt: str = "text", columns: str | Sequence[str] | None = None
) -> str:
    """``result`` in ``fmt`` (one of :data:`FORMATS`) with the chosen columns."""
    cols = parse_columns(columns)
    if fmt not in RENDERERS:
        raise LinkageError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return RENDERERS[fmt](result, cols)
