r"""Exact real roots known by an isolating interval: no factoring, no root isolation by sympy.

sympy's ``CRootOf`` factors its polynomial and isolates all its real roots before it can say
anything about one of them; for the polynomial of a :math:`T`-period punishment both grow quickly
with :math:`T` (minutes at :math:`T = 300`). When the caller already knows which real root it
wants and an interval that isolates it, :class:`IsolatedRoot` keeps both: it is a ``CRootOf``
(printed, compared and substituted like one, and equal as a number to ``CRootOf(poly, index)``),
evaluated by exact bisection on its interval, with the polynomial evaluated at rational points
in integer arithmetic over its nonzero terms only (a sparse polynomial of high degree is cheap).

This module imports nothing from the rest of ``linkage``, so every layer can use it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy
from sympy.core.evalf import prec_to_dps


class IsolatedRoot(sympy.CRootOf):  # type: ignore[misc]
    r"""The real root number ``index`` (from 0, in increasing order) of the polynomial ``f`` with
    integer coefficients, which is the only root of ``f`` in ``[low, high]``; ``f`` is nonzero
    with opposite signs at ``low`` and ``high``. The caller vouches for the index and the interval
    (:func:`period_root` derives both from Descartes' rule of signs)."""

    __slots__ = ("_narrowest", "high", "low", "terms")
    low: Fraction
    high: Fraction
    _narrowest: tuple[Fraction, Fraction]
    terms: tuple[tuple[int, int], ...]  # the nonzero terms (degree, coefficient)

    def __new__(cls, f: Any, index: Any, low: Any, high: Any) -> IsolatedRoot:
        poly = sympy.PurePoly(f, greedy=False)
        if not poly.is_univariate or not poly.get_domain().is_ZZ:
            raise ValueError(f"{f} is not a polynomial in one variable with integer coefficients")
        obj: IsolatedRoot = cls._new(poly, int(index))
        obj.low, obj.high = Fraction(str(low)), Fraction(str(high))
        obj.terms = tuple((int(m[0]), int(c)) for m, c in poly.terms())
        obj._narrowest = (obj.low, obj.high)  # the narrowest interval found so far
        if obj.low >= obj.high or obj.sign_at(obj.low) * obj.sign_at(obj.high) != -1:
            raise ValueError(f"[{low}, {high}] does not isolate a root of {f}")
        return obj

    @property
    def args(self) -> tuple[sympy.Basic, ...]:
        return (
            self.expr,
            sympy.Integer(self.index),
            sympy.Rational(self.low.numerator, self.low.denominator),
            sympy.Rational(self.high.numerator, self.high.denominator),
        )

    def __getnewargs__(self) -> tuple[sympy.Basic, ...]:
        return self.args

    def __getstate__(self) -> None:
        return None

    def _hashable_content(self) -> tuple[Any, ...]:
        return (self.poly, self.index)  # the same number whatever the interval

    def sign_at(self, x: Fraction) -> int:
        """The exact sign of the polynomial at the rational ``x``: the sign of
        :math:`\\sum_i c_i u^i v^{n-i}` for :math:`x = u/v`, in integers."""
        u, v, n = x.numerator, x.denominator, self.poly.degree()
        if 4 * len(self.terms) < n:  # sparse: each term on its own
            value = sum(c * u**i * v ** (n - i) for i, c in self.terms)
        else:  # dense: Horner's scheme
            coefficients = dict(self.terms)
            value, power = 0, 1
            for i in range(n, -1, -1):
                value = value * u + coefficients.get(i, 0) * power
                power *= v
        return int(value > 0) - int(value < 0)

    def interval(self, bits: int) -> tuple[Fraction, Fraction]:
        """An interval of width at most ``2**-bits`` that holds the root (exact bisection)."""
        low, high = self._narrowest
        width = Fraction(1, 2**bits)
        sign_low = self.sign_at(low) if high - low > width else 0
        while high - low > width:
            mid = (low + high) / 2
            s = self.sign_at(mid)
            if s == 0:
                low = high = mid
            elif s == sign_low:
                low = mid
            else:
                high = mid
        self._narrowest = (low, high)
        return low, high

    def compare_to(self, x: Fraction) -> int:
        """-1, 0, +1 as the root is below, at, above the rational ``x`` (exact)."""
        if x <= self.low:
            return 1
        if x >= self.high:
            return -1
        s = self.sign_at(x)
        return 0 if s == 0 else (1 if s == self.sign_at(self.low) else -1)

    def rational(self) -> sympy.Rational | None:
        """The root if it is rational. A rational root ``u/v`` (lowest terms) has ``v``
        dividing the leading coefficient ``c``, and two such fractions differ by at least
        ``1/c**2``: the best approximation with a denominator at most ``c`` to a point within
        ``1/(2 c**2)`` of the root is the only candidate."""
        c = abs(int(self.poly.LC()))
        low, high = self.interval(2 * c.bit_length() + 2)
        candidate = ((low + high) / 2).limit_denominator(c)
        if self.compare_to(candidate) == 0:
            return sympy.Rational(candidate.numerator, candidate.denominator)
        return None

    def _get_interval(self) -> Any:
        return _Interval(sympy.Rational(str(self.low)), sympy.Rational(str(self.high)))

    def _eval_evalf(self, prec: int) -> sympy.Float:
        low, high = self.interval(prec + 8)
        mid = (low + high) / 2
        return sympy.Float(sympy.Rational(mid.numerator, mid.denominator), prec_to_dps(prec) + 1)

    def _eval_is_real(self) -> bool:
        return True

    def _eval_is_imaginary(self) -> bool:
        return False

    def _eval_is_positive(self) -> bool | None:
        return True if self.low >= 0 else (False if self.high <= 0 else None)

    def _eval_is_negative(self) -> bool | None:
        return True if self.high <= 0 else (False if self.low >= 0 else None)

    def _eval_Eq(self, other: Any) -> Any:
        if isinstance(other, sympy.Rational):
            return sympy.sympify(self.compare_to(Fraction(int(other.p), int(other.q))) == 0)
        return None

    def eval_rational(self, dx: Any = None, dy: Any = None, n: int = 15) -> sympy.Rational:
        low, high = self.interval(4 * n)
        mid = (low + high) / 2
        return sympy.Rational(mid.numerator, mid.denominator)


class _Interval:
    """What ``CRootOf._get_interval`` gives: ends ``a`` and ``b``."""

    def __init__(self, a: sympy.Rational, b: sympy.Rational) -> None:
        self.a, self.b = a, b


def period_root(ratio: sympy.Rational, periods: int, gen: sympy.Symbol) -> sympy.Expr:
    r"""The :math:`\delta \in (0, 1)` with :math:`\delta + \dots + \delta^T = r` for a rational
    :math:`0 < r = A/B < T`, exact: a rational when it is one, else an :class:`IsolatedRoot` of

    .. math:: p(\delta) = B\,\delta^{T+1} - (A+B)\,\delta + A = (\delta - 1)\,(B(\delta + \dots
       + \delta^T) - A),

    three terms whatever :math:`T`. Its coefficients change sign twice (+, −, +), so by Descartes'
    rule it has two positive roots or none: :math:`\delta = 1` (the spurious root) and the one
    sought, which is the only root in :math:`(0, 1)` since the sum increases from 0 to :math:`T`.
    :math:`p(-x)` has coefficients :math:`(-1)^{T+1}B, +(A+B), +A`: one sign change (so exactly
    one negative root) when :math:`T` is even, none when it is odd. The root sought is therefore
    real root number 1 (:math:`T` even) or 0 (:math:`T` odd); no root isolation or factoring.
    Interval: :math:`p(0) = A > 0` and :math:`p < 0` just below 1, at the first
    :math:`1 - 2^{-k}` where it is negative.

    A rational root is found by :meth:`IsolatedRoot.rational`.
    """
    r = sympy.Rational(ratio)
    T = int(periods)
    if not (T >= 1 and 0 < r < T):
        raise ValueError(f"no root in (0, 1): needs 0 < r < T, found r = {r}, T = {T}")
    A, B = int(r.p), int(r.q)
    x = gen
    root = IsolatedRoot(B * x ** (T + 1) - (A + B) * x + A, 1 - T % 2, 0, _below_one(A, B, T))
    rational = root.rational()
    return root if rational is None else rational


def _below_one(A: int, B: int, T: int) -> Fraction:
    """The first ``1 - 2**-k`` at which ``B x**(T+1) - (A+B) x + A`` is negative."""
    k = 1
    while True:
        v = 2**k
        u = v - 1
        if B * u ** (T + 1) - (A + B) * u * v**T + A * v ** (T + 1) < 0:
            return Fraction(u, v)
        k += 1


def same_number(x: IsolatedRoot, y: sympy.Expr) -> bool | None:
    """Exactly whether ``x`` equals ``y``, a rational, an :class:`IsolatedRoot` or a ``CRootOf``
    (None for other numbers). ``y`` is isolated for its polynomial ``Q`` in ``[c, d]``; ``x`` is
    a root of ``Q`` iff ``gcd(P, Q)`` has a root in ``x``'s interval (where ``P`` has no other),
    and then ``x`` is ``y`` iff it lies in ``[c, d]`` (where ``Q`` has no other)."""
    if y.is_Rational:
        return x.compare_to(Fraction(int(y.p), int(y.q))) == 0
    if not isinstance(y, sympy.CRootOf):
        return None
    common = sympy.gcd(x.poly.as_expr(), y.poly.as_expr().subs(y.poly.gen, x.poly.gen))
    common = sympy.Poly(common, x.poly.gen)
    if common.degree() < 1:
        return False
    part = common.sqf_part()
    ends = [part.eval(sympy.Rational(e.numerator, e.denominator)) for e in (x.low, x.high)]
    if not (ends[0] == 0 or ends[1] == 0 or (ends[0] > 0) != (ends[1] > 0)):
        return False
    interval = y._get_interval()
    c, d = Fraction(str(interval.a)), Fraction(str(interval.b))
    return x.compare_to(c) >= 0 and x.compare_to(d) <= 0
