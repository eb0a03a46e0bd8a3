"""Numbers for people: exact values shown as decimals, the way a case file writes them.

Case files write decimals (``0.95``, ``4.48``) and the engine keeps them as exact rationals
(``19/20``, ``112/25``). Every output shows such values as decimals again, through
:func:`decimal`: a value is rounded to ``digits`` significant digits (``1/3`` is ``0.3333`` at the
default :data:`DIGITS`), which shows a short decimal exactly (``0.95``, ``0.00028``); integer
digits are never rounded away (``2177``, ``123456``).

:func:`is_short_decimal` says whether a rational has a finite decimal expansion of at most
:data:`EXACT_DIGITS` significant digits; printers write such coefficients of closed forms as exact
decimals (``0.00028·x`` rather than ``7·x/25000``).
This module imports nothing but sympy and the standard library, so every layer can use it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Any

import sympy

from linkage.values import approximate

DIGITS = 4
"""Default number of significant digits of a value that is not an exact short decimal."""

EXACT_DIGITS = 12
"""A rational with a finite decimal expansion of at most this many significant digits is an exact
short decimal (:func:`is_short_decimal`), written as a decimal inside closed forms."""


def _fraction(x: Any) -> Fraction | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, Fraction):
        return x
    if isinstance(x, sympy.Rational):
        return Fraction(int(x.p), int(x.q))
    return None


def _terminating(q: int) -> bool:
    for prime in (2, 5):
        while q % prime == 0:
            q //= prime
    return q == 1


def _exact_decimal(f: Fraction) -> Decimal | None:
    """``f`` as an exact :class:`Decimal` if its expansion is finite and short, else ``None``."""
    if not _terminating(f.denominator):
        return None
    with localcontext() as ctx:
        ctx.prec = 200
        value = Decimal(f.numerator) / Decimal(f.denominator)
    digits = len(value.normalize().as_tuple().digits)
    return value if digits <= EXACT_DIGITS else None


def _significant(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def _integer_digits(value: Decimal) -> int:
    return max(0, value.adjusted() + 1)


def is_short_decimal(x: Any) -> bool:
    """Whether ``x`` is a rational shown exactly as a decimal (finite and short expansion)."""
    f = _fraction(x)
    return f is not None and _exact_decimal(f) is not None


def _plain(value: Decimal) -> str:
    """A :class:`Decimal` in positional notation, without trailing zeros or ``-0``."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rounded(value: Decimal, digits: int) -> str:
    if value == 0:
        return "0"
    exponent = value.adjusted()  # position of the leading digit: 0 for 1.x, -3 for 0.00x
    places = max(0, digits - 1 - exponent)
    with localcontext() as ctx:
        ctx.prec = max(60, exponent + places + 5)
        quantized = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return _plain(quantized)


def decimal(x: Any, digits: int = DIGITS) -> str:
    """``x`` (an int, a :class:`~fractions.Fraction`, a float or an exact sympy number) as a decimal.

    Exact short decimals are shown exactly; other values are rounded to ``digits`` significant
    digits (never rounding away integer digits). A symbolic expression is returned as sympy text.

    >>> decimal(sympy.Rational(19, 20)), decimal(sympy.Rational(1, 3)), decimal(2177)
    ('0.95', '0.3333', '2177')
    >>> decimal(sympy.Rational(16960, 58779), digits=3), decimal(sympy.sqrt(2))
    ('0.289', '1.414')
    """
    if digits < 1:
        raise ValueError(f"digits must be at least 1, got {digits}")
    f = _fraction(x)
    if f is not None:
        exact = _exact_decimal(f)
        if exact is not None and _significant(exact) <= max(digits, _integer_digits(exact)):
            return _plain(exact)
        with localcontext() as ctx:
            ctx.prec = 80
            return _rounded(Decimal(f.numerator) / Decimal(f.denominator), digits)
    if isinstance(x, float):
        return _rounded(Decimal(repr(x)), digits)
    if isinstance(x, sympy.Basic) and getattr(x, "is_number", False):
        value = approximate(x, max(30, digits + 10))
        if value.is_real is False or not value.is_Number:
            return str(sympy.sstr(x))
        return _rounded(Decimal(str(value)), digits)
    return str(sympy.sstr(x)) if isinstance(x, sympy.Basic) else str(x)


__all__ = ["DIGITS", "EXACT_DIGITS", "decimal", "is_short_decimal"]
