r"""Critical discount factors: the set of :math:`\delta \in [0, 1)` at which constraints hold.

Every incentive constraint is kept in a form without division (primer §7.2): the deviation gain
:math:`a` (paid now) against stakes :math:`b_j` weighted by discounted sums of future periods,

.. math:: a \le \sum_j b_j\, W_j(\delta), \qquad W_j(\delta) = \sum_{t=f_j}^{l_j} \delta_j^t

(:class:`~linkage.engine.condition.Condition`). For grim trigger :math:`W = \delta/(1-\delta)` and
the cleared form is :math:`(1-\delta)\,a \le \delta\, b`; for :math:`T`-period reversion
:math:`W = \delta + \dots + \delta^T`; for the stick :math:`W = \delta`. The set of discount factors
at which a constraint holds is exact and always one of

* ``"always"``: every :math:`\delta \in [0, 1)` (``exact`` is 0);
* ``"threshold"``: :math:`\delta \ge \delta^*` with :math:`0 < \delta^* < 1` (``exact``);
* ``"bounded"``: :math:`\delta` in a closed interval that does not reach 1, from ``exact`` (0 if
  unbounded below) to ``upper`` — what a pure concession (:math:`C < N`) with :math:`D < C` gives:
  the deviation loses now and the punishment is a reward, so only impatient players keep it;
* ``"intervals"``: several such intervals (``spans``), when a constraint mixes stakes of both
  signs over punishments of different lengths and its margin falls and rises again;
* ``"never"``: no :math:`\delta < 1` (a constraint that holds only at :math:`\delta = 0` is
  reported as never; ``holds_at(0)`` still answers exactly).

never a bare 1, ``zoo`` or a value above one. Thresholds are reported with :math:`\ge`; the
constraints hold with equality at the boundary.

Degenerate cases are decided **before** dividing: with :math:`a > 0` a constraint needs some
positive stake; :math:`b \le 0` with :math:`a > 0` is never; :math:`a \le 0 \le b` is always. The
:math:`T`-period polynomial :math:`b\delta^{T+1} - (a+b)\delta + a` has the spurious root
:math:`\delta = 1`; its root in :math:`(0,1)` is exact: radicals for :math:`T \le 2`, beyond a
rational or an :class:`~linkage.roots.IsolatedRoot` of that three-term polynomial, whose index
and isolating interval follow from Descartes' rule of signs (no factoring, no root isolation, so
long punishments cost little; see :func:`~linkage.roots.period_root`), turned into a float by
exact bisection on the interval.

**Symbolic payoffs.** When the sign of :math:`a` or :math:`b` is not decided by the symbols'
assumptions, the result is ``"piecewise"``: one :class:`Threshold` per sign case, each with its
condition (a case split, never a guess). A constraint with several discounted terms in symbols is
``"implicit"``: judged exactly once the symbols have values. Thresholds of several constraints that
must all hold (:func:`combine`) are their intersection; with symbols it is ``"max"``: every part
must hold. :meth:`Threshold.subs` evaluates any of these at a calibration.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import attrs
import sympy

from linkage.errors import ModelError
from linkage.roots import IsolatedRoot, period_root, same_number
from linkage.symbols import delta
from linkage.values import approximate, exact, substitute, to_float

if TYPE_CHECKING:
    from linkage.engine.condition import Condition

Status = Literal[
    "always", "threshold", "bounded", "intervals", "never", "piecewise", "implicit", "max"
]
NUMERIC_STATUSES = ("always", "threshold", "bounded", "intervals", "never")
Span = tuple[sympy.Expr, "sympy.Expr | None"]
"""A closed interval ``[low, high]`` of discount factors; ``high`` None: up to 1."""

_TINY = sympy.Float("1e-50", 60)


def known_sign(expr: sympy.Expr) -> int | None:
    """+1, 0, -1 if the sign of ``expr`` is decided (by value or by assumptions), else None."""
    if expr.is_Rational:
        return 1 if expr.p > 0 else (-1 if expr.p < 0 else 0)
    if expr.is_zero:
        return 0
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    if expr.is_number:  # e.g. nested radicals sympy does not simplify by itself
        value = approximate(expr, 60)
        if abs(value) < _TINY:
            return 0 if sympy.simplify(expr).is_zero else (1 if value > 0 else -1)
        return 1 if value > 0 else -1
    return None


_SIGNS: dict[type, Any] = {
    sympy.GreaterThan: lambda s: s >= 0,
    sympy.StrictGreaterThan: lambda s: s > 0,
    sympy.LessThan: lambda s: s <= 0,
    sympy.StrictLessThan: lambda s: s < 0,
    sympy.Equality: lambda s: s == 0,
    sympy.Unequality: lambda s: s != 0,
}


def _holds(condition: Any, values: Mapping[Any, Any]) -> bool:
    """``bool(condition.subs(values))`` for a piece's condition (relations joined by and, or,
    not): each relation decided by the exact sign of its two sides' difference at the values,
    without sympy's evaluation of the substituted relations (the same answer, much faster)."""
    if condition is sympy.true or condition is sympy.false:
        return bool(condition)
    if isinstance(condition, sympy.And):
        return all(_holds(c, values) for c in condition.args)
    if isinstance(condition, sympy.Or):
        return any(_holds(c, values) for c in condition.args)
    if isinstance(condition, sympy.Not):
        return not _holds(condition.args[0], values)
    test = _SIGNS.get(type(condition))
    if test is not None:
        difference = substitute(condition.lhs - condition.rhs, values)
        sign = None if difference.free_symbols else known_sign(difference)
        if sign is not None:
            return bool(test(sign))
    return bool(condition.subs(values))


def is_ge(x: sympy.Expr, y: sympy.Expr) -> bool:
    """Exact ``x >= y`` for real numbers, algebraic ones (radicals, ``CRootOf``) included.

    Numbers far apart are told apart by floats accurate to far below the gap (a ``CRootOf`` by
    bisection on its isolating interval); close ones by sympy's exact sign of the difference.
    Floats are never compared for equality.
    """
    if isinstance(x, sympy.Rational | int) and isinstance(y, sympy.Rational | int):
        return bool(x >= y)
    x, y = exact(x), exact(y)
    if isinstance(x, IsolatedRoot) and y.is_Rational:
        return x.compare_to(Fraction(int(y.p), int(y.q))) >= 0
    if isinstance(y, IsolatedRoot) and x.is_Rational:
        return y.compare_to(Fraction(int(x.p), int(x.q))) <= 0
    fx, fy = to_float(x), to_float(y)
    if abs(fx - fy) > 1e-9 * max(1.0, abs(fx), abs(fy)):
        return fx > fy
    diff = x - y
    if diff.is_zero:
        return True
    for root, other in ((x, y), (y, x)):
        same = same_number(root, other) if isinstance(root, IsolatedRoot) else None
        if same:
            return True
        if same is False:  # distinct algebraic numbers: enough digits tell them apart
            digits = 60
            while abs(value := sympy.N(x - y, digits)) < sympy.Float(10) ** (10 - digits):
                digits *= 2
            return bool(value > 0)
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
    if value.is_number and abs(value) > _TINY:
        return bool(value > 0)
    raise ModelError(
        f"cannot compare {x} with {y}: they agree to 60 digits, but sympy cannot prove them "
        "equal (write values that are equal in the same form, e.g. log(1 + sqrt(2)) twice "
        "rather than once as -log(sqrt(2) - 1))"
    )


@attrs.frozen
class Threshold:
    r"""The discount factors at which one constraint, or several that must all hold, hold.

    ``status`` is one of the numeric statuses ``always``, ``threshold``, ``bounded``, ``never``
    (see the module docstring) or, with symbols, ``piecewise`` (``pieces``: condition and
    threshold per sign case), ``implicit`` (judged after calibration) or ``max`` (``parts`` that
    must all hold). ``assumptions`` are conditions under which a closed form is valid. ``zero``:
    the constraints also hold at :math:`\delta = 0` exactly, outside the interval (with no
    temptation at all, a punishment that rewards the deviator costs nothing when it never comes).
    ``polynomial`` is set when the threshold is a root of it in (0, 1); ``source`` holds the
    constraints the threshold was derived from, so :meth:`subs` can re-derive it exactly.
    """

    status: Status
    exact: sympy.Expr | None = None
    upper: sympy.Expr | None = None
    assumptions: tuple[sympy.Basic, ...] = ()
    polynomial: sympy.Expr | None = None
    pieces: tuple[tuple[sympy.Basic, Threshold], ...] = ()
    parts: tuple[Threshold, ...] = ()
    zero: bool = False
    spans: tuple[Span, ...] = ()
    source: tuple[Condition, ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def is_numeric(self) -> bool:
        """Decided: a numeric status with a number (or no value) as its ends."""
        return (
            self.status in NUMERIC_STATUSES
            and not self.assumptions
            and self.polynomial is None
            and all(v is None or v.is_number for v in (self.exact, self.upper))
        )

    @property
    def is_symbolic(self) -> bool:
        return not self.is_numeric

    @property
    def value(self) -> float | None:
        """The threshold (lower end) as a float; ``None`` for ``never`` and for symbols."""
        if self.exact is None or not self.exact.is_number or self.status not in NUMERIC_STATUSES:
            return None
        return to_float(self.exact)

    @property
    def upper_value(self) -> float | None:
        return None if self.upper is None or not self.upper.is_number else to_float(self.upper)

    def holds_at(self, d: Any) -> bool:
        """Whether the constraint holds at discount factor ``d`` in ``[0, 1)`` (exact comparison)."""
        d = exact(d)
        if self.status == "always":
            return True
        if d == 0 and self.zero:
            return True
        if self.status == "never":
            return False
        if not self.is_numeric:
            raise ValueError("a symbolic threshold needs a calibration before it can be judged")
        return any(is_ge(d, low) and (high is None or is_ge(high, d)) for low, high in _spans(self))

    def subs(self, values: Mapping[Any, Any]) -> Threshold:
        """The threshold at a calibration: re-derived exactly from its constraints, or, for a
        closed form taken out of a case split, its ends evaluated there."""
        if self.source:
            return combine(c.subs(values).threshold for c in self.source)
        if self.status in ("always", "never"):
            return attrs.evolve(self, assumptions=())
        if self.status == "max":
            return combine(p.subs(values) for p in self.parts)
        if self.status == "piecewise":
            for condition, piece in self.pieces:
                if _holds(condition, values):
                    return piece.subs(values)
            raise ValueError("no piece applies at this calibration")  # pragma: no cover
        if self.status == "implicit":
            raise ValueError("this threshold does not know its constraints; derive it again")

        def end(value: sympy.Expr | None) -> sympy.Expr:
            if value is not None:
                return exact(value.subs(values))
            assert self.polynomial is not None, "a closed form or an implicit root"
            return root_in_unit_interval(self.polynomial.subs(values))

        if self.status == "threshold":
            low = end(self.exact)
            if known_sign(low) != 1:
                return ALWAYS
            return NEVER if known_sign(1 - low) != 1 else Threshold("threshold", low)
        return _intersect([Threshold("bounded", end(self.exact), end(self.upper))])

    def piece_at(self, values: Mapping[Any, Any]) -> Threshold:
        """The closed form that applies at a calibration, with the conditions that make it apply as
        its ``assumptions`` (for display: the case split's branch in force there)."""
        if self.status == "piecewise":
            for condition, piece in self.pieces:
                if _holds(condition, values):
                    return attrs.evolve(piece, assumptions=(*piece.assumptions, condition))
            raise ValueError("no piece applies at this calibration")  # pragma: no cover
        if self.status == "max":
            return _max_of([p.piece_at(values) for p in self.parts], values)
        return self

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "status": self.status,
            "exact": None if self.exact is None else sympy.sstr(self.exact),
            "value": self.value,
        }
        if self.status == "bounded":
            out["upper"] = None if self.upper is None else sympy.sstr(self.upper)
            out["upper_value"] = self.upper_value
        if self.status == "intervals":
            out["intervals"] = [
                [sympy.sstr(lo), None if hi is None else sympy.sstr(hi)] for lo, hi in self.spans
            ]
        if self.zero:
            out["also_at_zero"] = True
        if self.status == "piecewise":
            out["pieces"] = [{"if": sympy.sstr(c), "then": t.as_json()} for c, t in self.pieces]
        if self.status == "max":
            out["all_of"] = [p.as_json() for p in self.parts]
        return out

    def __str__(self) -> str:
        if self.status == "never":
            return "never" + (" (except at delta = 0)" if self.zero else "")
        if self.status == "always":
            return "always (0)"
        if self.zero:
            return f"{attrs.evolve(self, zero=False)} (and delta = 0)"
        if self.status == "intervals":
            return "delta in " + " or ".join(
                f"[{sympy.sstr(lo)}, {'1)' if hi is None else sympy.sstr(hi) + ']'}"
                for lo, hi in self.spans
            )
        if self.status == "bounded":
            low = "" if self.exact is None or self.exact == 0 else f"{sympy.sstr(self.exact)} <= "
            high = (
                f"root in (0, 1) of {self.polynomial}"
                if self.upper is None
                else sympy.sstr(self.upper)
            )
            return f"{low}delta <= {high}"
        if self.status == "piecewise":
            return "; ".join(f"{t} if {sympy.sstr(c)}" for c, t in self.pieces)
        if self.status == "max":
            return "max(" + ", ".join(f"[{p}]" for p in self.parts) + ")"
        if self.status == "implicit":
            return "smallest delta in [0, 1) with " + "; ".join(
                sympy.sstr(c.cleared) for c in self.source
            )
        if self.exact is None:
            return f"root in (0, 1) of {self.polynomial}"
        return str(sympy.sstr(self.exact))


ALWAYS = Threshold("always", sympy.Integer(0))
NEVER = Threshold("never")
ONLY_AT_ZERO = Threshold("never", zero=True)
"""Holds at delta = 0 only: reported as never (discount factors of interest are positive)."""


# -- single constraints ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def single_term(a: sympy.Expr, b: sympy.Expr, first: int, last: int | None) -> Threshold:
    r"""The set of :math:`\delta` with :math:`a \le b \sum_{t=first}^{last}\delta^t` (``last`` None:
    for ever), decided by the signs of ``a`` and ``b``; a case split when they are unknown:
    :math:`a > 0 < b` a threshold, :math:`a > 0 \ge b` never, :math:`a \le 0 \le b` always,
    :math:`a < 0 > b` an upper bound, :math:`a = 0 > b` only at :math:`\delta = 0`."""
    sa, sb = known_sign(a), known_sign(b)
    if sa is not None and sb is not None:
        return _decided(a, b, sa, sb, first, last)
    a, b = _tidy(a), _tidy(b)  # e.g. m*q - m*q*(1 - s) is m*q*s: positive for positive symbols
    sa, sb = known_sign(a), known_sign(b)
    if sa is not None and sb is not None:
        return _decided(a, b, sa, sb, first, last)
    gt, ge, lt, le = (
        sympy.StrictGreaterThan,
        sympy.GreaterThan,
        sympy.StrictLessThan,
        sympy.LessThan,
    )
    cases = (
        (sympy.And(gt(a, 0), gt(b, 0)), 1, 1),
        (sympy.And(gt(a, 0), le(b, 0)), 1, -1),
        (sympy.And(le(a, 0), ge(b, 0)), -1, 1),
        (sympy.And(lt(a, 0), lt(b, 0)), -1, -1),
        (sympy.And(sympy.Eq(a, 0), lt(b, 0)), 0, -1),
    )
    pieces: list[tuple[sympy.Basic, Threshold]] = []
    for cond, sa_, sb_ in cases:
        if cond is sympy.false:
            continue
        t = _decided(a, b, sa_, sb_, first, last)
        pieces += [(sympy.And(cond, c), p) for c, p in t.pieces or ((sympy.true, t),)]
    if len(pieces) == 1:
        return pieces[0][1]
    return Threshold("piecewise", pieces=tuple(pieces))


def _tidy(x: sympy.Expr) -> sympy.Expr:
    """``x`` expanded with common factors pulled out, so that sympy can read its sign."""
    return x if x.is_number else sympy.factor_terms(sympy.expand(x))


def _decided(
    a: sympy.Expr,
    b: sympy.Expr,
    sa: int,
    sb: int,
    first: int,
    last: int | None,
) -> Threshold:
    """The threshold once the signs of a and b are known (a piecewise one when, with symbols,
    whether a/b exceeds the number of punished periods is not decided)."""
    if sa <= 0 and sb >= 0:
        return ALWAYS
    if sa > 0 and sb <= 0:
        return NEVER
    if sa == 0:  # b < 0: the punishment is a reward; holds only at delta = 0
        return ONLY_AT_ZERO
    # a, b > 0: a lower bound; a, b < 0: an upper bound (the weight must stay below a/b)
    beyond = NEVER if sa > 0 else ALWAYS  # when the weight cannot reach a/b before delta = 1
    if last is not None:
        n = last - first + 1
        gap = known_sign(n * b - a)  # the sign of n - a/b is this times the sign of b
        s = None if gap is None else gap * sb
        if s is not None and s <= 0:  # a/b >= n
            return beyond
        if s is None:
            inside = _bound(a, b, first, last, sa)
            r = a / b
            return Threshold(
                "piecewise",
                pieces=(
                    (sympy.StrictLessThan(r, n), inside),
                    (sympy.GreaterThan(r, n), beyond),
                ),
            )
    return _bound(a, b, first, last, sa)


def _bound(a: sympy.Expr, b: sympy.Expr, first: int, last: int | None, sa: int) -> Threshold:
    r"""The bound :math:`W(\delta) = a/b` as a threshold (a > 0) or an upper bound (a < 0); no
    simplification of symbolic expressions (that is the display's business)."""
    exact_numbers = a.is_Rational and b.is_Rational
    r = a / b
    if r.is_number and known_sign(r) != 1:  # a case whose sign conditions contradict each other
        return NEVER
    poly: sympy.Expr | None = None
    root: sympy.Expr | None = None
    if last is None and first == 1:
        root = a / (a + b)
    elif first == 1 and last == 1:
        root = r
    elif first == 1 and last == 2:
        root = sympy.sqrt(1 + 4 * r) / 2 - sympy.Rational(1, 2)
    elif first == last:
        root = r ** sympy.Rational(1, first)
    elif first == 1 and last is not None and r.is_Rational:
        root = period_root(r, last, delta)
    if root is None:
        weight = (
            delta**first + r * delta - r
            if last is None
            else sympy.Add(*(delta**t for t in range(first, last + 1))) - r
        )
        if exact_numbers or r.is_number:
            root = root_in_unit_interval(weight)
        else:
            poly = weight
    if sa > 0:
        return Threshold("threshold", root, polynomial=poly)
    return Threshold("bounded", sympy.Integer(0), root, polynomial=poly)


def cleared_polynomial(gain: sympy.Expr, stake: sympy.Expr, periods: int) -> sympy.Expr:
    r"""The cleared T-period polynomial :math:`b\delta^{T+1} - (a+b)\delta + a` (``<= 0`` holds)."""
    return stake * delta ** (periods + 1) - (gain + stake) * delta + gain


def root_in_unit_interval(polynomial: sympy.Expr) -> sympy.Expr:
    """The unique real root in ``(0, 1)`` of a polynomial in ``delta`` with exact coefficients
    (see :func:`roots_in_unit_interval`)."""
    inside = roots_in_unit_interval(polynomial)
    if len(inside) != 1:
        raise ValueError(f"{polynomial} has {len(inside)} distinct roots in (0, 1), expected one")
    return inside[0]


@functools.lru_cache(maxsize=1024)
def roots_in_unit_interval(polynomial: sympy.Expr) -> list[sympy.Expr]:
    """The distinct real roots in ``(0, 1)`` of a polynomial in ``delta`` with rational
    coefficients, in increasing order: rationals, or :class:`~linkage.roots.IsolatedRoot` with
    the index among all real roots and the isolating interval of sympy's exact real-root
    isolation (never by filtering floats; no factoring, which grows fast with the degree)."""
    poly = sympy.Poly(polynomial, delta)
    if not poly.get_domain().is_QQ and not poly.get_domain().is_ZZ:
        raise ModelError(
            f"the discount factors at which a constraint holds are the roots of {polynomial}, "
            "whose coefficients are not rational: exact root isolation needs rational coefficients "
            "(irrational payoffs such as log(2) or sqrt(2) are analysed exactly under grim "
            "trigger only; write a decimal instead)"
        )
    coefficients = poly.monic().all_coeffs() if poly.degree() > 0 else []
    if len(coefficients) > 2 and all(c == 1 for c in coefficients[:-1]):
        r = -coefficients[-1]  # delta + ... + delta**T - r: the T-period form, the same root
        return [period_root(r, poly.degree(), delta)] if 0 < r < poly.degree() else []
    poly = poly.sqf_part().clear_denoms(convert=True)[1]
    if poly.degree() < 1:
        return []
    inside: list[sympy.Expr] = []
    for index, ((a, b), _) in enumerate(poly.intervals()):
        a, b = sympy.Rational(a), sympy.Rational(b)
        while a != b and (poly.eval(a) == 0 or poly.eval(b) == 0 or a < 0 < b or a < 1 < b):
            a, b = (sympy.Rational(e) for e in poly.refine_root(a, b, eps=(b - a) / 4))
        if a == b:
            if 0 < a < 1:
                inside.append(a)
        elif a >= 0 and b <= 1:
            root = IsolatedRoot(poly.as_expr(), index, a, b)
            rational = root.rational()
            inside.append(root if rational is None else rational)
    return inside


def _ends(x: sympy.Expr) -> tuple[sympy.Rational, sympy.Rational]:
    """Rational bounds of a root from :func:`roots_in_unit_interval` (the root if rational)."""
    if isinstance(x, IsolatedRoot):
        return sympy.Rational(str(x.low)), sympy.Rational(str(x.high))
    return sympy.Rational(x), sympy.Rational(x)


# -- the feasible set of a general constraint -----------------------------------------------------
def region(numerator: sympy.Expr) -> Threshold:
    r"""The set of :math:`\delta \in [0,1)` where the polynomial ``numerator`` (in ``delta``, with
    number coefficients) is :math:`\ge 0`, classified into the numeric statuses. Roots are
    isolated exactly; the sign between two of them is read at a rational point between their
    isolating intervals."""
    poly = sympy.Poly(sympy.expand(numerator), delta)
    if poly.is_zero:
        return ALWAYS
    roots = roots_in_unit_interval(poly.as_expr())
    points = [sympy.Integer(0), *roots]

    def sign_after(i: int) -> bool:  # p >= 0 just right of points[i]
        lo = _ends(points[i])[1]
        hi = _ends(roots[i])[0] if i < len(roots) else sympy.Integer(1)
        return bool(poly.eval((lo + hi) / 2) >= 0)

    holds = [sign_after(i) for i in range(len(points))]
    at_zero = bool(poly.eval(0) >= 0)
    # intervals [start, end] where p >= 0 (roots belong to them: p = 0 there)
    intervals: list[tuple[sympy.Expr, sympy.Expr | None]] = []
    for i, ok in enumerate(holds):
        if not ok:
            continue
        start = points[i]
        end = roots[i] if i < len(roots) else None
        if intervals and intervals[-1][1] == start:
            intervals[-1] = (intervals[-1][0], end)
        else:
            intervals.append((start, end))
    return _classify(intervals, at_zero)


# -- several constraints --------------------------------------------------------------------------
def combine(thresholds: Iterable[Threshold]) -> Threshold:
    """The discount factors at which several constraints all hold: the intersection.

    Any ``never`` makes the whole ``never``; only ``always`` everywhere gives ``always``. With
    symbols the result is ``max``: each undecided part must hold.
    """
    items = list(thresholds)
    source = tuple(c for t in items for c in t.source)
    undecided = [t for t in items if not t.is_numeric]
    numeric = _intersect([t for t in items if t.is_numeric])
    if not undecided or (numeric.status == "never" and not numeric.zero):
        return attrs.evolve(numeric, source=source)
    parts = tuple(dict.fromkeys([*undecided, *([numeric] if numeric.status != "always" else [])]))
    if len(parts) == 1:
        return attrs.evolve(parts[0], source=source)
    return Threshold("max", parts=parts, source=source)


def _spans(t: Threshold) -> list[Span]:
    """A numeric threshold as the closed intervals it holds on (an isolated delta = 0 aside)."""
    if t.status == "always":
        return [(sympy.Integer(0), None)]
    if t.status == "never":
        return []
    if t.status == "intervals":
        return list(t.spans)
    assert t.exact is not None
    return [(t.exact, t.upper if t.status == "bounded" else None)]


def _classify(spans: list[Span], zero: bool) -> Threshold:
    """The threshold holding on ``spans`` (sorted, disjoint) and, if ``zero``, at delta = 0."""
    if not spans:
        return ONLY_AT_ZERO if zero else NEVER
    zero = zero and spans[0][0] != 0
    if len(spans) > 1:
        return Threshold("intervals", spans[0][0], spans[-1][1], zero=zero, spans=tuple(spans))
    low, high = spans[0]
    if high is None:
        return ALWAYS if low == 0 else Threshold("threshold", low, zero=zero)
    if high == 0:
        return ONLY_AT_ZERO
    return Threshold("bounded", low, high, zero=zero)


def _intersect(items: Sequence[Threshold]) -> Threshold:
    zero = all(t.holds_at(0) for t in items)
    spans: list[Span] = [(sympy.Integer(0), None)]
    for t in items:
        spans = [
            (lo, hi)
            for a_lo, a_hi in spans
            for b_lo, b_hi in _spans(t)
            for lo, hi in [_meet(a_lo, a_hi, b_lo, b_hi)]
            if hi is None or is_ge(hi, lo)
        ]
        if not spans:
            break
    spans.sort(key=lambda s: to_float(s[0]))
    return _classify(spans, zero)


def _meet(
    a_lo: sympy.Expr, a_hi: sympy.Expr | None, b_lo: sympy.Expr, b_hi: sympy.Expr | None
) -> Span:
    lo = a_lo if is_ge(a_lo, b_lo) else b_lo
    if a_hi is None or b_hi is None:
        return lo, a_hi if b_hi is None else b_hi
    return lo, a_hi if is_ge(b_hi, a_hi) else b_hi


def _max_of(items: Sequence[Threshold], values: Mapping[Any, Any]) -> Threshold:
    """The largest of closed forms at a calibration (for display), keeping their conditions."""
    evaluated = [(t.subs(values) if t.source else t, t) for t in items]
    best = max(
        evaluated,
        key=lambda pair: (
            {"never": 3, "bounded": 2, "threshold": 1, "always": 0}.get(pair[0].status, 0),
            pair[0].value or 0.0,
        ),
    )
    return best[1]
