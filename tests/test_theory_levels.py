"""Continuous cooperation levels (linkage.theory.levels): the primer's closed forms reproduced
exactly, the theorems as property tests, and an independent numpy grid search on random games."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.errors import ModelError
from linkage.symbols import delta
from linkage.theory.levels import LevelDomain, Levels, binding_level, separate_levels, solve, x

R = sympy.Rational
PLAYERS = ("A", "B")


def primer(k: str, g, t, players=PLAYERS) -> LevelDomain:
    """The primer's family: G = g x (2 - x), T = t x**2 for every player."""
    return LevelDomain(
        k,
        {p: sympy.sympify(g) * x * (2 - x) for p in players},
        {p: sympy.sympify(t) * x**2 for p in players},
    )


def levels(domains, d, players=PLAYERS) -> Levels:
    return Levels(players, domains, dict.fromkeys(players, sympy.sympify(d)))


# -- the primer's worked results -------------------------------------------------------------


@pytest.mark.parametrize("d", [R(1, 10), R(1, 4), R(1, 2), R(2, 3), R(9, 10)])
@pytest.mark.parametrize(("g", "t"), [(1, 1), (1, 3), (2, 1), (R(1, 2), 5)])
def test_separate_level_is_the_primers_closed_form(d, g, t):
    """x* = min{1, 2 delta g / ((1 - delta) t + delta g)} (primer §1)."""
    result = solve(levels([primer("k", g, t)], d))
    expected = sympy.Min(1, 2 * d * g / ((1 - d) * t + d * g))
    assert result.separate[0].level == expected
    assert (result.separate[0].level == 1) == (d >= R(t) / (t + g))


def test_binding_level_formula():
    g, t = sympy.symbols("g t", positive=True)
    assert (
        sympy.simplify(
            binding_level(g * x * (2 - x), t * x**2) - 2 * delta * g / ((1 - delta) * t + delta * g)
        )
        == 0
    )
    # quadratic temptation, linear gain: x = delta g / ((1 - delta) t)
    assert sympy.simplify(binding_level(g * x, t * x**2) - delta * g / ((1 - delta) * t)) == 0


def test_linked_primer_kkt_closed_form():
    """Linked: x_k = g_k / (g_k + lambda t_k) with one lambda for all domains (primer §1)."""
    d = R(1, 2)
    result = solve(levels([primer("k1", 1, 1), primer("k2", 1, 3)], d))
    x1, x2 = (result.linked.levels[k] for k in ("k1", "k2"))
    lam1 = (1 - x1) / x1  # g/(g + lam t) with g = t = 1
    lam2 = (1 - x2) / (3 * x2)
    assert sympy.N(lam1 - lam2, 50) == 0 or abs(sympy.N(lam1 - lam2, 50)) < 1e-45
    mu = result.linked.multipliers["A"]
    # welfare is both players' gains, 2 G: lambda = mu (1 - delta) / (2 + mu delta)
    assert abs(sympy.N(lam1 - mu * (1 - d) / (2 + mu * d), 50)) < 1e-45
    # the pooled constraint binds exactly
    pooled = sum(d * x_ * (2 - x_) - (1 - d) * t * x_**2 for x_, t in ((x1, 1), (x2, 3)))
    assert sympy.minimal_polynomial(pooled, sympy.Symbol("z")) == sympy.Symbol("z")
    assert result.gain > 0


def test_linked_slack_regime_starts_at_pooled_ratio():
    """All x_k = 1 under linkage iff delta >= sum t / (sum t + sum g) (primer §7.6)."""
    doms = [primer("k1", 1, 1), primer("k2", 1, 3)]  # sum t/(sum t + sum g) = 4/6 = 2/3
    assert set(solve(levels(doms, R(2, 3))).linked.levels.values()) == {1}
    assert set(solve(levels(doms, R(2, 3) - R(1, 100))).linked.levels.values()) != {1}


def test_quadratic_temptation_linear_gain_has_radicals():
    d = R(1, 2)
    doms = [
        LevelDomain("k1", {p: 2 * x for p in PLAYERS}, {p: 3 * x**2 for p in PLAYERS}),
        LevelDomain("k2", {p: x for p in PLAYERS}, {p: 5 * x**2 for p in PLAYERS}),
    ]
    result = solve(levels(doms, d))
    assert result.separate[0].level == R(2, 3) and result.separate[1].level == R(1, 5)
    for value in result.linked.levels.values():
        assert not value.has(sympy.CRootOf)


# -- theorems --------------------------------------------------------------------------------

coefficient = st.integers(1, 6).map(sympy.Integer)
discount = st.integers(1, 19).map(lambda n: R(n, 20))


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(coefficient, coefficient), min_size=1, max_size=3), discount)
def test_linkage_never_lowers_welfare(gt, d):
    result = solve(levels([primer(f"k{i}", g, t) for i, (g, t) in enumerate(gt)], d))
    assert sympy.N(result.gain, 50) >= -1e-40
    assert result.linked.welfare.is_number


@settings(max_examples=12, deadline=None)
@given(coefficient, st.lists(st.tuples(coefficient, coefficient), min_size=2, max_size=3), discount)
def test_proportional_constraints_irrelevance(ratio, scales, d):
    """t_k / g_k equal across domains: linking changes nothing (primer §2, TV22)."""
    doms = [primer(f"k{i}", s * m, s * m * ratio / 2) for i, (s, m) in enumerate(scales)]
    result = solve(levels(doms, d))
    assert result.gain == 0
    for sep in result.separate:
        assert result.linked.levels[sep.domain] == sep.level


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(coefficient, coefficient), min_size=1, max_size=3))
def test_full_cooperation_separately_nothing_changes(gt):
    d = max(R(t, t + g) for g, t in gt)
    result = solve(levels([primer(f"k{i}", g, t) for i, (g, t) in enumerate(gt)], d))
    assert all(s.level == 1 for s in result.separate)
    assert set(result.linked.levels.values()) == {1} and result.gain == 0


# -- independent numeric check (numpy grid, written apart) -------------------------------------


def _grid_separate(g, t, d, n=20001):
    """Largest grid level with d g(x) >= (1-d) t(x) for every player (numpy)."""
    xs = np.linspace(0, 1, n)
    ok = np.ones_like(xs, dtype=bool)
    for gi, ti in zip(g, t, strict=True):
        ok &= d * gi(xs) - (1 - d) * ti(xs) >= -1e-14
    return xs[ok].max()


def _grid_linked(doms, d, n=401):
    """Max total welfare on a grid of (x1, x2) subject to the pooled constraint of each player."""
    xs = np.linspace(0, 1, n)
    X1, X2 = np.meshgrid(xs, xs, indexing="ij")
    welfare = np.zeros_like(X1)
    ok = np.ones_like(X1, dtype=bool)
    for p in range(len(doms[0][0])):
        pooled = np.zeros_like(X1)
        for (g, t), X in zip(doms, (X1, X2), strict=True):
            pooled += d * g[p](X) - (1 - d) * t[p](X)
        ok &= pooled >= -1e-14
    for (g, _), X in zip(doms, (X1, X2), strict=True):
        for gp in g:
            welfare += gp(X)
    return welfare[ok].max()


FAMILIES = [
    (lambda c: c * x, lambda c: lambda v: c * v),
    (lambda c: c * x**2, lambda c: lambda v: c * v**2),
    (lambda c: c * x * (2 - x), lambda c: lambda v: c * v * (2 - v)),
    (lambda c: c * (x + x**3), lambda c: lambda v: c * (v + v**3)),
]
"""Linear, quadratic, the primer's concave gain and a cubic (gains from the first and third)."""


def _random_domain(rng, name):
    """Per-player gain (concave or linear) and temptation (any family); both 0 at 0."""
    gains, temps, fg, ft = {}, {}, [], []
    for p in PLAYERS:
        i, j = rng.integers(0, len(FAMILIES), 2)
        cg, ct = (int(v) for v in rng.integers(1, 7, 2))
        gi = [0, 2][i % 2]
        gains[p] = FAMILIES[gi][0](cg)
        temps[p] = FAMILIES[j][0](ct)
        fg.append(FAMILIES[gi][1](cg))
        ft.append(FAMILIES[j][1](ct))
    return LevelDomain(name, gains, temps), (fg, ft)


def test_random_separate_levels_agree_with_grid_search():
    """200 random domains with player-specific functions, square roots included."""
    rng = np.random.default_rng(15)
    roots = [*FAMILIES, (lambda c: c * sympy.sqrt(x), lambda c: lambda v: c * np.sqrt(v))]
    for _ in range(200):
        gains, temps, fg, ft = {}, {}, [], []
        for p in PLAYERS:
            i, j = (int(v) for v in rng.integers(0, len(roots), 2))
            i = [0, 2, 4][i % 3]
            cg, ct = (int(v) for v in rng.integers(1, 7, 2))
            gains[p], temps[p] = roots[i][0](cg), roots[j][0](ct)
            fg.append(roots[i][1](cg))
            ft.append(roots[j][1](ct))
        d = R(int(rng.integers(1, 20)), 20)
        (sep,) = separate_levels(levels([LevelDomain("k", gains, temps)], d))
        grid = _grid_separate(fg, ft, float(d))
        assert grid - 1e-9 <= float(sep.level) <= grid + 1e-4, (gains, temps, d)


def test_random_instances_agree_with_grid_search():
    rng = np.random.default_rng(20261130)
    for _ in range(25):
        dom1, num1 = _random_domain(rng, "k1")
        dom2, num2 = _random_domain(rng, "k2")
        d = R(int(rng.integers(1, 20)), 20)
        result = solve(levels([dom1, dom2], d))
        for sep, (g, t) in zip(result.separate, (num1, num2), strict=True):
            grid = _grid_separate(g, t, float(d))
            assert float(sep.level) >= grid - 1e-9, (dom1, dom2, d)
            assert float(sep.level) <= grid + 1e-4
        grid = _grid_linked([num1, num2], float(d))
        linked = float(sympy.N(result.linked.welfare, 30))
        separate = float(sympy.N(result.separate_welfare, 30))
        assert linked >= grid - 1e-9, (dom1, dom2, d)
        assert linked >= separate - 1e-12
        # the exact optimum is feasible: check the pooled constraints at its levels
        for p in PLAYERS:
            pooled = sum(
                d * dom.gain[p].subs(x, result.linked.levels[dom.id])
                - (1 - d) * dom.temptation[p].subs(x, result.linked.levels[dom.id])
                for dom in (dom1, dom2)
            )
            assert sympy.N(pooled, 50) >= -1e-40


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gain", "message"),
    [
        (sympy.log(x), "not defined on [0, 1]"),
        (1 / x, "pole at x = 0"),
        (sympy.sqrt(x - R(1, 2)), "not defined on [0, 1]"),
        (x + 1, "is 1 at x = 0"),
        (sympy.exp(x) - 1, "sum of rational powers"),
        (-x, "must increase strictly"),
    ],
)
def test_bad_functions_are_named(gain, message):
    dom = LevelDomain(
        "k",
        {p: gain for p in PLAYERS},
        {p: x**2 for p in PLAYERS},
        paths={"gain.A": "domains[0].gain.A"},
    )
    with pytest.raises(ModelError, match=message.replace("[", r"\[").replace("]", r"\]")):
        solve(levels([dom], R(1, 2)))


# -- the case-file kind ----------------------------------------------------------------------

CASE = """
[case]
id = "toy"
players = ["A", "B"]
discount = 0.5

[parameters]
t2 = { value = 3 }
a = { value = -1 }

[[domains]]
id = "d1"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }

[[analyses]]
kind = "levels"

[[analyses.domains]]
id = "k1"
gain = "x*(2 - x)"
temptation = { family = "quadratic", scale = 1 }

[[analyses.domains]]
id = "k2"
gain = { family = "concave-quadratic", scale = 1 }
temptation = { A = "t2*x**2", B = "t2*x**2" }
"""


def test_case_file_kind_reproduces_the_primer_example():
    from linkage.cases.loader import load_case_text

    (section,) = load_case_text(CASE).findings()
    assert section.data["separate"] == {"k1": "1", "k2": "1/2"}
    assert section.data["linked_welfare"] == "CRootOf(16*x**3 - 112*x**2 + 301*x - 384, 0)"


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('gain = "x*(2 - x)"', 'gain = "log(x)"', "analyses[0].domains[0].gain"),
        ('gain = "x*(2 - x)"', 'gain = "1 + x"', "analyses[0].domains[0].gain"),
        ('family = "quadratic"', 'family = "quadratc"', "analyses[0].domains[0].temptation.family"),
        ("scale = 1 }\n\n", "scal = 1 }\n\n", "analyses[0].domains[0].temptation.scal"),
        ("temptation = { A", "temptatio = { A", "analyses[0].domains[1].temptatio"),
    ],
)
def test_case_file_errors_name_the_key(old, new, path):
    from linkage.cases.loader import load_case_text
    from linkage.errors import CaseError, CaseErrors

    assert old in CASE
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace(old, new, 1))
    errors = getattr(info.value, "errors", [info.value])
    assert path in [e.location.key_path for e in errors]


def test_parametrised_function_checked_at_the_calibration():
    from linkage.cases.loader import load_case_text

    case = load_case_text(CASE.replace('"t2*x**2", B', '"t2*x**a", B'))
    with pytest.raises(ModelError, match=r"domains\[1\]\.temptation\.A = 3/x.*pole at x = 0"):
        case.findings()


def test_stationary_level_is_the_primers_kkt_form():
    """W = 2 G (two symmetric players), h = delta G - (1 - delta) T: x = g(2 + mu delta) /
    (g(2 + mu delta) + mu (1 - delta) t), i.e. g/(g + lambda t) (primer §1)."""
    from linkage.theory.levels import stationary_level

    g, t, mu = sympy.symbols("g t mu", positive=True)
    G, T = g * x * (2 - x), t * x**2
    level = stationary_level(2 * G, delta * G - (1 - delta) * T, mu)
    lam = mu * (1 - delta) / (2 + mu * delta)
    assert sympy.simplify(level - g / (g + lam * t)) == 0


def test_a_linked_problem_too_large_to_solve_exactly_is_refused_before_solving() -> None:
    """Degrees above the limits (one cubic among three domains took minutes) are refused with the
    domain and the limit named; the separate levels, cheap at any degree, are not limited."""
    from linkage.errors import TooLargeError

    quad = LevelDomain("q", {"A": 2 * x, "B": 2 * x}, {"A": x**2, "B": x**2})
    cubic = LevelDomain("c", {"A": 2 * x, "B": 2 * x}, {"A": x**3 + x, "B": 2 * x**2})
    low = sympy.Rational(1, 5)  # the constraints bind: no full cooperation at x = 1
    problem = Levels(("A", "B"), (quad, attrs.evolve(quad, id="r"), cubic), {"A": low, "B": low})
    assert len(separate_levels(problem)) == 3
    with pytest.raises(TooLargeError, match=r"domain 'c'.*degree 3.*above the 2"):
        solve(problem)
