r"""Continuous cooperation levels: the most-cooperative self-enforcing level, alone and linked.

Each domain :math:`k` has a cooperation level :math:`x_k \in [0, 1]` (a tariff cut, a quota share,
an abatement rate). Player :math:`i` gets, per period, the **gain** :math:`g_{ik}(x)` of the
agreement over the punishment (Nash reversion) and the one-shot **temptation** :math:`t_{ik}(x)`
of cheating on it; both are 0 at :math:`x = 0`. The welfare of a domain is
:math:`W_k(x) = \sum_i g_{ik}(x)` unless the case gives its own, and must increase strictly in
:math:`x` (deeper cooperation is better). With grim trigger, player :math:`i`'s constraint in
domain :math:`k` in cleared form (primer §7.2) is

.. math:: h_{ik}(x) = \delta_i\, g_{ik}(x) - (1-\delta_i)\, t_{ik}(x) \ge 0 .

**Separately** (no linkage) domain :math:`k`'s most-cooperative self-enforcing level is the largest
:math:`x` with :math:`h_{ik}(x) \ge 0` for every player. For the primer's family
:math:`g = g_k x(2-x)`, :math:`t = t_k x^2` it is :math:`x_k^* = \min\{1, 2\delta g_k/((1-\delta)t_k
+ \delta g_k)\}`, full cooperation iff :math:`\delta \ge t_k/(t_k+g_k)`.

**Linked** (a deviation anywhere is punished everywhere) the constraints pool (Bagwell & Staiger
1990's most-cooperative agreement; Limão 2005 and Maggi 2016 on the reallocation)::

    max  sum_k W_k(x_k)   subject to   sum_k h_ik(x_k) >= 0 for every player i,  x in [0, 1]^K.

Slack moves to the domains where it buys most welfare: at an interior optimum
:math:`W_k'(x_k) + \sum_i \mu_i h_{ik}'(x_k) = 0` with one multiplier :math:`\mu_i \ge 0` per
binding player. The primer's family with :math:`n` symmetric players (:math:`W_k = n G_k`) gives
:math:`x_k = g_k(n+\mu\delta)/(g_k(n+\mu\delta) + \mu(1-\delta)t_k)`, i.e. the primer's
:math:`g_k/(g_k + \lambda t_k)` with :math:`\lambda = \mu(1-\delta)/(n+\mu\delta)`
(:func:`stationary_level`).

**Exact solution.** Functions are sums of rational powers of :math:`x` with exact coefficients at
the calibration; with :math:`x = y^q` (:math:`q` the common denominator of the exponents) they are
polynomials in :math:`y`. The separate level is the largest root (or 1) found by exact real-root
isolation. The linked optimum is found among every Karush–Kuhn–Tucker point: each pattern of
levels at 0, at 1 or interior, and of binding players, is a polynomial system (the binding
constraints, and the welfare gradient in the span of theirs: the multipliers eliminated through
minors) solved exactly (lex Gröbner basis, made radical by Seidenberg's lemma when needed, in
shape position: every coordinate a polynomial in one ``CRootOf``); the best feasible candidate
is the optimum. This needs no
concavity: the global maximum is a KKT point whenever the binding constraints' gradients are
independent there (with dependent gradients the vertices and the separate levels, also
candidates, are checked). Systems with a continuum of KKT points are skipped and said so.

**Theorems** (tested): the separate levels are feasible under linkage, so linking never lowers the
most-cooperative welfare; with proportional constraints (every player's :math:`h_{ik}` the same
multiple of one function per domain up to scale, e.g. :math:`t_k/g_k` equal in the primer's
family) it changes nothing; where every domain is fully cooperative separately, nothing changes.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
import mpmath
import sympy
from sympy.calculus.util import continuous_domain

from linkage.errors import ModelError, TooLargeError
from linkage.symbols import delta
from linkage.values import approximate, exact, frozen_dict

x = sympy.Symbol("x", nonnegative=True)
"""The cooperation level in level functions (``gain = "g*x*(2 - x)"``)."""

_Y = sympy.Dummy("y", nonnegative=True)
_Z = sympy.Dummy("z")


# -- function families (plugins may register their own) -----------------------------------------


@attrs.frozen
class FamilyBuilder:
    """A named family of level functions: ``build(**keys) -> expression in x``; ``doc`` shows
    its form in errors."""

    name: str
    keys: tuple[str, ...]
    build: Callable[..., sympy.Expr]
    doc: str = ""

    def __call__(self, **values: sympy.Expr) -> sympy.Expr:
        return exact(self.build(**values))


FAMILIES: dict[str, FamilyBuilder] = {}
"""Named families usable in a case file as ``{ family = "power", scale = 2, exponent = "1/2" }``."""


def register_family(
    name: str, keys: tuple[str, ...], build: Callable[..., sympy.Expr], doc: str = ""
) -> None:
    """Add a family of level functions (a plugin calls this from its hook implementation).

    ``build`` takes the family's keys as keyword arguments (exact sympy values) and returns an
    expression in :data:`x`; it is checked like any level function (defined on [0, 1], 0 at 0)."""
    if name in FAMILIES:
        raise ModelError(f"level-function family {name!r} is already registered")
    FAMILIES[name] = FamilyBuilder(name, keys, build, doc)


register_family("linear", ("scale",), lambda scale: scale * x, "scale·x")
register_family("quadratic", ("scale",), lambda scale: scale * x**2, "scale·x²")
register_family(
    "power", ("scale", "exponent"), lambda scale, exponent: scale * x**exponent, "scale·x^exponent"
)
register_family(
    "concave-quadratic",
    ("scale",),
    lambda scale: scale * x * (2 - x),
    "scale·x·(2 − x), the primer's gain G(x) = g·x(2 − x)",
)


# -- the problem ---------------------------------------------------------------------------------


def _frozen(value: Mapping[str, sympy.Expr]) -> Mapping[str, sympy.Expr]:
    return frozen_dict({str(k): exact(v) for k, v in value.items()})


@attrs.frozen
class LevelDomain:
    """A domain with a cooperation level: per-player ``gain`` and ``temptation`` in :data:`x`,
    and optionally its own ``welfare`` (default: the sum of the players' gains). ``paths`` name
    each function's key in the case file, for errors."""

    id: str
    gain: Mapping[str, sympy.Expr] = attrs.field(converter=_frozen)
    temptation: Mapping[str, sympy.Expr] = attrs.field(converter=_frozen)
    welfare: sympy.Expr | None = None
    paths: Mapping[str, str] = attrs.field(factory=dict, eq=False)

    @property
    def total(self) -> sympy.Expr:
        r""":math:`W_k(x)`: ``welfare`` or :math:`\sum_i g_{ik}(x)`."""
        return self.welfare if self.welfare is not None else sympy.Add(*self.gain.values())

    def subs(self, values: Mapping[sympy.Symbol, sympy.Expr]) -> LevelDomain:
        return attrs.evolve(
            self,
            gain={p: f.subs(values) for p, f in self.gain.items()},
            temptation={p: f.subs(values) for p, f in self.temptation.items()},
            welfare=None if self.welfare is None else self.welfare.subs(values),
        )


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(p) for p in value)


def _domains(value: Iterable[LevelDomain]) -> tuple[LevelDomain, ...]:
    return tuple(value)


MAX_DOMAINS = 4
"""Domains of one levels analysis: the linked optimum enumerates 3^K patterns of levels at 0, at 1
or interior, each with every set of binding players, so the work grows fast with K."""


@attrs.frozen
class Levels:
    """Domains with levels, the players and each player's discount factor ``delta[player]``."""

    players: tuple[str, ...] = attrs.field(converter=_names)
    domains: tuple[LevelDomain, ...] = attrs.field(converter=_domains)
    delta: Mapping[str, sympy.Expr] = attrs.field(converter=_frozen)

    def __attrs_post_init__(self) -> None:
        if not 1 <= len(self.domains) <= MAX_DOMAINS:
            raise ModelError(
                f"a levels analysis has between 1 and {MAX_DOMAINS} domains, got "
                f"{len(self.domains)}"
            )
        for d in self.domains:
            for what in ("gain", "temptation"):
                given = set(getattr(d, what))
                if given != set(self.players):
                    raise ModelError(
                        f"domain {d.id!r}: {what} for {sorted(given)}, expected every player "
                        f"{list(self.players)}"
                    )
        for p in self.players:
            if p not in self.delta:
                raise ModelError(f"no discount factor for player {p!r}")

    def constraint(self, player: str, domain: LevelDomain) -> sympy.Expr:
        r""":math:`h_{ik}(x) = \delta_i g_{ik}(x) - (1-\delta_i) t_{ik}(x)`."""
        d = self.delta[player]
        return d * domain.gain[player] - (1 - d) * domain.temptation[player]


# -- exact polynomial machinery ------------------------------------------------------------------


def _exponents(f: sympy.Expr, label: str) -> list[tuple[sympy.Expr, sympy.Rational]]:
    """``f`` as ``[(coefficient, exponent)]`` with ``f = sum c x^e``; ModelError otherwise."""
    if f.free_symbols - {x}:
        names = ", ".join(sorted(str(s) for s in f.free_symbols - {x}))
        raise ModelError(f"{label} = {f}: {names} have no value at the calibration")
    terms = []
    for term in sympy.Add.make_args(sympy.expand(sympy.powsimp(f))):
        coeff, e = term.as_coeff_exponent(x)
        if coeff.has(x) or not e.is_Rational:
            _undefined_or_unsupported(f, label)
        if e < 0:
            raise ModelError(
                f"{label} = {f} is not defined on [0, 1]: x**({e}) has a pole at x = 0"
            )
        if not (coeff.is_number and coeff.is_real):
            raise ModelError(f"{label} = {f}: the coefficient {coeff} of x**({e}) is not real")
        terms.append((coeff, e))
    return terms


def _undefined_or_unsupported(f: sympy.Expr, label: str) -> None:
    unit = sympy.Interval(0, 1)
    try:
        where = continuous_domain(f, x, unit)
    except (NotImplementedError, ValueError, TypeError):  # pragma: no cover - sympy gave up
        where = unit
    if where != unit:
        raise ModelError(f"{label} = {f} is not defined on [0, 1] (only on {where})")
    raise ModelError(
        f"{label} = {f}: an exact solution needs a sum of rational powers of x "
        "(polynomials, x**(1/2), the families linear, quadratic, power, concave-quadratic)"
    )


def level_function(
    f: sympy.Expr, label: str
) -> tuple[int, list[tuple[sympy.Expr, sympy.Rational]]]:
    """Check a calibrated level function: a sum of non-negative rational powers of :data:`x`
    with real coefficients, 0 at :math:`x = 0`. Returns ``(q, terms)``."""
    terms = _exponents(f, label)
    if any(e == 0 and c != 0 for c, e in terms):
        raise ModelError(f"{label} = {f} is {f.subs(x, 0)} at x = 0; a level function is 0 there")
    q = math.lcm(1, *(int(e.q) for _, e in terms))
    return q, terms


@attrs.frozen
class Alg:
    """A real algebraic number :math:`a(r)`: ``a`` a polynomial over the rationals in ``_S``,
    ``r`` the ``index``-th real root of the irreducible ``field`` polynomial. Zero is decided
    exactly (``field`` divides ``a``); other signs by evaluation at 60 digits, which cannot be
    wrong for a non-zero value of this size."""

    field: sympy.Poly
    index: int
    a: sympy.Poly

    @staticmethod
    def rational(value: sympy.Expr) -> Alg:
        return Alg(sympy.Poly(_S - value, _S, domain="QQ"), 0, sympy.Poly(value, _S, domain="QQ"))

    def of(self, expr: sympy.Expr, values: Mapping[sympy.Symbol, Alg]) -> Alg:
        """``expr`` (a polynomial in the symbols of ``values``, all in this number's field)."""
        composed = sympy.Poly(
            sympy.expand(expr.xreplace({v: al.a.as_expr() for v, al in values.items()})),
            _S,
            domain="QQ",
        )
        return Alg(self.field, self.index, composed.rem(self.field))

    def __truediv__(self, other: Alg) -> Alg:
        inverse = sympy.invert(other.a.as_expr(), self.field.as_expr(), _S)
        product = sympy.Poly(sympy.expand(self.a.as_expr() * inverse), _S, domain="QQ")
        return Alg(self.field, self.index, product.rem(self.field))

    def sign(self) -> int:
        reduced = self.a.rem(self.field)
        if reduced.is_zero:
            return 0
        if reduced.degree() <= 0:
            return int(sympy.sign(reduced.LC()))
        return 1 if self.approx() > 0 else -1

    def approx(self) -> sympy.Float:
        return _approx(self.field, self.index, self.a)

    def value(self) -> sympy.Expr:
        """The number as a rational, a radical (degree 2) or a ``CRootOf`` of its minimal
        polynomial: the form in which equal numbers print alike."""
        reduced = self.a.rem(self.field)
        if reduced.degree() <= 0:
            return reduced.LC() if not reduced.is_zero else sympy.Integer(0)
        resultant = sympy.resultant(self.field.as_expr(), _Z - reduced.as_expr(), _S)
        approx = self.approx()
        best = None
        for factor, _ in sympy.Poly(resultant, _Z, domain="QQ").factor_list()[1]:
            if factor.degree() == 0:
                continue
            factor = sympy.Poly(factor.as_expr().xreplace({_Z: _S}), _S, domain="QQ")
            for r in factor.real_roots(radicals=factor.degree() <= 2):
                gap = abs(approximate(r, 60) - approx)
                if best is None or gap < best[0]:
                    best = (gap, r)
        assert best is not None
        return best[1]


_S = sympy.Symbol("x")  # plain: CRootOf prints (and caches) its polynomial in this name


@functools.cache
def _numeric(field: sympy.Poly, index: int) -> sympy.Float:
    if field.degree() == 1:
        return sympy.Float(-field.nth(0) / field.nth(1), 80)
    return approximate(sympy.CRootOf(field.as_expr(), index), 80)


@functools.lru_cache(maxsize=65536)
def _approx(field: sympy.Poly, index: int, a: sympy.Poly) -> sympy.Float:
    """``a(r)`` to about 70 digits (Horner in mpmath at the root's 80-digit value)."""
    reduced = a.rem(field)
    with mpmath.workdps(90):
        r = mpmath.mpf(str(_numeric(field, index)))
        coefficients = [mpmath.mpf(c.p) / c.q for c in reduced.all_coeffs()]
        return sympy.Float(mpmath.polyval(coefficients, r), 80)


def _compare(a: Alg, b: Alg) -> int:
    """The sign of ``a - b`` (exact when both share a field; otherwise by 60 digits, a tie
    below that precision reported as 0)."""
    if a.field == b.field and a.index == b.index:
        return Alg(a.field, a.index, a.a - b.a).sign()
    diff = a.approx() - b.approx()
    if abs(diff) < sympy.Float("1e-60", 80):
        return 0
    return 1 if diff > 0 else -1


def _alg_roots(poly: sympy.Poly, low: int = 0, high: int = 1) -> list[Alg]:
    """The distinct real roots of a rational polynomial in ``[low, high]``, increasing."""
    out = []
    for factor, _ in poly.factor_list()[1]:
        if factor.degree() == 0:
            continue
        f = sympy.Poly(factor.as_expr().xreplace({factor.gen: _S}), _S, domain="QQ").monic()
        for i in range(f.count_roots()):
            root = Alg(f, i, sympy.Poly(_S, _S, domain="QQ"))
            if _compare(root, Alg.rational(low)) >= 0 and _compare(root, Alg.rational(high)) <= 0:
                out.append(root)
    return sorted(out, key=lambda r: r.approx())


def _points(polys: Sequence[sympy.Poly]) -> list[Alg]:
    """0, 1 and every root in [0, 1] of the ``polys``, distinct and increasing."""
    points = [Alg.rational(0), Alg.rational(1)]
    for p in polys:
        if not p.is_zero:
            points.extend(_alg_roots(p))
    points.sort(key=lambda r: r.approx())
    out: list[Alg] = []
    for r in points:
        if not out or _compare(r, out[-1]) != 0:
            out.append(r)
    return out


def _at(poly: sympy.Poly, y: Alg) -> Alg:
    return y.of(poly.as_expr(), {poly.gen: y})


def increasing(poly: sympy.Poly) -> bool:
    """Whether ``poly`` increases strictly on [0, 1]: its derivative is positive at a rational
    point between any two consecutive roots of the derivative in [0, 1] (isolated zeros)."""
    d = poly.diff()
    if d.is_zero:
        return False
    points = _points([d])
    for a, b in itertools.pairwise(points):
        lo = sympy.Rational(str(sympy.N(a.approx(), 40)))
        hi = sympy.Rational(str(sympy.N(b.approx(), 40)))
        middle = (lo + hi) / 2
        if d.eval(middle) <= 0:
            return False
    return True


# -- results -------------------------------------------------------------------------------------


@attrs.frozen
class DomainLevel:
    """Domain ``domain`` alone: its most-cooperative self-enforcing ``level``, its ``welfare``
    there and the players whose constraint binds (none when the level is 1 with slack)."""

    domain: str
    level: sympy.Expr
    welfare: sympy.Expr
    binding: tuple[str, ...]


@attrs.frozen
class LinkedLevels:
    """The jointly optimal ``levels`` (by domain), their total ``welfare``, the players whose
    pooled constraint binds and the multipliers :math:`\\mu_i` of the KKT point (empty at full
    cooperation and when the optimum is the separate levels or a vertex)."""

    levels: Mapping[str, sympy.Expr]
    welfare: sympy.Expr
    binding: tuple[str, ...]
    multipliers: Mapping[str, sympy.Expr]
    skipped: int = 0
    """KKT patterns with a continuum of solutions, not enumerated."""


@attrs.frozen
class LevelsResult:
    separate: tuple[DomainLevel, ...]
    linked: LinkedLevels
    gain: sympy.Expr
    """The welfare gain from linking: linked minus separate welfare (never negative)."""

    @property
    def separate_welfare(self) -> sympy.Expr:
        return sympy.Add(*(d.welfare for d in self.separate))


# -- calibration ---------------------------------------------------------------------------------


@attrs.frozen
class _Calibrated:
    """A domain's functions as rational polynomials in ``_Y`` (``x = y**q``)."""

    q: int
    welfare: sympy.Poly
    h: Mapping[str, sympy.Poly]


def _calibrate(problem: Levels) -> list[_Calibrated]:
    for p, d in problem.delta.items():
        if not (d.is_Rational and 0 <= d < 1):
            raise ModelError(f"the discount factor of {p} must be a rational in [0, 1), got {d}")
    out = []
    for dom in problem.domains:
        paths = dom.paths
        parts = {}
        for what in ("gain", "temptation"):
            for p in problem.players:
                label = paths.get(f"{what}.{p}", f"{dom.id}.{what}.{p}")
                parts[(what, p)] = (label, level_function(getattr(dom, what)[p], label))
        label = paths.get("welfare", f"{dom.id}.welfare")
        parts[("welfare", "")] = (label, level_function(dom.total, label))
        q = math.lcm(*(qq for _, (qq, _) in parts.values()))
        polys = {key: _poly(terms, q, label) for key, (label, (_, terms)) in parts.items()}
        if not increasing(polys[("welfare", "")]):
            raise ModelError(
                f"{label}: the welfare {sympy.simplify(dom.total)} must increase strictly in x on "
                "[0, 1] (deeper cooperation is better); give increasing gains or a welfare key"
            )
        h = {}
        for p in problem.players:
            d = problem.delta[p]
            h[p] = polys[("gain", p)] * d - polys[("temptation", p)] * (1 - d)
        out.append(_Calibrated(q, polys[("welfare", "")], frozen_dict(h)))
    return out


MAX_DEGREE = 4
"""The highest degree of a domain's functions, as polynomials in ``y`` with ``x = y**q`` (``x**3``
is 3; ``x**(7/3)`` next to ``x`` is 7): the exact linked optimum solves polynomial systems whose
size grows with the product of the degrees."""

MAX_DEGREE_MANY = 2
"""With three domains or more, the highest degree allowed (quadratic levels solve in about a
second; one cubic among three domains took minutes on the development machine)."""


def _check_size(domains: Sequence[_Calibrated], problem: Levels) -> None:
    """Refuse, before solving, a linked problem whose exact optimum would take minutes (the
    separate levels are roots of one polynomial each: cheap at any degree)."""
    for cal, dom in zip(domains, problem.domains, strict=True):
        degree = max(poly.degree() for poly in (cal.welfare, *cal.h.values()))
        limit = MAX_DEGREE if len(domains) <= 2 else MAX_DEGREE_MANY
        if degree > limit:
            unit = f" (counting x**(1/{cal.q}) as the unit)" if cal.q > 1 else ""
            raise TooLargeError(
                f"domain {dom.id!r}: its functions have degree {degree} in the level{unit}, above "
                f"the {limit} an exact levels analysis of {len(domains)} domains allows; use "
                "lower powers or fewer domains"
            )


def _poly(terms: Iterable[tuple[sympy.Expr, sympy.Rational]], q: int, label: str) -> sympy.Poly:
    """``sum c x^e`` as a polynomial in ``y`` with ``x = y^q``, rational coefficients."""
    terms = list(terms)
    for c, _ in terms:
        if not c.is_Rational:
            raise ModelError(
                f"{label}: the coefficient {c} is not rational at the calibration; exact levels "
                "need rational parameter values"
            )
    return sympy.Poly(sympy.Add(*(c * _Y ** int(e * q) for c, e in terms)), _Y, domain="QQ")


def _level(cal: _Calibrated, y: Alg) -> sympy.Expr:
    return y.of(_Y**cal.q, {_Y: y}).value()


# -- the separate problem ------------------------------------------------------------------------


def _separate(problem: Levels, cal: _Calibrated, index: int) -> tuple[DomainLevel, Alg]:
    polys = list(cal.h.values())
    for y in reversed(_points(polys)):
        signs = {p: _at(cal.h[p], y).sign() for p in problem.players}
        if all(v >= 0 for v in signs.values()):
            binding = tuple(p for p, v in signs.items() if v == 0)
            welfare = _at(cal.welfare, y).value()
            return DomainLevel(problem.domains[index].id, _level(cal, y), welfare, binding), y
    raise AssertionError("x = 0 is always self-enforcing")  # pragma: no cover


def separate_levels(problem: Levels) -> tuple[DomainLevel, ...]:
    r"""Each domain alone: the largest :math:`x` with :math:`h_{ik}(x) \ge 0` for every player."""
    return tuple(_separate(problem, c, k)[0] for k, c in enumerate(_calibrate(problem)))


# -- the linked problem: every KKT point, exactly -------------------------------------------------


Point = tuple[dict[sympy.Symbol, Alg], dict[str, Alg]]


def _solve_system(
    equations: list[sympy.Expr], unknowns: list[sympy.Symbol]
) -> list[dict[sympy.Symbol, Alg]] | None:
    """Every real solution of a polynomial system with rational coefficients, exactly; ``None``
    when the solutions form a continuum.

    The lex Gröbner basis decides consistency and finiteness. If it is not already in shape
    position (every unknown a polynomial in the last, which ranges over the roots of one
    univariate polynomial), Seidenberg's lemma (adding the square-free part of each unknown's
    eliminant) makes the ideal radical and a linear form :math:`s = \\sum_j c_j v_j` with small
    integer weights puts it in shape position. Each solution is then a tuple of numbers of the
    field :math:`\\mathbb{Q}(r)`, :math:`r` a root of one irreducible polynomial."""
    basis = sympy.groebner(equations, *unknowns, order="lex")
    if basis.exprs == [1]:
        return []
    if not basis.is_zero_dimensional:
        return None
    last = unknowns[-1]
    direct = _shape(basis.exprs, unknowns[:-1], last)
    if direct is not None:
        return _expand(direct, last, unknowns)
    extra = []
    for v in unknowns:
        others = [u for u in unknowns if u != v]
        eliminant = sympy.groebner(basis.exprs, *others, v, order="lex").exprs[-1]
        extra.append(sympy.Poly(eliminant, v).sqf_part().as_expr())
    s = sympy.Dummy("s")
    for weights in ((*range(1, len(unknowns) + 1),), tuple(3**j for j in range(len(unknowns)))):
        form = s - sum(w * v for w, v in zip(weights, unknowns, strict=True))
        shape = sympy.groebner([*basis.exprs, *extra, form], *unknowns, s, order="lex").exprs
        solved = _shape(shape, unknowns, s)
        if solved is not None:
            return _expand(solved, s, unknowns)
    raise ModelError("no shape position found for a KKT system")  # pragma: no cover


def _shape(
    basis: list[sympy.Expr], unknowns: list[sympy.Symbol], s: sympy.Symbol
) -> tuple[sympy.Poly, dict[sympy.Symbol, sympy.Expr]] | None:
    if len(basis) != len(unknowns) + 1 or basis[-1].free_symbols - {s}:
        return None
    parts = {}
    for v, g in zip(unknowns, basis[:-1], strict=True):
        p = sympy.Poly(g, v)
        if p.degree() != 1 or not p.LC().is_number or (p.nth(0).free_symbols - {s}):
            return None
        parts[v] = -p.nth(0) / p.LC()
    return sympy.Poly(basis[-1], s, domain="QQ"), parts


def _expand(
    solved: tuple[sympy.Poly, dict[sympy.Symbol, sympy.Expr]],
    s: sympy.Symbol,
    unknowns: list[sympy.Symbol],
) -> list[dict[sympy.Symbol, Alg]]:
    last, parts = solved
    parts = {**parts, s: s}
    out = []
    for r in _alg_roots(last, -(10**9), 10**9):
        out.append({v: r.of(sympy.sympify(parts[v]).xreplace({s: _S}), {}) for v in unknowns})
    return out


def _classes(problem: Levels, cals: list[_Calibrated]) -> list[tuple[str, ...]]:
    """Players whose pooled constraints are positive multiples of each other, grouped: one
    constraint per group (symmetric players bind together)."""
    groups: list[tuple[str, ...]] = []
    for p in problem.players:
        for g, group in enumerate(groups):
            ratio = _ratio([c.h[p] for c in cals], [c.h[group[0]] for c in cals])
            if ratio is not None and ratio > 0:
                groups[g] = (*group, p)
                break
        else:
            groups.append((p,))
    return groups


def _ratio(a: list[sympy.Poly], b: list[sympy.Poly]) -> sympy.Expr | None:
    """``r`` with ``a == r * b`` term by term, if any."""
    ratio = None
    for pa, pb in zip(a, b, strict=True):
        if pb.is_zero or pa.is_zero:
            if pa.is_zero != pb.is_zero:
                return None
            continue
        r = pa.LC() / pb.LC()
        if pa != pb * r or (ratio is not None and r != ratio):
            return None
        ratio = r
    return ratio if ratio is not None else sympy.Integer(1)


def _pattern(
    w: list[sympy.Expr],
    h: Mapping[str, list[sympy.Expr]],
    ys: list[sympy.Symbol],
    free: list[int],
    fixed: Mapping[sympy.Symbol, sympy.Expr],
    bound: tuple[str, ...],
) -> list[Point] | None:
    """The points with the levels ``fixed`` at 0 or 1, the ``bound`` players' pooled constraints
    binding and, when there are more free levels than binding players, the welfare gradient in
    the span of the binding constraints' gradients (every minor of order ``len(bound) + 1`` of
    the matrix of derivatives vanishes: the KKT condition with the multipliers eliminated, which
    also keeps the points where the constraints' gradients are dependent). ``None``: a continuum.
    """
    equations = [sympy.Add(*h[p]) for p in bound]
    if len(free) > len(bound):
        rows = [
            [sympy.diff(w[k], ys[k])] + [sympy.diff(h[p][k], ys[k]) for p in bound] for k in free
        ]
        matrix = sympy.Matrix(rows)
        for chosen in itertools.combinations(range(len(free)), len(bound) + 1):
            equations.append(matrix.extract(list(chosen), list(range(len(bound) + 1))).det())
    equations = [sympy.expand(e.xreplace(fixed)) for e in equations]
    solutions = _solve_system(equations, [ys[k] for k in free])
    if solutions is None:
        return None
    out: list[Point] = []
    for sol in solutions:
        field = next(iter(sol.values()))
        point = {y: sol[y] if y in sol else field.of(fixed[y], {}) for y in ys}
        multipliers = {}
        if len(bound) == 1 and free:
            (p,) = bound
            for k in free:  # mu = -W_k' / h_pk' at a free level where h_pk' is not 0
                slope = field.of(sympy.diff(h[p][k], ys[k]), point)
                if slope.sign() != 0:
                    mu = field.of(-sympy.diff(w[k], ys[k]), point) / slope
                    multipliers[p] = mu
                    break
        out.append((point, multipliers))
    return out


def _linked(problem: Levels, cals: list[_Calibrated], separate: list[Alg]) -> LinkedLevels:
    players, K = problem.players, len(problem.domains)
    ids = [d.id for d in problem.domains]
    at_one = {p: sum((c.h[p].eval(1) for c in cals), sympy.Integer(0)) for p in players}
    if all(v >= 0 for v in at_one.values()):
        return LinkedLevels(
            frozen_dict(dict.fromkeys(ids, sympy.Integer(1))),
            sum((c.welfare.eval(1) for c in cals), sympy.Integer(0)),
            tuple(p for p in players if at_one[p] == 0),
            frozen_dict({}),
        )
    _check_size(cals, problem)
    ys = [sympy.Dummy(f"y{k}") for k in range(K)]
    h = {p: [c.h[p].as_expr().xreplace({_Y: ys[k]}) for k, c in enumerate(cals)] for p in players}
    pooled = {p: sympy.Add(*h[p]) for p in players}
    w = [c.welfare.as_expr().xreplace({_Y: ys[k]}) for k, c in enumerate(cals)]
    total = sympy.Add(*w)
    groups = _classes(problem, cals)
    candidates: list[Point] = [({ys[k]: y for k, y in enumerate(separate)}, {})]
    skipped = 0
    for pattern in itertools.product((0, 1, None), repeat=K):
        free = [k for k in range(K) if pattern[k] is None]
        fixed = {ys[k]: sympy.Integer(v) for k, v in enumerate(pattern) if v is not None}
        if not free:
            candidates.append(({ys[k]: Alg.rational(v) for k, v in enumerate(pattern)}, {}))
            continue
        for size in range(1, len(groups) + 1):
            for bound in itertools.combinations([g[0] for g in groups], size):
                found = _pattern(w, h, ys, free, fixed, bound)
                if found is None:
                    skipped += 1
                    continue
                candidates.extend(found)
    best: tuple[Alg, Point] | None = None
    for point, multipliers in candidates:
        one = next(iter(point.values()))
        if not all(
            v.sign() >= 0 and Alg(v.field, v.index, 1 - v.a).sign() >= 0 for v in point.values()
        ):
            continue
        if not all(one.of(pooled[p], point).sign() >= 0 for p in players):
            continue
        value = one.of(total, point)
        if best is None or _compare(value, best[0]) > 0:
            best = (value, (point, multipliers))
    assert best is not None  # the separate levels are always feasible
    value, (point, multipliers) = best
    one = next(iter(point.values()))
    binding = tuple(p for p in players if one.of(pooled[p], point).sign() == 0)
    return LinkedLevels(
        frozen_dict({ids[k]: _level(cals[k], point[ys[k]]) for k in range(K)}),
        value.value(),
        binding,
        frozen_dict({p: m.value() for p, m in multipliers.items()}),
        skipped,
    )


def solve(problem: Levels) -> LevelsResult:
    """Separate and linked levels, and the gain from linking, at a calibrated problem."""
    cals = _calibrate(problem)
    pairs = [_separate(problem, c, k) for k, c in enumerate(cals)]
    linked = _linked(problem, cals, [y for _, y in pairs])
    separate = tuple(d for d, _ in pairs)
    gain = linked.welfare - sympy.Add(*(d.welfare for d in separate))
    return LevelsResult(separate, linked, _tidy(gain))


def _tidy(value: sympy.Expr) -> sympy.Expr:
    if value.is_Rational or not value.has(sympy.CRootOf):
        return sympy.radsimp(sympy.expand(value))
    return value


# -- closed forms for display --------------------------------------------------------------------


def binding_level(
    gain: sympy.Expr, temptation: sympy.Expr, d: sympy.Expr = delta
) -> sympy.Expr | None:
    r"""The level at which :math:`\delta g(x) = (1-\delta) t(x)` in closed form, when that
    equation, divided by its lowest power of :math:`x`, is linear in :math:`x` (the primer's
    family: :math:`2\delta g/((1-\delta)t + \delta g)`); ``None`` otherwise."""
    h = sympy.expand(d * gain - (1 - d) * temptation)
    try:
        poly = sympy.Poly(h, x)
    except sympy.PolynomialError:
        return None
    monoms = [m[0] for m in poly.monoms()]
    if not monoms:
        return None
    low = min(monoms)
    reduced = sympy.Poly(sympy.expand(h / x**low), x)
    if reduced.degree() != 1:
        return None
    numerator, denominator = -reduced.nth(0), reduced.nth(1)
    if denominator.could_extract_minus_sign():
        numerator, denominator = -numerator, -denominator
    symbols = sorted(denominator.free_symbols - {d}, key=str)
    denominator = sympy.collect(sympy.expand(denominator), symbols, func=sympy.factor)
    return sympy.factor(numerator) / denominator


def stationary_level(
    welfare: sympy.Expr, constraint: sympy.Expr, mu: sympy.Symbol
) -> sympy.Expr | None:
    r"""The interior linked level as a function of the multiplier :math:`\mu` of one binding
    pooled constraint, from :math:`W'(x) + \mu h'(x) = 0`, when that condition is linear in
    :math:`x` (the primer's family: :math:`x = g(n + \mu\delta)/(g(n + \mu\delta) +
    \mu(1-\delta)t)` for :math:`n` symmetric players); ``None`` otherwise."""
    condition = sympy.expand(sympy.diff(welfare, x) + mu * sympy.diff(constraint, x))
    try:
        poly = sympy.Poly(condition, x)
    except sympy.PolynomialError:
        return None
    if poly.degree() != 1:
        return None
    return sympy.factor(-poly.nth(0) / poly.nth(1))
