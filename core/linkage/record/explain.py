r"""What decides a ranking of hypotheses on a record.

* **Contributions.** The log-likelihood is a sum over recorded observations, so the log-ratio of
  the two leading hypotheses, :math:`\log L_A - \log L_B`, splits into one term per observation
  (:math:`(x_B - x_A)\log\frac{1-\varepsilon}{\varepsilon}` over the stretch it covers). The
  largest terms are the observations that carry the ranking; an observation whose term is zero
  says nothing about A against B.
* **Observationally equivalent** hypotheses predict the same state for every open domain over the
  whole record: no record of these events can tell them apart. **Indistinguishable** hypotheses
  predict differently only where nothing is scored (``partial``, ``unknown`` or no observation):
  this record cannot tell them apart, a fuller one might.
* **Drop one observation.** The ranking is recomputed without each observation in turn; the
  observations whose loss changes it are listed. A ranking that survives every single loss does
  not hang on one coding decision or one source.

Ties are exact: tallies are whole days, so hypotheses with equal tallies and equal priors have
equal posteriors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from linkage.record.automaton import Window
from linkage.record.likelihood import Tally, total

Ranking = tuple[tuple[str, ...], ...]
"""Hypotheses from best to worst, in groups of equal posterior (each group in the case's order)."""


def rank(values: Mapping[str, float], order: Sequence[str]) -> Ranking:
    """The hypotheses of ``order`` ranked by ``values`` (higher first), ties grouped."""
    groups: dict[float, list[str]] = {}
    for h in order:
        groups.setdefault(values[h], []).append(h)
    return tuple(tuple(groups[v]) for v in sorted(groups, reverse=True))


@attrs.frozen
class Contribution:
    """One observation's share of the log-ratio of the leader against the runner-up."""

    window: Window
    log_ratio: float


@attrs.frozen
class RankChange:
    """The ranking without one observation, where it differs from the ranking with it."""

    window: Window
    ranking: Ranking


@attrs.frozen
class Explanation:
    """What decides the ranking of a case's hypotheses at one error rate (see the module)."""

    error_rate: float
    ranking: Ranking
    leader: str
    runner_up: str | None
    """The hypothesis the contributions compare the leader with."""
    log_ratio: float
    """The log-likelihood ratio of the leader against the runner-up (0 without a runner-up): the
    sum of the contributions."""
    contributions: tuple[Contribution, ...]
    """Every observation with a non-zero share of ``log_ratio``, largest first."""
    equivalent: tuple[tuple[str, ...], ...]
    indistinguishable: tuple[tuple[str, ...], ...]
    unsourced: tuple[Window, ...]
    rank_changes: tuple[RankChange, ...]

    @property
    def leader_changes(self) -> tuple[RankChange, ...]:
        """The observations without which another hypothesis leads (or ties for the lead)."""
        return tuple(c for c in self.rank_changes if c.ranking[0] != self.ranking[0])


def explain(
    order: Sequence[str],
    priors: Mapping[str, float],
    by_window: Mapping[str, Mapping[tuple[int, str], Tally]],
    windows: Sequence[Window],
    equivalent: tuple[tuple[str, ...], ...],
    unsourced: Sequence[Window],
    error_rate: float,
    resolution: str,
    versus: str | None = None,
) -> Explanation:
    """The explanation of a ranking: ``by_window`` holds each hypothesis' tally per observation
    (keyed by event index and domain), ``equivalent`` the groups of hypotheses with identical
    predictions, ``unsourced`` the observations without a source. The contributions compare the
    leader with ``versus`` (default: the best hypothesis that does not tie with it)."""
    prior_log = {h: math.log(priors[h]) for h in order}

    def ll(t: Tally) -> float:
        return t.log_likelihood(error_rate, resolution)

    totals = {h: total(by_window[h].values()) for h in order}
    score = {h: ll(totals[h]) + prior_log[h] for h in order}
    ranking = rank(score, order)
    leader = ranking[0][0]
    runner_up = ranking[1][0] if len(ranking) > 1 else None
    if versus is not None and versus != leader:
        if versus not in order:
            raise ValueError(f"no hypothesis {versus!r} (hypotheses: {', '.join(order)})")
        runner_up = versus
    contributions: list[Contribution] = []
    if runner_up is not None:
        for w in windows:
            key = (w.event, w.domain)
            a, b = by_window[leader].get(key, Tally()), by_window[runner_up].get(key, Tally())
            if a != b:
                contributions.append(Contribution(w, ll(a) - ll(b)))
    position = {id(w): i for i, w in enumerate(windows)}
    contributions.sort(key=lambda c: (-abs(c.log_ratio), position[id(c.window)]))
    changes = []
    for w in windows:
        key = (w.event, w.domain)
        without = {h: ll(totals[h] - by_window[h].get(key, Tally())) + prior_log[h] for h in order}
        r = rank(without, order)
        if r != ranking:
            changes.append(RankChange(w, r))
    same_scores: dict[tuple[tuple[tuple[int, str], Tally], ...], list[str]] = {}
    for h in order:
        same_scores.setdefault(tuple(sorted(by_window[h].items())), []).append(h)
    indistinguishable = tuple(
        tuple(g)
        for g in same_scores.values()
        if len(g) > 1 and not any(set(g) <= set(e) for e in equivalent)
    )
    return Explanation(
        error_rate,
        ranking,
        leader,
        runner_up,
        0.0 if runner_up is None else ll(totals[leader]) - ll(totals[runner_up]),
        tuple(contributions),
        equivalent,
        indistinguishable,
        tuple(unsourced),
        tuple(changes),
    )
