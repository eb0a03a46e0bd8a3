"""Classifying exact constants: real, finite and of a certified sign, or refused.

A symbol-free value read from a case file (``"log(8) - 3*log(2)"``, ``"(-2)**sqrt(2)"``,
``"1/(sqrt(2)**2 - 2)"``) is exact, but sympy cannot always tell its sign: it may be a zero in
disguise, a complex number or a division by zero that sympy's automatic simplification does not
see. Such a value would crash, or silently mislead, a later comparison. :func:`classify` decides
every constant once, when it is read:

1. **Canonical form.** :func:`sympy.expand_log` splits logarithms of products and powers of
   positive values, and the logarithm of a positive rational is written over its prime factors
   below ``SMALL_PRIMES`` (``log(12)`` becomes ``2*log(2) + log(3)``), so that values equal by
   the laws of logarithms become equal terms and cancel (``log(8) - 3*log(2)`` is ``0``); a
   rational raised to an irrational power is split into integer powers (``(1/3)**sqrt(2)`` is
   ``3**(-sqrt(2))``, which is also what ``exp(sqrt(2)*log(1/3))`` becomes);
   sympy already keeps radicals (``sqrt(8) = 2*sqrt(2)``) and rationals in a normal form. A
   canonical form that is infinite or undefined (``1/(log(8) - 3*log(2))``) is refused.
2. **Certified sign.** The canonical form is evaluated in interval arithmetic
   (:mod:`mpmath`'s ``iv``, outward rounding, so the exact value is always inside the interval)
   at ``PRECISIONS`` bits in turn (a bounded budget). The value is accepted as soon as an
   interval is finite and excludes zero: its sign is then proved. A logarithm or a non-integer
   power of an interval below zero is a complex value and is refused.
3. **Denesting.** If the sign is still undecided, nested square roots are denested with
   :func:`sympy.sqrtdenest` (``sqrt(3 + 2*sqrt(2)) - 1 - sqrt(2)`` is ``0``) and step 2 is tried
   again. A value still not separated from zero at the highest precision (or whose logarithm or
   divisor is not) is refused with a message that says so: it is almost surely a zero that
   sympy cannot prove, and the author can write ``0``. Deciding every such constant is an open
   problem (Richardson's theorem makes the general one undecidable); refusing is the safe answer.

Nothing here evaluates text: the input is a sympy expression built by :mod:`linkage.expr`.
"""

from __future__ import annotations

from typing import Final

import sympy
from mpmath import iv

__all__ = ["PRECISIONS", "Unclassifiable", "classify", "sign"]

PRECISIONS: Final[tuple[int, ...]] = (64, 256, 2048)
"""Working precisions (bits) of the interval evaluation, tried in turn."""


SMALL_PRIMES: Final[int] = 1000
"""The logarithm of a rational is split over its prime factors below this bound."""


class Unclassifiable(ValueError):
    """A constant is not real, not finite, or of a sign that cannot be decided."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class _Undecided(Exception):
    """More precision might decide it: ``reason`` says what is not decided yet."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def classify(value: sympy.Expr) -> sympy.Expr:
    """The canonical form of the constant ``value``, once it is proved real and finite and its
    sign is certified; raise :class:`Unclassifiable` (with a reason) otherwise. Values with free
    symbols are returned unchanged (they are classified where their parameters are known)."""
    if value.free_symbols or isinstance(value, sympy.Rational):
        return value
    canonical = _canonical(value)
    try:
        _sign(canonical)
    except Unclassifiable:
        denested = _denested(canonical)
        if denested is None:
            raise
        _sign(denested)
        return denested
    return canonical


def sign(value: sympy.Expr) -> int:
    """The certified sign (-1, 0 or 1) of the constant ``value``; raise :class:`Unclassifiable`
    if it cannot be decided. ``sign(a - b)`` compares two constants exactly."""
    return _sign(classify(value))


def _sign(value: sympy.Expr) -> int:
    if isinstance(value, sympy.Rational):
        return int(value.p > 0) - int(value.p < 0)
    reason = ""
    saved = iv.prec
    try:
        for bits in PRECISIONS:
            iv.prec = bits
            try:
                box = _interval(value)
            except _Undecided as exc:
                reason = exc.reason
                continue
            if not _finite(box):
                reason = "it is too large to evaluate"
                continue
            if box.a > 0:
                return 1
            if box.b < 0:
                return -1
            reason = f"evaluated to {bits} bits, it still cannot be told from zero"
    finally:
        iv.prec = saved
    raise Unclassifiable(
        f"cannot decide the sign of {_short(value)}: {reason}; if it is exactly zero, write 0"
    )


def _denested(value: sympy.Expr) -> sympy.Expr | None:
    """``value`` with its nested square roots denested (``sqrt(3 + 2*sqrt(2))`` is
    ``1 + sqrt(2)``), or ``None`` if there is nothing to denest."""
    if not any(isinstance(p, sympy.Pow) and p.exp == sympy.S.Half for p in value.atoms(sympy.Pow)):
        return None
    try:
        denested = sympy.sqrtdenest(value)
    except (ValueError, TypeError, ArithmeticError, RecursionError):
        return None
    return None if denested == value else _canonical(denested)


def _canonical(value: sympy.Expr) -> sympy.Expr:
    try:
        canonical = (
            sympy.expand_log(value, deep=True, force=False)
            .replace(
                lambda e: isinstance(e, sympy.log) and _positive_rational(e.args[0]),
                lambda e: _log_rational(e.args[0]),
            )
            .replace(  # (p/q)**x as p**x * q**(-x) for an irrational x: as exp(x*log(p/q)) reads
                lambda e: (
                    isinstance(e, sympy.Pow)
                    and _positive_rational(e.base)
                    and not isinstance(e.base, sympy.Integer)
                    and not isinstance(e.exp, sympy.Rational)
                ),
                lambda e: sympy.Integer(e.base.p) ** e.exp * sympy.Integer(e.base.q) ** (-e.exp),
            )
        )
    except (ValueError, TypeError, ArithmeticError, RecursionError):
        canonical = value
    if canonical.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise Unclassifiable(
            f"{_short(value)} is infinite or undefined once simplified (a division by, or the "
            "logarithm of, an expression that is exactly zero)"
        )
    if canonical.has(sympy.I):
        raise Unclassifiable(f"{_short(value)} is not a real number")
    return canonical


def _positive_rational(x: sympy.Expr) -> bool:
    return isinstance(x, sympy.Rational) and bool(x > 0)


def _log_rational(x: sympy.Rational) -> sympy.Expr:
    """``log(p/q)`` as a sum of multiples of logarithms of the primes below ``SMALL_PRIMES`` and
    of the cofactor left (one and the same decomposition for equal numbers, so that
    ``log(6) - log(2) - log(3)`` cancels)."""
    terms = []
    for number, sign in ((int(x.p), 1), (int(x.q), -1)):
        for factor, power in sympy.factorint(number, limit=SMALL_PRIMES).items():
            terms.append(sign * power * sympy.log(factor))
    return sympy.Add(*terms)


def _interval(e: sympy.Expr) -> iv.mpf:
    """An interval that contains the exact value of ``e`` (at the current ``iv`` precision)."""
    if isinstance(e, sympy.Rational):
        return iv.mpf(int(e.p)) / int(e.q)
    if e is sympy.E:
        return iv.e
    if e is sympy.pi:
        return iv.pi
    if isinstance(e, sympy.Add):
        total = iv.mpf(0)
        for arg in e.args:
            total += _interval(arg)
        return total
    if isinstance(e, sympy.Mul):
        product = iv.mpf(1)
        for arg in e.args:
            product *= _interval(arg)
        return product
    if isinstance(e, sympy.Pow):
        return _power(e)
    if isinstance(e, sympy.exp):
        return iv.exp(_interval(e.args[0]))
    if isinstance(e, sympy.log):
        x = _interval(e.args[0])
        _positive(x, e, "the logarithm of a negative number")
        return iv.log(x)
    if isinstance(e, sympy.Abs):
        return abs(_interval(e.args[0]))
    if isinstance(e, sympy.Max | sympy.Min):
        boxes = [_interval(arg) for arg in e.args]
        pick = max if isinstance(e, sympy.Max) else min
        return iv.mpf([pick(b.a for b in boxes), pick(b.b for b in boxes)])
    raise Unclassifiable(f"{_short(e)} cannot be classified (a {type(e).__name__})")


def _power(e: sympy.Pow) -> iv.mpf:
    base, exponent = e.args
    x = _interval(base)
    if isinstance(exponent, sympy.Integer):
        if exponent < 0 and not (x.a > 0 or x.b < 0):
            raise _Undecided(f"the base of {_short(e)} cannot be told from zero")
        return x ** int(exponent)
    _positive(x, e, "a non-integer power of a negative number")
    if exponent == sympy.S.Half:
        return iv.sqrt(x)
    return iv.exp(_interval(exponent) * iv.log(x))


def _positive(x: iv.mpf, e: sympy.Expr, complex_what: str) -> None:
    if x.b < 0:
        raise Unclassifiable(f"{_short(e)} is not a real number ({complex_what})")
    if not x.a > 0:
        raise _Undecided(f"the argument of {_short(e)} cannot be told from zero")


def _finite(x: iv.mpf) -> bool:
    return bool(abs(x) < iv.inf)


def _short(e: sympy.Expr) -> str:
    text = str(sympy.sstr(e))
    return text if len(text) <= 60 else text[:57] + "..."
