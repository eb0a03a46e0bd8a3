r"""A player's incentive constraints at every state the strategy can reach (subgame perfection).

By the one-shot deviation principle a strategy profile is subgame perfect iff at every reachable
state no player gains from deviating once. For player :math:`i` a deviation in the set :math:`S`
at a state is deterred when (gains :math:`a_k = D_{ik} - C_{ik}`, stakes
:math:`b_k = C_{ik} - N_{ik}`, sums as written):

* **grim trigger**, with :math:`P` already punished (:math:`P \cap S = \emptyset`):
  :math:`(1-\delta)\sum_{S} a_k \le \delta \sum_{M_i(S)\setminus P} b_k` — domains punished before
  are lost already; *a lever can be pulled once*;
* **T-period reversion**, with the domains of :math:`P` just punished (:math:`T` periods to go):
  :math:`\sum_S a_k \le (\delta+\dots+\delta^T)\sum_{M_i(S)\setminus P} b_k +
  \delta^T\sum_{M_i(S)\cap P} b_k` — restarting a punishment under way costs one more period;
* **stick-and-carrot**, with :math:`Q` in the stick now: :math:`\sum_{S\cap Q}(D_P - P) +
  \sum_{S\setminus Q} a_k \le \delta\sum_{M_i(S)} (C - P)`.

:math:`M_i(S)` and the reachable states come from :mod:`linkage.engine.states`. For each deviation
only the worst reachable state matters; with stakes of known sign that is one state (the largest
union of punishments avoiding :math:`S`, or for the stick the largest stick over :math:`S` when
deviating from the stick pays more), otherwise every candidate is kept. A domain whose deviation
gain cannot be positive is left out of deviations when no stake is negative (it only adds
punishment). Deviations in different components are sums of their parts and are implied by them;
with symbols, a constraint that is the sum of two others is dropped too. The **on-path**
constraints are those at the initial state only.

A strategy from a plugin (not one of the three above) gets its on-path constraints from its own
``conditions(agg)``; subgame perfection is not checked for it (reported as such).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from itertools import combinations

import attrs
import sympy

from linkage.engine.condition import Condition, Term
from linkage.engine.punishment import Aggregate
from linkage.engine.punishment import conditions as custom_conditions
from linkage.engine.states import Masks, bits
from linkage.engine.threshold import Threshold, combine, is_ge, known_sign
from linkage.engine.vectorized import spe
from linkage.errors import TooLargeError
from linkage.model.game import Game
from linkage.model.strategies import GrimTrigger, StickAndCarrot, TPeriodReversion
from linkage.values import positive_part

MAX_DEVIATION_DOMAINS = 16
"""Largest number of domains of one component that deviations are enumerated over (2^n sets)."""


@attrs.frozen
class DeviationConstraint:
    """The constraints deterring ``player`` from deviating in ``deviation`` at a state where
    ``state`` is already punished (grim, T-period) or in the stick (stick-and-carrot); the
    deviation is punished afresh in ``punished``."""

    player: str
    deviation: frozenset[str]
    punished: frozenset[str]
    conditions: tuple[Condition, ...]
    state: frozenset[str] = frozenset()

    @property
    def threshold(self) -> Threshold:
        return combine(c.threshold for c in self.conditions)

    @property
    def on_path(self) -> bool:
        """A deviation from the cooperative path itself (the initial state)."""
        return not self.state


@attrs.frozen(eq=False)
class PlayerConstraints:
    """Builds one player's constraints in one game."""

    game: Game
    player: str
    masks: Masks

    @cached_property
    def pay(self) -> list[tuple[sympy.Expr, ...]]:
        """Per domain index: gain D - C, stake C - N, stick gain DP - P, stick stake C - P."""
        out = []
        for d in self.game.domains:
            p = d.payoffs[self.player]
            stick = (
                (p.DP - p.P, p.C - p.P) if p.P is not None and p.DP is not None else (None, None)
            )
            out.append((p.D - p.C, p.C - p.N, *stick))
        return out

    @cached_property
    def discounts(self) -> list[sympy.Expr]:
        return [self.game.domain_discount(self.player, k) for k in self.masks.ids]

    @cached_property
    def kind(self) -> str:
        s = self.game.strategy
        if isinstance(s, GrimTrigger):
            return "grim"
        if isinstance(s, TPeriodReversion):
            return "t_period"
        if isinstance(s, StickAndCarrot):
            return "stick"
        return "custom"

    # -- conditions for one deviation at one state ------------------------------------------------
    def _terms(self, stakes: dict[int, sympy.Expr], first: int, last: int | None) -> list[Term]:
        by_discount: dict[sympy.Expr, list[sympy.Expr]] = {}
        for k, b in stakes.items():
            by_discount.setdefault(self.discounts[k], []).append(b)
        return [Term(sympy.Add(*bs), first, last, d) for d, bs in by_discount.items()]

    def constraint(self, S: int, state: int) -> DeviationConstraint:
        """The constraint of a deviation in ``S`` at a state (see the module docstring)."""
        m = self.masks
        M = m.M(self.player, S)
        pay = self.pay
        if self.kind == "stick":
            gain = sympy.Add(*(pay[k][2] if state >> k & 1 else pay[k][0] for k in bits(S)))
            terms = self._terms({k: pay[k][3] for k in bits(M)}, 1, 1)
            cond = Condition("stick" if state & S else "carrot", gain, terms)
            punished = M
        else:
            gain = sympy.Add(*(pay[k][0] for k in bits(S)))
            punished = M & ~state
            fresh = {k: pay[k][1] for k in bits(punished)}
            if self.kind == "grim":
                cond = Condition("grim", gain, self._terms(fresh, 1, None))
            else:
                T = self.game.strategy.periods  # type: ignore[attr-defined]
                terms = self._terms(fresh, 1, T)
                terms += self._terms({k: pay[k][1] for k in bits(M & state)}, T, T)
                cond = Condition(f"T={T}", gain, terms)
        return DeviationConstraint(
            self.player, m.names(S), m.names(punished), (cond,), m.names(state)
        )

    def custom(self, S: int) -> DeviationConstraint:
        """An on-path constraint of a plugin's strategy from its ``conditions(agg)``."""
        m, pay = self.masks, self.pay
        M = m.M(self.player, S)
        agg = Aggregate(
            sympy.Add(*(positive_part(pay[k][0]) for k in bits(S))),
            sympy.Add(*(pay[k][1] for k in bits(M))),
        )
        conds = tuple(custom_conditions(self.game.strategy, agg))
        return DeviationConstraint(self.player, m.names(S), m.names(M), conds)

    # -- which deviations and states ---------------------------------------------------------------
    def _known_nonnegative(self, values: list[sympy.Expr | None]) -> bool:
        return all(v is not None and (s := known_sign(v)) is not None and s >= 0 for v in values)

    def pool(self, component: int) -> int:
        """Domains of a component that can belong to a worst deviation."""
        pay = self.pay
        stake = 3 if self.kind == "stick" else 1
        if not self._known_nonnegative([pay[k][stake] for k in bits(component)]):
            return component  # a negative stake: triggering it may pay, keep every domain
        out = 0
        for k in bits(component):
            gains = [pay[k][0], pay[k][2]] if self.kind == "stick" else [pay[k][0]]
            if any(g is not None and known_sign(g) != -1 and known_sign(g) != 0 for g in gains):
                out |= 1 << k
        return out

    def states(self, S: int, on_path: bool, worst_only: bool = True) -> list[int]:
        """The states at which the deviation ``S`` is checked (the worst ones when decidable)."""
        if on_path:
            return [0]
        m, pay = self.masks, self.pay
        if self.kind == "stick":
            options = m.unions(m.members, S)  # which of S is in the stick
            if not worst_only:
                return options
            extra = [None if pay[k][2] is None else pay[k][2] - pay[k][0] for k in bits(S)]
            if self._known_nonnegative(extra):
                return [max(options, key=lambda q: (bin(q).count("1"), q))]
            if all(e is not None and e.is_number for e in extra):
                return [max(options, key=lambda q: self._stick_gain(S, q))]
            return options
        M = m.M(self.player, S)
        options = m.unions(m.avoiding(S), M)
        stakes = [pay[k][1] for k in bits(M)]
        if self._known_nonnegative(stakes):
            return [max(options)]  # the largest union: every option is a subset of it
        one_clock = len({self.discounts[k] for k in bits(M)}) == 1
        if one_clock and all(b.is_number for b in stakes):
            # already punished stakes weigh alike: the worst state removes the most stake
            return [max(options, key=lambda p: sum(pay[k][1] for k in bits(p)))]
        return options  # stakes of both signs on different clocks: which is worst depends on delta

    def _stick_gain(self, S: int, Q: int) -> sympy.Expr:
        pay = self.pay
        return sympy.Add(*(pay[k][2] if Q >> k & 1 else pay[k][0] for k in bits(S)))

    def deviations(self, on_path: bool = False) -> Iterator[tuple[int, int]]:
        """Every (deviation, state) pair to check, component by component."""
        for component in self.masks.components:
            pool = self.pool(component)
            if not pool:  # no deviation can pay: the single-domain ones, to show they hold
                yield from ((1 << k, 0) for k in bits(component))
                continue
            domains = list(bits(pool))
            if len(domains) > MAX_DEVIATION_DOMAINS:
                raise TooLargeError(
                    f"{len(domains)} domains in one linked component for {self.player}: "
                    f"the exact check enumerates 2^{len(domains)} deviations (limit "
                    f"{MAX_DEVIATION_DOMAINS}); the linkage rules tie these domains together: "
                    + ", ".join(self.masks.ids[k] for k in domains)
                )
            for size in range(1, len(domains) + 1):
                for subset in combinations(domains, size):
                    S = sum(1 << k for k in subset)
                    for state in self.states(S, on_path):
                        yield S, state

    def decisive(self, on_path: bool = False) -> list[DeviationConstraint]:
        """Constraints that decide the player's threshold: with numbers, grim or T-period
        punishment, non-negative stakes and one discount factor, those found by
        :func:`linkage.engine.vectorized.spe` over every deviation at once; otherwise all of
        :meth:`constraints`."""
        uniform = all(d.discount is None for d in self.game.domains)
        if self.kind in ("grim", "t_period") and uniform and not self.game.free_symbols:
            periods = getattr(self.game.strategy, "periods", None)
            pairs = spe(
                self.masks,
                self.player,
                [p[0] for p in self.pay],
                [p[1] for p in self.pay],
                periods,
                on_path,
            )
            if pairs is not None:
                return [self.constraint(S, state) for S, state in dict.fromkeys(pairs)]
        return self.constraints(on_path)

    def constraints(self, on_path: bool = False) -> list[DeviationConstraint]:
        """The constraints to check: every deviation at its worst states, without those implied
        by others (sums), in a stable order."""
        if self.kind == "custom":
            return [self.custom(S) for S, _ in self.deviations(on_path=True)]
        pairs = list(dict.fromkeys(self.deviations(on_path)))
        if not self.game.free_symbols:
            return [self.constraint(S, state) for S, state in pairs]
        return [self.constraint(S, st) for S, st in self._irreducible(pairs)]

    def _irreducible(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Drop a (deviation, state) pair whose constraint is the sum of two others': its
        deviation, punishment and state part split into disjoint parts that are pairs too."""
        masks, player, stick = self.masks, self.player, self.kind == "stick"

        def key(S: int, state: int) -> tuple[int, int, int]:
            M = masks.M(player, S)
            return (S, M, state & S) if stick else (S, M & ~state, M & state)

        return _irreducible(pairs, key)


def _irreducible(
    pairs: list[tuple[int, int]], key: Callable[[int, int], tuple[int, int, int]]
) -> list[tuple[int, int]]:

    keys = {key(S, st): (S, st) for S, st in pairs}
    out = []
    for k, pair in keys.items():
        S, fresh, again = k
        reducible = False
        for S1, f1, a1 in keys:
            if S1 == S or S1 & ~S or f1 & ~fresh or a1 & ~again:
                continue
            if (S & ~S1, fresh & ~f1, again & ~a1) in keys:
                reducible = True
                break
        if not reducible:
            out.append(pair)
    return out


def player_constraints(
    game: Game, player: str, *, on_path: bool = False, masks: Masks | None = None
) -> list[DeviationConstraint]:
    """``player``'s constraints under ``game.linkage``: subgame-perfect (every reachable state) or,
    with ``on_path``, deviations from the cooperative path only."""
    return PlayerConstraints(game, player, masks or Masks(game)).constraints(on_path)


def binding_ends(
    constraints: list[DeviationConstraint],
) -> tuple[DeviationConstraint, ...]:
    """The constraints deciding the set of discount factors at which they all hold: one that never
    holds, if any; else the one with the highest lower end and the one with the lowest upper end
    (a concession that holds only below some discount factor), when they differ."""
    never = [c for c in constraints if c.threshold.status == "never" and not c.threshold.zero]
    if never:
        return (never[0],)
    bounded_below = [c for c in constraints if c.threshold.status in ("threshold", "bounded")]
    low = _lowest_first(bounded_below) if bounded_below else binding(constraints)
    gapped = tuple(c for c in constraints if c.threshold.status == "intervals" and c is not low)
    high: DeviationConstraint | None = None
    lowest: sympy.Expr | None = None
    for c in constraints:
        t = c.threshold
        upper = t.upper if t.status == "bounded" else None
        if t.status == "never" and t.zero:  # holds at delta = 0 only
            upper = sympy.S.Zero
        if upper is None:
            continue
        if lowest is None or (is_ge(lowest, upper) and lowest != upper):
            high, lowest = c, upper
    ends = (low,) if high is None or high is low else (low, high)
    return ends + gapped


def _lowest_first(constraints: list[DeviationConstraint]) -> DeviationConstraint:
    """The constraint with the highest lower end (the first on ties)."""
    best = constraints[0]
    for c in constraints[1:]:
        vb, vc = best.threshold.exact, c.threshold.exact
        if vc is not None and (vb is None or (vb.is_number and vc.is_number and not is_ge(vb, vc))):
            best = c
    return best


def binding(constraints: list[DeviationConstraint]) -> DeviationConstraint:
    """The constraint that decides the player's threshold: a ``never`` first, then the highest
    threshold (the first one on ties)."""

    def rank(c: DeviationConstraint) -> tuple[int, sympy.Expr | None]:
        t = c.threshold
        if t.status == "never":  # never at all before never but at delta = 0
            return (3 if t.zero else 4), t.exact
        return {"bounded": 2, "intervals": 2, "threshold": 1}.get(t.status, 0), t.exact

    best = constraints[0]
    for c in constraints[1:]:
        (rb, vb), (rc, vc) = rank(best), rank(c)
        if rc > rb or (
            rc == rb
            and rc in (1, 2)
            and vb is not None
            and vc is not None
            and vb.is_number
            and vc.is_number
            and not is_ge(vb, vc)
        ):
            best = c
    return best
