r"""Rich display of results in Jupyter and IPython, registered from the presentation side.

The engine and the comparison know nothing of HTML: :func:`register_display` tells IPython how to
show an :class:`~linkage.engine.analysis.Analysis`, a :class:`~linkage.render.report.CaseReport` and
a :class:`~linkage.compare.Comparison` (as HTML and as a MathJax ``array``). ``import linkage``
calls it when IPython is running; ``%load_ext linkage.render.notebook`` does it explicitly. The
formatters are registered by class name, so nothing is imported until a result is displayed.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from linkage.compare import Comparison
from linkage.engine.analysis import Analysis
from linkage.errors import LinkageError
from linkage.escape import latex
from linkage.render.comparison import HEADERS, cell
from linkage.render.html import comparison_table, math, table, threshold_math, verdict
from linkage.render.html_report import case_section
from linkage.render.latex import latex_threshold
from linkage.render.maths import Notation
from linkage.render.report import CaseReport


def analysis_html(a: Analysis) -> str:
    """An :class:`Analysis` as an HTML table (thresholds, verdicts, what linkage buys)."""
    g = a.game
    head = ["player", "δ", *(f"{escape(k)} (separate)" for k in g.domain_ids), "linked"]
    rows = [
        [
            escape(p),
            math(g.discount.of(p)),
            *(threshold_math(a.separate_thresholds[p][k]) for k in g.domain_ids),
            threshold_math(a.linked_thresholds[p]),
        ]
        for p in g.players
    ]
    interval = a.helps_interval
    try:
        vulnerable = a.vulnerable
    except (ValueError, LinkageError):  # undecidable comparison of closed forms
        vulnerable = None
    facts = [
        f"linked sustainable: {verdict(a.linked_sustainable)}",
        f"linkage helps: {verdict(a.helps)}",
        "helps on δ ∈ "
        + ("–" if interval is None else f"[{math(interval.low)}, {math(interval.high)})"),
        f"vulnerable: {escape(vulnerable or '–')}",
        f"lever: {escape((a.lever.get(vulnerable) if vulnerable else None) or '–')}",
    ]
    return (
        f'<div class="linkage-analysis"><p><strong>{escape(g.id)}</strong> · linkage '
        f"<code>{escape(g.linkage.mode)}</code></p>"
        + table(head, rows)
        + "<p>"
        + " · ".join(facts)
        + "</p></div>"
    )


def _text(s: str) -> str:
    return r"\text{" + latex(s) + "}"


def analysis_latex(a: Analysis) -> str:
    """An :class:`Analysis` as a MathJax-ready ``array`` of critical δ (separate and linked)."""
    g = a.game
    head = " & ".join(
        [_text("player"), r"\delta", *(_text(k) for k in g.domain_ids), _text("linked")]
    )
    rows = [
        " & ".join(
            [
                _text(p),
                Notation().latex(g.discount.of(p)),
                *(latex_threshold(a.separate_thresholds[p][k]) for k in g.domain_ids),
                latex_threshold(a.linked_thresholds[p]),
            ]
        )
        for p in g.players
    ]
    cols = "l" + "c" * (len(g.domain_ids) + 2)
    return rf"$$\begin{{array}}{{{cols}}}{head} \\ \hline " + r" \\ ".join(rows) + r"\end{array}$$"


def case_report_html(report: CaseReport) -> str:
    """A :class:`CaseReport` as its report section, without plots."""
    return f'<div class="linkage-report">{case_section(report, plots=False)}</div>'


def case_report_latex(report: CaseReport) -> str:
    """A :class:`CaseReport` as an ``array``: separate δ* per domain, linked δ* per hypothesis."""
    case, a = report.case, report.primary
    head = " & ".join(
        [
            _text("player"),
            *(_text(k) for k in case.domain_ids),
            *(_text(f"linked ({h.id})") for h in case.hypotheses),
        ]
    )
    rows = [
        " & ".join(
            [
                _text(p),
                *(latex_threshold(a.separate_thresholds[p][k]) for k in case.domain_ids),
                *(
                    latex_threshold(report.analyses[h.id].linked_thresholds[p])
                    for h in case.hypotheses
                ),
            ]
        )
        for p in case.players
    ]
    cols = "l" + "c" * (len(case.domain_ids) + len(case.hypotheses))
    return rf"$$\begin{{array}}{{{cols}}}{head} \\ \hline " + r" \\ ".join(rows) + r"\end{array}$$"


COMPARISON_LATEX_COLUMNS = (
    "case",
    "hypothesis",
    "separate",
    "linked",
    "helps_interval",
    "vulnerable",
    "lever",
    "fit",
)


def comparison_latex(result: Comparison) -> str:
    """A :class:`Comparison` as a MathJax-ready ``array`` of its main columns."""
    columns = COMPARISON_LATEX_COLUMNS
    maths = {"separate": r"\delta^*\ \text{separate}", "linked": r"\delta^*\ \text{linked}"}
    head = " & ".join(maths.get(c, _text(HEADERS[c])) for c in columns)
    body = [" & ".join(_text(cell(r, c)) for c in columns) for r in result.rows]
    return (
        r"$$\begin{array}{"
        + "l" * len(columns)
        + "}"
        + head
        + r"\\ \hline "
        + r" \\ ".join(body)
        + r"\end{array}$$"
    )


def comparison_html(result: Comparison) -> str:
    """A :class:`Comparison` as an HTML table."""
    return comparison_table(result)


DISPLAY: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "text/html analysis": ("linkage.engine.analysis", "Analysis", lambda a: analysis_html(a)),
    "text/latex analysis": ("linkage.engine.analysis", "Analysis", lambda a: analysis_latex(a)),
    "text/html report": ("linkage.render.report", "CaseReport", lambda r: case_report_html(r)),
    "text/latex report": ("linkage.render.report", "CaseReport", lambda r: case_report_latex(r)),
    "text/html comparison": ("linkage.compare", "Comparison", lambda c: comparison_html(c)),
    "text/latex comparison": ("linkage.compare", "Comparison", lambda c: comparison_latex(c)),
}
"""Per MIME type and result: the class (module, name) and the function that displays it."""


def register_display(ip: Any = None) -> bool:
    """Register the display functions with IPython (the running shell unless ``ip`` is given).

    Returns ``False`` when IPython is not installed or not running."""
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        ip = get_ipython()
        if ip is None:
            return False
    formatters = ip.display_formatter.formatters
    for key, (module, name, show) in DISPLAY.items():
        formatters[key.split()[0]].for_type_by_name(module, name, show)
    return True


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext linkage.render.notebook``."""
    register_display(ip)
