r"""The cleared incentive constraints a punishment strategy imposes on one deviation.

A deviation by player :math:`i` in the set of domains :math:`S` that triggers punishment in the set
:math:`M` is summarised by an :class:`Aggregate` (sums over :math:`S` for gains, over :math:`M` for
losses). It is deterred when (cleared forms):

* **grim trigger**: :math:`(1-\delta)\sum_S (D-C) \le \delta \sum_M (C-N)`;
* **T-period Nash reversion**: :math:`\sum_S (D-C) \le (\delta + \dots + \delta^T) \sum_M (C-N)`;
* **stick-and-carrot**: carrot :math:`\sum_S (D-C) \le \delta \sum_M (C-P)` and stick
  :math:`\sum_M (D_P-P)^+ \le \delta \sum_M (C-P)`.

A plugin's own strategy defines ``conditions(agg)`` and gets the same treatment.
"""

from __future__ import annotations

import attrs
import sympy

from linkage.engine.condition import Condition
from linkage.errors import ModelError
from linkage.model.strategies import GrimTrigger, StickAndCarrot, Strategy, TPeriodReversion


@attrs.frozen
class Aggregate:
    """Sums over a deviation set ``S`` and the punishment set ``M`` it triggers."""

    temptation: sympy.Expr  # sum over S of (D - C)^+
    stake: sympy.Expr  # sum over M of (C - N)
    stick_loss: sympy.Expr | None = None  # sum over M of (C - P)
    stick_temptation: sympy.Expr | None = None  # sum over M of (DP - P)^+


def conditions(strategy: Strategy, agg: Aggregate) -> list[Condition]:
    """The cleared constraints deterring a deviation with the sums ``agg`` under ``strategy``."""
    if isinstance(strategy, GrimTrigger):
        return [Condition("grim", "grim", agg.temptation, agg.stake)]
    if isinstance(strategy, TPeriodReversion):
        T = strategy.periods
        return [Condition(f"T={T}", "t_period", agg.temptation, agg.stake, T)]
    if isinstance(strategy, StickAndCarrot):
        if agg.stick_loss is None or agg.stick_temptation is None:
            raise ModelError("stick-and-carrot needs the stick payoffs P and DP in every domain")
        return [
            Condition("carrot", "linear", agg.temptation, agg.stick_loss),
            Condition("stick", "linear", agg.stick_temptation, agg.stick_loss),
        ]
    custom = getattr(strategy, "conditions", None)
    if custom is None:
        raise ModelError(f"strategy {strategy.kind!r} defines no conditions(agg)")
    return list(custom(agg))
