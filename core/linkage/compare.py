r"""Case studies side by side: one row per case and linkage hypothesis.

:func:`compare` analyses every case at its calibration under each of its hypotheses and returns a
:class:`Comparison`: data, which :mod:`linkage.render.comparison` renders as a terminal table,
Markdown, LaTeX (booktabs), CSV or JSON. The columns (:data:`COLUMNS`) are

``case``, ``title``, ``hypothesis``, ``players``, ``domains``
    what is compared (``title`` is not shown unless asked for);
``delta``
    the calibrated discount factor(s);
``separate``
    per player, the critical :math:`\delta` with every domain punished only in itself: the maximum
    over that player's domains, :math:`\max_k \delta_{ik}` (JSON adds the per-domain values);
``linked``
    per player, the critical :math:`\delta_i^L` of the whole package under the hypothesis;
``helps_interval``
    the common :math:`\delta` on which linkage strictly helps,
    :math:`[\max_i \delta_i^L, \max_{i,k}\delta_{ik})` (``-`` when empty);
``gain``
    the *linkage gain* :math:`\max_{i,k}\delta_{ik} - \max_i \delta_i^L` (a ``never`` on the
    separate side counts as 1; ``-`` when the linked package is never self-enforcing). It is the
    width of ``helps_interval`` when that is not empty, and zero or negative otherwise;
``vulnerable``
    the player whose linked constraint binds (:attr:`Analysis.vulnerable`);
``lever``
    the domain that donates most slack to the vulnerable player: :attr:`Analysis.lever` of that
    player, the domain with the largest positive grim slack
    :math:`s_{ik}(\delta_i) = (\bar D_{ik}-N_{ik})(\delta_i-\delta_{ik})` at their calibrated
    :math:`\delta_i` (``-`` when no domain has positive slack). Under a hypothesis that does
    not pool the vulnerable player's domains (``separate``) no slack is transferred: the lever
    is then the domain that *would* donate most if they were linked;
``linked_holds``, ``separate_holds``, ``helps``
    the verdict at the calibrated discount factors: whether the linked package is self-enforcing,
    which domains are self-enforcing on their own, and whether linkage strictly helps;
``fit``
    how the record supports the hypothesis (:attr:`TimelineAnalysis.fit
    <linkage.timeline.TimelineAnalysis.fit>`): its posterior among the case's hypotheses, and the
    share of the scored time it predicts (shown in brackets); ``n/a`` without a timeline or with
    nothing scored.

Rows are sorted by case id (then file path); a case's hypotheses keep the order of its file, the
first being the case's primary hypothesis. Cases that fail to load or analyse are collected in :attr:`Comparison.failures`
and the others are still compared.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import sympy

from linkage.cases.case import Case
from linkage.cases.loader import load_case, resolve_case
from linkage.engine.analysis import Interval
from linkage.engine.threshold import Threshold, combine
from linkage.errors import CaseErrors, LinkageError
from linkage.progress import tracked
from linkage.timeline import TimelineAnalysis
from linkage.values import to_float

COLUMNS: tuple[str, ...] = (
    "case",
    "title",
    "hypothesis",
    "players",
    "domains",
    "delta",
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
"""Every column, by name (described in the module docstring)."""

DEFAULT_COLUMNS: tuple[str, ...] = (
    "case",
    "hypothesis",
    "linked",
    "helps_interval",
    "helps",
    "fit",
)
"""The columns shown unless ``columns`` says otherwise: the verdict, in 100 characters of a
terminal for the bundled cases (``columns="all"`` shows every column)."""


def _float(expr: sympy.Expr) -> float:
    return to_float(expr)


def parse_columns(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """Column names from ``"a,b,c"``, ``"all"`` or a sequence; :class:`LinkageError` names
    unknown ones (with the closest valid name)."""
    if spec is None:
        return DEFAULT_COLUMNS
    if spec == "all":
        return COLUMNS
    names = (
        [c.strip() for c in spec.split(",")] if isinstance(spec, str) else [str(c) for c in spec]
    )
    names = [c for c in names if c]
    unknown = [c for c in names if c not in COLUMNS]
    if unknown:
        hints = [difflib.get_close_matches(c, COLUMNS, n=1) for c in unknown]
        hint = "; ".join(f"did you mean {h[0]!r}?" for h in hints if h)
        raise LinkageError(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            + (f" ({hint})" if hint else "")
            + f"; valid columns: {', '.join(COLUMNS)} (or 'all')"
        )
    if not names:
        raise LinkageError(f"no columns given; valid columns: {', '.join(COLUMNS)}")
    return tuple(names)


@attrs.frozen
class Failure:
    """A case that could not be compared: the name it was given by and the error, on one line."""

    name: str
    error: str

    def __str__(self) -> str:
        # A case-file error already names its file: do not name it twice.
        return self.error if self.error.startswith(self.name) else f"{self.name}: {self.error}"


def one_line(exc: Exception) -> str:
    """An error message on one line (several case-file problems: the first and a count)."""
    if isinstance(exc, CaseErrors):
        first = str(exc.errors[0]) if exc.errors else str(exc)
        more = len(exc.errors) - 1
        return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else "")
    return " ".join(str(exc).split())


@attrs.frozen
class ComparisonRow:
    """One case under one hypothesis, at its calibration."""

    case: str
    title: str
    path: str | None
    hypothesis: str
    players: tuple[str, ...]
    domains: tuple[str, ...]
    delta: dict[str, sympy.Expr]
    separate_domains: dict[str, dict[str, Threshold]]
    linked: dict[str, Threshold]
    helps_interval: Interval | None
    vulnerable: str | None
    lever: str | None
    linked_holds: bool | None
    separate_holds: dict[str, bool | None]
    helps: bool | None
    fit: dict[str, Any] | None
    at: str | None = None
    """The date whose calibration the row is judged at (``None``: the file's values)."""

    @property
    def separate(self) -> dict[str, Threshold]:
        r"""Per player, :math:`\max_k \delta_{ik}`."""
        return {p: combine(per.values()) for p, per in self.separate_domains.items()}

    @property
    def gain(self) -> sympy.Expr | None:
        r""":math:`\max_{i,k}\delta_{ik} - \max_i\delta_i^L` (``never`` separately counts as 1)."""
        linked = combine(self.linked.values())
        separate = combine(self.separate.values())
        if linked.status == "never" or linked.exact is None:
            return None
        high = sympy.Integer(1) if separate.status == "never" else separate.exact
        if high is None:
            return None
        return high - linked.exact

    def json(self, column: str) -> Any:
        """The cell of ``column`` as JSON-ready data (exact values as strings, plus floats)."""
        if column in ("players", "domains"):
            return list(getattr(self, column))
        if column == "delta":
            return {
                p: {"exact": sympy.sstr(d), "value": _float(d) if d.is_number else None}
                for p, d in self.delta.items()
            }
        if column == "separate":
            return {
                p: {
                    "max": self.separate[p].as_json(),
                    "domains": {k: t.as_json() for k, t in per.items()},
                }
                for p, per in self.separate_domains.items()
            }
        if column == "linked":
            return {p: t.as_json() for p, t in self.linked.items()}
        if column == "helps_interval":
            return None if self.helps_interval is None else self.helps_interval.as_json()
        if column == "gain":
            g = self.gain
            return (
                None
                if g is None
                else {"exact": sympy.sstr(g), "value": _float(g) if g.is_number else None}
            )
        if column == "separate_holds":
            return dict(self.separate_holds)
        if column == "fit":
            return None if self.fit is None else dict(self.fit)
        if column in (
            "case",
            "title",
            "hypothesis",
            "vulnerable",
            "lever",
            "linked_holds",
            "helps",
        ):
            return getattr(self, column)
        raise LinkageError(f"unknown column {column!r}; valid columns: {', '.join(COLUMNS)}")


def case_rows(case: Case, timeline: TimelineAnalysis | None = None) -> list[ComparisonRow]:
    """The rows of one case, one per hypothesis in the order of its file (``timeline``: its
    :class:`~linkage.timeline.TimelineAnalysis`, if already computed)."""
    if timeline is None and case.timeline:
        timeline = TimelineAnalysis(case)
    fit = timeline.fit if timeline is not None else None
    rows = []
    for h in case.hypotheses:
        a = case.analysis(h.id)
        g = a.game
        vulnerable = a.vulnerable
        rows.append(
            ComparisonRow(
                case=case.id,
                title=case.title or case.id,
                path=case.path,
                hypothesis=h.id,
                players=tuple(case.players),
                domains=tuple(case.domain_ids),
                delta={p: g.discount.of(p) for p in g.players},
                separate_domains={p: dict(per) for p, per in a.separate_thresholds.items()},
                linked=dict(a.linked_thresholds),
                helps_interval=a.helps_interval,
                vulnerable=vulnerable,
                lever=None if vulnerable is None else a.lever[vulnerable],
                linked_holds=a.linked_sustainable,
                separate_holds=dict(a.separate_sustainable),
                helps=a.helps,
                fit=None if fit is None else dict(fit[h.id]),
                at=case.at,
            )
        )
    return rows


def expand(names: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Case names with every directory replaced by its ``*.toml`` files, sorted by name."""
    out: list[str] = []
    for name in names:
        p = Path(name)
        if p.is_dir():
            out += [str(f) for f in sorted(p.glob("*.toml"))] or [str(p)]
        else:
            out.append(str(name))
    return out


def load_cases(names: Iterable[str | os.PathLike[str]]) -> tuple[list[Case], list[Failure]]:
    """Load cases given as files, directories (their ``*.toml``) or bundled ids.

    A case that fails to load is recorded as a :class:`Failure` and the others are still loaded.
    """
    cases: list[Case] = []
    failures: list[Failure] = []
    for name in expand(names):
        if Path(name).is_dir():
            failures.append(Failure(name, "directory has no *.toml case files"))
            continue
        try:
            cases.append(load_case(resolve_case(name)))
        except LinkageError as exc:
            failures.append(Failure(name, one_line(exc)))
    return cases, failures


def compare(cases: Iterable[Case | str | os.PathLike[str]], *, at: str | None = None) -> Comparison:
    """Compare cases given as :class:`Case` objects, case files, directories or bundled ids, each
    at the calibration in force at ``at``, or by default at its ``focal`` date (the file's values
    without one). A :class:`Case` already taken :meth:`~linkage.cases.case.Case.as_of` a date
    keeps it unless ``at`` is given."""
    loaded: list[Case] = []
    failures: list[Failure] = []
    names: list[str | os.PathLike[str]] = []
    for item in cases:
        if isinstance(item, Case):
            loaded.append(item)
        else:
            names.append(item)
    if names:
        more, failed = load_cases(names)
        loaded += more
        failures += failed
    rows: list[ComparisonRow] = []
    ordered = sorted(loaded, key=lambda c: (c.id, c.path or ""))
    for case in tracked(ordered, len(ordered), "compare"):
        try:
            if at is not None or case.at is None:
                case = case.as_of(at if at is not None else case.focal)
            rows += case_rows(case)
        except LinkageError as exc:
            failures.append(Failure(case.path or case.id, one_line(exc)))
    return Comparison(tuple(rows), tuple(failures))


@attrs.frozen
class Comparison:
    """The rows of a comparison and the cases that could not be compared."""

    rows: tuple[ComparisonRow, ...]
    failures: tuple[Failure, ...] = ()

    @property
    def cases(self) -> tuple[str, ...]:
        """The compared case ids, in row order, each once."""
        return tuple(dict.fromkeys(r.case for r in self.rows))

    def primary(self) -> Comparison:
        """One row per case: its first (primary) hypothesis."""
        seen: set[tuple[str, str | None]] = set()
        rows = []
        for r in self.rows:
            if (r.case, r.path) not in seen:
                seen.add((r.case, r.path))
                rows.append(r)
        return Comparison(tuple(rows), self.failures)

    def as_json(self, columns: Sequence[str] = DEFAULT_COLUMNS) -> dict[str, Any]:
        """``{"columns": [...], "rows": [{column: value, "at": date}], "failures": [{"name",
        "error"}]}`` (``at``: the date of the calibration, ``null`` for the file's values)."""
        return {
            "columns": list(columns),
            "rows": [{**{c: r.json(c) for c in columns}, "at": r.at} for r in self.rows],
            "failures": [{"name": f.name, "error": f.error} for f in self.failures],
        }
