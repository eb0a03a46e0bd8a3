r"""Enumerating a player's incentive constraints under a linkage structure.

A deviation by player :math:`i` in the set :math:`S` of domains triggers punishment in
:math:`M = \bigcup_{k \in S} L_i(k)`. Since temptations are clamped at zero, the worst deviation
with punishment inside :math:`M` deviates in every domain whose own punishment stays inside
:math:`M`: :math:`S^*(M) = \{k : L_i(k) \subseteq M\}`. The candidate constraints are therefore the
distinct pairs :math:`(S^*, M)` over all deviation sets, and a pair is dropped when it is the sum
of two disjoint candidates (then it is implied by them). Under ``separate`` this leaves one
constraint per domain; under ``full`` one pooled constraint:

.. math:: (1-\delta)\sum_{k}(D_{ik}-C_{ik})^+ \le \delta \sum_k (C_{ik}-N_{ik}).

Enumeration is exact and exponential in the number of domains; beyond
:data:`MAX_ENUMERATED_DOMAINS` it is refused with :class:`~linkage.errors.TooLargeError`.
"""

from __future__ import annotations

from itertools import combinations

import attrs
import sympy

from linkage.engine.condition import Condition
from linkage.engine.punishment import Aggregate
from linkage.engine.punishment import conditions as strategy_conditions
from linkage.engine.threshold import Threshold, combine, is_ge
from linkage.errors import TooLargeError
from linkage.model.game import Game
from linkage.model.payoffs import positive_part

MAX_ENUMERATED_DOMAINS = 12
"""Largest number of domains for which deviation sets are enumerated exactly (2^K subsets)."""


@attrs.frozen
class DeviationConstraint:
    """The constraints deterring player ``player`` from deviating in ``deviation`` (punished in ``punished``)."""

    player: str
    deviation: frozenset[str]
    punished: frozenset[str]
    conditions: tuple[Condition, ...]

    @property
    def threshold(self) -> Threshold:
        return combine(c.threshold for c in self.conditions)


def aggregate(
    game: Game, player: str, deviation: frozenset[str], punished: frozenset[str]
) -> Aggregate:
    """The sums of :class:`~linkage.engine.punishment.Aggregate` for one deviation and punishment."""
    pay = {d.id: d.payoffs[player] for d in game.domains}
    order = game.domain_ids
    temptation = sympy.Add(*(pay[k].temptation for k in order if k in deviation))
    stake = sympy.Add(*(pay[k].stake for k in order if k in punished))
    losses, temptations = [], []
    for k in order:
        P, DP = pay[k].P, pay[k].DP
        if k in punished:
            if P is None or DP is None:
                return Aggregate(temptation, stake)
            losses.append(pay[k].C - P)
            temptations.append(positive_part(DP - P))
    return Aggregate(temptation, stake, sympy.Add(*losses), sympy.Add(*temptations))


def deviation_sets(game: Game, player: str) -> list[tuple[frozenset[str], frozenset[str]]]:
    """The irreducible (deviation, punishment) pairs of ``player`` under ``game.linkage``."""
    ids = game.domain_ids
    if len(ids) > MAX_ENUMERATED_DOMAINS:
        raise TooLargeError(
            f"{len(ids)} domains: exact enumeration of deviation sets is limited to "
            f"{MAX_ENUMERATED_DOMAINS} domains (2^K subsets)"
        )
    own = {k: game.linkage.punished(player, k, ids) for k in ids}
    if game.linkage.mode == "full" and not game.linkage.protected:
        everything = frozenset(ids)
        return [(everything, everything)]
    pairs: set[tuple[frozenset[str], frozenset[str]]] = set()
    for size in range(1, len(ids) + 1):
        for subset in combinations(ids, size):
            punished = frozenset().union(*(own[k] for k in subset))
            saturated = frozenset(k for k in ids if own[k] <= punished)
            pairs.add((saturated, punished))
    return [p for p in _sorted(pairs, ids) if not _is_sum(p, pairs)]


def _is_sum(
    pair: tuple[frozenset[str], frozenset[str]], pairs: set[tuple[frozenset[str], frozenset[str]]]
) -> bool:
    s, m = pair
    for s1, m1 in pairs:
        if (s1, m1) == pair or not (s1 < s and m1 < m):
            continue
        if (s - s1, m - m1) in pairs:
            return True
    return False


def _sorted(
    pairs: set[tuple[frozenset[str], frozenset[str]]], ids: tuple[str, ...]
) -> list[tuple[frozenset[str], frozenset[str]]]:
    index = {k: i for i, k in enumerate(ids)}

    def key(p: tuple[frozenset[str], frozenset[str]]) -> tuple[int, list[int], list[int]]:
        return (len(p[1]), sorted(index[k] for k in p[1]), sorted(index[k] for k in p[0]))

    return sorted(pairs, key=key)


def player_constraints(game: Game, player: str) -> list[DeviationConstraint]:
    """All of ``player``'s irreducible incentive constraints under ``game.linkage``."""
    out = []
    for deviation, punished in deviation_sets(game, player):
        agg = aggregate(game, player, deviation, punished)
        conditions = tuple(strategy_conditions(game.strategy, agg))
        out.append(DeviationConstraint(player, deviation, punished, conditions))
    return out


def binding(constraints: list[DeviationConstraint]) -> DeviationConstraint:
    """The constraint with the highest threshold (the worst deviation), first one on ties."""

    def rank(c: DeviationConstraint) -> tuple[int, sympy.Expr]:
        t = c.threshold
        return {"never": 2, "threshold": 1, "always": 0}[t.status], t.exact

    best = constraints[0]
    for c in constraints[1:]:
        (rb, vb), (rc, vc) = rank(best), rank(c)
        if rc > rb or (
            rc == rb == 1
            and vb is not None
            and vc is not None
            and vb.is_number
            and vc.is_number
            and not is_ge(vb, vc)
        ):
            best = c
    return best
