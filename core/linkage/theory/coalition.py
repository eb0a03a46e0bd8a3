r"""A sanctions coalition and its target: thresholds per player, coalition-wide punishment, and what
happens when a member defects from the coalition.

**Players and payoffs** (per period). The target :math:`T` complies (``C``), defies once while
relations are normal (``D``) or lives with broken relations (``N``); each member :math:`j` that
sanctions it takes :math:`h_j` more from it. Member :math:`j` pays :math:`k_j` per period of
sanctioning, and in its relation with member :math:`l` gains :math:`b_{jl}` per period of mutual
cooperation over Nash (its *stake* in :math:`l`) and :math:`a_{jl}` once by defecting on
:math:`l` (its *temptation*). For a coalition :math:`S`: :math:`H_S = \sum_{j \in S} h_j`,
:math:`b_j(S) = \sum_{l \in S \setminus j} b_{jl}`, :math:`a_j(S) = \sum_{l \in S \setminus j}
a_{jl}`. Members' payoffs do not depend on the target's conduct (their stake in it is left out,
which understates their will to sanction).

**Strategy: grim coalition enforcement with expulsion.** A state is a phase (peace or sanction)
and the coalition :math:`S` still in force, or *collapse*; play starts at (peace, :math:`M`).

* Peace: the target complies; members of :math:`S` cooperate with each other.
* A defiance by the target starts the sanction phase: every member of :math:`S` sanctions it for
  ever (and the target, with nothing left to lose, defies).
* A member :math:`j \in S` that defects on another member, or fails to sanction when the phase
  asks it to, is expelled: every other member stops cooperating with it for ever (Nash in its
  relations; an expelled member does not sanction). The rest, :math:`S \setminus j`, carry on in
  the same phase **if** they are self-enforcing (below); otherwise the coalition collapses to the
  stage Nash equilibrium (no cooperation, no sanctions, the target defiant).

**Incentive constraints** (one-shot deviation principle; cleared forms, primer §1):

* target at (peace, :math:`S`): :math:`(1-\delta_T)(D - C) \le \delta_T (C - N + H_S)`;
* member :math:`j` at (sanction, :math:`S`): :math:`(1-\delta_j)(a_j(S) + k_j) \le
  \delta_j (b_j(S) - k_j)`: shirking saves the sanction's cost now and for ever, and costs the
  member its stake in the coalition. A member whose cost :math:`k_j` reaches its stake
  :math:`b_j(S)` never sanctions. As :math:`k_j \ge 0`, this implies the member's constraint in
  peace, :math:`(1-\delta_j)\, a_j(S) \le \delta_j\, b_j(S)`.

A deviator's continuation does not depend on whether the rest carry on or collapse (either way
its relations are at Nash and it sanctions no more), so each constraint depends on :math:`S`
alone. :math:`S` is **self-enforcing** when all of them hold at :math:`S`. The states the
strategy can reach are then (peace, :math:`S`) and (sanction, :math:`S`) for the self-enforcing
coalitions reached from :math:`M` by expelling members one at a time, and collapse (a stage
equilibrium); so the strategy is subgame perfect exactly when :math:`M` is self-enforcing, and
when member :math:`j` defects, the coalition carries on without it exactly when
:math:`M \setminus j` is. Critical discount factors (engine statuses, degenerate cases decided
before dividing): :math:`\delta^*_T(S) = (D-C)/(D-N+H_S)`, :math:`\delta^*_j(S) =
(a_j(S)+k_j)/(a_j(S)+b_j(S))`.

Coalition enforcement of sanctions and its collective-action problem: Martin (1992); Drezner
(2000); for multilateral enforcement in repeated games, Bernheim & Whinston (1990) and Kandori
(1992).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import sympy

from linkage.engine.threshold import Threshold, combine, single_term
from linkage.errors import ModelError
from linkage.values import exact, frozen_dict, substitute

__all__ = ["Coalition", "CoalitionResult", "Constraint", "analyse", "constraints", "threshold"]

MAX_MEMBERS = 10
"""Every subset of the coalition is a state: at most ``2^10`` of them."""


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _pairs(value: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, sympy.Expr]]:
    return frozen_dict(
        {j: frozen_dict({other: exact(v) for other, v in row.items()}) for j, row in value.items()}
    )


def _values(value: Mapping[str, Any]) -> Mapping[str, sympy.Expr]:
    return frozen_dict({k: exact(v) for k, v in value.items()})


@attrs.frozen
class Coalition:
    """A target, the coalition ``members`` and the payoffs of the module docstring: the target's
    ``C``, ``D``, ``N``; per member ``harm`` (h) and ``cost`` (k, not negative: a member that
    gains from sanctioning needs no enforcement); per ordered pair of members ``stake`` (b) and
    ``temptation`` (a); zero where not given."""

    target: str
    members: tuple[str, ...] = attrs.field(converter=_strings)
    C: sympy.Expr = attrs.field(converter=exact)
    D: sympy.Expr = attrs.field(converter=exact)
    N: sympy.Expr = attrs.field(converter=exact)
    harm: Mapping[str, sympy.Expr] = attrs.field(converter=_values)
    cost: Mapping[str, sympy.Expr] = attrs.field(converter=_values)
    stake: Mapping[str, Mapping[str, sympy.Expr]] = attrs.field(converter=_pairs)
    temptation: Mapping[str, Mapping[str, sympy.Expr]] = attrs.field(converter=_pairs, factory=dict)

    def __attrs_post_init__(self) -> None:
        if not self.members or len(set(self.members)) != len(self.members):
            raise ModelError("a coalition needs at least one member, each named once")
        if self.target in self.members:
            raise ModelError(f"the target {self.target!r} cannot be a member of the coalition")
        if len(self.members) > MAX_MEMBERS:
            raise ModelError(f"at most {MAX_MEMBERS} members (every subset is a state)")
        for j, k in self.cost.items():
            if k.is_negative:
                raise ModelError(f"cost: {j!r} pays {k} to sanction; a cost is not negative")
        for what, table in (("harm", self.harm), ("cost", self.cost)):
            for j in table:
                if j not in self.members:
                    raise ModelError(f"{what}: {j!r} is not a member")
        for what, pairs in (("stake", self.stake), ("temptation", self.temptation)):
            for j, row in pairs.items():
                for other in (j, *row):
                    if other not in self.members:
                        raise ModelError(f"{what}: {other!r} is not a member")
                if j in row:
                    raise ModelError(f"{what}: a member has no relation with itself ({j!r})")

    def h(self, j: str) -> sympy.Expr:
        return self.harm.get(j, sympy.Integer(0))

    def k(self, j: str) -> sympy.Expr:
        return self.cost.get(j, sympy.Integer(0))

    def b(self, j: str, coalition: Sequence[str]) -> sympy.Expr:
        r""":math:`b_j(S) = \sum_{l \in S \setminus j} b_{jl}`."""
        row = self.stake.get(j, {})
        return sympy.Add(*(row.get(other, 0) for other in coalition if other != j))

    def a(self, j: str, coalition: Sequence[str]) -> sympy.Expr:
        r""":math:`a_j(S) = \sum_{l \in S \setminus j} a_{jl}`."""
        row = self.temptation.get(j, {})
        return sympy.Add(*(row.get(other, 0) for other in coalition if other != j))

    def H(self, coalition: Sequence[str]) -> sympy.Expr:
        return sympy.Add(*(self.h(j) for j in coalition))

    def subs(self, values: Mapping[Any, Any]) -> Coalition:
        def one(x: sympy.Expr) -> sympy.Expr:
            return substitute(x, values)

        return Coalition(
            self.target,
            self.members,
            one(self.C),
            one(self.D),
            one(self.N),
            {j: one(v) for j, v in self.harm.items()},
            {j: one(v) for j, v in self.cost.items()},
            {j: {other: one(v) for other, v in r.items()} for j, r in self.stake.items()},
            {j: {other: one(v) for other, v in r.items()} for j, r in self.temptation.items()},
        )


@attrs.frozen
class Constraint:
    """One incentive constraint ``(1 - δ) gain <= δ loss`` of ``player`` at ``phase`` (peace or
    sanction) with the coalition ``coalition`` in force, and the discount factors at which it
    holds."""

    player: str
    phase: str
    coalition: tuple[str, ...]
    gain: sympy.Expr
    loss: sympy.Expr
    threshold: Threshold


def _constraint(
    player: str, phase: str, coalition: tuple[str, ...], gain: sympy.Expr, loss: sympy.Expr
) -> Constraint:
    gain, loss = sympy.expand(gain), sympy.expand(loss)
    return Constraint(player, phase, coalition, gain, loss, single_term(gain, loss, 1, None))


def constraints(c: Coalition, coalition: Sequence[str]) -> list[Constraint]:
    """The incentive constraints at (peace, ``coalition``) and (sanction, ``coalition``): the
    target's in peace and each member's in the sanction phase, which implies its constraint in
    peace (module docstring)."""
    s = tuple(m for m in c.members if m in coalition)
    out = [_constraint(c.target, "peace", s, c.D - c.C, c.C - c.N + c.H(s))]
    for j in s:
        a, b, k = c.a(j, s), c.b(j, s), c.k(j)
        out.append(_constraint(j, "sanction", s, a + k, b - k))
    return out


@attrs.frozen
class CoalitionResult:
    """The analysis at given discount factors: ``enforcing`` maps every coalition (a tuple of
    members in the coalition's order) to whether it is self-enforcing; ``reachable`` lists the
    coalitions the strategy can reach from the whole one (in peace and in the sanction phase;
    collapse besides); ``failing`` the constraints that fail
    at the whole coalition; ``spe`` whether the strategy is subgame perfect."""

    coalition: Coalition
    enforcing: Mapping[tuple[str, ...], bool]
    reachable: tuple[tuple[str, ...], ...]
    failing: tuple[Constraint, ...]

    @property
    def spe(self) -> bool:
        return self.enforcing[self.coalition.members]

    def after_exit(self, member: str) -> str:
        """What the strategy does when ``member`` defects from the whole coalition."""
        rest = tuple(m for m in self.coalition.members if m != member)
        if not rest:
            return "the coalition ends (no member left)"
        return "the others carry on" if self.enforcing[rest] else "the coalition collapses"


def analyse(c: Coalition, discount: Mapping[str, Any]) -> CoalitionResult:
    """Which coalitions are self-enforcing at the discount factors ``discount`` (by player, exact
    numbers; payoffs numeric or with their parameters substituted), the states reachable from the
    whole coalition, and the constraints failing there."""
    deltas = {p: exact(discount[p]) for p in (c.target, *c.members)}
    enforcing: dict[tuple[str, ...], bool] = {}
    failing: tuple[Constraint, ...] = ()
    for size in range(len(c.members), 0, -1):
        for s in itertools.combinations(c.members, size):
            bad = [k for k in constraints(c, s) if not k.threshold.holds_at(deltas[k.player])]
            enforcing[s] = not bad
            if s == c.members:
                failing = tuple(bad)
    reachable: list[tuple[str, ...]] = []
    frontier = [c.members]
    while frontier:
        s = frontier.pop(0)
        if s in reachable:
            continue
        reachable.append(s)
        for j in s:
            rest = tuple(m for m in s if m != j)
            if rest and enforcing[rest] and rest not in reachable:
                frontier.append(rest)
    return CoalitionResult(c, enforcing, tuple(reachable), failing)


def threshold(c: Coalition, player: str | None, coalition: Sequence[str]) -> Threshold:
    """All of ``player``'s constraints at ``coalition`` together (closed form, engine statuses);
    ``player=None``: everyone's, the common discount factors at which ``coalition`` is
    self-enforcing."""
    return combine(
        k.threshold for k in constraints(c, coalition) if player is None or k.player == player
    )
