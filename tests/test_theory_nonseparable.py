"""Non-separable objectives (Spagnolo 1999): the primer's worked example, the theorems as
properties, linear u against the separable engine, and an independent numeric brute force."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.engine import analysis as engine
from linkage.engine.threshold import combine, is_ge
from linkage.errors import ModelError
from linkage.model import FULL, SEPARATE, Domain, Game, StagePayoffs
from linkage.theory.nonseparable import NonSeparableGame, analyze, chains, helps
from linkage.theory.objective import Objective, curvature, family, register_family, w

PLAYERS = ("A", "B")


def game(payoffs, u, players=PLAYERS):
    """payoffs: {player: [(C, D, N), ...]} or one list for every player."""
    if not isinstance(payoffs, dict):
        payoffs = dict.fromkeys(players, payoffs)
    K = len(next(iter(payoffs.values())))
    return NonSeparableGame(
        players,
        tuple(f"d{k + 1}" for k in range(K)),
        {p: [StagePayoffs(C=c, D=d, N=n) for c, d, n in v] for p, v in payoffs.items()},
        u,
    )


QUADRATIC = family("quadratic", {"s": sympy.Integer(20)})


# -- the primer's worked example (§3, §7.7) -------------------------------------------------------
def test_spagnolo_identical_markets_exact():
    """V(pi) = pi - pi^2/40, two identical markets (C, D, N) = (3, 5, 1)."""
    a = analyze(game([(3, 5, 1)] * 2, QUADRATIC))
    assert a.curvatures["A"] == "strictly concave"
    assert a.separate_on_path["A"].exact == sympy.Rational(13, 28)  # the naive per-market IC
    nash = a.separate_nash["A"]
    assert nash.status == "threshold"
    assert sympy.simplify(nash.exact - (sympy.sqrt(1833) - 13) / 64) == 0  # deviation plans
    assert a.separate_spe["A"].exact == sympy.Rational(15, 32)  # market 1 already punished
    assert a.linked["A"].exact == sympy.Rational(3, 7)  # linkage helps with identical markets
    binding = a.binding("A")
    assert binding.state == {0} and binding.deviation == {1}
    assert a.per_domain_alone["A"]["d1"].exact == sympy.Rational(15, 32)
    assert helps(a)


def test_linear_objective_is_bernheim_whinston_irrelevance():
    a = analyze(game([(3, 5, 1)] * 2, family("linear", {})))
    assert a.curvatures["A"] == "linear"
    values = {a.separate_spe["A"].exact, a.separate_nash["A"].exact, a.linked["A"].exact}
    assert values == {sympy.Rational(1, 2)}
    assert not helps(a)


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("log", {"c": 1}),
        ("power", {"a": sympy.Rational(1, 2)}),
        ("cara", {"r": sympy.Rational(1, 5)}),
    ],
)
def test_families_linkage_helps_with_identical_domains(name, parameters):
    a = analyze(game([(3, 5, 1)] * 2, family(name, parameters)))
    assert a.curvatures["A"] == "strictly concave"
    assert helps(a)
    lnk, spe, path = a.linked["A"], a.separate_spe["A"], a.separate_on_path["A"]
    assert is_ge(spe.exact, path.exact) and not is_ge(lnk.exact, path.exact)


def test_chains_count_ordered_partitions_of_subsets():
    # sum_j C(K, j) * Fubini(j) - 1 (the empty chain is not a deviation)
    assert [sum(1 for _ in chains(K)) for K in (1, 2, 3)] == [1, 5, 25]


# -- the objective's checks -----------------------------------------------------------------------
def test_convex_objective_is_refused_with_a_witness():
    with pytest.raises(ModelError, match=r"not concave on \[2, 10\]"):
        curvature(Objective(w**2), 2, 10)
    with pytest.raises(ModelError, match=r"objective of 'A'.*not concave"):
        analyze(game([(3, 5, 1)] * 2, Objective(w**3))).separate_spe  # noqa: B018


def test_objective_outside_its_domain_or_decreasing_is_refused():
    with pytest.raises(ModelError, match="not defined at w = 0"):
        curvature(Objective(sympy.log(w)), 0, 4)
    with pytest.raises(ModelError, match="not increasing"):
        curvature(family("quadratic", {"s": sympy.Integer(4)}), 0, 10)
    with pytest.raises(ModelError, match="not defined on all"):
        curvature(Objective(-1 / (w - 3)), 0, 10)
    with pytest.raises(ModelError, match="0 < a < 1"):
        family("power", {"a": sympy.Integer(2)})


def test_concavity_decided_exactly_for_rational_and_sampled_functions():
    # u'' = -(w - 1)^2 * 6 ... a rational u'' with a double root: concave, decided exactly
    assert curvature(Objective(w - (w - 1) ** 4 / 100), 0, 2) == "strictly concave"
    # a sign change inside: witness found by root isolation
    with pytest.raises(ModelError, match="not concave"):
        curvature(Objective(w + (w - 1) ** 3 / 100), 0, 2)
    # transcendental and undecided by sympy's sign rules: exact point checks
    odd = Objective(w + sympy.sin(w) / 10)
    with pytest.raises(ModelError, match="not concave"):
        curvature(odd, 0, 7)


def test_a_plugin_registers_a_family():
    register_family("test_sqrt_shift", ("k",), lambda p: sympy.sqrt(w + p.get("k", 1)))
    try:
        u = family("test_sqrt_shift", {"k": sympy.Integer(2)})
        assert curvature(u, 0, 5) == "strictly concave"
        with pytest.raises(ModelError, match="already registered"):
            register_family("test_sqrt_shift", (), lambda p: w)
    finally:
        from linkage.theory.objective import FAMILIES

        del FAMILIES["test_sqrt_shift"]


# -- linear u: exactly the separable engine ------------------------------------------------------
triples = st.tuples(st.integers(-3, 6), st.integers(0, 8), st.integers(-4, 4)).filter(
    lambda t: t[1] >= t[0] > t[2]
)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda K: st.lists(st.lists(triples, min_size=K, max_size=K), min_size=2, max_size=2)
    )
)
def test_linear_objective_equals_the_engine(rows):
    payoffs = dict(zip(PLAYERS, rows, strict=True))
    ours = analyze(game(payoffs, family("linear", {})))
    domains = tuple(
        Domain(
            f"d{k + 1}",
            {p: dict(C=c, D=d, N=n) for p, (c, d, n) in ((p, payoffs[p][k]) for p in PLAYERS)},
        )
        for k in range(len(rows[0]))
    )
    separate = engine.analyze(Game(PLAYERS, domains, sympy.Rational(1, 2), linkage=SEPARATE))
    linked = engine.analyze(Game(PLAYERS, domains, sympy.Rational(1, 2), linkage=FULL))
    for p in PLAYERS:
        assert ours.separate_spe[p] == combine(separate.separate_thresholds[p].values())
        assert ours.separate_nash[p] == ours.separate_spe[p]  # sequential plans add nothing
        assert ours.linked[p] == linked.linked_thresholds[p]


# -- theorems as properties ------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(triples, st.integers(2, 3), st.integers(30, 200))
def test_identical_domains_strict_concavity_linkage_strictly_helps(triple, K, s):
    C, D, _ = triple
    if D == C or K * max(C, D) >= s:  # no temptation, or u not increasing on the totals
        return
    a = analyze(game([triple] * K, family("quadratic", {"s": sympy.Integer(s)})))
    assert helps(a)
    assert not is_ge(a.linked["A"].exact, a.separate_on_path["A"].exact)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(triples, min_size=2, max_size=2), min_size=2, max_size=2), st.integers(40, 90)
)
def test_linkage_never_raises_a_threshold_and_spe_is_strongest(rows, s):
    a = analyze(
        game(dict(zip(PLAYERS, rows, strict=True)), family("quadratic", {"s": sympy.Integer(s)}))
    )
    for p in PLAYERS:
        lnk, path, nash, spe = (
            a.linked[p],
            a.separate_on_path[p],
            a.separate_nash[p],
            a.separate_spe[p],
        )
        for weaker, stronger in ((lnk, path), (path, nash), (nash, spe)):
            assert _low(weaker) <= _low(stronger) or is_ge(_low(stronger), _low(weaker))


def _low(t):
    return {"always": sympy.Integer(0), "never": sympy.Integer(1)}.get(t.status, t.exact)


# -- independent numeric brute force --------------------------------------------------------------
# Written from first principles with floats: no import from linkage.theory is used below.
def _u_quadratic(s):
    return lambda x: x - x * x / (2 * s)


def _spe_holds(rows, u, d, linked):
    """One-shot deviation check at every state (set of punished domains) by direct evaluation."""
    K = len(rows)
    everything = frozenset(range(K))
    states = (
        [frozenset()]
        if linked
        else [frozenset(c) for r in range(K + 1) for c in itertools.combinations(range(K), r)]
    )
    for P in states:
        stay = u(sum(rows[k][2] if k in P else rows[k][0] for k in range(K)))
        rest = [k for k in range(K) if k not in P]
        for r in range(1, len(rest) + 1):
            for S in itertools.combinations(rest, r):
                now = u(
                    sum(
                        rows[k][2] if k in P else rows[k][1] if k in S else rows[k][0]
                        for k in range(K)
                    )
                )
                after_set = everything if linked else P | set(S)
                after = u(sum(rows[k][2] if k in after_set else rows[k][0] for k in range(K)))
                if (1 - d) * now + d * after > stay + 1e-12:
                    return False
    return True


def _nash_holds(rows, u, d):
    """The deviator's best plan against separate grim triggers by dynamic programming over the
    lattice of punished sets (largest first): W(P) = max(stay at P for ever, deviate in S now
    and continue optimally from P | S)."""
    K = len(rows)
    states = [frozenset(c) for r in range(K, -1, -1) for c in itertools.combinations(range(K), r)]
    W = {}
    for P in states:
        best = u(sum(rows[k][2] if k in P else rows[k][0] for k in range(K)))
        rest = [k for k in range(K) if k not in P]
        for r in range(1, len(rest) + 1):
            for S in itertools.combinations(rest, r):
                now = u(
                    sum(
                        rows[k][2] if k in P else rows[k][1] if k in S else rows[k][0]
                        for k in range(K)
                    )
                )
                best = max(best, (1 - d) * now + d * W[P | set(S)])
        W[P] = best
    coop = u(sum(row[0] for row in rows))
    return W[frozenset()] <= coop + 1e-10


def test_brute_force_agrees_on_random_instances():
    rng = random.Random(15)
    grid = [i / 32 for i in range(1, 32)]
    checked = 0
    for instance in range(200):
        K = rng.choice((2, 2, 3))
        rows = {}
        for p in PLAYERS:
            rows[p] = []
            for _k in range(K):
                N = rng.randint(-2, 3)
                C = N + rng.randint(1, 4)
                rows[p].append((C, C + rng.randint(0, 4), N))
        s = rng.randint(3 * 8, 60)
        a = analyze(game(rows, family("quadratic", {"s": sympy.Integer(s)})))
        u = _u_quadratic(s)
        for p in PLAYERS:
            spe, lnk = a.separate_spe[p], a.linked[p]
            nash = a.separate_nash[p] if instance < 40 else None  # plans: the costly part
            for d in grid:
                if any(_near(t, d) for t in (spe, nash, lnk) if t is not None):
                    continue
                exact_d = sympy.Rational(Fraction(d).limit_denominator(1000))
                assert spe.holds_at(exact_d) == _spe_holds(rows[p], u, d, linked=False)
                assert lnk.holds_at(exact_d) == _spe_holds(rows[p], u, d, linked=True)
                if nash is not None:
                    assert nash.holds_at(exact_d) == _nash_holds(rows[p], u, d)
                checked += 1
    assert checked > 10000


def _near(t, d):
    ends = [t.exact, t.upper, *(e for span in t.spans for e in span)]
    return any(e is not None and math.isclose(float(e), d, abs_tol=1e-6) for e in ends)


# -- the analysis kind ----------------------------------------------------------------------------
CASE = """
[case]
id = "two-markets"
players = ["firm1", "firm2"]
discount = 0.45

[parameters]
s = 20

[[domains]]
id = "m1"
payoffs.firm1 = {C = 3, D = 5, N = 1}
payoffs.firm2 = {C = 3, D = 5, N = 1}

[[domains]]
id = "m2"
payoffs.firm1 = {C = 3, D = 5, N = 1}
payoffs.firm2 = {C = 3, D = 5, N = 1}

[[analyses]]
kind = "nonseparable"
objective = "w - w**2/(2*s)"
"""


def test_case_file_kind_reproduces_the_example():
    from linkage.cases.loader import load_case_text

    (section,) = load_case_text(CASE).findings()
    assert section.verdict == "linking lowers the critical discount factor from 15/32 to 3/7"
    assert section.data["players"]["firm1"]["separate_spe"] == "15/32"


@pytest.mark.parametrize(
    ("replace", "path", "message"),
    [
        ('objective = "w**2"', "analyses[0].objective", "not concave anywhere"),
        ('objective = "3"', "analyses[0].objective", "must depend on the total w"),
        ('objective = {family = "logg"}', "analyses[0].objective.family", "expected one of"),
        ('objective = {family = "cara", q = 1}', "analyses[0].objective.q", "unknown key"),
        ('objective = "w"\npayoffs.m1 = {C = 3, D = 5}', "analyses[0].payoffs.m1.N", "missing"),
    ],
)
def test_case_file_errors_are_located(replace, path, message):
    from linkage.cases.loader import load_case_text
    from linkage.errors import CaseError, CaseErrors

    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace('objective = "w - w**2/(2*s)"', replace))
    errors = getattr(info.value, "errors", [info.value])
    found = [(e.location.key_path, str(e)) for e in errors]
    assert any(p == path and message in text for p, text in found), found


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (
            'objective = "w - w**2/(2*s)"\nobjectives.firm2 = "w**3"',
            "objectives: objective of 'firm2'.*not concave",
        ),
        ('objective = "log(w - 4)"', "objective: objective of 'firm1'.*not defined at w = 2"),
        ('objective = {family = "quadratic", s = 4}', "objective: .*not increasing"),
        ('objective = "w"\ndomains = ["m3"]', "domains: no domain 'm3'"),
    ],
)
def test_impossible_objectives_name_the_key(replace, message):
    from linkage.cases.loader import load_case_text

    case = load_case_text(CASE.replace('objective = "w - w**2/(2*s)"', replace))
    with pytest.raises(
        ModelError,
        match=r"analysis 'nonseparable' \(nonseparable\) at 'analyses\[0\]' \(line \d+\): "
        + message,
    ):
        case.findings()
