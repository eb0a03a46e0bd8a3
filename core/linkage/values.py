"""Exact values: the one door through which numbers enter the engine.

:func:`exact` turns ints, fractions, floats (read as their shortest decimal) and sympy expressions
into exact sympy expressions and refuses everything else, strings included: text from case files
and the command line goes through the whitelist parser :func:`linkage.expr.parse_expression`, never
through ``sympify``. This module imports nothing from the rest of ``linkage`` but its errors, so
every layer can use it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from linkage.errors import ModelError
from linkage.roots import IsolatedRoot


def exact(value: Any) -> sympy.Expr:
    """Turn a number or sympy object into an exact sympy expression.

    Integers and :class:`fractions.Fraction` are kept exact; a float is read through its shortest
    decimal representation (``0.1`` becomes ``1/10``), never through its binary value. Strings are
    *not* accepted here: text from files goes through :func:`linkage.expr.parse_expression`.
    """
    if isinstance(value, bool):
        raise ModelError(f"expected a number or sympy expression, not a boolean ({value})")
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Float):
            return sympy.Rational(str(value))
        if not isinstance(value, sympy.Expr):
            raise ModelError(f"not an expression: {value!r}")
        if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise ModelError(f"value is not finite: {value}")
        return value
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ModelError(f"value is not finite: {value}")
        return sympy.Rational(repr(value))
    raise ModelError(f"expected a number or sympy expression, got {type(value).__name__}")


def substitute(expr: sympy.Expr, values: Mapping[Any, Any]) -> sympy.Expr:
    """``expr.subs(values)``, the same result, faster when the values are numbers.

    ``subs`` walks the expression once per pair, and a calibration has a pair per parameter, most
    of which do not occur in a given payoff. When the values of the symbols in ``expr`` are
    numbers (nothing can then bring another symbol in), the pairs whose key is a symbol absent
    from ``expr`` change nothing and are dropped, and the result is remembered for the pairs that
    remain (the periods of a record share most of them); otherwise this is ``expr.subs(values)``."""
    symbols = expr.free_symbols
    kept = {k: v for k, v in values.items() if not isinstance(k, sympy.Symbol) or k in symbols}
    if all(isinstance(v, sympy.Basic) and not v.free_symbols for v in kept.values()):
        return _substitute_numbers(expr, tuple(kept.items())) if kept else expr
    return expr.subs(values)


@functools.lru_cache(maxsize=4096)
def _substitute_numbers(expr: sympy.Expr, pairs: tuple[tuple[Any, sympy.Expr], ...]) -> sympy.Expr:
    return expr.subs(dict(pairs))


def positive_part(x: sympy.Expr) -> sympy.Expr:
    """``max(x, 0)``, decided without building a sympy ``Max`` when ``x`` is a rational number.

    For an expression whose sign its symbols' assumptions decide, ``x`` or 0; otherwise the same
    ``Max(0, x)`` that sympy's evaluation gives, built without it (which compares ``x`` with 0 in
    several ways, a hundred times slower) unless ``x`` holds a ``Max`` or ``Min`` to flatten."""
    if x.is_Rational:
        return x if x > 0 else sympy.Integer(0)
    if x.is_number or x.has(sympy.Max, sympy.Min):
        return sympy.Max(x, 0)
    if x.is_nonnegative:
        return x
    if x.is_nonpositive:
        return sympy.Integer(0)
    return sympy.Max(x, 0, evaluate=False)


class _FrozenDict(dict):  # type: ignore[type-arg]
    """A read-only, hashable dict for frozen attrs fields."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: str(kv[0]))))

    def _readonly(self, *args: object, **kwargs: object) -> None:
        raise TypeError("this mapping is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]


def frozen_dict(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of ``value`` that can live in a frozen attrs class."""
    return _FrozenDict(value)


def to_float(x: sympy.Expr) -> float:
    """A float of an exact real number (see :func:`approximate`)."""
    if x.is_Rational:
        return int(x.p) / int(x.q)
    return float(approximate(x, 20))


def approximate(x: sympy.Expr, digits: int = 30) -> sympy.Float:
    """``x`` to ``digits`` significant digits. A polynomial root (``CRootOf``) is found by
    bisection on its isolating interval with exact rationals: sympy's own evaluation of a root of
    a high-degree polynomial (a long punishment) can take minutes. An
    :class:`~linkage.roots.IsolatedRoot` evaluates itself, by exact bisection."""
    roots = {r for r in x.atoms(sympy.CRootOf) if not isinstance(r, IsolatedRoot)}
    if roots:
        x = x.xreplace({r: _root(r, digits + 5) for r in roots})
    return sympy.N(x, digits)


@functools.lru_cache(maxsize=4096)
def _root(root: sympy.CRootOf, digits: int) -> sympy.Float:
    """The root to ``digits`` digits: bisection on its isolating interval, in ``mpmath`` at a
    working precision well above ``digits``."""
    interval = root._get_interval()

    def mpf(x: object) -> mpmath.mpf:
        f = Fraction(str(x))
        return mpmath.mpf(f.numerator) / f.denominator

    with mpmath.workdps(digits + 20):
        lo, hi = mpf(interval.a), mpf(interval.b)
        coefficients = [mpf(c) for c in root.poly.all_coeffs()]
        sign_lo = mpmath.polyval(coefficients, lo) > 0
        for _ in range(int(digits * 3.33) + 8):
            mid = (lo + hi) / 2
            value = mpmath.polyval(coefficients, mid)
            if value == 0:
                lo = hi = mid
                break
            if (value > 0) == sign_lo:
                lo = mid
            else:
                hi = mid
        return sympy.Float((lo + hi) / 2, digits)
