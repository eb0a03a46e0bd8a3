r"""Critical discount factors of single incentive constraints, exact and explicit about their cases.

Every constraint is kept in *cleared* form, never with :math:`\beta = \delta/(1-\delta)`, whose pole
at :math:`\delta = 1` hides the degenerate cases (primer §7.2). With gain :math:`a \ge 0` (the
temptation, already clamped at zero) and stake :math:`b` (which may be negative for concessions):

``grim``
    :math:`(1-\delta)\,a \le \delta\, b`; critical value :math:`\delta^* = a/(a+b)`.
``t_period``
    :math:`a\,(1-\delta) \le b\,(\delta - \delta^{T+1})`, i.e. :math:`a \le b\sum_{t=1}^T \delta^t`.
    The cleared polynomial :math:`b\delta^{T+1} - (a+b)\delta + a` always has the spurious root
    :math:`\delta = 1`; it is divided out and the root of the quotient is isolated in :math:`(0,1)`
    exactly (radicals for :math:`T \le 2`, ``CRootOf`` beyond). A root exists iff
    :math:`0 < a/b < T`.
``linear``
    :math:`a \le \delta\, b` (the two stick-and-carrot constraints); :math:`\delta^* = a/b`.

The result is a :class:`Threshold` with one of three statuses, never a bare ``1``, ``zoo`` or a
value above one:

* ``"threshold"``: the constraint holds exactly for :math:`\delta \ge \delta^*` with
  :math:`0 < \delta^* < 1`;
* ``"always"``: no temptation, it holds for every :math:`\delta \in [0,1)` (:math:`\delta^* = 0`);
* ``"never"``: no :math:`\delta < 1` satisfies it.

Discount factors live in :math:`[0, 1)` and thresholds are reported with :math:`\ge`.

When the payoffs are symbols whose signs sympy cannot decide, the result is the closed form under
the stated ``assumptions`` (for instance :math:`a > 0, b > 0`);
:meth:`Analysis.at <linkage.engine.analysis.Analysis.at>` at a calibration re-classifies exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs
import sympy

from linkage.symbols import delta
from linkage.values import exact

Status = Literal["threshold", "always", "never"]
Form = Literal["grim", "t_period", "linear"]


def is_ge(x: sympy.Expr, y: sympy.Expr) -> bool:
    """Exact ``x >= y`` for real numbers, algebraic ones (radicals, ``CRootOf``) included.

    Signs are decided by sympy's exact assumptions and interval refinement; floats are never compared
    for equality.
    """
    if isinstance(x, sympy.Rational | int) and isinstance(y, sympy.Rational | int):
        return bool(x >= y)
    diff = sympy.nsimplify(x - y) if isinstance(x - y, sympy.Float) else x - y
    if diff.is_zero:
        return True
    sign = diff.is_extended_nonnegative
    if sign is not None:
        return bool(sign)
    simplified = sympy.simplify(diff)
    if simplified.is_zero:
        return True
    sign = simplified.is_extended_nonnegative
    if sign is not None:
        return bool(sign)
    value = sympy.N(simplified, 60)
    if value.is_number and abs(value) > sympy.Float("1e-50", 60):
        return bool(value > 0)
    raise ValueError(f"cannot decide the sign of {diff}")


def _assume(expr: sympy.Expr, relation: str) -> sympy.Basic:
    """The assumption ``expr <relation> 0``, recorded when sympy cannot decide its sign.

    ``max(x, 0) > 0`` is stated as ``x > 0``.
    """
    if relation == ">" and isinstance(expr, sympy.Max) and len(expr.args) == 2 and 0 in expr.args:
        expr = next(a for a in expr.args if a != 0)
    return sympy.StrictGreaterThan(expr, 0) if relation == ">" else sympy.GreaterThan(expr, 0)


@attrs.frozen
class Threshold:
    """The critical discount factor of one constraint (or the max over several).

    ``exact`` is the closed form (``0`` for ``always``, ``None`` for ``never``; ``None`` also when
    only an implicit form exists for symbolic T-period payoffs, which is then in ``polynomial``: the
    threshold is its unique root in ``(0, 1)``).
    """

    status: Status
    exact: sympy.Expr | None = None
    assumptions: tuple[sympy.Basic, ...] = ()
    polynomial: sympy.Expr | None = None

    @property
    def value(self) -> float | None:
        """The threshold as a float, or ``None`` for ``never`` and for unevaluated symbols."""
        if self.exact is None or not self.exact.is_number:
            return None
        return float(sympy.N(self.exact, 30))

    @property
    def is_symbolic(self) -> bool:
        return bool(self.assumptions) or (self.exact is not None and not self.exact.is_number)

    def holds_at(self, d: Any) -> bool:
        """Whether the constraint holds at discount factor ``d`` in ``[0, 1)`` (exact comparison)."""
        if self.status == "always":
            return True
        if self.status == "never":
            return False
        if self.exact is None or not self.exact.is_number:
            raise ValueError("a symbolic threshold needs a calibration before it can be judged")
        return is_ge(exact(d), self.exact)

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "exact": None if self.exact is None else sympy.sstr(self.exact),
            "value": self.value,
        }

    def __str__(self) -> str:
        if self.status == "never":
            return "never"
        if self.status == "always":
            return "always (0)"
        return sympy.sstr(self.exact) if self.exact is not None else f"root of {self.polynomial}"


ALWAYS = Threshold("always", sympy.Integer(0))
NEVER = Threshold("never")


def _sign(expr: sympy.Expr) -> int | None:
    """+1, 0, -1 if sympy can decide the sign of ``expr``, else None."""
    if expr.is_Rational:
        return 1 if expr.p > 0 else (-1 if expr.p < 0 else 0)
    if expr.is_zero:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    if expr.is_number:  # e.g. nested radicals sympy does not simplify by itself
        value = sympy.N(expr, 60)
        if abs(value) < sympy.Float("1e-50", 60):
            return 0 if sympy.simplify(expr).is_zero else (1 if value > 0 else -1)
        return 1 if value > 0 else -1
    return None


def critical_delta(
    form: Form, gain: sympy.Expr, stake: sympy.Expr, periods: int | None = None
) -> Threshold:
    r"""The critical :math:`\delta` of one cleared constraint (see the module docstring).

    ``gain`` must be non-negative (a clamped temptation) or a symbol assumed so.

    >>> critical_delta("grim", sympy.Integer(1), sympy.Integer(2)).exact
    1/3
    >>> critical_delta("grim", sympy.Integer(1), sympy.Integer(0)).status
    'never'
    """
    a, b = exact(gain), exact(stake)
    sa, sb = _sign(a), _sign(b)
    if sa is not None and sa < 0:
        raise ValueError(f"the gain of a constraint must be non-negative, got {a}")
    if sa == 0:
        if sb is None:
            return Threshold("always", sympy.Integer(0), (_assume(b, ">="),))
        return ALWAYS if sb >= 0 else NEVER
    if sb is not None and sb <= 0:
        return NEVER
    assumptions = tuple(_assume(e, ">") for e, s in ((a, sa), (b, sb)) if s is None)
    if form == "grim":
        if _sign(a + b) == 0 or (not (a + b).is_number and sympy.simplify(a + b) == 0):
            return NEVER  # D = N: b = -a, so (1 - delta) a <= -delta a fails for every a > 0
        return _finish(_ratio(a, a + b), assumptions)
    if form == "linear":
        r = _ratio(a, b)
        return _finish(r, (*assumptions, *_maybe_below_one(r)), never_if_ge_one=True)
    if form == "t_period":
        if periods is None or periods < 1:
            raise ValueError("t_period needs periods >= 1")
        return _t_period(a, b, periods, assumptions)
    raise ValueError(f"unknown constraint form {form!r}")


def _ratio(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """``a / b`` in lowest terms (no ``cancel`` needed for rational numbers)."""
    return a / b if a.is_Rational and b.is_Rational else sympy.cancel(a / b)


def _maybe_below_one(r: sympy.Expr) -> tuple[sympy.Basic, ...]:
    return () if _sign(1 - r) is not None else (sympy.StrictLessThan(r, 1),)


def _finish(
    exact: sympy.Expr, assumptions: tuple[sympy.Basic, ...], never_if_ge_one: bool = False
) -> Threshold:
    s = _sign(1 - exact)
    if s is not None and s <= 0:
        return NEVER
    if exact.is_number and _sign(exact) == 0:
        return ALWAYS
    return Threshold("threshold", exact, assumptions)


def cleared_polynomial(gain: sympy.Expr, stake: sympy.Expr, periods: int) -> sympy.Expr:
    r"""The cleared T-period polynomial :math:`b\delta^{T+1} - (a+b)\delta + a` (``<= 0`` holds)."""
    return stake * delta ** (periods + 1) - (gain + stake) * delta + gain


def _t_period(
    a: sympy.Expr, b: sympy.Expr, T: int, assumptions: tuple[sympy.Basic, ...]
) -> Threshold:
    r = _ratio(a, b)
    s = _sign(T - r)
    if s is not None and s <= 0:
        return NEVER  # r >= T: even delta -> 1 gives only sum_{t<=T} delta^t -> T <= r
    if s is None:
        assumptions = (*assumptions, sympy.StrictLessThan(r, T))
    if T == 1:
        return _finish(r, assumptions)
    if T == 2:
        return _finish(sympy.sqrt(1 + 4 * r) / 2 - sympy.Rational(1, 2), assumptions)
    # Divide out the spurious root delta = 1 of the cleared polynomial.
    quotient, remainder = sympy.div(cleared_polynomial(a, b, T), delta - 1, delta)
    assert sympy.expand(remainder) == 0, "the cleared T-period polynomial must vanish at delta = 1"
    quotient = sympy.expand(-quotient)  # = b * sum_{t=1}^T delta^t - a, increasing on (0, 1)
    if not (a.is_number and b.is_number):
        return Threshold("threshold", None, assumptions, polynomial=quotient)
    return _finish(root_in_unit_interval(quotient), assumptions)


def root_in_unit_interval(polynomial: sympy.Expr) -> sympy.Expr:
    """The unique real root in ``(0, 1)`` of a polynomial in ``delta`` with exact coefficients.

    The root is isolated by exact real-root isolation (Sturm sequences, ``CRootOf`` intervals), never
    by filtering floats, and the ``CRootOf`` index is looked up, not assumed.
    """
    poly = sympy.Poly(polynomial, delta)
    if poly.count_roots(0, 1) < 1:
        raise ValueError(f"{polynomial} has no root in [0, 1]")
    inside = [r for r in poly.real_roots() if _sign(r) == 1 and _sign(1 - r) == 1]
    if len(set(inside)) != 1:
        raise ValueError(
            f"{polynomial} has {len(set(inside))} distinct roots in (0, 1), expected one"
        )
    return inside[0]


def combine(thresholds: Iterable[Threshold]) -> Threshold:
    """The threshold of several constraints that must all hold: their maximum.

    Any ``never`` makes the whole ``never``; only ``always`` gives ``always``.
    """
    items = list(thresholds)
    if any(t.status == "never" for t in items):
        return NEVER
    live = [t for t in items if t.status == "threshold"]
    if not live:
        assumptions = tuple(a for t in items for a in t.assumptions)
        return Threshold("always", sympy.Integer(0), assumptions) if assumptions else ALWAYS
    assumptions = tuple(dict.fromkeys(a for t in items for a in t.assumptions))
    if any(t.exact is None for t in live):
        polys = [t for t in live if t.exact is None]
        return Threshold("threshold", None, assumptions, polynomial=polys[0].polynomial)
    values = [t.exact for t in live if t.exact is not None]
    if all(v.is_number for v in values):
        best = values[0]
        for v in values[1:]:
            if not is_ge(best, v):
                best = v
        return Threshold("threshold", best, assumptions)
    return Threshold("threshold", sympy.Max(*values), assumptions)
