r"""Break-even values: at what value of one parameter does a player's constraint stop holding?

For a case, a hypothesis and a parameter :math:`x`, :func:`breakeven` finds where the critical
discount factor of a player's constraints crosses that player's discount factor, holding every
other parameter at its calibrated value. It uses the compiled numeric path
(:mod:`linkage.engine.numeric`): a grid over the parameter's range locates the first switch and a
bisection refines it to machine precision. The constraints can be restricted to deviations that
start in a given domain: the worst deviation whose punishment is exactly what a deviation in that
domain triggers (e.g. "when would Japan walk away from Sakhalin-2?").
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from linkage.cases.case import Case
from linkage.engine.numeric import compile_conditions
from linkage.errors import ModelError

GRID_POINTS = 4001
BISECTION_STEPS = 80


def breakeven(
    case: Case,
    parameter: str,
    *,
    player: str,
    hypothesis: str | None = None,
    changes: Mapping[str, sympy.Expr] | None = None,
    involving: str | None = None,
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    """The value of ``parameter`` at which ``player``'s linked constraints switch between holding
    and failing; ``None`` if they do not switch on ``[low, high]`` (default: the parameter's range
    in the case file). With ``involving = k`` only the deviation that starts in domain ``k`` counts:
    the one punished exactly in the domains that a deviation in ``k`` triggers."""
    if parameter not in case.parameters:
        raise ModelError(f"case {case.id} has no parameter {parameter!r}")
    spec = case.parameters[parameter]
    lo = float(spec.low) if low is None and spec.low is not None else low
    hi = float(spec.high) if high is None and spec.high is not None else high
    if lo is None or hi is None:
        raise ModelError(f"parameter {parameter!r} has no range: give low and high")
    symbol = spec.symbol
    values = case.calibration(changes)
    d = float(_discount(case, player, values))
    values.pop(symbol)
    analysis = case.symbolic_analysis(hypothesis)
    game = analysis.game
    trigger = (
        None if involving is None else game.linkage.punished(player, involving, game.domain_ids)
    )
    conditions = [
        c.subs(values)
        for dc in analysis.linked_constraints[player]
        if trigger is None or dc.punished == trigger
        for c in dc.conditions
    ]
    if not conditions:
        raise ModelError(f"{player} has no constraint involving {involving!r}")
    f = compile_conditions(conditions, [symbol])

    def holds(x: np.ndarray) -> np.ndarray:
        t = f(x)
        return ~np.isnan(t) & (t <= d)

    grid = np.linspace(lo, hi, GRID_POINTS)
    state = holds(grid)
    flips = np.nonzero(state[1:] != state[:-1])[0]
    if flips.size == 0:
        return None
    a, b = grid[flips[0]], grid[flips[0] + 1]
    first = holds(np.array([a]))[0]
    for _ in range(BISECTION_STEPS):
        mid = (a + b) / 2
        if holds(np.array([mid]))[0] == first:
            a = mid
        else:
            b = mid
    return float((a + b) / 2)


def _discount(case: Case, player: str, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    return case.game.discount.of(player).subs(values)
