r"""The analysis of a game: enforcement conditions with and without linkage, and what linkage buys.

:func:`analyze` returns an :class:`Analysis` holding, for each player,

* the *separate* constraints, one per domain, with critical values :math:`\delta_{ik}`;
* the *linked* constraints under the game's linkage structure at every state the strategy can
  reach (:mod:`linkage.engine.constraints`), their binding (worst) deviation and the player's
  **subgame-perfect** critical value — and, beside it, the *on-path* value, which checks
  deviations from full cooperation only. They differ when a one-way rule or a protected domain
  leaves cooperation standing after a punishment: a lever can be pulled once;
* the verdicts at the game's discount factors (each player against their own :math:`\delta_i`);
* the interval of a common :math:`\delta` on which linkage strictly helps,
  :math:`[\max_i \delta_i^{L}, \max_{i,k}\delta_{ik})`, and the value-maximal self-enforcing
  package (:mod:`linkage.engine.packages`).

Payoffs may be symbols: thresholds are then closed forms in them, split into cases where their
status depends on a sign (:mod:`linkage.engine.threshold`), verdicts are ``None``, and
:meth:`Analysis.at` evaluates at a calibration.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.engine.constraints import (
    DeviationConstraint,
    PlayerConstraints,
    binding,
    binding_ends,
    player_constraints,
)
from linkage.engine.packages import Package, best_package
from linkage.engine.slack import slack
from linkage.engine.states import Masks
from linkage.engine.threshold import Threshold, combine, is_ge
from linkage.model.game import Game
from linkage.model.strategies import GrimTrigger, StickAndCarrot, TPeriodReversion
from linkage.model.structure import SEPARATE

__all__ = ["Analysis", "Interval", "Package", "analyze"]


def _decided(threshold: Threshold, d: sympy.Expr) -> bool | None:
    if not threshold.is_numeric or not d.is_number:
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


@attrs.frozen(eq=False)
class Analysis:
    """Enforcement conditions of ``game`` (see the module docstring)."""

    game: Game

    @cached_property
    def masks(self) -> Masks:
        return Masks(self.game)

    # -- separate ---------------------------------------------------------------------------
    @cached_property
    def separate_constraints(self) -> dict[str, dict[str, DeviationConstraint]]:
        """Per player and domain, the constraints when each domain is punished only in itself."""
        g = self.game.with_linkage(SEPARATE)
        masks = Masks(g)
        out: dict[str, dict[str, DeviationConstraint]] = {}
        for p in g.players:
            builder = PlayerConstraints(g, p, masks)
            per = {}
            for i, k in enumerate(g.domain_ids):
                S = 1 << i
                found = (
                    [builder.custom(S)]  # a plugin's strategy: its own conditions(agg)
                    if builder.kind == "custom"
                    else [
                        builder.constraint(S, st)
                        for st in builder.states(S, False, worst_only=False)
                    ]
                )
                conditions = tuple(c for dc in found for c in dc.conditions)
                per[k] = attrs.evolve(found[0], conditions=conditions, state=frozenset())
            out[p] = per
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
        """Per player, the constraints at every reachable state under the linkage structure."""
        return {p: player_constraints(self.game, p, masks=self.masks) for p in self.game.players}

    @cached_property
    def on_path_constraints(self) -> dict[str, list[DeviationConstraint]]:
        """Per player, the constraints of deviations from full cooperation only."""
        return {
            p: player_constraints(self.game, p, on_path=True, masks=self.masks)
            for p in self.game.players
        }

    @cached_property
    def linked_decisive(self) -> dict[str, list[DeviationConstraint]]:
        """Per player, constraints that decide the subgame-perfect threshold (all of them with
        symbols; with numbers, those found deciding by the vectorised search)."""
        return {
            p: PlayerConstraints(self.game, p, self.masks).decisive() for p in self.game.players
        }

    @cached_property
    def on_path_decisive(self) -> dict[str, list[DeviationConstraint]]:
        return {
            p: PlayerConstraints(self.game, p, self.masks).decisive(on_path=True)
            for p in self.game.players
        }

    @cached_property
    def linked_binding(self) -> dict[str, DeviationConstraint]:
        """Per player, the worst deviation, the state where it is worst, and its punishment (a
        player whose deviations gain nothing anywhere gets a single-domain one that holds)."""
        return {p: binding(cs) for p, cs in self.linked_decisive.items()}

    @cached_property
    def linked_thresholds(self) -> dict[str, Threshold]:
        r"""Per player, the subgame-perfect critical value of the whole package."""
        return {p: combine(c.threshold for c in cs) for p, cs in self.linked_decisive.items()}

    @cached_property
    def on_path_thresholds(self) -> dict[str, Threshold]:
        r"""Per player, the critical value checking deviations from full cooperation only."""
        return {p: combine(c.threshold for c in cs) for p, cs in self.on_path_decisive.items()}

    @property
    def subgame_perfect_checked(self) -> bool:
        """False for a plugin's strategy, whose punishment states the engine does not know."""
        return isinstance(self.game.strategy, GrimTrigger | TPeriodReversion | StickAndCarrot)

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
        :math:`[\max_i \delta_i^L, \max_{i,k} \delta_{ik})`, or ``None`` when empty (or when a
        constraint holds only below some :math:`\delta`, where no single interval says it)."""
        linked = combine(self.linked_thresholds.values())
        separate = combine(t for per in self.separate_thresholds.values() for t in per.values())
        if linked.status not in ("always", "threshold") or separate.status == "bounded":
            return None
        if separate.status not in ("always", "threshold", "never"):
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
        excluded = self.game.linkage.isolated | self.game.linkage.protected
        for p, per in self.slack.items():
            numeric = {k: v for k, v in per.items() if k not in excluded and v.is_number and v > 0}
            out[p] = max(numeric, key=lambda k: (numeric[k], k)) if numeric else None
        return out

    @cached_property
    def vulnerable_players(self) -> tuple[str, ...]:
        """The players whose linked constraint binds: those with the highest linked threshold
        (``never`` highest of all), every one of them on an exact tie; empty when undecided."""
        ranked: list[tuple[int, sympy.Expr, str]] = []
        for p, t in self.linked_thresholds.items():
            if not t.is_numeric:
                return ()
            level = {"never": 2, "bounded": 1, "intervals": 1}.get(t.status, 0)
            ranked.append((level, t.exact if t.exact is not None else sympy.Integer(0), p))
        top = max(r[0] for r in ranked)
        candidates = [r for r in ranked if r[0] == top]
        if top == 2:
            return tuple(r[2] for r in candidates)
        best = candidates[0][1]
        for _, value, _ in candidates[1:]:
            if not is_ge(best, value):
                best = value
        return tuple(p for _, value, p in candidates if is_ge(value, best))

    @cached_property
    def vulnerable(self) -> str | None:
        """The one player whose linked constraint binds, or ``None`` on an exact tie (see
        :attr:`vulnerable_players`) or when undecided."""
        players = self.vulnerable_players
        return players[0] if len(players) == 1 else None

    # -- packages ---------------------------------------------------------------------------
    @cached_property
    def best_package(self) -> Package | None:
        """The value-maximal self-enforcing package at the game's discount factors (see
        :mod:`linkage.engine.packages`); ``None`` when payoffs or discount factors are symbols."""
        g = self.game
        if g.free_symbols or not all(g.discount.of(p).is_number for p in g.players):
            return None
        return best_package(g, lambda sub: Analysis(sub).linked_sustainable)

    # -- evaluation -------------------------------------------------------------------------
    def at(self, values: Mapping[Any, Any]) -> Analysis:
        """The analysis at a calibration (symbols replaced by exact values)."""
        return Analysis(self.game.subs(values))

    def closed_form(
        self, player: str, values: Mapping[Any, Any], calibrated: Analysis | None = None
    ) -> Threshold:
        """The closed form of ``player``'s linked threshold that applies at a calibration: the
        deviation that binds there, its constraint in the symbols, and the branch of its case
        split in force at ``values`` (the branch's conditions as ``assumptions``). Derived only for
        the binding constraint, so asking for it is cheap. ``calibrated`` is ``self.at(values)``
        when the caller has it."""
        calibrated = calibrated or self.at(values)
        builder = PlayerConstraints(self.game, player, self.masks)
        forms = []
        for b in binding_ends(calibrated.linked_decisive[player]):
            S, state = self.masks.mask(b.deviation), self.masks.mask(b.state)
            found = builder.custom(S) if builder.kind == "custom" else builder.constraint(S, state)
            forms.append(found.threshold.piece_at(values))
        return forms[0] if len(forms) == 1 else Threshold("max", parts=tuple(forms))

    def separate_closed_form(
        self, player: str, domain: str, values: Mapping[Any, Any]
    ) -> Threshold:
        r"""The closed form of :math:`\delta_{ik}` in the branch that applies at ``values``."""
        return self.separate_thresholds[player][domain].piece_at(values)


def analyze(game: Game) -> Analysis:
    """Analyse ``game``: see :class:`Analysis`."""
    return Analysis(game)
