"""Sensitivity and sweep results as text, tidy records (CSV, Parquet, data frames) and HTML.

Text shows the verdicts first (at the calibration and the share of draws in which each holds,
with its Monte Carlo standard error), then the posterior, the critical discount factors'
quantiles and, per threshold, the parameters that move it most (the tornado's method named).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from linkage.escape import csv_cell
from linkage.render.html import table
from linkage.uncertainty.montecarlo import QUANTILES, Sensitivity
from linkage.uncertainty.sweep import Sweep

TORNADO_TOP = 3
"""Parameters shown per threshold in the text tornado."""


def _p(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def _delta(x: float, digits: int = 3) -> str:
    if math.isnan(x) or math.isinf(x):
        return "never"
    return f"{x:.{digits}f}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()

    return [line(head), *(line(r) for r in rows)]


def sensitivity_text(result: Sensitivity, digits: int = 3) -> str:
    """The result as a text report (see the module docstring)."""
    at = f"at {result.at}" if result.at else "at the file's values"
    out = [
        f"{result.title}: robustness over the declared uncertainty",
        f"{result.draws} draws (seed {result.seed}) {at}; {len(result.parameters)} parameters drawn:",
    ]
    out += [f"  {n} ~ {d}" for n, d in zip(result.parameters, result.distributions, strict=True)]
    for a, b, r in result.correlations:
        out.append(f"  rank correlation {a} ~ {b}: {r:g}")
    for note in result.notes:
        out.append(f"note: {note}")
    out += ["", "Verdicts (share of draws in which each holds, Monte Carlo standard error)"]
    rows = [
        [
            v.name,
            "yes" if result.calibration.get(v.name) else "no",
            _p(v.probability, digits),
            _p(v.stderr, digits),
        ]
        for v in result.verdicts
    ]
    out += _table(["verdict", "calibration", "P(holds)", "s.e."], rows)
    if result.posteriors:
        out += ["", "Posterior on the record (P(highest): share of draws in which it is highest)"]
        rows = [
            [
                p.hypothesis,
                _p(p.mean, digits),
                _p(p.stderr, digits),
                _p(result.verdict(f"posterior.{p.hypothesis}").probability, digits),
                _p(p.quantiles[0.05], digits),
                _p(p.quantiles[0.95], digits),
            ]
            for p in result.posteriors
        ]
        out += _table(["hypothesis", "mean", "s.e.", "P(highest)", "5%", "95%"], rows)
    out += [
        "",
        "Critical discount factors (quantiles over the draws; never: the constraints never hold)",
    ]
    rows = [
        [
            t.name,
            _delta(t.calibration, digits),
            _p(t.never, digits),
            *(_delta(t.quantiles[q], digits) for q in QUANTILES),
        ]
        for t in result.thresholds
    ]
    out += _table(["threshold", "calibration", "P(never)", *(f"{q:.0%}" for q in QUANTILES)], rows)
    moving = result.varying
    if moving:
        out += [
            "",
            "Tornado: parameters moving each threshold most (method: partial rank correlation, "
            f"PRCC, beyond sampling noise: at least max(0.01, 3/√draws); top {TORNADO_TOP}; [δ* "
            "with the parameter at its low end, at its high end], the others at their values)",
        ]
        for name in moving:
            bars = result.moving(name)[:TORNADO_TOP]
            shown = ", ".join(
                f"{b.parameter} {b.prcc:+.2f} [{_delta(b.low, digits)}, {_delta(b.high, digits)}]"
                for b in bars
            )
            out.append(f"  {name}: {shown}")
    return "\n".join(out) + "\n"


def _intervals(axis: np.ndarray, holds: np.ndarray) -> str:
    """Where a 1-d verdict holds, as closed intervals of grid points."""
    if holds.all():
        return "everywhere"
    if not holds.any():
        return "nowhere"
    parts = []
    start = None
    for i, h in enumerate(holds):
        if h and start is None:
            start = i
        if start is not None and (not h or i == len(holds) - 1):
            end = i if h else i - 1
            parts.append(f"[{axis[start]:.4g}, {axis[end]:.4g}]")
            start = None
    return " ∪ ".join(parts)


MAP_WIDTH = 80
"""The widest grid drawn as a character map in a two-parameter sweep's text."""


def sweep_text(result: Sweep) -> str:
    """A sweep as text: per verdict, where it holds (intervals on one axis; a map on two)."""
    at = f"at {result.at}" if result.at else "at the file's values"
    axes = ", ".join(
        f"{a.name} from {a.low:g} to {a.high:g} ({a.points} points)" for a in result.axes
    )
    out = [f"{result.title}: verdicts over a grid {at}", f"grid: {axes}"]
    out += [f"note: {n}" for n in result.notes]
    everywhere = [n for n, v in result.verdicts.items() if v.all()]
    nowhere = [n for n, v in result.verdicts.items() if not v.any()]
    if everywhere:
        out.append("holds everywhere: " + ", ".join(everywhere))
    if nowhere:
        out.append("holds nowhere: " + ", ".join(nowhere))
    moving = [n for n in result.verdicts if n not in everywhere and n not in nowhere]
    if len(result.axes) == 1:
        x = result.axes[0].values
        out.append("")
        out += _table(
            ["verdict", f"holds for {result.axes[0].name} in"],
            [[n, _intervals(x, result.verdicts[n])] for n in moving],
        )
        return "\n".join(out) + "\n"
    xa, ya = result.axes
    for n in moving:
        v = result.verdicts[n]
        out += ["", f"{n}: holds on {int(v.sum())} of {v.size} points (# holds, . fails)"]
        if xa.points > MAP_WIDTH:
            continue
        out.append(f"  {ya.name} ↑, {xa.name} → from {xa.low:g} to {xa.high:g}")
        for j in range(ya.points - 1, -1, -1):
            row = "".join("#" if h else "." for h in v[j])
            out.append(f"  {ya.values[j]:>8.4g} {row}")
    return "\n".join(out) + "\n"


def sensitivity_html(result: Sensitivity, figures: Sequence[str] = ()) -> str:
    """The sensitivity section of a case in the HTML report (``figures``: HTML of plots)."""
    at = f"at {escape(result.at)}" if result.at else "at the file's values"
    moving = {v.name for v in result.verdicts if 0 < v.probability < 1}
    rows = [
        [
            f"<code>{escape(v.name)}</code>",
            "yes" if result.calibration.get(v.name) else "no",
            f"{v.probability:.3f}",
            f"{v.stderr:.3f}",
        ]
        for v in result.verdicts
        if v.name in moving or result.calibration.get(v.name) != (v.probability >= 0.5)
    ]
    out = [
        '<div class="sensitivity">',
        "<h3>Robustness over the declared uncertainty</h3>",
        f'<p class="note">{result.draws} draws (seed {result.seed}) {at} of '
        f"{len(result.parameters)} parameters over their ranges; verdicts that hold in every draw "
        "or in none (as at the calibration) are left out. s.e.: Monte Carlo standard error. "
        "Reproduce with <code>linkage sensitivity "
        f"{escape(result.case)} --draws {result.draws} --seed {result.seed}"
        f"{' --at ' + escape(result.at) if result.at else ''}</code>.</p>",
    ]
    out += [f'<p class="note">Note: {escape(n)}</p>' for n in result.notes]
    if rows:
        out.append(table(["verdict", "calibration", "P(holds)", "s.e."], rows))
    else:
        out.append("<p>Every verdict is the same in every draw as at the calibration.</p>")
    out += list(figures)
    out.append("</div>")
    return "\n".join(out)


def records_csv(records: Sequence[dict[str, Any]]) -> str:
    """Records as CSV (the first record's keys as the header; ``nan`` as an empty cell)."""
    buffer = io.StringIO()
    if not records:
        return ""
    writer = csv.DictWriter(buffer, list(records[0]), lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                k: "" if v is None or (isinstance(v, float) and math.isnan(v)) else csv_cell(v)
                for k, v in r.items()
            }
        )
    return buffer.getvalue()
