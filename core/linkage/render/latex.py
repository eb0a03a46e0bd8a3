r"""LaTeX analysis report, ready to ``\input`` into a paper (``pdflatex``; needs ``amsmath`` and
``booktabs``).

The verdict comes first (a booktabs table, one row per hypothesis), then the structured conditions
of :mod:`linkage.render.formulas`: the per-domain temptations and stakes in closed form, the
separate thresholds, and under each hypothesis (its description and source in words) each
player's constraints with their aggregates and :math:`\delta^*`. ``always`` and ``never`` are
words, never a bare 0 or 1.

Everything fits the text width: formulas are inline maths in paragraphs, so TeX breaks long sums
at their operators (parentheses are plain, not ``\left...\right``, and long fractions are
written as a factor times a sum); tables have a few narrow columns; text from case files is
escaped, long words and URLs may break, and non-ASCII characters are mapped to LaTeX.
"""

from __future__ import annotations

import sympy

from linkage.decimals import is_short_decimal
from linkage.engine.threshold import Threshold
from linkage.escape import latex, latex_comment
from linkage.findings import ClosedForm, Fact, Paragraph, Section, Table, Value
from linkage.render.findings import exact_latex, exact_text
from linkage.render.formulas import (
    KIND_LATEX,
    KINDS,
    LATEX_NAMES,
    Aggregate,
    Formula,
    cleared,
    rule,
)
from linkage.render.maths import Notation
from linkage.render.report import CaseReport, threshold_number, yes
from linkage.render.stagegame import caption, matrix, stage_games
from linkage.render.text import _number, holds, interval_text

PREAMBLE = r"\usepackage{amsmath,booktabs}"
"""What a document needs to typeset this output."""


def latex_threshold(t: Threshold, notation: Notation | None = None) -> str:
    r"""A critical δ in math mode: exact value ``\approx`` a decimal, ``\text{always}`` (0) or
    ``\text{never}``; a status this renderer does not know is its text."""
    notation = notation or Notation()
    if t.status == "never":
        return r"\text{never}"
    if t.status == "always":
        return r"0\ (\text{always})"
    if t.status != "threshold" or t.exact is None:
        return r"\text{" + latex(str(t)) + "}"
    body = notation.latex(t.exact)
    if not t.exact.is_number or t.exact.is_Integer or is_short_decimal(t.exact):
        return body
    return rf"{body} \approx {notation.number(t.exact)}"


def _math(text: str) -> str:
    return f"${text}$"


def _sub(kind: str, domain: str) -> str:
    return rf"{LATEX_NAMES[kind]}_{{\mathrm{{{latex(domain)}}}}}"


def _aggregate(agg: Aggregate, digits: int) -> str:
    value = _number(agg.value, digits)
    if not agg.kind:
        return value
    name = LATEX_NAMES[agg.kind]
    if not agg.parts:
        return f"{name} = 0"
    parts = " + ".join(_sub(agg.kind, p.domain) for p in agg.parts)
    return f"{name} = {parts} = {value}"


def _formula(f: Formula, report: CaseReport) -> str:
    digits = report.digits
    label = "" if f.label == "grim" else rf"_{{\text{{{latex(f.label)}}}}}"
    if f.named:
        aggregates = _math(_aggregate(f.gain, digits)) + ", " + _math(_aggregate(f.stake, digits))
    else:
        aggregates = f"gain {_math(_number(f.gain.value, digits))}, stake {_math(_number(f.stake.value, digits))}"
    return (
        aggregates
        + ": "
        + _math(
            rf"\delta^*{label} = {rule(f, 'latex')} = {latex_threshold(f.threshold, report.notation)}"
        )
    )


def _sets(f: Formula) -> str:
    once = f" once {latex(', '.join(f.state))} is punished" if f.state else ""
    return (
        f"deviating in {latex(', '.join(f.deviation))}{once}; "
        f"punished in {latex(', '.join(f.punished))}"
    )


def _tabular(head: list[str], rows: list[list[str]]) -> list[str]:
    return [
        r"\begin{center}\small",
        r"\begin{tabular}{" + "l" * len(head) + "}",
        r"\toprule",
        " & ".join(head) + r" \\",
        r"\midrule",
        *(" & ".join(r) + r" \\" for r in rows),
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{center}",
    ]


def _value_latex(value: Value, notation: Notation) -> str:
    if isinstance(value, str):
        return latex(value)
    body = exact_latex(value, notation)
    if isinstance(value, sympy.Expr) and value.is_number and not value.is_Integer:
        approx = notation.number(value)
        if approx != exact_text(value, notation):
            body = rf"{body} \approx {approx}"
    return f"${body}$"


TABLE_COLUMNS = 4
"""Tables of a further analysis with more columns than this are typeset as a list of rows, which
wraps within the margin, instead of a tabular, which cannot."""


def _table_latex(table: Table, notation: Notation) -> list[str]:
    caption = [latex(table.caption)] if table.caption else []
    cells = [[_value_latex(v, notation) for v in row] for row in table.rows]
    if len(table.columns) > TABLE_COLUMNS:
        items = [
            rf"\item[{row[0]}] "
            + "; ".join(f"{latex(c)}: {v}" for c, v in zip(table.columns[1:], row[1:], strict=True))
            for row in cells
        ]
        return [*caption, r"\begin{description}", *items, r"\end{description}"]
    return [
        *caption,
        r"\begin{center}\small",
        r"\begin{tabular}{" + "l" * len(table.columns) + "}",
        r"\toprule",
        " & ".join(latex(c) for c in table.columns) + r" \\",
        r"\midrule",
        *(" & ".join(row) + r" \\" for row in cells),
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{center}",
    ]


def section_latex(section: Section, notation: Notation) -> list[str]:
    """A section as LaTeX: a subsection, the verdict, facts in an itemize, tables as tabular."""
    lines = [
        rf"\subsection*{{{latex(section.title)}}}",
        rf"\textbf{{{latex(section.verdict)}}}",
        "",
    ]
    facts = [i for i in section.items if isinstance(i, Fact | ClosedForm)]
    for item in section.items:
        if isinstance(item, Fact | ClosedForm):
            if item is facts[0]:
                lines.append(r"\begin{itemize}")
            shown = (
                _value_latex(item.value, notation)
                if isinstance(item, Fact)
                else f"${exact_latex(item.expr, notation)}$"
            )
            note = f" ({latex(item.note)})" if item.note else ""
            lines.append(rf"\item {latex(item.label)}: {shown}{note}")
            if item is facts[-1]:
                lines.append(r"\end{itemize}")
        elif isinstance(item, Table):
            lines += _table_latex(item, notation)
        elif isinstance(item, Paragraph):
            lines += ["", latex(item.text), ""]
    return [*lines, ""]


def render_latex(report: CaseReport) -> str:
    case, a = report.case, report.primary
    g = a.game
    book = report.formulas
    digits = report.digits
    notation = report.notation
    out = [
        f"% linkage analysis of case {latex_comment(case.id)}",
        f"% needs {PREAMBLE}; \\input this file in a document",
        r"\subsection*{" + latex(case.title or case.id) + "}",
        r"\begingroup\sloppy % long formulas and sources break between lines, never past the margin",
        "",
    ]
    deltas = ", ".join(f"{latex(p)} {_math(_number(g.discount.of(p), digits))}" for p in g.players)
    out.append(
        r"\paragraph{Verdict at the calibration.} "
        + latex(g.strategy.describe())
        + rf"; $\delta$: {deltas}."
    )
    out += _tabular(
        [
            "hypothesis",
            "holds",
            "helps",
            *(rf"$\delta^*$ {latex(p)}" for p in g.players),
            r"helps for $\delta \in$",
        ],
        [
            [
                latex(h.id),
                yes(report.analyses[h.id].linked_sustainable),
                yes(report.analyses[h.id].helps),
                *(
                    latex(threshold_number(report.analyses[h.id].linked_thresholds[p], digits))
                    for p in g.players
                ),
                _math(interval_text(report.analyses[h.id].helps_interval, digits))
                if report.analyses[h.id].helps_interval
                else "none",
            ]
            for h in report.hypotheses
        ],
    )
    held = [k for k, v in a.separate_sustainable.items() if v]
    for k, d in stage_games(case):
        out.append(latex(caption(k, d)) + ".")
        out += _tabular(*matrix(d, latex, lambda v: _math(notation.latex(v))))
    out.append(
        "Holds: the whole package is self-enforcing at each player's $\\delta$; helps: linkage "
        "makes it so where the domains alone are not. Each domain alone (separate enforcement) "
        "holds in: " + latex(", ".join(held) or "none") + "."
    )
    kinds = book.kinds()
    first = book.formulas(a, next(iter(a.separate_constraints[g.players[0]].values())))[0]
    parts_text = "; ".join(
        f"the {KINDS[k][0]} {_math(LATEX_NAMES[k] + '_k = ' + KIND_LATEX[k])}" for k in kinds
    )
    out += [
        "",
        r"\paragraph{Temptations and stakes per domain.} A constraint "
        + _math(cleared(first, "latex"))
        + r" holds for $\delta \ge \delta^*$. Per domain $k$: "
        + parts_text
        + ", summed over the domains deviated in (temptations) or punished (stakes).",
        r"\begin{itemize}",
    ]
    for p in case.players:
        items = []
        for k in case.domain_ids:
            for kind, (expr, value) in book.domain_parts(a, p, k).items():
                closed = "" if expr.is_number else notation.latex(expr) + " = "
                items.append(_math(f"{_sub(kind, k)} = {closed}{_number(value, digits)}"))
        out.append(r"\item " + latex(p) + ": " + "; ".join(items) + ".")
    out += [
        r"\end{itemize}",
        "",
        r"\paragraph{Separate enforcement.} Each domain punished only in itself.",
    ]
    rows = []
    for p in g.players:
        for k, formulas in book.separate(a, p).items():
            rows += [
                [
                    latex(p),
                    latex(k + ("" if f.label == "grim" else f" [{f.label}]")),
                    _math(latex_threshold(f.threshold, notation)),
                ]
                for f in formulas
            ]
    out += _tabular(["player", "domain", r"$\delta^*$"], rows)
    for h in report.hypotheses:
        ah = report.analyses[h.id]
        out += [
            "",
            r"\paragraph{Linked under \texttt{"
            + latex(h.id)
            + "}.} "
            + latex(h.structure.describe())
            + ".",
        ]
        if h.title:
            out.append(latex(h.title) + (f" (source: {latex(h.source)})" if h.source else "") + ".")
        out.append(r"\begin{itemize}")
        for p in g.players:
            constraints = book.linked(ah, p)
            out.append(
                r"\item "
                + latex(p)
                + f" (holds: {yes(holds(ah, p))}); binding constraint, {_sets(constraints[0][0])}: "
                + "; ".join(_formula(f, report) for f in constraints[0])
                + "."
            )
            others = [f for fs in constraints[1:] for f in fs]
            if others:
                out.append(
                    "Other constraints: "
                    + "; ".join(
                        f"{_sets(f)}: $\\delta^* = {latex_threshold(f.threshold, notation)}$"
                        for f in others
                    )
                    + "."
                )
        best = ah.best_package
        out.append(
            r"\item best self-enforcing package: "
            + latex((", ".join(best.domains) or "none") if best else "-")
            + "; vulnerable side: "
            + latex(ah.vulnerable or "-")
            + "."
        )
        out.append(r"\end{itemize}")
    for section in report.findings:
        out += section_latex(section, notation)
    out.append(r"\par\endgroup")
    return "\n".join(out) + "\n"
