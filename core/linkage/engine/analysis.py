r"""The analysis of a game: enforcement conditions with and without linkage, and what linkage buys.

:func:`analyze` returns an :class:`Analysis` holding, for each player,

* the *separate* constraints, one per domain, with critical values :math:`\delta_{ik}`;
* the *linked* constraints under the game's linkage structure, their binding (worst) deviation
  and the player's critical value;
* the verdicts at the game's discount factors (each player against their own :math:`\delta_i`);
* the interval of a common :math:`\delta` on which linkage strictly helps,
  :math:`[\max_i \delta_i^{L}, \max_{i,k}\delta_{ik})`, and the best package of linked domains.

Payoffs may be symbols: thresholds are then closed forms in them (with the sign assumptions that
make them valid), verdicts are ``None``, and :meth:`Analysis.at` evaluates at a calibration.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from itertools import combinations
from typing import Any

import attrs
import sympy

from linkage.engine.constraints import DeviationConstraint, binding, player_constraints
from linkage.engine.slack import slack
from linkage.engine.threshold import Threshold, combine, is_ge
from linkage.errors import TooLargeError
from linkage.model.game import Game
from linkage.model.structure import SEPARATE

MAX_PACKAGE_DOMAINS = 10
"""Largest number of domains for the exact best-package search (2^K packages, each enumerated)."""


def _decided(threshold: Threshold, d: sympy.Expr) -> bool | None:
    if threshold.status != "threshold":
        return threshold.status == "always" if not threshold.assumptions else None
    if threshold.is_symbolic or not d.is_number:
        return None
    return threshold.holds_at(d)


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


@attrs.frozen
class Interval:
    """A half-open interval ``[low, high)`` of discount factors; ``high = 1`` means up to 1."""

    low: sympy.Expr
    high: sympy.Expr

    def as_json(self) -> dict[str, object]:
        return {
            "low": sympy.sstr(self.low),
            "high": sympy.sstr(self.high),
            "low_value": float(self.low) if self.low.is_number else None,
            "high_value": float(self.high) if self.high.is_number else None,
        }

    def __str__(self) -> str:
        return f"[{sympy.sstr(self.low)}, {sympy.sstr(self.high)})"


@attrs.frozen
class Package:
    """A package of domains cooperated on together, and whether it is self-enforcing."""

    domains: tuple[str, ...]
    sustainable: bool


@attrs.frozen(eq=False)
class Analysis:
    """Enforcement conditions of ``game`` (see the module docstring)."""

    game: Game

    # -- separate ---------------------------------------------------------------------------
    @cached_property
    def separate_constraints(self) -> dict[str, dict[str, DeviationConstraint]]:
        """Per player and domain, the constraint when each domain is punished only in itself."""
        g = self.game.with_linkage(SEPARATE)
        out: dict[str, dict[str, DeviationConstraint]] = {}
        for p in g.players:
            cons = {next(iter(c.deviation)): c for c in player_constraints(g, p)}
            out[p] = {k: cons[k] for k in g.domain_ids}
        return out

    @cached_property
    def separate_thresholds(self) -> dict[str, dict[str, Threshold]]:
        r""":math:`\delta_{ik}` for every player :math:`i` and domain :math:`k`."""
        return {
            p: {k: c.threshold for k, c in per.items()}
            for p, per in self.separate_constraints.items()
        }

    @cached_property
    def separate_sustainable(self) -> dict[str, bool | None]:
        """Per domain: does cooperation hold in it alone, each player at their own discount factor?"""
        g = self.game
        return {
            k: _all([_decided(self.separate_thresholds[p][k], g.discount.of(p)) for p in g.players])
            for k in g.domain_ids
        }

    # -- linked -----------------------------------------------------------------------------
    @cached_property
    def linked_constraints(self) -> dict[str, list[DeviationConstraint]]:
        """Per player, the irreducible constraints under the game's linkage structure."""
        return {p: player_constraints(self.game, p) for p in self.game.players}

    @cached_property
    def linked_binding(self) -> dict[str, DeviationConstraint]:
        """Per player, the worst deviation set and the punishment it triggers."""
        return {p: binding(cs) for p, cs in self.linked_constraints.items()}

    @cached_property
    def linked_thresholds(self) -> dict[str, Threshold]:
        r"""Per player, the critical value of the whole package under the linkage structure."""
        return {p: combine(c.threshold for c in cs) for p, cs in self.linked_constraints.items()}

    @cached_property
    def linked_sustainable(self) -> bool | None:
        g = self.game
        return _all([_decided(self.linked_thresholds[p], g.discount.of(p)) for p in g.players])

    @cached_property
    def helps(self) -> bool | None:
        """Linkage strictly helps at the game's discount factors: the linked package holds, the
        domains one by one do not all hold."""
        separately = _all(list(self.separate_sustainable.values()))
        if self.linked_sustainable is None or separately is None:
            return None
        return bool(self.linked_sustainable and not separately)

    @cached_property
    def helps_interval(self) -> Interval | None:
        r"""The common :math:`\delta` on which linkage strictly helps:
        :math:`[\max_i \delta_i^L, \max_{i,k} \delta_{ik})`, or ``None`` when empty."""
        linked = combine(self.linked_thresholds.values())
        separate = combine(t for per in self.separate_thresholds.values() for t in per.values())
        if linked.status == "never":
            return None
        low = linked.exact
        high = sympy.Integer(1) if separate.status == "never" else separate.exact
        if low is None or high is None:
            return None
        if low.is_number and high.is_number:
            return None if is_ge(low, high) else Interval(low, high)
        return Interval(low, high)

    # -- slack ------------------------------------------------------------------------------
    @cached_property
    def slack(self) -> dict[str, dict[str, sympy.Expr]]:
        r"""Grim-trigger slack :math:`s_{ik}(\delta_i)` at each player's discount factor."""
        g = self.game
        return {
            p: {d.id: slack(d.payoffs[p], g.discount.of(p)) for d in g.domains} for p in g.players
        }

    @cached_property
    def lever(self) -> dict[str, str | None]:
        """Per player, the domain that donates most slack: the best lever (``None`` if no domain
        has positive slack). Protected and ordinal-isolated domains are never levers."""
        out: dict[str, str | None] = {}
        # protected domains are never levers, and ordinal ranks are not comparable slack
        excluded = self.game.linkage.isolated | self.game.linkage.protected
        for p, per in self.slack.items():
            numeric = {k: v for k, v in per.items() if k not in excluded and v.is_number and v > 0}
            out[p] = max(numeric, key=lambda k: (numeric[k], k)) if numeric else None
        return out

    @cached_property
    def vulnerable(self) -> str | None:
        """The player whose linked constraint binds: the one with the highest linked threshold."""
        ranked = []
        for p, t in self.linked_thresholds.items():
            if t.status == "never":
                return p
            if t.exact is None or not t.exact.is_number:
                return None
            ranked.append((t.exact, p))
        best = ranked[0]
        for item in ranked[1:]:
            if not is_ge(best[0], item[0]):
                best = item
        return best[1]

    # -- packages ---------------------------------------------------------------------------
    @cached_property
    def best_package(self) -> Package | None:
        """The largest package self-enforcing under the linkage structure at the game's discount
        factors (ties broken by joint surplus over Nash, then by domain order); ``None`` when the
        payoffs are symbolic. Exact enumeration, refused beyond :data:`MAX_PACKAGE_DOMAINS`."""
        g = self.game
        ids = g.domain_ids
        if len(ids) > MAX_PACKAGE_DOMAINS:
            raise TooLargeError(
                f"{len(ids)} domains: the exact best-package search is limited to "
                f"{MAX_PACKAGE_DOMAINS} domains (it enumerates 2^K packages)"
            )
        if g.free_symbols or not all(g.discount.of(p).is_number for p in g.players):
            return None
        for size in range(len(ids), 0, -1):
            found = []
            for subset in combinations(ids, size):
                sub = Analysis(g.restricted(subset))
                if sub.linked_sustainable:
                    surplus = sympy.Add(
                        *(g.domain(k).payoffs[p].stake for k in subset for p in g.players)
                    )
                    found.append((surplus, subset))
            if found:
                best = found[0]
                for item in found[1:]:
                    if not is_ge(best[0], item[0]):
                        best = item
                return Package(best[1], True)
        return Package((), True)

    # -- evaluation -------------------------------------------------------------------------
    def at(self, values: Mapping[Any, Any]) -> Analysis:
        """The analysis at a calibration (symbols replaced by exact values)."""
        return Analysis(self.game.subs(values))


def analyze(game: Game) -> Analysis:
    """Analyse ``game``: see :class:`Analysis`."""
    return Analysis(game)
