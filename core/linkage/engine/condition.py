r"""One incentive constraint in cleared form, with its critical discount factor.

A :class:`Condition` carries the aggregated gain :math:`a` and stake :math:`b` of a deviation and the
form of the punishment (see :mod:`linkage.engine.threshold`). It renders as the inequality a reader
checks by hand, e.g. :math:`(1-\delta)\,a \le \delta\, b` for grim trigger.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.engine.threshold import Form, Threshold, critical_delta
from linkage.symbols import delta
from linkage.values import exact


@attrs.frozen
class Condition:
    """``label`` names the constraint (``"grim"``, ``"carrot"``, ``"stick"``, ``"T=3"``)."""

    label: str
    form: Form
    gain: sympy.Expr
    stake: sympy.Expr
    periods: int | None = None

    @cached_property
    def threshold(self) -> Threshold:
        """The critical discount factor of this constraint."""
        return critical_delta(self.form, self.gain, self.stake, self.periods)

    @property
    def lhs(self) -> sympy.Expr:
        """The deviation gain side of the cleared inequality ``lhs <= rhs``."""
        if self.form == "grim":
            return (1 - delta) * self.gain
        if self.form == "t_period":
            return (1 - delta) * self.gain
        return self.gain

    @property
    def rhs(self) -> sympy.Expr:
        """The punishment loss side of the cleared inequality ``lhs <= rhs``."""
        if self.form == "grim":
            return delta * self.stake
        if self.form == "t_period":
            assert self.periods is not None
            return (delta - delta ** (self.periods + 1)) * self.stake
        return delta * self.stake

    @property
    def cleared(self) -> sympy.Basic:
        """The constraint as a sympy relation ``lhs <= rhs`` (unevaluated)."""
        return sympy.LessThan(self.lhs, self.rhs, evaluate=False)

    def slack(self, d: Any = delta) -> sympy.Expr:
        """``rhs - lhs`` at ``d``: non-negative exactly when the constraint holds."""
        return sympy.expand(self.rhs - self.lhs).subs(delta, exact(d))

    def subs(self, values: Mapping[Any, Any]) -> Condition:
        return attrs.evolve(
            self,
            gain=exact(self.gain).subs(values),
            stake=exact(self.stake).subs(values),
        )
