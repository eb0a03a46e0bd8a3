"""Timelines: what each linkage hypothesis predicts between dated events, against the record.

Each event of a case's timeline changes parameters (a shock: sanctions, a price spike, a decree,
a fall in the discount factor) and records the observed state of domains afterwards. For every
period between events and every hypothesis, the case is analysed at the parameters in force:

* which incentive constraints hold (per player, separately per domain and linked);
* which domains the model predicts stay cooperative: the best self-enforcing package under the
  hypothesis' linkage structure (for ``separate``, the domains sustainable on their own);
* what was observed (states carry forward until an event records a new one).

The fit of a hypothesis is the share of scored observations it predicts: ``cooperating`` and
``restructured`` count as cooperation, ``suspended`` and ``defected`` as breakdown, ``partial`` and
``unknown`` are not scored.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import attrs

from linkage.cases.case import BROKEN_STATES, COOPERATIVE_STATES, Case
from linkage.engine.analysis import Analysis


@attrs.frozen
class PeriodResult:
    """One hypothesis in one period."""

    hypothesis: str
    start: str
    end: str | None
    event: str
    analysis: Analysis = attrs.field(repr=False)
    observed: dict[str, str]

    @cached_property
    def predicted(self) -> dict[str, bool]:
        """Per domain: does the model predict cooperation in it?"""
        best = self.analysis.best_package
        inside = set(best.domains) if best is not None else set()
        return {k: k in inside for k in self.analysis.game.domain_ids}

    @cached_property
    def scored(self) -> dict[str, bool]:
        """Per scored domain: did the prediction match the observed state?"""
        out = {}
        for k, state in self.observed.items():
            if state in COOPERATIVE_STATES:
                out[k] = self.predicted[k]
            elif state in BROKEN_STATES:
                out[k] = not self.predicted[k]
        return out

    def as_json(self) -> dict[str, Any]:
        a = self.analysis
        return {
            "hypothesis": self.hypothesis,
            "start": self.start,
            "end": self.end,
            "event": self.event,
            "separate_holds": a.separate_sustainable,
            "linked_holds": {p: linked_holds(a, p) for p in a.game.players},
            "predicted": {
                k: ("cooperating" if v else "breakdown") for k, v in self.predicted.items()
            },
            "observed": self.observed,
            "matches": self.scored,
        }


def linked_holds(a: Analysis, player: str) -> bool | None:
    """Whether ``player``'s linked constraints hold at their discount factor (``None``: undecided)."""
    t = a.linked_thresholds[player]
    d = a.game.discount.of(player)
    if t.is_symbolic or not d.is_number:
        return None
    return t.holds_at(d)


@attrs.frozen(eq=False)
class TimelineAnalysis:
    """All periods of a case's timeline under every hypothesis, and each hypothesis' fit."""

    case: Case

    @cached_property
    def periods(self) -> list[PeriodResult]:
        out = []
        observed: dict[str, str] = {}
        for start, end, changes, event in self.case.periods:
            assert event is not None
            observed = {**observed, **event.observed}
            for h in self.case.hypotheses:
                out.append(
                    PeriodResult(
                        h.id,
                        start,
                        end,
                        event.title,
                        self.case.analysis(h.id, changes),
                        dict(observed),
                    )
                )
        return out

    @cached_property
    def fit(self) -> dict[str, dict[str, Any]]:
        """Per hypothesis: matched, scored and the share matched (``None`` with nothing scored)."""
        out: dict[str, dict[str, Any]] = {}
        for h in self.case.hypotheses:
            rows = [p for p in self.periods if p.hypothesis == h.id]
            matched = sum(sum(p.scored.values()) for p in rows)
            scored = sum(len(p.scored) for p in rows)
            out[h.id] = {
                "matched": matched,
                "scored": scored,
                "share": matched / scored if scored else None,
            }
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case.id,
            "hypotheses": [h.id for h in self.case.hypotheses],
            "periods": [p.as_json() for p in self.periods],
            "fit": self.fit,
        }
