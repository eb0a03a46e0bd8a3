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

import difflib
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from html import escape

import attrs

from linkage import plots as plotting
from linkage._version import __version__
from linkage.cases.case import Case
from linkage.compare import Comparison, ComparisonRow, Failure, case_rows, one_line
from linkage.decimals import DIGITS
from linkage.errors import LinkageError
from linkage.progress import tracked
from linkage.render.findings import section_html
from linkage.render.formulas import KINDS, Aggregate, Formula, rule
from linkage.render.html import (
    anchor,
    comparison_table,
    math,
    number,
    svg_figure,
    table,
    threshold_math,
)
from linkage.render.report import CaseReport, count, yes
from linkage.render.stagegame import caption, matrix, stage_games
from linkage.render.text import holds
from linkage.render.timeline import (
    LEGEND,
    SCORE_HEAD,
    equivalence_lines,
    observed_cell,
    prediction_lines,
    probability,
    score_rows,
)
from linkage.render.timeline import (
    number as fixed_number,
)
from linkage.render.uncertainty import sensitivity_html
from linkage.timeline import TimelineAnalysis
from linkage.uncertainty.montecarlo import sensitivity
from linkage.uncertainty_plots import plot_histogram, plot_tornado

MAX_REGION_PLOTS = 3
"""At most this many region panels per case by default (parameters with a range in the payoffs)."""

REGION_POINTS = 80
"""Grid points of the report's region panels (the calibrated value is always one of them)."""

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;
margin:0 auto;max-width:72rem;padding:1rem 1.5rem 3rem;color:#1f2328;background:#fff;
line-height:1.45}
h1{font-size:1.7rem;margin:.5rem 0}
h2{font-size:1.35rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;
margin-top:2.2rem}h3{font-size:1.1rem;margin-top:1.4rem}h4{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem;max-width:100%}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
p,li,figcaption{overflow-wrap:break-word}.long{overflow-wrap:anywhere}.nw{white-space:nowrap}
th{background:#f6f8fa}tbody tr:nth-child(even){background:#fbfcfd}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.yes{color:#1a7f37;font-weight:600}.no{color:#cf222e;font-weight:600}.undecided{color:#9a6700}
.muted{color:#656d76}.note{font-size:.85rem;color:#656d76}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #eaeef2;
box-sizing:border-box}
figcaption{font-size:.85rem;color:#656d76}
math{font-size:1.05em}ul.conditions{list-style:none;padding-left:0}ul.conditions li{margin:.3rem 0}
.formula{overflow-x:auto;max-width:100%}details{margin:.2rem 0 .6rem}summary{cursor:pointer}
nav ul{columns:2;padding-left:1.2rem}.scroll{overflow-x:auto}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
"""


# -- one case -----------------------------------------------------------------------------------
def _parameters(report: CaseReport) -> str:
    """Parameters as the case file wrote them: value, range, unit, source."""
    case, notation = report.case, report.notation
    if not case.parameters:
        return ""
    rows = []
    for p in case.parameters.values():
        shown = math(p.symbol, notation)
        name = f"<code>{escape(p.name)}</code>" + (f" ({shown})" if p.latex else "")
        low, high = p.written("low"), p.written("high")
        rows.append(
            [
                name,
                escape(p.written()),
                "" if not (low or high) else escape(f"[{low or '−∞'}, {high or '∞'}]"),
                escape(p.unit),
                f'<span class="long">{escape(p.source)}</span>',
            ]
        )
    return "<h3>Parameters</h3>\n" + table(["name", "value", "range", "unit", "source"], rows)


def _thresholds(report: CaseReport) -> str:
    """Critical δ, one column per player: each domain separately, then each hypothesis."""
    case, a, notation = report.case, report.primary, report.notation
    head = ["", *(escape(p) for p in case.players)]
    rows = [
        [
            "<strong>δ</strong> (calibrated)",
            *(number(a.game.discount.of(p), notation) for p in case.players),
        ]
    ]
    rows += [
        [
            f"{escape(k)} (separate)",
            *(threshold_math(a.separate_thresholds[p][k], notation) for p in case.players),
        ]
        for k in case.domain_ids
    ]
    rows += [
        [
            f"linked: <code>{escape(h.id)}</code>",
            *(
                threshold_math(report.analyses[h.id].linked_thresholds[p], notation)
                for p in case.players
            ),
        ]
        for h in report.hypotheses
    ]
    return (
        "<h3>Critical discount factors</h3>\n"
        '<p class="note">At the calibration. A constraint holds for δ at or above its critical '
        "value; <em>never</em>: no δ &lt; 1 sustains it; 0: it always holds.</p>\n"
        + table(head, rows)
    )


def _sub(kind: str, domain: str) -> str:
    name = {"l": "ℓ"}.get(kind, kind)
    return f'<msub><mi>{name}</mi><mi mathvariant="normal">{escape(domain)}</mi></msub>'


def _aggregate(agg: Aggregate, notation: object) -> str:
    value = number(agg.value)
    if not agg.kind:
        return value
    name = {"l": "ℓ"}.get(agg.kind, agg.kind)
    if not agg.parts:
        return f'<math display="inline"><mi>{name}</mi><mo>=</mo><mn>0</mn></math>'
    parts = "<mo>+</mo>".join(_sub(agg.kind, p.domain) for p in agg.parts)
    return f'<math display="inline"><mi>{name}</mi><mo>=</mo>{parts}</math> = {value}'


def _formula(f: Formula, report: CaseReport) -> str:
    label = "" if f.label == "grim" else f' <span class="muted">[{escape(f.label)}]</span>'
    if f.named:
        aggregates = (
            f"{_aggregate(f.gain, report.notation)}; {_aggregate(f.stake, report.notation)}"
        )
    else:
        aggregates = f"gain {number(f.gain.value)}; stake {number(f.stake.value)}"
    return (
        f"{aggregates} → δ*{label} = {escape(rule(f))} = "
        f"{threshold_math(f.threshold, report.notation)}"
    )


def _sets(f: Formula) -> str:
    once = f" once {{{escape(', '.join(f.state))}}} is punished" if f.state else ""
    return (
        f"deviate in {{{escape(', '.join(f.deviation))}}}{once}, "
        f"punished in {{{escape(', '.join(f.punished))}}}"
    )


def _conditions(report: CaseReport) -> str:
    """The structured conditions: per-domain parts in closed form, then each hypothesis'
    constraints in the aggregates (no closed form of a whole threshold: it would not read)."""
    case, a, notation, book = report.case, report.primary, report.notation, report.formulas
    kinds = book.kinds()
    out = [
        "<h3>Conditions</h3>",
        '<p class="note">A deviation is deterred when (1 − δ)·g ≤ δ·s: the temptation '
        "g sums (D − C)⁺ over the domains deviated in, the stake s sums C − N over the domains "
        "punished, and δ* = g/(g + s). Each part in closed form in the case's parameters, and "
        "its value at the calibration:</p>",
    ]
    rows = []
    for p in case.players:
        for k in case.domain_ids:
            cells = [escape(p), escape(k)]
            parts = book.domain_parts(a, p, k)
            for kind in kinds:
                if kind not in parts:
                    cells.append("")
                    continue
                expr, value = parts[kind]
                closed = (
                    ""
                    if expr.is_number
                    else f'<span class="formula">{math(expr, notation)}</span> = '
                )
                cells.append(closed + number(value, notation))
            rows.append(cells)
    head = ["player", "domain", *(f"{escape(KINDS[k][0])} {escape(KINDS[k][1])}" for k in kinds)]
    out.append(table(head, rows))
    for h in report.hypotheses:
        ah = report.analyses[h.id]
        title = f" ({escape(h.title)})" if h.title else ""
        out.append(f"<h4>Linked under <code>{escape(h.id)}</code>{title}</h4>")
        out.append(f'<p class="note">{escape(h.structure.describe())}</p>')
        items = []
        for p in case.players:
            constraints = book.linked(ah, p)
            binding = "<br>".join(_formula(f, report) for f in constraints[0])
            item = (
                f"<li><strong>{escape(p)}</strong> (holds: {yes(holds(ah, p))}); binding: "
                f"{_sets(constraints[0][0])}<br>{binding}"
            )
            others = [f for fs in constraints[1:] for f in fs]
            if others:
                item += (
                    f"<details><summary>{count(len(others), 'other constraint')}</summary><ul>"
                    + "".join(
                        f"<li>{_sets(f)}: δ* = {threshold_math(f.threshold, notation)}</li>"
                        for f in others
                    )
                    + "</ul></details>"
                )
            items.append(item + "</li>")
        out.append('<ul class="conditions">' + "".join(items) + "</ul>")
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
            escape(f"{fixed_number(p.length)} {t.resolution[0]}"),
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


def region_parameters(case: Case, chosen: Sequence[str] | None = None) -> list[str]:
    """Parameters for region plots: ``chosen`` (those the case has), else the first few with a
    range that enter the payoffs."""
    if chosen:
        return [n for n in chosen if n in case.parameters]
    used = {s.name for s in case.game.free_symbols}
    out = [
        n
        for n, p in case.parameters.items()
        if n in used and (p.low is not None or p.high is not None)
    ]
    return out[:MAX_REGION_PLOTS]


def _plots(
    report: CaseReport, timeline: TimelineAnalysis | None, params: Sequence[str] | None = None
) -> str:
    case = report.case
    out = ["<h3>Plots</h3>"]
    hyp = report.hypotheses[0].id
    fig = plotting.plot_thresholds(case, hyp, analysis=report.analyses[hyp])
    out.append(
        svg_figure(
            fig,
            f"Critical δ per player and domain, separate vs linked under {hyp!r}; "
            "dashed: the calibrated δ.",
        )
    )
    names = region_parameters(case, params)
    if names:
        fig = plotting.plot_region(
            case, names, hyp, points=REGION_POINTS, symbolic=case.symbolic_analysis(hyp)
        )
        out.append(
            svg_figure(
                fig,
                f"Enforceable region in ({', '.join(names)}) × δ under {hyp!r}, other parameters "
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
    params: Sequence[str] | None = None,
    sensitivity: str = "",
) -> str:
    """The section of one case (``plots=False`` leaves out the figures). ``rows`` and ``timeline``
    are the case's comparison rows and timeline analysis when the caller already has them;
    ``params``: the parameters of the region plot (default: the first few with a range);
    ``sensitivity``: the HTML of the case's robustness section, if any."""
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
    discount = case.calibrated_game().discount
    facts = [
        ("players", ", ".join(case.players)),
        ("domains", ", ".join(case.domain_ids)),
        ("strategy", case.game.strategy.kind),
        ("hypotheses", ", ".join(h.id for h in case.hypotheses)),
        ("calibrated at", case.at or "the file's values"),
    ]
    deltas = ", ".join(
        f"{escape(p)} {number(discount.of(p), report.notation)}" for p in case.players
    )
    out.append(
        "<p>"
        + " · ".join(f"<strong>{escape(k)}</strong>: {escape(v)}" for k, v in facts)
        + f" · <strong>δ</strong>: {deltas}</p>"
    )
    if case.sources:
        out.append(
            '<p class="note">Sources: ' + "; ".join(escape(s) for s in case.sources) + "</p>"
        )
    out.append(_parameters(report))
    for k, d in stage_games(case):
        out.append(f'<p class="note">{escape(caption(k, d))}</p>')
        out.append(table(*matrix(d, escape, lambda v: math(v, report.notation))))
    columns = (
        "hypothesis",
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
        + comparison_table(
            Comparison(tuple(rows)),
            columns=columns,
            row_class="hypothesis-row",
            digits=report.digits,
        )
    )
    out.append(_thresholds(report))
    out.append(_conditions(report))
    if plots:
        out.append(_plots(report, timeline, params))
    out.append(_timeline(case, timeline))
    out += [section_html(s, report.notation) for s in report.findings]
    out.append(sensitivity)
    out.append("</section>")
    return "\n".join(s for s in out if s)


# -- the whole report ---------------------------------------------------------------------------
def render_html(
    cases: Sequence[Case],
    *,
    title: str = "Issue-linkage report",
    plots: bool = True,
    params: Sequence[str] | None = None,
    digits: int = DIGITS,
) -> str:
    """ONE self-contained HTML page for ``cases`` (see the module docstring); a case that cannot
    be analysed raises :class:`LinkageError`."""
    page, failures = render_report(cases, title=title, plots=plots, params=params, digits=digits)
    if failures:
        raise LinkageError("; ".join(str(f) for f in failures))
    return page


def check_params(cases: Sequence[Case], params: Sequence[str]) -> None:
    """Every name in ``params`` must be a parameter of at least one case (did-you-mean)."""
    known = sorted({n for c in cases for n in c.parameters})
    for name in params:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise LinkageError(
                f"no case has a parameter {name!r}{hint}; parameters: {', '.join(known) or 'none'}"
            )


@attrs.frozen
class _Job:
    case: Case
    sid: str
    plots: bool
    params: tuple[str, ...]
    digits: int
    draws: int = 0
    seed: int = 0

    def __call__(self) -> tuple[str, list[ComparisonRow], Failure | None]:
        """The case's section and comparison rows, its timeline and rows computed once."""
        case = self.case
        try:
            timeline = timeline_of(case)
            rows = case_rows(case, timeline)
            section = case_section(
                CaseReport(case, digits=self.digits),
                plots=self.plots,
                section_id=self.sid,
                rows=rows,
                timeline=timeline,
                params=self.params or None,
                sensitivity=sensitivity_section(case, self.draws, self.seed, self.plots)
                if self.draws
                else "",
            )
        except LinkageError as exc:
            return "", [], Failure(case.path or case.id, one_line(exc))
        return section, rows, None


_JOBS: list[_Job] = []


def _call(index: int) -> tuple[str, list[ComparisonRow], Failure | None]:
    return _JOBS[index]()


def _run(
    jobs: list[_Job], workers: int | None
) -> Iterator[tuple[str, list[ComparisonRow], Failure | None]]:
    """Run the jobs, in forked worker processes when there are several cores and cases, yielding
    each result as it is ready. The workers inherit the loaded cases (nothing is pickled but the
    results), and the results keep the order of the jobs, so the page is the same bytes for any
    number of workers."""
    count = min(len(jobs), workers or 1, os.cpu_count() or 1)
    if count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (job() for job in jobs)
        return
    _JOBS[:] = jobs
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            yield from pool.map(_call, range(len(jobs)))
    finally:
        _JOBS.clear()


def render_report(
    cases: Sequence[Case],
    *,
    title: str = "Issue-linkage report",
    plots: bool = True,
    params: Sequence[str] | None = None,
    digits: int = DIGITS,
    workers: int | None = None,
    sensitivity: int = 0,
    seed: int = 0,
) -> tuple[str, list[Failure]]:
    """The page of :func:`render_html` and the cases left out because their analysis failed.

    ``workers``: processes that render case sections in parallel (default 1: in this process,
    which measured faster on a busy 2-core machine; more pays on idle cores). The page does not
    depend on it. ``sensitivity``: draws of each case's robustness section (0: none), with
    ``seed``."""
    if not cases:
        raise LinkageError("a report needs at least one case")
    if params:
        check_params(cases, params)
    ordered = sorted(cases, key=lambda c: (c.id, c.path or ""))
    seen: dict[str, int] = {}
    jobs = []
    for case in ordered:
        seen[case.id] = seen.get(case.id, 0) + 1
        sid = anchor(case.id) + ("" if seen[case.id] == 1 else f":{seen[case.id]}")
        jobs.append(_Job(case, sid, plots, tuple(params or ()), digits, sensitivity, seed))
    sections = []
    nav = []
    failures: list[Failure] = []
    all_rows: list[ComparisonRow] = []
    results = tracked(_run(jobs, workers), len(jobs), "report")
    for job, (section, rows, failure) in zip(jobs, results, strict=True):
        if failure is not None:
            failures.append(failure)
            continue
        all_rows += rows
        sections.append(section)
        nav.append(
            f'<li><a href="#{escape(job.sid)}">{escape(job.case.title or job.case.id)}</a></li>'
        )
    if not sections:
        raise LinkageError("; ".join(str(f) for f in failures))
    result = Comparison(tuple(all_rows))
    primary = result.primary()
    body = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="note">{count(len(ordered), "case")}. Generated by linkage '
        f"{escape(__version__)}; exact values are in <code>linkage analyze --format json</code>."
        "</p></header>",
        "<nav><h2>Cases</h2><ul>" + "".join(nav) + "</ul></nav>",
        '<section id="comparison-section"><h2>Comparison</h2>',
        '<p class="note">One row per case, under its first (primary) hypothesis; every hypothesis '
        "is in the case's section. δ*: the critical discount factor (separate: the maximum over "
        "the player's domains); lever: the domain donating most slack to the vulnerable "
        "player.</p>",
        comparison_table(primary, table_id="comparison", row_class="case-row", digits=digits),
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


def sensitivity_section(case: Case, draws: int, seed: int, plots: bool) -> str:
    """A case's robustness section: verdict probabilities over its declared uncertainty and,
    with ``plots``, the tornado and the histograms of its critical δ."""
    if not any(p.distribution is not None for p in case.parameters.values()):
        return '<p class="note">No parameter of this case has a range: no robustness section.</p>'
    result = sensitivity(case, draws, seed)
    figures = []
    if plots and result.varying:
        figures = [
            svg_figure(plot_tornado(result), "Partial rank correlations with each critical δ."),
            svg_figure(plot_histogram(result), "Critical δ over the draws (dashed: calibration)."),
        ]
    return sensitivity_html(result, figures)
