r"""Each linkage hypothesis as a strategy automaton over the record's time.

The record is cut into *segments*: stretches of time in which nothing changes (no event, no end
of a punishment phase). In each segment the automaton of hypothesis :math:`h` is in a state made
of

* the **punishment phases** in force. A recorded deviation by player :math:`i` in the domains
  :math:`S` starts a phase that punishes :math:`L_i(S) = \bigcup_{k\in S} L_i(k)` (the
  hypothesis' linkage structure, over the domains open at the time). How long it lasts is the
  case's strategy: grim trigger until a recorded settlement of that deviation, T-period reversion
  :math:`T` stage periods, stick-and-carrot one stage period (a stage period is a year), or a
  settlement, whichever comes first. A new deviation starts a new phase (restarting a T-period
  punishment);
* the **parameters** in force (the file's values changed by every event so far).

Its prediction for each open domain :math:`k`:

a. :math:`k` is in a punishment phase: **breakdown** (both sides at the stage Nash equilibrium:
   coercion is a punishment phase, not a defection);
b. otherwise the continuation game is the game restricted to the open domains that are not
   punished, and the hypothesis predicts the best self-enforcing package of that game at the
   parameters in force (:attr:`linkage.engine.analysis.Analysis.best_package`): **cooperation**
   in the package, **breakdown** outside it (a player whose constraint fails deviates).

The automaton is deterministic: given the record's deviations, settlements and parameter changes
it predicts one state per domain and segment. Scoring those predictions is
:mod:`linkage.record.likelihood`'s business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import attrs
import sympy

from linkage.cases.case import Case, Deviation, Hypothesis, Observation
from linkage.cases.dates import add_years, iso, units
from linkage.engine.analysis import Analysis
from linkage.model.game import Game
from linkage.model.strategies import GrimTrigger, StickAndCarrot, Strategy

PREDICTED_STATES = ("cooperating", "breakdown")
"""What a hypothesis predicts for an open domain."""


def punishment_years(strategy: Strategy) -> int | None:
    """How many stage periods (years) a punishment phase lasts under ``strategy``: ``None`` for
    grim trigger (until a settlement), ``T`` for T-period reversion, 1 for stick-and-carrot. A
    plugin's strategy with a whole-number ``periods`` attribute is read as T-period, any other as
    grim."""
    if isinstance(strategy, GrimTrigger):
        return None
    if isinstance(strategy, StickAndCarrot):
        return 1
    periods = getattr(strategy, "periods", None)
    return periods if isinstance(periods, int) and not isinstance(periods, bool) else None


@attrs.frozen
class Segment:
    """A stretch ``[start, end)`` of the record (days as ordinals) in which nothing changes.

    ``event`` is the index of the timeline event that opens it, or ``None`` when it opens because
    punishment phases begun on ``expired`` (dates) run out. ``observed`` holds, per open domain
    with an observation in force, the index of the event that recorded it and the observation."""

    start: int
    end: int
    event: int | None
    changes: Mapping[str, sympy.Expr]
    open: frozenset[str]
    observed: Mapping[str, tuple[int, Observation]]
    expired: tuple[str, ...] = ()

    def length(self, resolution: str) -> float:
        """The segment's length in units of ``resolution``."""
        return units(self.end - self.start, resolution)


@attrs.frozen
class Prediction:
    """A hypothesis' prediction for one domain in one segment."""

    cooperating: bool
    punished: bool = False
    """In a punishment phase (a breakdown predicted by the history, not by the parameters)."""

    @property
    def state(self) -> str:
        return "cooperating" if self.cooperating else "breakdown"


@attrs.frozen
class Phase:
    """A punishment phase started by a recorded deviation: it punishes ``domains`` from day
    ``start`` until day ``until`` (exclusive; ``None``: until a settlement)."""

    deviation: Deviation
    start: int
    until: int | None
    domains: frozenset[str]


def segments(case: Case) -> list[Segment]:
    """The record cut into segments: at every event, at every end of a punishment phase (the
    same dates under every hypothesis: they depend only on the strategy and the deviations'
    dates) and at the record's end."""
    events = case.timeline
    end = case.end_day
    if not events or end is None:
        return []
    expiries = _expiries(case, end)
    # event boundaries keep their order; an expiry falling on an event's day is met at that event
    marks: list[tuple[int, int | None]] = [(e.day, i) for i, e in enumerate(events)]
    marks += [(d, None) for d in expiries if d not in {e.day for e in events}]
    marks.sort(key=lambda m: (m[0], -1 if m[1] is None else m[1]))
    out: list[Segment] = []
    changes: dict[str, sympy.Expr] = {}
    open_: set[str] = set(case.domain_ids) - {k for e in events for k in e.opens}
    observed: dict[str, tuple[int, Observation]] = {}
    for j, (start, index) in enumerate(marks):
        if index is not None:
            e = events[index]
            changes = {**changes, **e.set}
            for k in e.opens:
                open_.add(k)
                observed.pop(k, None)
            for k in e.closes:
                open_.discard(k)
                observed.pop(k, None)
            observed.update({k: (index, o) for k, o in e.observed.items()})
        stop = marks[j + 1][0] if j + 1 < len(marks) else end
        out.append(
            Segment(
                start,
                stop,
                index,
                dict(changes),
                frozenset(open_),
                dict(observed),
                tuple(expiries.get(start, ())) if index is None else (),
            )
        )
    return out


def _expiries(case: Case, end: int) -> dict[int, list[str]]:
    """The days before ``end`` on which punishment phases run out (not settled before), with the
    dates of the deviations that began them. They do not depend on the hypothesis: which phases
    a settlement ends depends only on the deviations."""
    years = punishment_years(case.game.strategy)
    if years is None:
        return {}
    out: dict[int, list[str]] = {}
    active: list[tuple[Deviation, int, str]] = []  # deviation, last day + 1, date begun

    def expire(before: int) -> None:
        for dev, until, date in list(active):
            if until <= before:
                active.remove((dev, until, date))
                if until < end:
                    out.setdefault(until, []).append(date)

    for e in case.timeline:
        expire(e.day)
        active[:] = [a for a in active if not any(s.settles(a[0]) for s in e.settlements)]
        active += [(dev, add_years(e.day, years), e.date) for dev in e.deviations]
    expire(end)
    return out


@lru_cache(maxsize=8192)
def _best_package(game: Game) -> frozenset[str]:
    package = Analysis(game).best_package
    assert package is not None, "the game is calibrated: its best package is decided"
    return frozenset(package.domains)


def continuation_package(
    case: Case, hypothesis: Hypothesis, changes: Mapping[str, sympy.Expr], domains: frozenset[str]
) -> frozenset[str]:
    """The best self-enforcing package of the game restricted to ``domains`` under
    ``hypothesis``, at the parameters ``changes`` put in force."""
    if not domains:
        return frozenset()
    game = case.analysis(hypothesis.id, changes).game
    return _best_package(game.restricted(tuple(k for k in game.domain_ids if k in domains)))


def punished(case: Case, hypothesis: Hypothesis, cut: Sequence[Segment]) -> list[frozenset[str]]:
    """Per segment of ``cut``, the open domains in a punishment phase under ``hypothesis`` (they
    depend on the record's deviations and settlements and the strategy, not on parameters)."""
    years = punishment_years(case.game.strategy)
    order = case.domain_ids
    phases: list[Phase] = []
    out: list[frozenset[str]] = []
    for seg in cut:
        if seg.event is not None:
            e = case.timeline[seg.event]
            phases = [p for p in phases if not any(s.settles(p.deviation) for s in e.settlements)]
            present = tuple(k for k in order if k in seg.open)
            for dev in e.deviations:
                hit = frozenset().union(
                    *(hypothesis.structure.punished(dev.player, k, present) for k in dev.domains)
                )
                until = None if years is None else add_years(e.day, years)
                phases.append(Phase(dev, e.day, until, hit))
        phases = [p for p in phases if p.until is None or p.until > seg.start]
        out.append(frozenset().union(*(p.domains for p in phases)) & seg.open)
    return out


def predict(
    case: Case, hypothesis: Hypothesis, cut: Sequence[Segment]
) -> list[dict[str, Prediction]]:
    """The automaton of ``hypothesis`` run over the segments ``cut``: per segment, the
    prediction for each open domain."""
    order = case.domain_ids
    out: list[dict[str, Prediction]] = []
    for seg, gone in zip(cut, punished(case, hypothesis, cut), strict=True):
        package = continuation_package(case, hypothesis, seg.changes, seg.open - gone)
        out.append({k: Prediction(k in package, k in gone) for k in order if k in seg.open})
    return out


@attrs.frozen
class Window:
    """One recorded observation and the stretch ``[start, end)`` (days) in which it is in force:
    from the event that records it to the next observation of its domain, the domain's closing
    or the record's end."""

    event: int
    domain: str
    start: int
    end: int
    observation: Observation


def windows(cut: Sequence[Segment]) -> list[Window]:
    """Every scored observation (cooperation or breakdown) with the stretch it covers, in the
    order of the record."""
    spans: dict[tuple[int, str], list[int]] = {}
    found: dict[tuple[int, str], Observation] = {}
    for seg in cut:
        for k, (index, o) in seg.observed.items():
            if o.cooperative is None:
                continue
            span = spans.setdefault((index, k), [seg.start, seg.end])
            span[1] = seg.end
            found[(index, k)] = o
    return [Window(i, k, a, b, found[(i, k)]) for (i, k), (a, b) in spans.items()]


def describe_segment(case: Case, seg: Segment) -> str:
    """What opens a segment: its event's title, or the punishment phases that end."""
    if seg.event is not None:
        return case.timeline[seg.event].title
    return "punishment phases begun " + ", ".join(seg.expired) + " end"


def segment_start(case: Case, seg: Segment) -> str:
    """The date a segment starts, as written in the case file for an event."""
    return case.timeline[seg.event].date if seg.event is not None else iso(seg.start)
