r"""Fast numeric evaluation of derived conditions over numpy arrays.

A closed form is compiled **once** with ``sympy.lambdify`` into a numpy function and then evaluated
over arrays of parameter values, e.g. a grid over a parameter's range or Monte-Carlo draws:

>>> import numpy as np, sympy
>>> a, b = sympy.symbols("a b", positive=True)
>>> f = compile_expression(a / (a + b), [a, b])
>>> f(np.array([1.0, 2.0]), np.array([1.0, 2.0])).tolist()
[0.5, 0.5]

:func:`compile_region` compiles constraints (their gains, stakes and discount factors) and returns,
elementwise, the interval ``[low, high]`` of :math:`\delta` at which all of them hold, with the same
case analysis as the exact engine (:mod:`linkage.engine.threshold`): ``low`` is ``nan`` where they
never hold, ``high`` is 1 where the interval reaches 1. :func:`compile_conditions` returns the lower
end, the critical :math:`\delta` (``always`` is 0, ``never`` is ``nan``), so that a plot or table
never shows a spurious value such as 1 or a number above 1. Constraints with several discounted
terms are solved by a vectorised bisection (when their stakes are non-negative, the margin rises
with :math:`\delta`) or by a scan of :data:`SCAN_POINTS` discount factors refined by bisection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from linkage.engine.condition import Condition, Term
from linkage.symbols import delta

NumericFunction = Callable[..., np.ndarray]

BISECTION_STEPS = 60
"""Iterations of the vectorised bisections: error below 2**-60."""

SCAN_POINTS = 256
"""Discount factors scanned for a constraint whose margin may fall and rise again."""


def compile_expression(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> NumericFunction:
    """Compile ``expr`` into a numpy function of ``symbols`` (positional, broadcasting)."""
    f: NumericFunction = sympy.lambdify(list(symbols), expr, modules="numpy", cse=True)
    return f


def _weight(term: Term, d: np.ndarray, discount: np.ndarray) -> np.ndarray:
    out: np.ndarray
    if term.last is None:
        out = discount**term.first / (1 - discount)
    else:
        out = sum((discount**t for t in range(term.first, term.last + 1)), np.zeros_like(d))
    return out


class _Compiled:
    """One condition: its gain and stakes read from a shared compiled function's outputs (from
    position ``first`` of ``values``), its discount factors as numpy functions."""

    def __init__(
        self,
        c: Condition,
        symbols: Sequence[sympy.Symbol],
        values: Callable[..., list[Any]],
        first: int,
    ) -> None:
        self.condition = c
        self.gain = _pick(values, first)
        self.stakes = [_pick(values, first + 1 + j) for j in range(len(c.terms))]
        self.single = len(c.terms) == 1 and c.terms[0].discount == delta
        self.discounts = (
            []
            if self.single
            else [compile_expression(t.discount, [delta, *symbols]) for t in c.terms]
        )

    def margin(self, d: np.ndarray, args: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
        """:math:`\\sum_j b_j W_j(\\delta) - a` at discount factors ``d``."""
        out = -np.broadcast_to(np.asarray(self.gain(*args), dtype=float), shape)
        for term, stake, discount in zip(
            self.condition.terms, self.stakes, self.discounts, strict=True
        ):
            b = np.broadcast_to(np.asarray(stake(*args), dtype=float), shape)
            dj = np.broadcast_to(np.asarray(discount(d, *args), dtype=float), shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = out + b * _weight(term, d, dj)
        return out

    def region(self, args: Sequence[Any], shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        if self.single:
            t = self.condition.terms[0]
            a = np.broadcast_to(np.asarray(self.gain(*args), dtype=float), shape)
            b = np.broadcast_to(np.asarray(self.stakes[0](*args), dtype=float), shape)
            return _single_region(a, b, t.first, t.last)
        return _general_region(
            lambda d: self.margin(d, args, shape), shape, self._rising(args, shape)
        )

    def _rising(self, args: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
        rising = np.ones(shape, dtype=bool)
        for stake in self.stakes:
            rising &= np.broadcast_to(np.asarray(stake(*args), dtype=float), shape) >= 0
        return rising


def _pick(values: Callable[..., list[Any]], i: int) -> Callable[..., Any]:
    def get(*args: Any) -> Any:
        return values(*args)[i]

    return get


def _single_region(
    a: np.ndarray, b: np.ndarray, first: int, last: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`linkage.engine.threshold.single_term`: ``[low, high]`` or ``low = nan``."""
    low = np.full(a.shape, np.nan)
    high = np.ones(a.shape)
    always = (a <= 0) & (b >= 0)
    low[always] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where((a != 0) & (b != 0), a / b, np.nan)
        root = _root(r, first, last)
    lower = (a > 0) & (b > 0) & ~np.isnan(root)
    low[lower] = root[lower]
    upper = (a < 0) & (b < 0)
    low[upper] = 0.0
    high[upper] = np.where(np.isnan(root[upper]), 1.0, root[upper])
    return low, high


def _root(r: np.ndarray, first: int, last: int | None) -> np.ndarray:
    r"""The :math:`\delta \in (0,1)` with :math:`\sum_{t=first}^{last}\delta^t = r`, nan if none."""
    if last is None and first == 1:
        ratio: np.ndarray = r / (1 + r)
        return ratio
    if last is not None:
        if first == 1 and last == 1:
            return np.where(r < 1, r, np.nan)
        if first == 1 and last == 2:
            return np.where(r < 2, (np.sqrt(1 + 4 * r) - 1) / 2, np.nan)
    lo, hi = np.zeros_like(r), np.ones_like(r)
    powers = np.arange(first, (last if last is not None else first) + 1)
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        if last is None:
            f = mid**first / (1 - mid) - r
        else:
            f = (mid[..., None] ** powers).sum(axis=-1) - r
        lo = np.where(f < 0, mid, lo)
        hi = np.where(f < 0, hi, mid)
    reach = np.inf if last is None else last - first + 1
    return np.where(r < reach, (lo + hi) / 2, np.nan)


def _general_region(
    margin: Callable[[np.ndarray], np.ndarray], shape: tuple[int, ...], rising: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where ``margin(d) >= 0`` on [0, 1): bisection where it rises with d, else a scan."""
    low = np.full(shape, np.nan)
    high = np.ones(shape)
    # rising margins: the set is [root, 1)
    near_one = margin(np.full(shape, 1 - 1e-12))
    at_zero = margin(np.zeros(shape))
    lo, hi = np.zeros(shape), np.full(shape, 1 - 1e-12)
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        below = margin(mid) < 0
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    low = np.where(rising & (at_zero >= 0), 0.0, low)
    low = np.where(rising & (at_zero < 0) & (near_one >= 0), hi, low)
    if (~rising).any():
        grid = np.linspace(0, 1 - 1e-9, SCAN_POINTS)
        ok = np.stack([margin(np.full(shape, g)) >= 0 for g in grid])
        anyok = ok.any(axis=0)
        first = np.argmax(ok, axis=0)
        last = len(grid) - 1 - np.argmax(ok[::-1], axis=0)
        scan_low = np.where(anyok, grid[first], np.nan)
        scan_high = np.where(anyok & (last < len(grid) - 1), grid[last], 1.0)
        low = np.where(rising, low, scan_low)
        high = np.where(rising, high, scan_high)
    return low, high


def compile_region(
    conditions: Sequence[Condition], symbols: Sequence[sympy.Symbol]
) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """Compile constraints that must all hold into ``f(*args) -> (low, high)``: the interval of
    :math:`\\delta` at which they hold, elementwise (``low`` nan: never; ``high`` 1: up to 1)."""
    regions = compile_regions(conditions, symbols)

    def evaluate(*args: Any) -> tuple[np.ndarray, np.ndarray]:
        shape = np.broadcast(*args).shape if args else ()
        low, high = np.zeros(shape), np.ones(shape)
        for lo, hi in regions(*args):
            low = np.maximum(low, lo)  # nan propagates: never
            high = np.minimum(high, hi)
        empty = high < low
        return np.where(empty, np.nan, low), high

    return evaluate


def compile_regions(
    conditions: Sequence[Condition], symbols: Sequence[sympy.Symbol]
) -> Callable[..., list[tuple[np.ndarray, np.ndarray]]]:
    r"""Compile many constraints at once (every gain and stake in ONE ``lambdify``, common
    subexpressions shared) into ``f(*args) -> [(low, high), ...]``: each constraint's interval of
    :math:`\delta`, as :func:`compile_region` gives it for a single one."""
    exprs: list[sympy.Expr] = []
    firsts = []
    for c in conditions:
        firsts.append(len(exprs))
        exprs += [c.gain, *(t.stake for t in c.terms)]
    compiled = compile_expression(exprs, symbols) if exprs else None
    cache: dict[str, Any] = {}

    def values(*args: Any) -> list[Any]:
        key = tuple(id(a) for a in args)
        if cache.get("key") != key:
            assert compiled is not None
            cache["key"], cache["values"] = key, compiled(*args)
        return list(cache["values"])

    each = [_Compiled(c, symbols, values, i) for c, i in zip(conditions, firsts, strict=True)]

    def evaluate(*args: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        shape = np.broadcast(*args).shape if args else ()
        out = []
        for c in each:
            low, high = c.region(args, shape)
            out.append((np.where(high < low, np.nan, low), high))
        cache.clear()
        return out

    return evaluate


def compile_conditions(
    conditions: Sequence[Condition], symbols: Sequence[sympy.Symbol]
) -> NumericFunction:
    """Compile the critical :math:`\\delta` of constraints that must all hold: the lower end of
    :func:`compile_region` (``nan`` marks ``never``)."""
    region = compile_region(conditions, symbols)

    def evaluate(*args: Any) -> np.ndarray:
        return region(*args)[0]

    return evaluate
