r"""Fast numeric evaluation of derived conditions over numpy arrays.

A closed form is compiled **once** with ``sympy.lambdify`` into a numpy function and then evaluated
over arrays of parameter values, e.g. a grid over a parameter's range or Monte-Carlo draws:

>>> import numpy as np, sympy
>>> a, b = sympy.symbols("a b", positive=True)
>>> f = compile_expression(a / (a + b), [a, b])
>>> f(np.array([1.0, 2.0]), np.array([1.0, 2.0])).tolist()
[0.5, 0.5]

:func:`compile_conditions` compiles the constraints of a player (their gains and stakes) and
evaluates the critical :math:`\delta` with the same case analysis as the exact engine, in numpy:
``always`` is 0, ``never`` is ``nan`` (no :math:`\delta < 1` works), so a plot or table never shows
a spurious value such as 1 or a number above 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from linkage.engine.condition import Condition

NumericFunction = Callable[..., np.ndarray]

BISECTION_STEPS = 60
"""Iterations of the vectorised bisection for T-period roots (T >= 3): error below 2**-60."""


def compile_expression(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> NumericFunction:
    """Compile ``expr`` into a numpy function of ``symbols`` (positional, broadcasting)."""
    f: NumericFunction = sympy.lambdify(list(symbols), expr, modules="numpy", cse=True)
    return f


def _threshold_array(form: str, a: np.ndarray, b: np.ndarray, periods: int | None) -> np.ndarray:
    """Vectorised :func:`linkage.engine.threshold.critical_delta`: 0, a value in (0,1), or nan."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.full(a.shape, np.nan)
    always = (a <= 0) & (b >= 0)
    live = (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if form == "grim":
            value = a / (a + b)
        elif form == "linear":
            value = a / b
        else:
            r = a / b
            assert periods is not None
            if periods == 1:
                value = r
            elif periods == 2:
                value = (np.sqrt(1 + 4 * r) - 1) / 2
            else:
                value = _bisect(r, periods)
    ok = live & (value < 1)
    out[ok] = value[ok]
    out[always] = 0.0
    return out


def _bisect(r: np.ndarray, periods: int) -> np.ndarray:
    """The root in (0,1) of sum_{t=1}^T d^t = r, elementwise (nan where r >= T)."""
    lo, hi = np.zeros_like(r), np.ones_like(r)
    powers = np.arange(1, periods + 1)
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        f = (mid[..., None] ** powers).sum(axis=-1) - r
        lo = np.where(f < 0, mid, lo)
        hi = np.where(f < 0, hi, mid)
    return np.where(r < periods, (lo + hi) / 2, np.nan)


def compile_conditions(
    conditions: Sequence[Condition], symbols: Sequence[sympy.Symbol]
) -> NumericFunction:
    """Compile the critical :math:`\\delta` of constraints that must all hold (their maximum).

    Gains and stakes are compiled once; each call evaluates them and applies the exact engine's
    case analysis elementwise. ``nan`` marks ``never``.
    """
    compiled = [
        (
            c.form,
            compile_expression(c.gain, symbols),
            compile_expression(c.stake, symbols),
            c.periods,
        )
        for c in conditions
    ]

    def evaluate(*args: Any) -> np.ndarray:
        shape = np.broadcast(*args).shape if args else ()
        result = np.zeros(shape)
        for form, gain, stake, periods in compiled:
            a = np.broadcast_to(np.asarray(gain(*args), dtype=float), shape)
            b = np.broadcast_to(np.asarray(stake(*args), dtype=float), shape)
            result = np.maximum(result, _threshold_array(form, a, b, periods))  # nan propagates
        return result

    return evaluate
