r"""Results as tidy data: records (plain dicts) and pandas data frames.

:func:`to_pandas` turns a :class:`~linkage.compare.Comparison`, an
:class:`~linkage.engine.analysis.Analysis`, a :class:`~linkage.render.report.CaseReport` or a
:class:`~linkage.timeline.TimelineAnalysis` into a :class:`pandas.DataFrame` with one row per
observation (pandas comes with the ``data`` extra: ``pip install 'issue-linkage[data]'``). The
same records, without pandas, feed ``linkage compare --format csv`` and ``--format parquet``.

Numbers are floats, ``nan`` where there is no number (a threshold that is ``never``), with a
``*_status`` column saying ``threshold``, ``always`` or ``never``; exact values are text in
``*_exact`` columns (sympy's notation: ``16960/58779``), so nothing exact is lost.

>>> from linkage.compare import compare
>>> frame = to_pandas(compare(["cases/example.toml"]))
>>> frame[["case", "hypothesis", "player", "linked", "linked_exact"]].to_string(index=False)
   case hypothesis player   linked linked_exact
example    linkage      A 0.470588         8/17
example    linkage      B 0.600000          3/5
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import sympy

from linkage.compare import DEFAULT_COLUMNS, Comparison
from linkage.engine.analysis import Analysis
from linkage.engine.constraints import DeviationConstraint
from linkage.engine.threshold import Threshold
from linkage.errors import LinkageError
from linkage.render.report import CaseReport
from linkage.timeline import TimelineAnalysis
from linkage.uncertainty.montecarlo import QUANTILES, Sensitivity
from linkage.uncertainty.sweep import Sweep
from linkage.values import to_float

KEYS = ("case", "hypothesis", "player")
"""The columns that identify a row of a comparison's records."""

FIELDS: dict[str, tuple[str, ...]] = {
    "case": (),
    "hypothesis": (),
    "title": ("title",),
    "players": ("players",),
    "domains": ("domains",),
    "delta": ("delta", "delta_exact"),
    "separate": ("separate", "separate_status", "separate_exact"),
    "linked": ("linked", "linked_status", "linked_exact"),
    "helps_interval": ("helps_low", "helps_high"),
    "gain": ("gain",),
    "vulnerable": ("vulnerable",),
    "lever": ("lever",),
    "linked_holds": ("linked_holds",),
    "separate_holds": ("separate_holds",),
    "helps": ("helps",),
    "fit": ("fit_share", "fit_matched", "fit_scored"),
}
"""The record columns of each comparison column."""


def _float(x: sympy.Expr | None) -> float:
    if x is None or not x.is_number:
        return math.nan
    return to_float(x)


def _exact(x: sympy.Expr | None) -> str | None:
    return None if x is None else str(sympy.sstr(x))


def _threshold(t: Threshold, name: str) -> dict[str, Any]:
    return {
        name: _float(t.exact) if t.status != "never" else math.nan,
        f"{name}_status": t.status,
        f"{name}_exact": _exact(t.exact) if t.status != "never" else None,
    }


def record_columns(columns: Sequence[str] = DEFAULT_COLUMNS) -> list[str]:
    """The record columns for the chosen comparison columns (the keys always first)."""
    return [*KEYS, *(f for c in columns for f in FIELDS[c])]


def comparison_records(
    result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS
) -> list[dict[str, Any]]:
    """One record per case, hypothesis and player, with the fields of ``columns``."""
    wanted = record_columns(columns)
    out = []
    for row in result.rows:
        interval = row.helps_interval
        fit = row.fit or {}
        shared: dict[str, Any] = {
            "case": row.case,
            "hypothesis": row.hypothesis,
            "title": row.title,
            "players": "; ".join(row.players),
            "domains": "; ".join(row.domains),
            "helps_low": _float(interval.low) if interval else math.nan,
            "helps_high": _float(interval.high) if interval else math.nan,
            "gain": _float(row.gain),
            "vulnerable": row.vulnerable,
            "lever": row.lever,
            "linked_holds": row.linked_holds,
            "separate_holds": "; ".join(k for k, v in row.separate_holds.items() if v),
            "helps": row.helps,
            "fit_share": math.nan if fit.get("share") is None else float(fit["share"]),
            "fit_matched": fit.get("matched"),
            "fit_scored": fit.get("scored"),
        }
        for p in row.players:
            record = {
                **shared,
                "player": p,
                "delta": _float(row.delta[p]),
                "delta_exact": _exact(row.delta[p]),
                **_threshold(row.separate[p], "separate"),
                **_threshold(row.linked[p], "linked"),
            }
            out.append({k: record[k] for k in wanted})
    return out


def _constraint_records(
    c: DeviationConstraint, structure: str, order: tuple[str, ...], d: sympy.Expr
) -> list[dict[str, Any]]:
    out = []
    for cond in c.conditions:
        t = cond.threshold
        holds = (
            t.status == "always"
            if t.status in ("always", "never")
            else (
                t.holds_at(d)
                if t.status == "threshold" and not t.is_symbolic and d.is_number
                else None
            )
        )
        out.append(
            {
                "player": c.player,
                "structure": structure,
                "deviation": "; ".join(k for k in order if k in c.deviation),
                "punished": "; ".join(k for k in order if k in c.punished),
                "condition": cond.label,
                "gain": _float(cond.gain),
                "stake": _float(cond.stake),
                **_threshold(t, "threshold"),
                "delta": _float(d),
                "holds": holds,
            }
        )
    return out


def analysis_records(a: Analysis) -> list[dict[str, Any]]:
    """One record per incentive constraint: separate (one per player and domain), then linked."""
    g = a.game
    out = []
    for p in g.players:
        for c in a.separate_constraints[p].values():
            out += _constraint_records(c, "separate", g.domain_ids, g.discount.of(p))
    for p in g.players:
        for c in a.linked_constraints[p]:
            out += _constraint_records(c, "linked", g.domain_ids, g.discount.of(p))
    return out


def timeline_records(t: TimelineAnalysis) -> list[dict[str, Any]]:
    """One record per period, hypothesis and open domain: predicted, observed, and whether they
    match (built from the public attributes of the timeline's periods)."""
    out = []
    for period in t.periods:
        for hypothesis, predictions in period.predicted.items():
            matches = period.matches(hypothesis)
            for k in t.case.domain_ids:
                if k not in predictions:
                    continue
                out.append(
                    {
                        "start": period.start,
                        "end": period.end,
                        "length": period.length,
                        "event": period.title,
                        "hypothesis": hypothesis,
                        "domain": k,
                        "predicted": "cooperating" if predictions[k].cooperating else "breakdown",
                        "observed": period.observed.get(k),
                        "matched": matches.get(k),
                    }
                )
    return out


def sensitivity_records(result: Sensitivity) -> list[dict[str, Any]]:
    """One tidy record per verdict, threshold and posterior (``kind`` says which), for CSV,
    Parquet and data frames; columns that do not apply are ``nan``."""
    nan = math.nan
    qs = {f"q{round(q * 100):02d}": q for q in QUANTILES}
    out: list[dict[str, Any]] = []
    for v in result.verdicts:
        out.append(
            {
                "kind": "verdict",
                "name": v.name,
                "calibration": float(result.calibration.get(v.name, False)),
                "probability": v.probability,
                "stderr": v.stderr,
                "never": nan,
                **dict.fromkeys(qs, nan),
            }
        )
    for p in result.posteriors:
        out.append(
            {
                "kind": "posterior",
                "name": p.hypothesis,
                "calibration": nan,
                "probability": p.mean,
                "stderr": p.stderr,
                "never": nan,
                **{k: p.quantiles[q] for k, q in qs.items()},
            }
        )
    for t in result.thresholds:
        out.append(
            {
                "kind": "threshold",
                "name": t.name,
                "calibration": t.calibration,
                "probability": nan,
                "stderr": nan,
                "never": t.never,
                **{
                    k: (nan if math.isinf(t.quantiles[q]) else t.quantiles[q])
                    for k, q in qs.items()
                },
            }
        )
    return out


def tornado_records(result: Sensitivity) -> list[dict[str, Any]]:
    """One record per threshold and parameter: PRCC and one-at-a-time swing."""
    return [
        {
            "threshold": name,
            "parameter": b.parameter,
            "prcc": math.nan if b.prcc is None else b.prcc,
            "low": b.low,
            "high": b.high,
        }
        for name, bars in result.tornado.items()
        for b in bars
    ]


def draw_records(result: Sensitivity) -> list[dict[str, Any]]:
    """One record per draw: the drawn parameters and every critical δ (``nan``: never)."""
    names = [t.name for t in result.thresholds]
    return [
        {
            "draw": i,
            **dict(zip(result.parameters, map(float, row), strict=True)),
            **dict(zip(names, map(float, values), strict=True)),
        }
        for i, (row, values) in enumerate(zip(result.samples, result.threshold_values, strict=True))
    ]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise LinkageError("data frames need pandas: pip install 'issue-linkage[data]'") from None
    return pandas


def records_parquet(records: Sequence[dict[str, Any]]) -> bytes:
    """Records as Parquet bytes (needs the ``data`` extra: pandas and pyarrow)."""
    buffer = io.BytesIO()
    _pandas().DataFrame(list(records)).to_parquet(buffer, index=False)
    return buffer.getvalue()


SENSITIVITY_TABLES = ("summary", "tornado", "draws")
"""The tables of a :class:`~linkage.uncertainty.montecarlo.Sensitivity` (``to_pandas(result,
table=...)``)."""


def to_pandas(result: Any, *, columns: Sequence[str] | None = None, table: str = "summary") -> Any:
    """``result`` as a :class:`pandas.DataFrame` (see the module docstring).

    A :class:`~linkage.compare.Comparison` gives one row per case, hypothesis and player
    (``columns``: the comparison columns to include); an :class:`~linkage.engine.analysis.Analysis`
    one row per incentive constraint; a :class:`~linkage.render.report.CaseReport` the same for
    every reported hypothesis, with a ``hypothesis`` column; a
    :class:`~linkage.timeline.TimelineAnalysis` one row per period, hypothesis and domain.

    A :class:`~linkage.uncertainty.montecarlo.Sensitivity` gives, by ``table``: ``"summary"``
    one row per verdict, posterior and threshold (``kind`` says which); ``"tornado"`` one row per
    threshold and parameter (PRCC and one-at-a-time swing); ``"draws"`` one row per draw (the
    drawn parameters and every critical δ). A :class:`~linkage.uncertainty.sweep.Sweep` gives one
    row per grid point.
    """
    pandas = _pandas()
    if isinstance(result, Sensitivity):
        if table not in SENSITIVITY_TABLES:
            raise LinkageError(f"unknown table {table!r}: one of {', '.join(SENSITIVITY_TABLES)}")
        make = {
            "summary": sensitivity_records,
            "tornado": tornado_records,
            "draws": draw_records,
        }[table]
        return pandas.DataFrame(make(result))
    if isinstance(result, Sweep):
        return pandas.DataFrame(result.records())
    if isinstance(result, Comparison):
        cols = tuple(columns) if columns is not None else DEFAULT_COLUMNS
        return pandas.DataFrame(comparison_records(result, cols), columns=record_columns(cols))
    if isinstance(result, Analysis):
        return pandas.DataFrame(analysis_records(result))
    if isinstance(result, CaseReport):
        rows = [
            {"case": result.case.id, "hypothesis": h.id, **r}
            for h in result.hypotheses
            for r in analysis_records(result.analyses[h.id])
        ]
        return pandas.DataFrame(rows)
    if isinstance(result, TimelineAnalysis):
        return pandas.DataFrame(timeline_records(result))
    raise LinkageError(
        f"to_pandas() takes a Comparison, Analysis, CaseReport, TimelineAnalysis, Sensitivity "
        f"or Sweep, not {type(result).__name__}"
    )


__all__ = [
    "SENSITIVITY_TABLES",
    "analysis_records",
    "comparison_records",
    "draw_records",
    "record_columns",
    "records_parquet",
    "sensitivity_records",
    "timeline_records",
    "to_pandas",
    "tornado_records",
]
