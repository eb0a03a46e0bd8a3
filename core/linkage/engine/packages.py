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
split). Within a component, packages are tried best first, in the order above, and the first
self-enforcing one is the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

import attrs
import sympy

from linkage.engine.states import Masks, bits
from linkage.errors import TooLargeError
from linkage.model.game import Game

MAX_COMPONENT_DOMAINS = 20
"""Largest component (domains tied together by the linkage structure) searched exactly."""


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


def best_package(game: Game, holds: Callable[[Game], bool | None]) -> Package:
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
        for subset in _best_first(domains, values):
            if not subset:
                break
            if holds(game.restricted(tuple(ids[k] for k in subset))):
                chosen += subset
                break
    chosen.sort()
    return Package(tuple(ids[k] for k in chosen), True, sympy.Add(*(values[k] for k in chosen)))


def _best_first(domains: list[int], values: list[sympy.Expr]) -> list[tuple[int, ...]]:
    """Every subset of ``domains`` (the empty one included), best first: highest surplus, then
    more domains, then the one holding the earliest domain where two differ."""
    subsets = [s for n in range(len(domains) + 1) for s in combinations(domains, n)]
    total = {s: sympy.Add(*(values[k] for k in s)) for s in subsets}

    def key(s: tuple[int, ...]) -> tuple[float, int, tuple[int, ...]]:
        first_missing = tuple(0 if k in s else 1 for k in domains)
        return (-float(total[s]), -len(s), first_missing)

    ordered = sorted(subsets, key=key)
    return _exact_ties(ordered, total)


def _exact_ties(
    ordered: list[tuple[int, ...]], total: dict[tuple[int, ...], sympy.Expr]
) -> list[tuple[int, ...]]:
    """Re-order neighbours whose float surpluses are equal but exact ones are not (never trust a
    float for a tie)."""
    out = list(ordered)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if float(total[a]) == float(total[b]) and total[b] > total[a]:
                out[i], out[i + 1] = b, a
                changed = True
    return out
