r"""Records generated from a known hypothesis, to test the method (and to plan a case study).

:func:`simulate` draws a history for a case: each year, with probability ``deviation_rate``, a
player drawn at random deviates in a domain drawn at random (a recorded deviation), and with
probability ``settlement_rate`` every open dispute is settled. It runs the true hypothesis'
automaton (:mod:`linkage.record.automaton`) on that history and codes each domain's state in each
year, getting it wrong with probability ``error_rate``, independently: exactly the generative model
the scorer (:mod:`linkage.record.likelihood`) assumes. The result is the case with the generated
timeline, which :class:`~linkage.timeline.TimelineAnalysis` scores like any other.

This module does not use the scorer: a test that the scorer recovers the generating hypothesis
checks the two against each other. Draws come from one seeded :class:`numpy.random.Generator`, in a
fixed order, so the same seed gives the same record.
"""

from __future__ import annotations

import attrs
import numpy as np

from linkage.cases.case import Case, Deviation, Event, Observation, Scoring, Settlement
from linkage.record.automaton import predict, segments


def simulate(
    case: Case,
    hypothesis: str,
    *,
    years: int,
    error_rate: float,
    seed: int | np.random.Generator,
    deviation_rate: float = 0.4,
    settlement_rate: float = 0.3,
    first_year: int = 2000,
) -> Case:
    """``case`` with a timeline of ``years`` yearly events generated from ``hypothesis`` (see the
    module docstring): every domain is observed every year, so the record holds
    ``years × domains`` observations."""
    if not 0 <= error_rate < 0.5:
        raise ValueError(f"error_rate must lie in [0, 1/2), got {error_rate}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    players, domains = case.players, case.domain_ids
    skeleton: list[Event] = []
    disputes = False
    for t in range(years):
        deviations: tuple[Deviation, ...] = ()
        settlements: tuple[Settlement, ...] = ()
        if disputes and rng.random() < settlement_rate:
            settlements, disputes = (Settlement(),), False
        if rng.random() < deviation_rate:
            player = players[int(rng.integers(len(players)))]
            deviations, disputes = (
                (Deviation(player, (domains[int(rng.integers(len(domains)))],)),),
                True,
            )
        skeleton.append(
            Event(
                f"{first_year + t}", f"year {t + 1}", deviations=deviations, settlements=settlements
            )
        )
    bare = attrs.evolve(
        case,
        timeline=tuple(skeleton),
        end=f"{first_year + years}",
        scoring=Scoring("year", error_rate if error_rate > 0 else 0.1),
    )
    truth = predict(bare, bare.hypothesis(hypothesis), segments(bare))
    events = []
    for event, predicted in zip(skeleton, truth, strict=True):
        observed = {}
        for k in domains:
            cooperating = predicted[k].cooperating
            if rng.random() < error_rate:
                cooperating = not cooperating
            observed[k] = Observation("cooperating" if cooperating else "suspended", estimate=True)
        events.append(attrs.evolve(event, observed=observed))
    return attrs.evolve(bare, timeline=tuple(events))
