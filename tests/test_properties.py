"""Property-based tests of the primer's theorems (hypothesis), with exact arithmetic throughout."""

from __future__ import annotations

import numpy as np
import sympy
from helpers import game
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sympy import Rational

from linkage import LinkageStructure, Rule, StagePayoffs, TPeriodReversion, analyze, critical_delta
from linkage.engine.condition import Condition
from linkage.engine.numeric import compile_conditions
from linkage.engine.slack import pooled_threshold, pooled_threshold_weighted_mean, raw_threshold
from linkage.symbols import delta

small = st.integers(min_value=-6, max_value=12)
unit = st.fractions(min_value=0, max_value=1, max_denominator=40).filter(lambda f: f < 1)


@st.composite
def pd_issue(draw: st.DrawFn, *, concessions: bool = False) -> tuple[int, int, int]:
    """(C, D, N); a prisoner's dilemma D >= C > N unless ``concessions`` allows anything."""
    c = draw(small)
    d = draw(st.integers(min_value=c, max_value=c + 10))
    n = draw(small) if concessions else draw(st.integers(min_value=c - 10, max_value=c - 1))
    return c, d, n


@st.composite
def two_player_payoffs(
    draw: st.DrawFn, *, concessions: bool = False, max_k: int = 4
) -> dict[str, list[tuple[int, int, int]]]:
    k = draw(st.integers(min_value=1, max_value=max_k))
    return {p: [draw(pd_issue(concessions=concessions)) for _ in range(k)] for p in ("A", "B")}


@st.composite
def rules_structure(draw: st.DrawFn, k: int) -> LinkageStructure:
    ids = [f"d{i + 1}" for i in range(k)]
    rules = []
    for _ in range(draw(st.integers(0, 4))):
        domain = draw(st.sampled_from(ids))
        punished = draw(st.lists(st.sampled_from(ids), max_size=k, unique=True))
        rules.append(Rule(draw(st.sampled_from(["A", "B", "*"])), domain, punished))
    return LinkageStructure("rules", rules=rules)


@given(two_player_payoffs(concessions=True), unit, unit, st.data())
@settings(max_examples=150)
def test_linkage_never_shrinks_the_sustainable_set(payoffs, dA, dB, data) -> None:
    """U(delta) ⊆ L(delta): a package sustainable domain by domain is sustainable when linked,
    under full linkage and under any rules structure (separable payoffs, Nash reversion)."""
    k = len(payoffs["A"])
    deltas = {"A": Rational(dA), "B": Rational(dB)}
    for structure in (LinkageStructure("full"), data.draw(rules_structure(k))):
        a = analyze(game(payoffs, deltas, structure))
        if all(a.separate_sustainable.values()):
            assert a.linked_sustainable is True
        if a.linked_sustainable is False:
            assert not all(a.separate_sustainable.values())


@given(
    st.fractions(min_value=Rational(1, 50), max_value=Rational(49, 50), max_denominator=50),
    st.fractions(min_value=Rational(1, 50), max_value=Rational(49, 50), max_denominator=50),
    st.lists(st.integers(min_value=1, max_value=30), min_size=2, max_size=4),
    st.lists(st.integers(min_value=1, max_value=30), min_size=2, max_size=4),
)
def test_irrelevance_when_thresholds_are_equal_across_domains(tA, tB, widthsA, widthsB) -> None:
    """If each player's delta_ik are equal across domains, linkage changes no threshold."""
    k = min(len(widthsA), len(widthsB))

    def issues(t, widths):
        # D - N = w, D - C = t * w  =>  delta_k = t for every k
        return [(Rational(w) - Rational(t) * w, Rational(w), 0) for w in widths[:k]]

    a = analyze(game({"A": issues(tA, widthsA), "B": issues(tB, widthsB)}, Rational(1, 2)))
    for p, t in (("A", tA), ("B", tB)):
        assert {x.exact for x in a.separate_thresholds[p].values()} == {Rational(t)}
        assert a.linked_thresholds[p].exact == Rational(t)
    assert a.helps_interval is None


@given(st.lists(pd_issue(), min_size=1, max_size=6))
def test_pooled_threshold_is_the_weighted_mean(issues) -> None:
    """delta_A = sum_k w_k delta_k with w_k = (D_k - N_k) / sum_j (D_j - N_j); min <= delta_A <= max."""
    ps = [StagePayoffs(C=c, D=d, N=n) for c, d, n in issues]
    pooled = pooled_threshold(ps)
    assert pooled == pooled_threshold_weighted_mean(ps)
    singles = [raw_threshold(p) for p in ps]
    assert min(singles) <= pooled <= max(singles)
    # and the engine's full-linkage threshold is exactly this mediant
    a = analyze(game({"A": issues, "B": issues}, Rational(1, 2)))
    t = a.linked_thresholds["A"]
    assert (t.exact if t.status != "never" else None) == (pooled if pooled < 1 else None) or (
        t.status == "always" and pooled == 0
    )


@given(pd_issue(), st.integers(min_value=1, max_value=7))
@settings(max_examples=60)
def test_t_period_thresholds_fall_towards_grim(issue, T) -> None:
    c, d, n = issue
    assume(d > c)
    a, b = Rational(d - c), Rational(c - n)
    grim = critical_delta("grim", a, b)
    shorter = critical_delta("t_period", a, b, T)
    longer = critical_delta("t_period", a, b, T + 1)
    if shorter.status == "threshold":
        assert longer.status == "threshold"
        assert sympy.N(shorter.exact - longer.exact, 40) >= 0
        assert sympy.N(longer.exact - grim.exact, 40) >= 0
    # far out the threshold is within reach of grim (numeric T-period root by bisection)
    cond = Condition.t_period(a, b, 400)
    far = compile_conditions([cond], [])()
    if grim.exact is not None and float(grim.exact) < 0.95:
        assert abs(float(far) - float(grim.exact)) < 1e-6


@given(pd_issue(), st.sampled_from(["grim", 1, 2, 3, 5]))
@settings(max_examples=80)
def test_at_the_threshold_gain_equals_loss(issue, form) -> None:
    """At the reported threshold the deviation gain equals the punishment loss (numerically)."""
    c, d, n = issue
    assume(d > c)
    a, b = Rational(d - c), Rational(c - n)
    cond = Condition.grim(a, b) if form == "grim" else Condition.t_period(a, b, form)
    t = cond.threshold
    assume(t.status == "threshold")
    gap = sympy.N(cond.slack(t.exact), 50)
    assert abs(gap) < sympy.Float("1e-40")
    # just below the threshold the constraint fails, just above it holds
    eps = Rational(1, 10**6)
    assert sympy.N(cond.slack(t.exact - eps), 30) < 0
    if float(t.exact) + 1e-6 < 1:
        assert sympy.N(cond.slack(t.exact + eps), 30) > 0


@given(two_player_payoffs(concessions=True, max_k=3), st.sampled_from(["grim", 1, 2, 3]))
@settings(max_examples=60)
def test_numeric_evaluation_agrees_with_exact_engine(payoffs, form) -> None:
    strategy = None if form == "grim" else TPeriodReversion(form)
    a = analyze(game(payoffs, Rational(1, 2), strategy=strategy))
    for p in ("A", "B"):
        conds = [c for dc in a.linked_constraints[p] for c in dc.conditions]
        value = float(compile_conditions(conds, [])())
        t = a.linked_thresholds[p]
        if t.status == "never":
            assert np.isnan(value)
        else:
            assert abs(value - float(t.exact)) < 1e-9


def test_helps_interval_is_exactly_where_linkage_helps() -> None:
    g = game({"A": [(3, 4, 1), (3, 6, 1)], "B": [(3, 4, 1), (3, 6, 1)]}, Rational(1, 2))
    interval = analyze(g).helps_interval
    assert interval is not None
    for num in range(0, 100):
        d = Rational(num, 100)
        at = analyze(game({"A": [(3, 4, 1), (3, 6, 1)], "B": [(3, 4, 1), (3, 6, 1)]}, d))
        inside = bool(interval.low <= d) and bool(d < interval.high)
        assert at.helps is inside
    assert delta not in interval.low.free_symbols
