"""A :class:`~linkage.timeline.TimelineAnalysis` as text or Markdown: one table row per period of
the record with a column per hypothesis, the scores, the posterior over a range of error rates,
and (``explain``) what decides the ranking."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from linkage.cases.dates import iso
from linkage.escape import markdown, plain
from linkage.record.automaton import Window
from linkage.record.explain import Explanation, Ranking
from linkage.timeline import Period, TimelineAnalysis

LEGEND = (
    "Each hypothesis cell: ✓ (every scored domain as predicted) or ✗ and the domains it gets "
    "wrong; * the domains it puts in a punishment phase; - the domains it predicts break down "
    "at the parameters in force. Observed: the recorded states other than cooperating."
)
TOP_CONTRIBUTIONS = 10
"""Observations listed by ``--explain`` (the largest contributions)."""


def number(x: float, digits: int = 2) -> str:
    """A float with fixed digits (``-0.00`` shown as ``0.00``)."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def probability(p: float) -> str:
    """A probability with three decimals, or in scientific notation below 0.001."""
    return f"{p:.3f}" if p >= 0.0005 or p == 0 else f"{p:.1e}"


def observed_cell(t: TimelineAnalysis, p: Period) -> str:
    """The recorded states in force that are not ``cooperating`` (unobserved open domains: ``?``)."""
    parts = []
    for k in t.case.domain_ids:
        if k not in p.open:
            continue
        state = p.observed.get(k)
        if state is None:
            parts.append(f"{k} ?")
        elif state != "cooperating":
            parts.append(f"{k} {state}")
    return ", ".join(parts) or "all cooperating"


def prediction_lines(t: TimelineAnalysis, p: Period, h: str) -> list[str]:
    """A hypothesis' cell, as lines: matches, punished domains, other predicted breakdowns."""
    order = t.case.domain_ids
    matches = p.matches(h)
    wrong = [k for k in order if matches.get(k) is False]
    lines = ["✗ " + ", ".join(wrong) if wrong else ("✓" if matches else "·")]
    per = p.predicted[h]
    punished = [k for k in order if k in per and per[k].punished]
    broken = [k for k in order if k in per and not per[k].cooperating and not per[k].punished]
    if punished:
        lines.append("* " + ", ".join(punished))
    if broken:
        lines.append("- " + ", ".join(broken))
    return lines


def _length(t: TimelineAnalysis, p: Period) -> str:
    return f"{number(p.length)} {t.resolution[0]}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """A text table whose cells wrap to ``widths`` (a cell may hold several lines)."""

    def lines(cell: str, width: int) -> list[str]:
        out: list[str] = []
        for part in cell.split("\n"):
            out += textwrap.wrap(part, width, break_on_hyphens=False) or [""]
        return out

    def render(cells: Sequence[str]) -> list[str]:
        wrapped = [lines(c, w) for c, w in zip(cells, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        return [
            "  ".join(
                (w[i] if i < len(w) else "").ljust(width)
                for w, width in zip(wrapped, widths, strict=True)
            ).rstrip()
            for i in range(height)
        ]

    rule = "  ".join("-" * w for w in widths)
    out = [*render(head), rule]
    for row in rows:
        out += render(row)
    return "\n".join(out)


def _ranking(r: Ranking) -> str:
    return " > ".join(" = ".join(map(plain, group)) for group in r)


SCORE_HEAD = ["hypothesis", "prior", "log L", "posterior", "log10 BF", "time matched/scored"]


def equivalence_lines(t: TimelineAnalysis, name: Callable[[str], str] = plain) -> list[str]:
    """The groups of hypotheses the record cannot tell apart (ids as ``name`` gives them)."""
    out = [
        "Observationally equivalent (identical predictions over the whole record): "
        + " = ".join(map(name, g))
        for g in t.equivalent
    ]
    out += [
        f"Indistinguishable on this record (they differ only where nothing is scored): "
        f"{' = '.join(map(name, g))}"
        for g in t.explain().indistinguishable
    ]
    return out


def _observation(t: TimelineAnalysis, w: Window) -> str:
    e = t.case.timeline[w.event]
    return f"{w.domain} {w.observation.state} {e.date} → {iso(w.end)}"


def _evidence(t: TimelineAnalysis, w: Window) -> str:
    e = t.case.timeline[w.event]
    keys = w.observation.cite or e.cite
    if keys:
        return plain(", ".join(keys))
    return {"source": "source in words", "estimate": "estimate"}.get(
        e.evidence(w.domain), "UNSOURCED"
    )


def explanation_lines(
    t: TimelineAnalysis, x: Explanation, top: int = TOP_CONTRIBUTIONS
) -> list[str]:
    """``--explain`` as lines of text."""
    out = [f"What decides the ranking (ε = {x.error_rate:g}): {_ranking(x.ranking)}"]
    if x.runner_up is None:
        out.append("  Every hypothesis scores the same on this record.")
    else:
        out.append(
            f"  {plain(x.leader)} against {plain(x.runner_up)}: log-likelihood ratio {number(x.log_ratio)} "
            f"(Bayes factor 10^{number(x.log_ratio / 2.302585092994046)})."
        )
        shown = x.contributions[:top]
        out.append(
            f"  The observations that carry it ({len(shown)} of {len(x.contributions)} "
            "that differ; + favours the leader):"
        )
        out.append(
            textwrap.indent(
                _table(
                    ["log ratio", "observation", "source"],
                    [
                        [f"{c.log_ratio:+.2f}", _observation(t, c.window), _evidence(t, c.window)]
                        for c in shown
                    ],
                    [9, 46, 30],
                ),
                "  ",
            )
        )
    if x.unsourced:
        out.append(
            "  Observations without a source: " + "; ".join(_observation(t, w) for w in x.unsourced)
        )
    else:
        out.append("  Every scored observation has a source or is tagged as an estimate.")
    if not x.rank_changes:
        out.append("  Drop one observation: the ranking survives losing any single observation.")
    else:
        out.append(
            f"  Drop one observation: the ranking changes without any one of "
            f"{len(x.rank_changes)} observation(s), and the leading hypothesis changes without "
            f"{len(x.leader_changes)} of them:"
        )
        out += [
            f"    without {_observation(t, c.window)}: {_ranking(c.ranking)}"
            for c in x.rank_changes
        ]
    return out


def render_timeline_text(
    t: TimelineAnalysis,
    *,
    explain: bool = False,
    error_rate: float | None = None,
    versus: str | None = None,
) -> str:
    """The record as a table (one row per period, a column per hypothesis), then the scores."""
    eps = t.error_rate if error_rate is None else error_rate
    hyps = t.hypotheses
    head = ["period", "event", "observed", *map(plain, hyps)]
    widths = [12, 20, 18, *(max(12, len(h)) for h in hyps)]
    rows = [
        [
            f"{p.start}\n{_length(t, p)}",
            plain(p.title),
            observed_cell(t, p),
            *("\n".join(prediction_lines(t, p, h)) for h in hyps),
        ]
        for p in t.periods
    ]
    lines = [
        f"Timeline of {plain(t.case.title or t.case.id)}",
        f"{len(t.periods)} periods to {t.periods[-1].end}; resolution: one {t.resolution}; "
        f"error rate ε = {eps:g}",
        "",
        _table(head, rows, widths),
        "",
        textwrap.fill(LEGEND, 100),
        "",
        f"Scores (ε = {eps:g}; Bayes factors against the leader):",
        _table(SCORE_HEAD, score_rows(t, eps), [max(10, *map(len, hyps)), 6, 9, 9, 8, 28]),
        "",
        "Posterior over the error rate:",
        _table(
            ["ε", *map(plain, hyps)],
            [
                [f"{e:g}", *(probability(post[h]) for h in hyps)]
                for e, post in t.sensitivity().items()
            ],
            [5, *(max(9, len(h)) for h in hyps)],
        ),
    ]
    notes = equivalence_lines(t)
    if notes:
        lines += ["", *notes]
    if explain:
        lines += ["", *explanation_lines(t, t.explain(eps, versus))]
    return "\n".join(lines) + "\n"


def score_rows(
    t: TimelineAnalysis, eps: float, name: Callable[[str], str] = plain
) -> list[list[str]]:
    """A row per hypothesis (its id as ``name`` gives it: plain text or Markdown)."""
    rows = []
    for h, s in t.scores(eps).items():
        share = "n/a" if s.share is None else f"{100 * s.share:.0f}%"
        rows.append(
            [
                name(h),
                probability(s.prior),
                number(s.log_likelihood),
                probability(s.posterior),
                number(s.log10_bayes_factor),
                f"{number(s.matched, 1)}/{number(s.scored, 1)} domain-{t.resolution}s ({share})",
            ]
        )
    return rows


def _md(text: str) -> str:
    """A table cell (Markdown already), its lines joined by ``<br>``."""
    return text.replace("|", "\\|").replace("\n", "<br>")


def render_timeline_markdown(
    t: TimelineAnalysis,
    *,
    explain: bool = False,
    error_rate: float | None = None,
    versus: str | None = None,
) -> str:
    """One Markdown table row per period with a column per hypothesis, then the scores."""
    eps = t.error_rate if error_rate is None else error_rate
    hyps = t.hypotheses
    head = ["period", "length", "event", "observed", *map(markdown, hyps)]
    lines = [
        f"# Timeline: {markdown(t.case.title or t.case.id)}",
        "",
        f"Resolution: one {t.resolution}; error rate ε = {eps:g}. {LEGEND}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for p in t.periods:
        cells = [
            f"{p.start} – {p.end}",
            _length(t, p),
            markdown(p.title),
            _md(observed_cell(t, p)),
            *(_md("; ".join(prediction_lines(t, p, h))) for h in hyps),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"## Scores (ε = {eps:g})",
        "",
        "| " + " | ".join(SCORE_HEAD) + " |",
        "|" + "---|" * len(SCORE_HEAD),
    ]
    lines += ["| " + " | ".join(map(_md, row)) + " |" for row in score_rows(t, eps, markdown)]
    lines += ["", "| ε | " + " | ".join(map(markdown, hyps)) + " |", "|" + "---|" * (len(hyps) + 1)]
    lines += [
        f"| {e:g} | " + " | ".join(probability(post[h]) for h in hyps) + " |"
        for e, post in t.sensitivity().items()
    ]
    notes = equivalence_lines(t, markdown)
    if notes:
        lines += ["", *notes]
    if explain:
        lines += [
            "",
            "## What decides the ranking",
            "",
            "```",
            *explanation_lines(t, t.explain(eps, versus)),
            "```",
        ]
    return "\n".join(lines) + "\n"
