r"""A player's objective in the total material payoff: :math:`u(w)`, increasing and concave.

Spagnolo (1999) lets a player value the *sum* of its per-period payoffs across domains through a
concave function :math:`u` (managerial incentives, progressive taxation, imperfect capital
markets). :class:`Objective` holds :math:`u` as a sympy expression in a variable (``w`` by
default) and :func:`curvature` checks, on the interval of totals a game can produce, that it is
defined, increasing and concave: exactly where the mathematics allows, never by float equality.

* The second derivative is read on the open interval through a positive symbol
  :math:`s`, :math:`w = \ell + (h - \ell)\, s / (1 + s)`, so sympy's sign rules prove
  :math:`u'' < 0` for the usual families (log, power, CARA, quadratic) without sampling.
* A rational :math:`u''` is decided by exact real-root isolation of its numerator and
  denominator (a pole in the interval is "not defined there").
* Anything else is judged at 257 exact rational points (an exact sign at each); a point with
  :math:`u'' > 0` is a witness and the function is refused; otherwise it is accepted and the
  result says the check was by sampling.
* Once concave, :math:`u' > 0` on the interval iff :math:`u'(h) > 0` (:math:`u'` falls).

Families (:data:`FAMILIES`, extensible with :func:`register_family`): ``linear`` :math:`w`,
``log`` :math:`\log(w + c)`, ``power`` :math:`(w + c)^a` with :math:`0 < a < 1`, ``cara``
:math:`1 - e^{-r w}`, ``quadratic`` :math:`w - w^2 / (2 s)` (increasing for :math:`w < s`; the
primer's :math:`V(\pi) = \pi - \pi^2/40` is ``s = 20``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Literal

import attrs
import sympy

from linkage.engine.threshold import known_sign
from linkage.errors import ModelError
from linkage.values import exact

__all__ = [
    "FAMILIES",
    "Curvature",
    "Objective",
    "curvature",
    "family",
    "register_family",
    "w",
]

w = sympy.Symbol("w", real=True)
"""The default variable of an objective: the player's total stage payoff."""

Curvature = Literal["linear", "strictly concave", "concave", "concave (sampled)"]

_SAMPLES = 256


@attrs.frozen
class Objective:
    r"""An objective :math:`u(w)` (``expr`` in ``variable``); ``label`` names it in reports."""

    expr: sympy.Expr
    variable: sympy.Symbol = w
    label: str = ""

    def __call__(self, total: sympy.Expr) -> sympy.Expr:
        """:math:`u` at a total stage payoff."""
        return self.expr.xreplace({self.variable: exact(total)})

    @property
    def is_linear(self) -> bool:
        return bool(sympy.diff(self.expr, self.variable, 2) == 0)

    def __str__(self) -> str:
        return self.label or f"u({self.variable}) = {sympy.sstr(self.expr)}"


# -- families -------------------------------------------------------------------------------------
FamilyBuilder = Callable[[Mapping[str, sympy.Expr]], sympy.Expr]
"""Builds :math:`u(w)` from the family's parameters (missing ones take defaults)."""

FAMILIES: dict[str, tuple[tuple[str, ...], FamilyBuilder]] = {}
"""Registered families: name -> (parameter names, builder)."""


def register_family(name: str, parameters: tuple[str, ...], builder: FamilyBuilder) -> None:
    """Register a family of objectives (a plugin may add its own); a name is registered once."""
    if name in FAMILIES:
        raise ModelError(f"objective family {name!r} is already registered")
    FAMILIES[name] = (parameters, builder)


def family(name: str, parameters: Mapping[str, sympy.Expr]) -> Objective:
    """The objective of a registered family with its parameters."""
    if name not in FAMILIES:
        raise ModelError(f"unknown objective family {name!r}; known: {', '.join(sorted(FAMILIES))}")
    allowed, builder = FAMILIES[name]
    parameters = {k: exact(v) for k, v in parameters.items()}
    extra = sorted(set(parameters) - set(allowed))
    if extra:
        raise ModelError(
            f"objective family {name!r} takes {', '.join(allowed) or 'no parameters'}, "
            f"not {', '.join(extra)}"
        )
    expr = builder(parameters)
    label = ", ".join(f"{k} = {sympy.sstr(v)}" for k, v in sorted(parameters.items()))
    return Objective(
        expr, w, f"{name}: u(w) = {sympy.sstr(expr)}" + (f" ({label})" if label else "")
    )


def _power(p: Mapping[str, sympy.Expr]) -> sympy.Expr:
    a = p.get("a", sympy.Rational(1, 2))
    if not (known_sign(a) == 1 and known_sign(1 - a) == 1):
        raise ModelError(f"power family needs 0 < a < 1, got a = {a}")
    return (w + p.get("c", sympy.Integer(0))) ** a


def _cara(p: Mapping[str, sympy.Expr]) -> sympy.Expr:
    r = p.get("r", sympy.Integer(1))
    if known_sign(r) != 1:
        raise ModelError(f"cara family needs r > 0, got r = {r}")
    return 1 - sympy.exp(-r * w)


def _quadratic(p: Mapping[str, sympy.Expr]) -> sympy.Expr:
    s = p.get("s", sympy.Integer(20))
    if known_sign(s) != 1:
        raise ModelError(f"quadratic family needs s > 0, got s = {s}")
    return w - w**2 / (2 * s)


register_family("linear", (), lambda p: w)
register_family("log", ("c",), lambda p: sympy.log(w + p.get("c", sympy.Integer(0))))
register_family("power", ("a", "c"), _power)
register_family("cara", ("r",), _cara)
register_family("quadratic", ("s",), _quadratic)


# -- the check ------------------------------------------------------------------------------------
def _finite_real(value: sympy.Expr) -> bool:
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        return False
    return value.is_real is not False and bool(sympy.im(sympy.N(value, 30)) == 0)


def _rational_signs(
    d2: sympy.Expr, x: sympy.Symbol, low: sympy.Rational, high: sympy.Rational
) -> tuple[bool, sympy.Expr | None, bool]:
    """(defined on [low, high], a point with u'' > 0 or None, u'' identically 0) for a rational
    u'': exact root isolation of numerator and denominator."""
    num, den = sympy.fraction(sympy.together(d2))
    pn, pd = sympy.Poly(num, x), sympy.Poly(den, x)
    if pd.count_roots(low, high) > 0:
        return False, None, False
    if pn.is_zero:
        return True, None, True
    cuts = sorted({low, high, *(r for r in _roots_in(pn, low, high))}, key=float)
    probes = [*cuts, *((a + b) / 2 for a, b in itertools.pairwise(cuts))]
    for p in probes:
        if (pn.eval(p) * pd.eval(p)) > 0:
            return True, p, False
    return True, None, False


def _roots_in(poly: sympy.Poly, low: sympy.Rational, high: sympy.Rational) -> list[sympy.Rational]:
    """Rational points separating the real roots of ``poly`` in [low, high] (interval ends)."""
    out = []
    for (a, b), _ in poly.intervals():
        for end in (sympy.Rational(a), sympy.Rational(b)):
            if low < end < high:
                out.append(end)
    return out


def curvature(objective: Objective, low: sympy.Expr, high: sympy.Expr) -> Curvature:
    r"""Check that :math:`u` is defined, increasing and concave on :math:`[\ell, h]`; return how
    (``linear``, ``strictly concave``, ``concave``, or ``concave (sampled)`` when only exact
    point checks were possible). Raises :class:`ModelError` naming the failure and a witness."""
    x, u = objective.variable, objective.expr
    low, high = exact(low), exact(high)
    extra = u.free_symbols - {x}
    if extra:
        names = ", ".join(sorted(str(s) for s in extra))
        raise ModelError(f"the objective has symbols without values: {names}")
    if not (low.is_Rational and high.is_Rational):
        raise ModelError("the payoffs must be numbers to check the objective")
    for end in (low, high):
        if not _finite_real(objective(end)):
            raise ModelError(f"{objective} is not defined at w = {end}")
    d1 = sympy.diff(u, x)
    d2 = sympy.diff(d1, x)
    result: Curvature
    if d2 == 0 or (d2.is_number and sympy.simplify(d2) == 0):
        result = "linear"
    elif low == high:
        result = "concave"
    else:
        s = sympy.Dummy("s", positive=True)
        inside = sympy.simplify(d2.xreplace({x: low + (high - low) * s / (1 + s)}))
        if inside.is_negative:
            result = "strictly concave"
        elif inside.is_positive:
            raise ModelError(
                f"{objective} is not concave on [{low}, {high}]: u'' > 0 there "
                f"(u'' = {sympy.sstr(d2)})"
            )
        elif d2.is_rational_function(x):
            defined, witness, linear = _rational_signs(d2, x, low, high)
            if not defined:
                raise ModelError(f"{objective} is not defined on all of [{low}, {high}]")
            if witness is not None:
                raise ModelError(
                    f"{objective} is not concave on [{low}, {high}]: u''({witness}) > 0"
                )
            result = "linear" if linear else "strictly concave"
        else:
            result = _sampled(objective, d2, low, high)
    if known_sign(d1.xreplace({x: high})) != 1:
        raise ModelError(
            f"{objective} is not increasing on [{low}, {high}]: u'({high}) = "
            f"{sympy.sstr(sympy.nsimplify(d1.xreplace({x: high})))} <= 0"
        )
    return result


def _sampled(
    objective: Objective, d2: sympy.Expr, low: sympy.Rational, high: sympy.Rational
) -> Curvature:
    x = objective.variable
    for i in range(_SAMPLES + 1):
        point = low + (high - low) * sympy.Rational(i, _SAMPLES)
        value = d2.xreplace({x: point})
        if not _finite_real(value):
            raise ModelError(f"{objective} is not defined at w = {point}")
        if known_sign(value) == 1:
            raise ModelError(f"{objective} is not concave on [{low}, {high}]: u''({point}) > 0")
    return "concave (sampled)"
