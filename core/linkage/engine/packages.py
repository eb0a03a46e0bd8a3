r"""The best self-enforcing package: the value-maximal set of domains to cooperate on.

A package :math:`A` is cooperated on while every other domain stays at its stage Nash equilibrium;
it is *self-enforcing* at the game's discount factors when every player's constraints hold
(subgame perfect, under the linkage structure restricted to :math:`A`). The best package maximises
the **joint surplus over the punishment**

.. math:: W(A) = \sum_{k \in A} \sum_i (C_{ik} - N_{ik})

over self-enforcing packages (primer §1.5: a 0/1 knapsack; :math:`L(\delta)` is not closed under
subsets). **Ties** are broken by more domains, then by the earlier domain in the game's order
(the package that includes the first domain on which two packages differ).

The search is exact. Domains in different components of the linkage structure never share a
punishment, so the problem splits into one search per component, whose results are combined
(the objective adds up, feasibility is per component, and the tie-break is compatible with the
split). Within a component every package is ranked at once (exact integer surpluses), packages that
fail a necessary condition are skipped without an analysis — each player's pooled constraint over
the package, :math:`\sum_A (D-C)^+ \le W(\delta_i) \sum_A (C-N)` with the punishment's weight
:math:`W` (every on-path deviation is punished inside :math:`A`), when stakes are non-negative, and, for each domain :math:`k`, its own
deviation at the state where every domain not tied back to it is already punished:
:math:`(D_k-C_k)^+ \le W(\delta_i)\,(b_k + \sum_j b_j)` over its *partners* in :math:`A`, the
domains its deviation punishes that punish a deviation of theirs in :math:`k` for every player
(without partners: its own constraint alone) — and the first remaining package that is
self-enforcing is the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from math import lcm
from typing import Any

import attrs
import numpy as np
import sympy

from linkage.engine.states import Masks, bits
from linkage.errors import TooLargeError
from linkage.model.game import Game
from linkage.model.strategies import GrimTrigger, TPeriodReversion

MAX_COMPONENT_DOMAINS = 22
"""Largest component (domains tied together by the linkage structure) searched exactly."""

MAX_CHECKS = 20_000
"""Largest number of packages analysed in full before the search gives up (with the reason)."""


@attrs.frozen
class Package:
    """A package of domains cooperated on together, whether it is self-enforcing, and its joint
    surplus over the punishment."""

    domains: tuple[str, ...]
    sustainable: bool
    surplus: sympy.Expr = sympy.S.Zero


def surplus(game: Game, domain_id: str) -> sympy.Expr:
    """:math:`\\sum_i (C_{ik} - N_{ik})` of one domain."""
    d = game.domain(domain_id)
    return sympy.Add(*(d.payoffs[p].stake for p in game.players))


def best_package(
    game: Game,
    holds: Callable[[Game], bool | None],
) -> Package:
    """The best self-enforcing package of a game with numbers for payoffs and discount factors;
    ``holds(restricted_game)`` says whether a package is self-enforcing."""
    masks = Masks(game)
    ids = masks.ids
    values = [surplus(game, k) for k in ids]
    chosen: list[int] = []
    for component in masks.components:
        domains = list(bits(component))
        if len(domains) > MAX_COMPONENT_DOMAINS:
            raise TooLargeError(
                f"{len(domains)} domains tied together by the linkage structure: the exact search "
                f"for the best package is limited to {MAX_COMPONENT_DOMAINS} per component"
            )
        possible = _necessary(game, masks, domains)
        for checks, subset in enumerate(_ranked(domains, values, possible), start=1):
            if not subset:
                break
            if checks > MAX_CHECKS:
                raise TooLargeError(
                    f"the best package among {len(domains)} linked domains was not found in "
                    f"{MAX_CHECKS} analyses of candidate packages (the most valuable ones are not "
                    "self-enforcing under these linkage rules)"
                )
            if holds(game.restricted(tuple(ids[k] for k in subset))):
                chosen += subset
                break
    chosen.sort()
    return Package(tuple(ids[k] for k in chosen), True, sympy.Add(*(values[k] for k in chosen)))


def _integers(values: list[sympy.Expr]) -> list[int]:
    fractions = [Fraction(int(v.p), int(v.q)) for v in values]
    scale = lcm(*(f.denominator for f in fractions))
    return [int(f * scale) for f in fractions]


def _sums(domains: list[int], weights: list[Any], start: int = 0) -> np.ndarray:
    """``out[m]`` = ``start`` plus the sum of ``weights`` over the domains picked by the bits of
    ``m`` (Python integers when 64 bits could overflow, sympy numbers when not integers)."""
    big = (
        not all(isinstance(w, int) for w in weights)
        or sum(abs(w) for w in weights) + abs(start) >= 2**62
    )
    out = np.zeros(1 << len(domains), dtype=object if big else np.int64)
    out[0] = start
    for j, k in enumerate(domains):
        size = 1 << j
        out[size : 2 * size] = out[:size] + weights[k]
    return out


def _necessary(game: Game, masks: Masks, domains: list[int]) -> np.ndarray:
    """``ok[m]``: the package picked by ``m`` (bits over ``domains``) passes the necessary
    conditions (see the module docstring)."""
    n = len(domains)
    ok = np.ones(1 << n, dtype=bool)
    picked = np.arange(1 << n)
    for p in game.players:
        pay = [d.payoffs[p] for d in game.domains]
        weight = _weight(game, game.discount.of(p))
        if weight is None or not all(v.is_Rational for x in pay for v in (x.C, x.D, x.N)):
            continue
        if any(x.stake < 0 for x in pay):
            continue
        gains = [max(x.D - x.C, 0) for x in pay]
        ok &= (
            _sums(
                domains, _integers([weight * x.stake - g for x, g in zip(pay, gains, strict=True)])
            )
            >= 0
        )
        # a deviation in k alone, at the state where everything not tied back to k is punished:
        # only k and its partners (domains it punishes that punish it back, for every player)
        for j, k in enumerate(domains):
            partners = [
                m
                for m in bits(masks.L[p][k] & ~(1 << k))
                if all(masks.L[q][m] >> k & 1 for q in game.players)
            ]
            if len(partners) == n - 1:  # tied to every other domain: the pooled one implies it
                continue
            values = [
                weight * pay[m].stake if m in partners else sympy.S.Zero for m in range(len(pay))
            ]
            own = _integers([weight * pay[k].stake - gains[k], *values])
            holds = _sums(domains, own[1:], own[0]) >= 0
            ok &= ((picked >> j & 1) == 0) | holds
    return ok


def _weight(game: Game, d: sympy.Expr) -> sympy.Expr | None:
    r"""What a stake lost from the next period on is worth now under the game's punishment:
    :math:`\delta/(1-\delta)` (grim), :math:`\delta + \dots + \delta^T` (T-period); ``None``
    when no pooled condition is necessary (stick-and-carrot, a plugin's strategy, symbols)."""
    if not d.is_Rational or any(x.discount is not None for x in game.domains):
        return None
    strategy = game.strategy
    if isinstance(strategy, GrimTrigger):
        return d / (1 - d)
    if isinstance(strategy, TPeriodReversion):
        return sympy.Add(*(d**t for t in range(1, strategy.periods + 1)))
    return None


def _ranked(
    domains: list[int], values: list[sympy.Expr], possible: np.ndarray
) -> Iterator[tuple[int, ...]]:
    """The subsets of ``domains`` that pass the necessary conditions (the empty one included),
    best first: highest surplus (exact), then more domains, then the one holding the earliest
    domain where two differ."""
    n = len(domains)
    exact = all(v.is_Rational for v in values)  # else irrational surpluses, summed exactly
    totals = _sums(domains, _integers(values) if exact else values)
    masks_ = np.arange(1 << n)
    sizes = np.zeros(1 << n, dtype=np.int64)
    earliest = np.zeros(1 << n, dtype=np.int64)  # domain 0 the most significant bit
    for j in range(n):
        bit = masks_ >> j & 1
        sizes += bit
        earliest += bit << (n - 1 - j)
    keep = np.nonzero(possible | (masks_ == 0))[0]
    if totals.dtype == object:
        order = sorted(keep, key=lambda m: (-totals[m], -sizes[m], -earliest[m]))
        for m in order:
            yield tuple(domains[j] for j in range(n) if m >> j & 1)
        return
    # in blocks of the highest totals (all ties of the smallest included): the search usually
    # stops within the first few, and sorting a million subsets costs more than the rest
    block = 256
    while keep.size:
        if keep.size > block:
            cut = np.partition(totals[keep], keep.size - block)[keep.size - block]
            head, keep = keep[totals[keep] >= cut], keep[totals[keep] < cut]
        else:
            head, keep = keep, keep[:0]
        for m in head[np.lexsort((-earliest[head], -sizes[head], -totals[head]))].tolist():
            yield tuple(domains[j] for j in range(n) if m >> j & 1)
        block *= 16
