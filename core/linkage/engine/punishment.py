r"""Strategies from plugins: the constraints they impose, from sums over a deviation.

A deviation by player :math:`i` in the set of domains :math:`S` that triggers punishment in the set
:math:`M` is summarised by an :class:`Aggregate`: :math:`\sum_S (D-C)^+` and :math:`\sum_M (C-N)`.
A plugin's strategy (a :class:`~linkage.model.strategies.Strategy` subclass) defines
``conditions(agg)`` returning :class:`~linkage.engine.condition.Condition` objects, e.g.
``[Condition.grim(agg.temptation, agg.stake)]``. Its constraints are checked on the cooperative path;
the engine cannot know its punishment states, so subgame perfection is not checked for it.
"""

from __future__ import annotations

import attrs
import sympy

from linkage import guard
from linkage.engine.condition import Condition
from linkage.errors import ModelError
from linkage.model.strategies import Strategy


@attrs.frozen
class Aggregate:
    """Sums over a deviation set ``S`` and the punishment set ``M`` it triggers."""

    temptation: sympy.Expr  # sum over S of (D - C)^+
    stake: sympy.Expr  # sum over M of (C - N)
    stick_loss: sympy.Expr | None = None  # sum over M of (C - P)
    stick_temptation: sympy.Expr | None = None  # sum over M of (DP - P)^+


def conditions(strategy: Strategy, agg: Aggregate) -> list[Condition]:
    """The cleared constraints of a plugin's strategy for a deviation with the sums ``agg``: its own
    ``conditions(agg)``. (The built-in strategies' constraints, at every reachable state, are
    derived in :mod:`linkage.engine.constraints`.)"""
    custom = getattr(strategy, "conditions", None)
    if custom is None:
        raise ModelError(f"strategy {strategy.kind!r} defines no conditions(agg)")
    kind = getattr(strategy, "kind", type(strategy).__name__)
    owner, what = guard.owner_of(strategy), f"strategy {kind!r} (conditions)"
    found = guard.run(lambda: list(custom(agg)), owner=owner, what=what)
    wrong = [type(c).__name__ for c in found if not isinstance(c, Condition)]
    if wrong:
        raise guard.fault(owner, what, f"returned a {wrong[0]}, expected Condition objects")
    return found
