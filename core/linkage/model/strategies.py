r"""Punishment strategies: what happens after a deviation, as automata over punishment states.

A deviation by player :math:`i` in the set of domains :math:`S` *triggers* punishment in
:math:`M_i(S) = \bigcup_{k\in S} L_i(k)`, where :math:`L_i(k)` comes from the linkage structure
(:mod:`linkage.model.structure`). What punishment means, and so which states play can reach:

* **grim trigger** (Nash reversion forever): the state is the set :math:`P` of domains already
  punished; a trigger adds :math:`M` to it for ever;
* **T-period Nash reversion** (:math:`T \ge 1`): each domain carries a counter of the stage-Nash
  periods left; a trigger sets the counters of :math:`M` to :math:`T` (restarting a punishment
  under way), after which cooperation resumes;
* **stick-and-carrot** (Abreu 1986): the state is the set :math:`Q` of domains in the one-period
  stick :math:`P`; any deviation (from cooperation or from the stick) puts :math:`M` in the stick
  next period, then play returns to cooperation.

The incentive constraints these impose at every reachable state, and the critical discount
factors that follow, are derived by the engine (:mod:`linkage.engine.punishment`). Strategies are
registered through the ``register_strategies`` hook; the three above are the core's built-ins.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from linkage import limits
from linkage.errors import ModelError


class Strategy:
    """Base class of punishment strategies: data only (``kind``, ``title`` and options).

    The incentive constraints a strategy imposes are the engine's business
    (:mod:`linkage.engine.punishment`). A plugin's own strategy subclasses this and defines
    ``conditions(agg)``, the cleared constraints deterring a deviation with the sums ``agg``
    (:class:`linkage.engine.punishment.Aggregate`).
    """

    kind: ClassVar[str]
    title: ClassVar[str]
    needs_stick: ClassVar[bool] = False

    def describe(self) -> str:
        return self.title

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind}


@attrs.frozen
class GrimTrigger(Strategy):
    """Nash reversion forever after any deviation."""

    kind: ClassVar[str] = "grim"
    title: ClassVar[str] = "grim trigger (Nash reversion forever)"


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelError(f"T-period reversion needs a whole number of periods >= 1, got {value!r}")
    limits.check("periods", value, "T-period reversion")


@attrs.frozen
class TPeriodReversion(Strategy):
    """Nash reversion for ``periods`` periods, then back to cooperation."""

    periods: int = attrs.field(validator=_positive_int)
    kind: ClassVar[str] = "t_period"
    title: ClassVar[str] = "T-period Nash reversion"

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
