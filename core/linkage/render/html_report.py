r"""The self-contained HTML report of one or more cases (``linkage report``).

:func:`render_html` writes ONE HTML file that works offline: styles are inline, there is no script,
no external stylesheet, font or image; mathematics is presentation MathML (rendered natively by
browsers) and plots are SVG embedded as ``data:`` URIs. All text from case files is escaped. The
same input gives the same bytes.

The page holds

* the comparison table (``<table id="comparison">``) with **one row per case**
  (``<tr class="case-row" data-case="ID">``), under the case's first (primary) hypothesis, and the
  linkage-gain plot across cases and hypotheses;
* a section per case (``<section class="case" id="case-ID">``): parameters, every hypothesis'
  verdict (the per-hypothesis rows of :mod:`linkage.compare`), the thresholds table, the
  conditions in closed form (the cleared constraints and their critical :math:`\delta`, separate
  and under each hypothesis), the plots, and the timeline table (one row per period, a column per
  hypothesis) with each hypothesis' score on the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from linkage import plots as plotting
from linkage._version import __version__
from linkage.cases.case import Case
from linkage.compare import Comparison, ComparisonRow, Failure, case_rows, one_line
from linkage.engine.constraints import DeviationConstraint
from linkage.errors import LinkageError
from linkage.render.html import anchor, comparison_table, math, svg_figure, table, threshold_math
from linkage.render.report import CaseReport
from linkage.render.timeline import (
    LEGEND,
    SCORE_HEAD,
    equivalence_lines,
    number,
    observed_cell,
    prediction_lines,
    probability,
    score_rows,
)
from linkage.timeline import TimelineAnalysis

MAX_REGION_PLOTS = 3
"""At most this many region plots per case (parameters with a range that enter the payoffs)."""

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;
margin:0 auto;max-width:72rem;padding:1rem 1.5rem 3rem;color:#1f2328;background:#fff;
line-height:1.45}
h1{font-size:1.7rem;margin:.5rem 0}
h2{font-size:1.35rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;
margin-top:2.2rem}h3{font-size:1.1rem;margin-top:1.4rem}h4{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tbody tr:nth-child(even){background:#fbfcfd}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.yes{color:#1a7f37;font-weight:600}.no{color:#cf222e;font-weight:600}.undecided{color:#9a6700}
.muted{color:#656d76}.note{font-size:.85rem;color:#656d76}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #eaeef2}
figcaption{font-size:.85rem;color:#656d76}
math{font-size:1.05em}ul.conditions{list-style:none;padding-left:0}ul.conditions li{margin:.3rem 0}
nav ul{columns:2;padding-left:1.2rem}.scroll{overflow-x:auto}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
"""


# -- one case -----------------------------------------------------------------------------------
def _parameters(case: Case) -> str:
    if not case.parameters:
        return ""
    rows = []
    for p in case.parameters.values():
        rows.append(
            [
                f"<code>{escape(p.name)}</code>",
                math(p.value),
                "" if p.low is None else math(p.low),
                "" if p.high is None else math(p.high),
                escape(p.unit),
                escape(p.source),
            ]
        )
    return "<h3>Parameters</h3>\n" + table(["name", "value", "low", "high", "unit", "source"], rows)


def _thresholds(report: CaseReport) -> str:
    case = report.case
    a = report.primary
    head = [
        "player",
        "δ",
        *(f"{escape(k)} (separate)" for k in case.domain_ids),
        *(f"linked: {escape(h.id)}" for h in case.hypotheses),
    ]
    rows = []
    for p in case.players:
        rows.append(
            [
                escape(p),
                math(a.game.discount.of(p)),
                *(threshold_math(a.separate_thresholds[p][k]) for k in case.domain_ids),
                *(
                    threshold_math(report.analyses[h.id].linked_thresholds[p])
                    for h in case.hypotheses
                ),
            ]
        )
    return (
        "<h3>Critical discount factors</h3>\n"
        '<p class="note">At the calibration. A constraint holds for δ at or above its critical '
        "value; <em>never</em>: no δ &lt; 1 sustains it; 0: it always holds.</p>\n"
        + table(head, rows)
    )


def _constraint_items(c: DeviationConstraint, order: tuple[str, ...], linked: bool) -> list[str]:
    items = []
    for cond in c.conditions:
        where = ""
        if linked:
            dev = ", ".join(k for k in order if k in c.deviation)
            pun = ", ".join(k for k in order if k in c.punished)
            where = (
                f' <span class="muted">deviate in {{{escape(dev)}}}, '
                f"punished in {{{escape(pun)}}}</span>"
            )
        label = (
            "" if cond.label == "grim" else f' <span class="muted">[{escape(cond.label)}]</span>'
        )
        items.append(
            f"<li>{math(cond.cleared)}{label}{where}<br>δ* = {threshold_math(cond.threshold)}</li>"
        )
    return items


def _conditions(report: CaseReport) -> str:
    case = report.case
    order = case.domain_ids
    first = report.symbolic[case.hypotheses[0].id]
    out = [
        "<h3>Conditions in closed form</h3>",
        '<p class="note">Cleared incentive constraints (no division by 1 − δ) in the case\'s '
        "parameters, with their critical δ.</p>",
        "<h4>Separate: each domain punished only in itself</h4>",
    ]
    for p in case.players:
        items = []
        for k in order:
            c = first.separate_constraints[p][k]
            items += [
                f"<li><strong>{escape(k)}</strong>: " + i.removeprefix("<li>")
                for i in _constraint_items(c, order, linked=False)
            ]
        out.append(
            f'<p><strong>{escape(p)}</strong></p><ul class="conditions">' + "".join(items) + "</ul>"
        )
    for h in case.hypotheses:
        s = report.symbolic[h.id]
        title = f" ({escape(h.title)})" if h.title else ""
        out.append(f"<h4>Linked under <code>{escape(h.id)}</code>{title}</h4>")
        for p in case.players:
            items = [
                i for c in s.linked_constraints[p] for i in _constraint_items(c, order, linked=True)
            ]
            out.append(
                f"<p><strong>{escape(p)}</strong> (critical δ: "
                f'{threshold_math(s.linked_thresholds[p])})</p><ul class="conditions">'
                + "".join(items)
                + "</ul>"
            )
    return "\n".join(out)


def _timeline(case: Case, t: TimelineAnalysis | None) -> str:
    """The record: one row per period with a column per hypothesis, then the scores."""
    if t is None:
        return '<h3>Timeline</h3>\n<p class="muted">No timeline in this case file.</p>'
    hyps = t.hypotheses

    def cell(lines: Sequence[str]) -> str:
        out = []
        for line in lines:
            text = escape(line)
            if line.startswith("✗"):
                text = f'<span class="no">{text}</span>'
            elif line == "✓":
                text = f'<span class="yes">{text}</span>'
            out.append(text)
        return "<br>".join(out)

    rows = [
        [
            escape(p.start),
            escape(f"{number(p.length)} {t.resolution[0]}"),
            escape(p.title),
            escape(observed_cell(t, p)),
            *(cell(prediction_lines(t, p, h)) for h in hyps),
        ]
        for p in t.periods
    ]
    eps = t.error_rate
    sensitivity = [
        [escape(f"{e:g}"), *(probability(post[h]) for h in hyps)]
        for e, post in t.sensitivity().items()
    ]
    notes = "".join(f'<p class="note">{escape(line)}</p>\n' for line in equivalence_lines(t))
    return (
        "<h3>Timeline</h3>\n"
        f'<p class="note">{escape(LEGEND)}</p>\n'
        + table(
            ["from", "length", "event", "observed", *(f"<code>{escape(h)}</code>" for h in hyps)],
            rows,
        )
        + f'\n<h4>Scores</h4>\n<p class="note">Error rate ε = {eps:g}, one observation per '
        f"domain per {escape(t.resolution)}; Bayes factors against the leader.</p>\n"
        + table(SCORE_HEAD, [[escape(c) for c in row] for row in score_rows(t, eps)])
        + "\n"
        + table(["ε", *(f"<code>{escape(h)}</code>" for h in hyps)], sensitivity)
        + "\n"
        + notes
    )


def region_parameters(case: Case) -> list[str]:
    """Parameters worth a region plot: with a range, entering the payoffs (at most a few)."""
    used = {s.name for s in case.game.free_symbols}
    out = [
        n
        for n, p in case.parameters.items()
        if n in used and (p.low is not None or p.high is not None)
    ]
    return out[:MAX_REGION_PLOTS]


def _plots(report: CaseReport, timeline: TimelineAnalysis | None) -> str:
    case = report.case
    out = ["<h3>Plots</h3>"]
    hyp = case.hypotheses[0].id
    fig = plotting.plot_thresholds(case, analysis=report.analyses[hyp])
    out.append(
        svg_figure(
            fig,
            f"Critical δ per player and domain, separate vs linked under {hyp!r}; "
            "dashed: the calibrated δ.",
        )
    )
    for name in region_parameters(case):
        fig = plotting.plot_region(case, name, symbolic=report.symbolic[hyp])
        out.append(
            svg_figure(
                fig,
                f"Enforceable region in ({name}, δ) under {hyp!r}, other parameters "
                "at their calibrated values.",
            )
        )
    if timeline is not None:
        out.append(
            svg_figure(
                plotting.plot_timeline(case, timeline=timeline),
                "Observed and predicted states per period.",
            )
        )
    return "\n".join(out)


def timeline_of(case: Case) -> TimelineAnalysis | None:
    """The case's timeline analysis, or ``None`` without a timeline."""
    return TimelineAnalysis(case) if case.timeline else None


def case_section(
    report: CaseReport,
    *,
    plots: bool = True,
    section_id: str | None = None,
    rows: Sequence[ComparisonRow] | None = None,
    timeline: TimelineAnalysis | None = None,
) -> str:
    """The section of one case (``plots=False`` leaves out the figures). ``rows`` and ``timeline``
    are the case's comparison rows and timeline analysis when the caller already has them."""
    case = report.case
    if timeline is None:
        timeline = timeline_of(case)
    if rows is None:
        rows = case_rows(case, timeline)
    sid = section_id or anchor(case.id)
    title = case.title or case.id
    out = [
        f'<section class="case" id="{escape(sid)}" data-case="{escape(case.id)}">',
        f'<h2>{escape(title)} <span class="muted">(<code>{escape(case.id)}</code>)</span></h2>',
    ]
    if case.description:
        out.append(f"<p>{escape(case.description)}</p>")
    discount = case.game.subs(case.calibration()).discount
    facts = [
        ("players", ", ".join(case.players)),
        ("domains", ", ".join(case.domain_ids)),
        ("strategy", case.game.strategy.kind),
        ("hypotheses", ", ".join(h.id for h in case.hypotheses)),
        ("calibrated at", case.at or "the file's values"),
    ]
    deltas = ", ".join(f"{escape(p)} {math(discount.of(p))}" for p in case.players)
    out.append(
        "<p>"
        + " · ".join(f"<strong>{escape(k)}</strong>: {escape(v)}" for k, v in facts)
        + f" · <strong>δ</strong>: {deltas}</p>"
    )
    if case.sources:
        out.append(
            '<p class="note">Sources: ' + "; ".join(escape(s) for s in case.sources) + "</p>"
        )
    out.append(_parameters(case))
    columns = (
        "hypothesis",
        "separate",
        "linked",
        "helps_interval",
        "gain",
        "vulnerable",
        "lever",
        "linked_holds",
        "separate_holds",
        "helps",
        "fit",
    )
    out.append(
        "<h3>Hypotheses</h3>\n"
        + comparison_table(Comparison(tuple(rows)), columns=columns, row_class="hypothesis-row")
    )
    out.append(_thresholds(report))
    out.append(_conditions(report))
    if plots:
        out.append(_plots(report, timeline))
    out.append(_timeline(case, timeline))
    out.append("</section>")
    return "\n".join(s for s in out if s)


# -- the whole report ---------------------------------------------------------------------------
def render_html(
    cases: Sequence[Case], *, title: str = "Issue-linkage report", plots: bool = True
) -> str:
    """ONE self-contained HTML page for ``cases`` (see the module docstring); a case that cannot
    be analysed raises :class:`LinkageError`."""
    page, failures = render_report(cases, title=title, plots=plots)
    if failures:
        raise LinkageError("; ".join(str(f) for f in failures))
    return page


def render_report(
    cases: Sequence[Case], *, title: str = "Issue-linkage report", plots: bool = True
) -> tuple[str, list[Failure]]:
    """The page of :func:`render_html` and the cases left out because their analysis failed."""
    if not cases:
        raise LinkageError("a report needs at least one case")
    ordered = sorted(cases, key=lambda c: (c.id, c.path or ""))
    ids: dict[str, int] = {}
    sections = []
    nav = []
    failures: list[Failure] = []
    all_rows: list[ComparisonRow] = []
    for case in ordered:  # each case's timeline and rows are computed once, for every part
        n = ids.get(case.id, 0) + 1
        sid = anchor(case.id) + ("" if n == 1 else f"-{n}")
        try:
            timeline = timeline_of(case)
            rows = case_rows(case, timeline)
            section = case_section(
                CaseReport(case), plots=plots, section_id=sid, rows=rows, timeline=timeline
            )
        except LinkageError as exc:
            failures.append(Failure(case.path or case.id, one_line(exc)))
            continue
        ids[case.id] = n
        all_rows += rows
        sections.append(section)
        nav.append(f'<li><a href="#{escape(sid)}">{escape(case.title or case.id)}</a></li>')
    if not sections:
        raise LinkageError("; ".join(str(f) for f in failures))
    result = Comparison(tuple(all_rows))
    primary = result.primary()
    body = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="note">{len(ordered)} case(s). Generated by linkage {escape(__version__)}; '
        "exact values are in <code>linkage analyze --format json</code>.</p></header>",
        "<nav><h2>Cases</h2><ul>" + "".join(nav) + "</ul></nav>",
        '<section id="comparison-section"><h2>Comparison</h2>',
        '<p class="note">One row per case, under its first (primary) hypothesis; every hypothesis '
        "is in the case's section. δ*: the critical discount factor (separate: the maximum over "
        "the player's domains); lever: the domain donating most slack to the vulnerable "
        "player.</p>",
        comparison_table(primary, table_id="comparison", row_class="case-row"),
    ]
    if plots:
        body.append(
            svg_figure(
                plotting.plot_linkage_gain(result),
                "Linkage gain per case and hypothesis: max separate δ* − max linked δ*.",
            )
        )
    if failures:
        body.append(
            '<p class="note">Left out (their analysis failed): '
            + "; ".join(escape(str(f)) for f in failures)
            + "</p>"
        )
    body.append("</section>")
    body += sections
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    return page, failures
