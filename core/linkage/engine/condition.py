r"""One incentive constraint without division, and the discount factors at which it holds.

A deviation pays its gain :math:`a` now and loses stakes later. Each :class:`Term` is a stake
:math:`b` lost over the future periods :math:`f \dots l` (for ever when ``last`` is None),
discounted with the discount factor of its domains (:math:`\delta` unless a domain has its own):

.. math:: a \;\le\; \sum_j b_j\, W_j(\delta), \qquad W_j(\delta) = \sum_{t=f_j}^{l_j} \delta_j^{\,t}.

The built-in punishments give single terms: grim trigger :math:`W = \delta/(1-\delta)` (shown
cleared as :math:`(1-\delta)\,a \le \delta\, b`), :math:`T`-period reversion
:math:`W = \delta + \dots + \delta^T`, the stick of stick-and-carrot :math:`W = \delta`; a
:math:`T`-period punishment restarted while it runs adds a term :math:`\delta^T`. A
:class:`Condition` renders as the inequality a reader checks by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.engine.threshold import Threshold, region, single_term
from linkage.symbols import delta
from linkage.values import exact


def _expr(value: Any) -> sympy.Expr:
    return exact(value)


def _terms(value: Iterable[Term]) -> tuple[Term, ...]:
    return tuple(value)


@attrs.frozen
class Term:
    """A stake lost over periods ``first`` to ``last`` (None: for ever), discounted by ``discount``."""

    stake: sympy.Expr = attrs.field(converter=_expr)
    first: int = 1
    last: int | None = None
    discount: sympy.Expr = attrs.field(default=delta, converter=_expr)

    @property
    def weight(self) -> sympy.Expr:
        r""":math:`W(\delta) = \sum_{t=first}^{last} d^t`, or :math:`d^{first}/(1-d)` for ever."""
        d = self.discount
        if self.last is None:
            return d**self.first / (1 - d)
        return sympy.Add(*(d**t for t in range(self.first, self.last + 1)))

    def subs(self, values: Mapping[Any, Any]) -> Term:
        return attrs.evolve(
            self, stake=self.stake.subs(values), discount=self.discount.subs(values)
        )


@attrs.frozen
class Condition:
    """``gain <= sum of stakes times weights``; ``label`` names it (``"grim"``, ``"T=3"``,
    ``"carrot"``, ``"stick"``)."""

    label: str
    gain: sympy.Expr = attrs.field(converter=_expr)
    terms: tuple[Term, ...] = attrs.field(converter=_terms)

    # -- the built-in single-term forms ---------------------------------------------------------
    @classmethod
    def grim(cls, gain: Any, stake: Any, label: str = "grim") -> Condition:
        r""":math:`(1-\delta)\,a \le \delta\, b`."""
        return cls(label, gain, (Term(stake),))

    @classmethod
    def t_period(cls, gain: Any, stake: Any, periods: int, label: str | None = None) -> Condition:
        r""":math:`a \le b\,(\delta + \dots + \delta^T)`."""
        return cls(label or f"T={periods}", gain, (Term(stake, 1, periods),))

    @classmethod
    def linear(cls, gain: Any, stake: Any, label: str = "linear") -> Condition:
        r""":math:`a \le \delta\, b`."""
        return cls(label, gain, (Term(stake, 1, 1),))

    @property
    def form(self) -> str:
        """``grim``, ``t_period`` or ``linear`` for a single term in the common delta, else
        ``general``."""
        if len(self.terms) != 1 or self.terms[0].discount != delta:
            return "general"
        t = self.terms[0]
        if t.first != 1:
            return "general"
        if t.last is None:
            return "grim"
        return "linear" if t.last == 1 else "t_period"

    @property
    def stake(self) -> sympy.Expr:
        """The sum of the stakes (for a single term: its stake)."""
        return sympy.Add(*(t.stake for t in self.terms))

    @property
    def periods(self) -> int | None:
        return self.terms[0].last if self.form == "t_period" else None

    # -- the set of discount factors ------------------------------------------------------------
    @cached_property
    def threshold(self) -> Threshold:
        """Where this constraint holds (see :mod:`linkage.engine.threshold`)."""
        if len(self.terms) == 1 and self.terms[0].discount == delta:
            t = self.terms[0]
            result = single_term(self.gain, t.stake, t.first, t.last)
        elif self.is_number:
            result = region(self.numerator)
        else:
            result = Threshold("implicit")
        return attrs.evolve(result, source=(self,))

    @property
    def is_number(self) -> bool:
        """Gain and stakes are numbers and discounts depend on delta alone."""
        return bool(
            self.gain.is_number
            and all(t.stake.is_number for t in self.terms)
            and all(t.discount.free_symbols <= {delta} for t in self.terms)
        )

    @property
    def numerator(self) -> sympy.Expr:
        r"""A polynomial in :math:`\delta` with the sign of :math:`\sum_j b_j W_j - a` on [0, 1):
        the margin multiplied by the (positive) denominators :math:`1 - d_j`."""
        denominators = {1 - t.discount for t in self.terms if t.last is None}
        margin = sympy.Add(*(t.stake * t.weight for t in self.terms)) - self.gain
        return sympy.cancel(margin * sympy.Mul(*denominators))

    # -- display --------------------------------------------------------------------------------
    @property
    def lhs(self) -> sympy.Expr:
        """The deviation gain side of the inequality ``lhs <= rhs`` (cleared for grim)."""
        return (1 - delta) * self.gain if self.form in ("grim", "t_period") else self.gain

    @property
    def rhs(self) -> sympy.Expr:
        """The punishment loss side of the inequality ``lhs <= rhs`` (cleared for grim)."""
        form = self.form
        if form == "grim":
            return delta * self.stake
        if form == "t_period":
            T = self.terms[0].last
            assert T is not None
            return (delta - delta ** (T + 1)) * self.stake
        return sympy.Add(*(t.stake * t.weight for t in self.terms))

    @property
    def cleared(self) -> sympy.Basic:
        """The constraint as a sympy relation ``lhs <= rhs`` (unevaluated)."""
        return sympy.LessThan(self.lhs, self.rhs, evaluate=False)

    def slack(self, d: Any = delta) -> sympy.Expr:
        """``rhs - lhs`` at ``d``: non-negative exactly when the constraint holds."""
        return sympy.expand(self.rhs - self.lhs).subs(delta, exact(d))

    def holds_at(self, d: Any) -> bool:
        """Exactly whether the constraint holds at a number ``d`` (numbers only)."""
        d = exact(d)
        margin = sympy.Add(*(t.stake * t.weight.subs(delta, d) for t in self.terms)) - self.gain
        return bool(margin >= 0)

    def subs(self, values: Mapping[Any, Any]) -> Condition:
        return attrs.evolve(
            self, gain=self.gain.subs(values), terms=tuple(t.subs(values) for t in self.terms)
        )


def critical_delta(
    form: str, gain: sympy.Expr, stake: sympy.Expr, periods: int | None = None
) -> Threshold:
    r"""The discount factors at which one single-term constraint holds (see the module docstring).

    ``form`` is ``"grim"`` (:math:`(1-\delta)a \le \delta b`), ``"t_period"``
    (:math:`a \le b\sum_{t=1}^T\delta^t`) or ``"linear"`` (:math:`a \le \delta b`).

    >>> critical_delta("grim", sympy.Integer(1), sympy.Integer(2)).exact
    1/3
    >>> critical_delta("grim", sympy.Integer(1), sympy.Integer(0)).status
    'never'
    """
    if form == "grim":
        cond = Condition.grim(exact(gain), exact(stake))
    elif form == "linear":
        cond = Condition.linear(exact(gain), exact(stake))
    elif form == "t_period":
        if periods is None or periods < 1:
            raise ValueError("t_period needs periods >= 1")
        cond = Condition.t_period(exact(gain), exact(stake), periods)
    else:
        raise ValueError(f"unknown constraint form {form!r}")
    return cond.threshold
