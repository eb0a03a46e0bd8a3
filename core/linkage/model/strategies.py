r"""Punishment strategies and the incentive constraints each one imposes.

A deviation by player :math:`i` in the set of domains :math:`S` that triggers punishment in the set
:math:`M \supseteq S` is deterred when (cleared forms; sums run over :math:`S` for gains and over
:math:`M` for losses, and temptations are clamped, :math:`(x)^+ = \max(x, 0)`):

* **grim trigger** (Nash reversion forever):
  :math:`(1-\delta)\sum_S (D-C)^+ \le \delta \sum_M (C-N)`;
* **T-period Nash reversion** (:math:`T \ge 1`):
  :math:`\sum_S (D-C)^+ \le (\delta + \dots + \delta^T) \sum_M (C-N)`;
* **stick-and-carrot** (Abreu 1986): one period of the stick :math:`P` in :math:`M`, restarted after
  any deviation from it, then back to cooperation. Two constraints:
  carrot :math:`\sum_S (D-C)^+ \le \delta \sum_M (C-P)` and
  stick :math:`\sum_M (D_P-P)^+ \le \delta \sum_M (C-P)`.

Strategies are registered through the ``register_strategies`` hook; the three above are the core's
own built-ins.
"""

from __future__ import annotations

import abc
from typing import ClassVar

import attrs
import sympy

from linkage.engine.condition import Condition
from linkage.errors import ModelError


@attrs.frozen
class Aggregate:
    """Sums over a deviation set ``S`` and the punishment set ``M`` it triggers."""

    temptation: sympy.Expr  # sum over S of (D - C)^+
    stake: sympy.Expr  # sum over M of (C - N)
    stick_loss: sympy.Expr | None = None  # sum over M of (C - P)
    stick_temptation: sympy.Expr | None = None  # sum over M of (DP - P)^+


class Strategy(abc.ABC):
    """Base class of punishment strategies. Subclasses set ``kind`` and build the conditions."""

    kind: ClassVar[str]
    title: ClassVar[str]
    needs_stick: ClassVar[bool] = False

    @abc.abstractmethod
    def conditions(self, agg: Aggregate) -> list[Condition]:
        """The cleared constraints deterring a deviation with these sums."""

    def describe(self) -> str:
        return self.title

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind}


@attrs.frozen
class GrimTrigger(Strategy):
    """Nash reversion forever after any deviation."""

    kind: ClassVar[str] = "grim"
    title: ClassVar[str] = "grim trigger (Nash reversion forever)"

    def conditions(self, agg: Aggregate) -> list[Condition]:
        return [Condition("grim", "grim", agg.temptation, agg.stake)]


def _positive_int(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelError(f"T-period reversion needs a whole number of periods >= 1, got {value!r}")


@attrs.frozen
class TPeriodReversion(Strategy):
    """Nash reversion for ``periods`` periods, then back to cooperation."""

    periods: int = attrs.field(validator=_positive_int)
    kind: ClassVar[str] = "t_period"
    title: ClassVar[str] = "T-period Nash reversion"

    def conditions(self, agg: Aggregate) -> list[Condition]:
        return [Condition(f"T={self.periods}", "t_period", agg.temptation, agg.stake, self.periods)]

    def describe(self) -> str:
        return f"{self.periods}-period Nash reversion"

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "periods": self.periods}


@attrs.frozen
class StickAndCarrot(Strategy):
    """Abreu's stick-and-carrot: one period of the stick ``P``, restarted on deviation, then ``C``."""

    kind: ClassVar[str] = "stick_carrot"
    title: ClassVar[str] = "stick-and-carrot (Abreu)"
    needs_stick: ClassVar[bool] = True

    def conditions(self, agg: Aggregate) -> list[Condition]:
        if agg.stick_loss is None or agg.stick_temptation is None:
            raise ModelError("stick-and-carrot needs the stick payoffs P and DP in every domain")
        return [
            Condition("carrot", "linear", agg.temptation, agg.stick_loss),
            Condition("stick", "linear", agg.stick_temptation, agg.stick_loss),
        ]
