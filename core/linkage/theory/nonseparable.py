r"""Non-separable objectives (Spagnolo 1999): players who value the *total* across domains.

Player :math:`i` gets per period the material payoffs :math:`C_{ik}, D_{ik}, N_{ik}` of the primer
(§1) in each domain :math:`k` and values their sum through an increasing concave
:math:`u_i` (:mod:`linkage.theory.objective`). Stage payoffs are no longer additive in utility, so
a domain's incentive constraint depends on what happens in the others.

**States.** Under grim trigger a state is the set :math:`P` of domains already at Nash. In state
:math:`P` the player's total is :math:`c_P = \sum_{k \in P} N_k + \sum_{k \notin P} C_k`; a
deviation in the domains :math:`S` (outside :math:`P`) pays
:math:`x_P^S = \sum_{P} N + \sum_{S} D + \sum_{\text{rest}} C` once and moves to the state
:math:`P \cup M(S)`, with :math:`M(S) = S` for *separate* punishments and :math:`M(S) =` every
domain for *linked* ones. The one-shot deviation principle gives, at every reachable state and
for every deviation, the cleared constraint

.. math:: (1-\delta)\,[u(x_P^S) - u(c_P)] \;\le\; \delta\,[u(c_P) - u(c_{P \cup M(S)})],

a single-term constraint of the engine (:func:`linkage.engine.threshold.single_term`), so its
critical value :math:`a/(a+b)` and its degenerate cases are the engine's. Deviating in a domain
already punished gains nothing: :math:`N` is a stage equilibrium there and :math:`u` increases.

* **Separate**: every subset :math:`P` is reachable (either player may deviate anywhere). The
  subgame-perfect threshold is the intersection over all :math:`(P, S)`; the *on-path* one keeps
  :math:`P = \varnothing`. Because :math:`u` is not linear, :math:`c_P` and the stakes change as
  domains fall: the on-path value is **not** sufficient (primer §7.7).
* **Nash (deviation plans)**: from full cooperation, the deviator may also plan a sequence of
  deviations :math:`\varnothing = P_0 \subset P_1 \subset \dots \subset P_m`, staying at
  :math:`P_m`; cooperation is a best reply iff for every such chain
  :math:`(1-\delta)\sum_{j<m}\delta^j u(x_{P_j}^{S_j}) + \delta^m u(c_{P_m}) \le u(c_\varnothing)`,
  a polynomial condition in :math:`\delta` (the primer's :math:`(\sqrt{1833}-13)/64`). It lies
  between the on-path and the subgame-perfect values.
* **Linked**: states :math:`\varnothing` and all domains; one constraint per deviation.

With :math:`N_k \le C_k` and :math:`u` increasing, linking never raises a threshold (its
punishment is harsher for every deviation); with identical domains and strictly concave
:math:`u` it strictly lowers it (Spagnolo's Proposition: concavity makes the joint deviation's
gain smaller than the sum of single ones and the joint punishment's loss larger). With linear
:math:`u` every result equals the separable engine's (:mod:`linkage.engine`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from functools import cached_property

import attrs
import mpmath
import sympy

from linkage.engine.threshold import (
    ALWAYS,
    NEVER,
    Threshold,
    combine,
    is_ge,
    known_sign,
    roots_in_unit_interval,
    single_term,
)
from linkage.errors import ModelError
from linkage.model.payoffs import StagePayoffs
from linkage.symbols import delta
from linkage.theory.objective import Curvature, Objective, curvature
from linkage.values import frozen_dict, to_float

__all__ = [
    "MAX_DOMAINS",
    "NonSeparableAnalysis",
    "NonSeparableGame",
    "StateConstraint",
    "analyze",
    "chains",
    "helps",
]

MAX_DOMAINS = 4
"""The separate regime has :math:`2^K` states and a growing number of deviation chains."""

State = frozenset[int]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _payoffs(
    value: Mapping[str, Sequence[StagePayoffs]],
) -> Mapping[str, tuple[StagePayoffs, ...]]:
    return frozen_dict({str(p): tuple(v) for p, v in dict(value).items()})


def _objectives(value: Objective | Mapping[str, Objective]) -> Mapping[str, Objective]:
    return frozen_dict({"*": value} if isinstance(value, Objective) else dict(value))


@attrs.frozen
class NonSeparableGame:
    """Players, domains, each player's stage payoffs per domain (in ``domains`` order) and
    objectives (one :class:`Objective` for all, or one per player)."""

    players: tuple[str, ...] = attrs.field(converter=_names)
    domains: tuple[str, ...] = attrs.field(converter=_names)
    payoffs: Mapping[str, tuple[StagePayoffs, ...]] = attrs.field(converter=_payoffs)
    objective: Mapping[str, Objective] = attrs.field(converter=_objectives)

    def __attrs_post_init__(self) -> None:
        if len(self.players) < 2:
            raise ModelError("a game needs at least two players")
        if not 1 <= len(self.domains) <= MAX_DOMAINS:
            raise ModelError(f"between 1 and {MAX_DOMAINS} domains, got {len(self.domains)}")
        for p in self.players:
            if len(self.payoffs.get(p, ())) != len(self.domains):
                raise ModelError(
                    f"player {p!r} needs payoffs in each of {len(self.domains)} domains"
                )
            if "*" not in self.objective and p not in self.objective:
                raise ModelError(f"player {p!r} has no objective")
            for k, sp in zip(self.domains, self.payoffs[p], strict=True):
                if sp.free_symbols:
                    raise ModelError(f"payoffs of {p!r} in {k!r} must be numbers (calibrate first)")

    def u(self, player: str) -> Objective:
        return self.objective.get(player) or self.objective["*"]

    def total(self, player: str, punished: State, deviating: State = frozenset()) -> sympy.Expr:
        r"""The material total: :math:`N` on ``punished``, :math:`D` on ``deviating``, else
        :math:`C`."""
        out = sympy.Integer(0)
        for k, sp in enumerate(self.payoffs[player]):
            out += sp.N if k in punished else (sp.D if k in deviating else sp.C)
        return out

    def interval(self, player: str) -> tuple[sympy.Expr, sympy.Expr]:
        """The totals any state can produce: sums of the per-domain minima and maxima."""
        ps = self.payoffs[player]
        return (
            sympy.Add(*(sympy.Min(p.C, p.D, p.N) for p in ps)),
            sympy.Add(*(sympy.Max(p.C, p.D, p.N) for p in ps)),
        )


@attrs.frozen
class StateConstraint:
    r"""One constraint :math:`(1-\delta)\,a \le \delta\, b` at ``state`` for a deviation in
    ``deviation`` (domain indices), with its threshold."""

    player: str
    state: State
    deviation: State
    gain: sympy.Expr
    stake: sympy.Expr
    threshold: Threshold


def _subsets(items: Sequence[int], nonempty: bool = True) -> Iterator[State]:
    for r in range(1 if nonempty else 0, len(items) + 1):
        for c in itertools.combinations(items, r):
            yield frozenset(c)


def chains(domains: int) -> Iterator[tuple[State, ...]]:
    r"""Every strictly increasing chain :math:`\varnothing = P_0 \subset \dots \subset P_m`
    (:math:`m \ge 1`) of sets of domain indices, as ``(P_0, ..., P_m)``."""

    def grow(chain: tuple[State, ...]) -> Iterator[tuple[State, ...]]:
        rest = [k for k in range(domains) if k not in chain[-1]]
        for S in _subsets(rest):
            longer = (*chain, chain[-1] | S)
            yield longer
            yield from grow(longer)

    yield from grow((frozenset(),))


def _radical(x: sympy.Expr | None) -> sympy.Expr | None:
    """A root of a quadratic as radicals (``(sqrt(1833) - 13)/64``), anything else unchanged."""
    if not isinstance(x, sympy.CRootOf) or x.poly.degree() > 2:
        return x
    target = to_float(x)
    return min(sympy.roots(x.poly, multiple=True), key=lambda r: abs(to_float(r) - target))


def _numeric_roots(poly: sympy.Poly) -> list[sympy.Expr]:
    """Real roots in (0, 1) of a polynomial with transcendental coefficients, to 40 digits
    (mpmath at 60): the one place without an exact form."""
    with mpmath.workdps(60):
        coefficients = [mpmath.mpf(str(sympy.N(c, 60))) for c in poly.all_coeffs()]
        found = mpmath.polyroots(coefficients, maxsteps=200, extraprec=120)
    real = sorted(float(r.real) for r in found if abs(r.imag) < 1e-30 and 0 < r.real < 1)
    return [sympy.Float(r, 40) for r in real]


def _region(g: sympy.Expr) -> tuple[Threshold, bool]:
    r"""The :math:`\delta \in [0, 1)` with :math:`g(\delta) \ge 0` for a polynomial ``g`` with
    number coefficients, and whether it is exact. Its roots in :math:`(0, 1)` are isolated
    exactly for rational coefficients: Sturm sequences and ``CRootOf`` (the engine's
    :func:`~linkage.engine.threshold.roots_in_unit_interval`; radicals for a quadratic). With
    irrational utilities (log, exp, roots) a one-step plan's root is exact, a longer plan's roots
    are computed to 40 digits: sympy's radicals of transcendental numbers make exact comparisons
    slow. The sign between roots is read at a rational point."""
    poly = sympy.Poly(sympy.expand(g), delta)
    if poly.is_zero:
        return ALWAYS, True
    exact = True
    if all(c.is_Rational for c in poly.all_coeffs()):
        inside = [_radical(r) for r in roots_in_unit_interval(poly.as_expr())]
    elif poly.degree() == 1:
        root = -poly.nth(0) / poly.nth(1)
        inside = [root] if known_sign(root) == 1 and known_sign(1 - root) == 1 else []
    else:
        inside, exact = _numeric_roots(poly), False
    cuts = [sympy.Integer(0), *inside, sympy.Integer(1)]
    spans: list[tuple[sympy.Expr, sympy.Expr | None]] = []
    for lo, hi in itertools.pairwise(cuts):
        mid = sympy.Rational(Fraction((to_float(lo) + to_float(hi)) / 2))
        if known_sign(poly.as_expr().xreplace({delta: mid})) == 1:
            top = None if hi == 1 else hi
            if spans and spans[-1][1] == lo:
                spans[-1] = (spans[-1][0], top)
            else:
                spans.append((lo, top))
    at_zero = known_sign(poly.as_expr().xreplace({delta: sympy.Integer(0)})) != -1
    if not spans:
        return NEVER, exact
    zero = at_zero and spans[0][0] != 0
    if len(spans) > 1:
        t = Threshold("intervals", spans[0][0], spans[-1][1], zero=zero, spans=tuple(spans))
        return t, exact
    low, high = spans[0]
    if high is None:
        return (ALWAYS if low == 0 else Threshold("threshold", low, zero=zero)), exact
    return Threshold("bounded", low, high, zero=zero), exact


@attrs.frozen(eq=False)
class NonSeparableAnalysis:
    """Thresholds of ``game`` with separate and with linked grim-trigger punishments."""

    game: NonSeparableGame

    @cached_property
    def curvatures(self) -> dict[str, Curvature]:
        """Each player's objective checked on the totals the game can produce."""
        out = {}
        for p in self.game.players:
            low, high = self.game.interval(p)
            try:
                out[p] = curvature(self.game.u(p), low, high)
            except ModelError as error:
                raise ModelError(f"objective of {p!r}: {error}") from None
        return out

    def _u(self, player: str, punished: State, deviating: State = frozenset()) -> sympy.Expr:
        return self.game.u(player)(self.game.total(player, punished, deviating))

    def _constraint(self, player: str, P: State, S: State, after: State) -> StateConstraint:
        stay = self._u(player, P)
        a = self._u(player, P, S) - stay
        b = stay - self._u(player, after)
        return StateConstraint(player, P, S, a, b, single_term(a, b, 1, None))

    @cached_property
    def separate_constraints(self) -> dict[str, list[StateConstraint]]:
        """Every state :math:`P` and deviation :math:`S \\subseteq \\bar P`, punished in S."""
        self.curvatures  # noqa: B018 (validate before computing)
        K = range(len(self.game.domains))
        return {
            p: [
                self._constraint(p, P, S, P | S)
                for P in _subsets(list(K), nonempty=False)
                for S in _subsets([k for k in K if k not in P])
            ]
            for p in self.game.players
        }

    @cached_property
    def linked_constraints(self) -> dict[str, list[StateConstraint]]:
        """Deviations from full cooperation, punished in every domain."""
        self.curvatures  # noqa: B018
        K = list(range(len(self.game.domains)))
        everything = frozenset(K)
        return {
            p: [self._constraint(p, frozenset(), S, everything) for S in _subsets(K)]
            for p in self.game.players
        }

    @cached_property
    def separate_spe(self) -> dict[str, Threshold]:
        """Subgame-perfect threshold of separate punishments: every state, every deviation."""
        return {p: combine(c.threshold for c in cs) for p, cs in self.separate_constraints.items()}

    @cached_property
    def separate_on_path(self) -> dict[str, Threshold]:
        """The naive value: one-shot deviations from full cooperation only."""
        return {
            p: combine(c.threshold for c in cs if not c.state)
            for p, cs in self.separate_constraints.items()
        }

    @cached_property
    def separate_nash(self) -> dict[str, Threshold]:
        """Cooperation is a best reply from full cooperation against every deviation *plan*."""
        return {p: t for p, (t, _) in self._plans.items()}

    @cached_property
    def plans_exact(self) -> dict[str, bool]:
        """Whether :attr:`separate_nash` is exact (False: roots to 40 digits, see ``_region``)."""
        return {p: e for p, (_, e) in self._plans.items()}

    @cached_property
    def _plans(self) -> dict[str, tuple[Threshold, bool]]:
        self.curvatures  # noqa: B018
        out = {}
        for p in self.game.players:
            base = self._u(p, frozenset())
            parts, exact = [], True
            for chain in chains(len(self.game.domains)):
                value = sympy.Integer(0)
                for j, (P, Q) in enumerate(itertools.pairwise(chain)):
                    value += (1 - delta) * delta**j * self._u(p, P, Q - P)
                value += delta ** (len(chain) - 1) * self._u(p, chain[-1])
                t, e = _region(base - value)
                parts.append(t)
                exact = exact and e
            out[p] = (combine(parts), exact)
        return out

    @cached_property
    def linked(self) -> dict[str, Threshold]:
        """Threshold of linked punishments (states: full cooperation and all punished)."""
        return {p: combine(c.threshold for c in cs) for p, cs in self.linked_constraints.items()}

    @cached_property
    def per_domain_alone(self) -> dict[str, dict[str, Threshold]]:
        r"""Each domain on its own, the others at Nash: the state :math:`P = \bar{\{k\}}`."""
        K = len(self.game.domains)
        out: dict[str, dict[str, Threshold]] = {}
        for p, cs in self.separate_constraints.items():
            out[p] = {
                name: next(c.threshold for c in cs if c.deviation == {k} and len(c.state) == K - 1)
                for k, name in enumerate(self.game.domains)
            }
        return out

    def binding(self, player: str, linked: bool = False) -> StateConstraint:
        """The constraint with the highest threshold (first in order among equals)."""
        cs = (self.linked_constraints if linked else self.separate_constraints)[player]
        return max(cs, key=lambda c: _rank(c.threshold))

    @staticmethod
    def overall(thresholds: Mapping[str, Threshold]) -> Threshold:
        """The common-:math:`\\delta` threshold: every player's constraints at once."""
        return combine(thresholds.values())


def _rank(t: Threshold) -> float:
    if t.status == "never":
        return 2.0
    if t.status == "always":
        return -1.0
    return to_float(t.exact) if t.exact is not None else 0.0


def helps(analysis: NonSeparableAnalysis) -> bool:
    """Whether linking strictly lowers the common threshold (subgame-perfect values)."""
    sep = analysis.overall(analysis.separate_spe)
    lnk = analysis.overall(analysis.linked)
    if lnk.status == "never":
        return False
    if sep.status == "never":
        return True
    assert sep.exact is not None and lnk.exact is not None
    return not is_ge(lnk.exact, sep.exact)


def analyze(game: NonSeparableGame) -> NonSeparableAnalysis:
    """The analysis of ``game`` (its objectives are checked on first use)."""
    return NonSeparableAnalysis(game)
