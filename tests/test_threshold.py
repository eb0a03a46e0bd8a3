"""Critical discount factors of single constraints: exact values and every degenerate case."""

from __future__ import annotations

import pytest
import sympy
from sympy import Rational, sqrt

from linkage import StagePayoffs, critical_delta
from linkage.engine.condition import Condition
from linkage.engine.threshold import cleared_polynomial, combine, is_ge, root_in_unit_interval
from linkage.symbols import delta


def grim(C: object, D: object, N: object) -> object:
    p = StagePayoffs(C=C, D=D, N=N)
    return critical_delta("grim", p.temptation, p.stake)


def test_textbook_value_is_exact() -> None:
    t = grim(3, 4, 1)
    assert t.status == "threshold"
    assert t.exact == Rational(1, 3)
    assert t.as_json() == {"status": "threshold", "exact": "1/3", "value": pytest.approx(1 / 3)}


def test_bertrand_tv03_one_minus_one_over_n() -> None:
    for n in range(2, 9):
        pi = Rational(12)
        assert grim(pi / n, pi, 0).exact == 1 - Rational(1, n)


def test_no_temptation_D_equals_C_is_always() -> None:
    t = grim(3, 3, 1)
    assert t.status == "always"
    assert t.exact == 0
    assert t.holds_at(0)


def test_D_below_C_is_clamped_to_always() -> None:
    assert grim(3, 2, 1).status == "always"


def test_C_equals_N_is_never_not_one() -> None:
    t = grim(2, 5, 2)
    assert t.status == "never"
    assert t.exact is None
    assert t.as_json()["exact"] is None
    assert not t.holds_at(Rational(99, 100))


def test_C_below_N_is_never_not_above_one_nor_zoo() -> None:
    # TV08-style concession: (0 - (-1)) / (0 - 0) would be zoo with the naive formula.
    assert grim(0, 1, 1).status == "never"
    assert grim(1, 3, 2).status == "never"


def test_concession_without_temptation_is_never() -> None:
    # D = C but punishment is better than cooperation: the player wants to be punished.
    assert grim(0, 0, 1).status == "never"


def test_holds_at_boundaries() -> None:
    t = grim(3, 4, 1)
    assert t.holds_at(Rational(1, 3))  # reported with >=
    assert not t.holds_at(Rational(1, 3) - Rational(1, 10**30))
    assert not t.holds_at(0)


def test_t_period_one_and_two_closed_forms() -> None:
    a, b = Rational(1), Rational(2)
    assert critical_delta("t_period", a, b, 1).exact == Rational(1, 2)
    two = critical_delta("t_period", a, b, 2).exact
    assert sympy.simplify(two - (sqrt(1 + 4 * Rational(1, 2)) - 1) / 2) == 0


def test_t_period_discards_the_spurious_root_at_one() -> None:
    poly = cleared_polynomial(Rational(1), Rational(2), 4)
    assert poly.subs(delta, 1) == 0  # the spurious root is there ...
    t = critical_delta("t_period", Rational(1), Rational(2), 4)
    assert isinstance(t.exact, sympy.CRootOf)
    assert is_ge(1, t.exact) and t.exact != 1  # ... and was not chosen
    assert 0 < float(t.exact) < 1
    assert sympy.N(sum(t.exact**k for k in range(1, 5)) - Rational(1, 2), 50) == pytest.approx(
        0, abs=1e-40
    )


def test_t_period_root_index_is_looked_up_not_assumed() -> None:
    # x^3 - 2x^2 ... : pick a polynomial whose root in (0, 1) is not the first real root.
    poly = (delta + 2) * (delta - sympy.Rational(1, 2)) * (delta**2 + 1)
    root = root_in_unit_interval(sympy.expand(poly))
    assert root == Rational(1, 2)


def test_t_period_existence_needs_r_below_T() -> None:
    assert critical_delta("t_period", Rational(2), Rational(1), 2).status == "never"  # r = T
    assert critical_delta("t_period", Rational(3), Rational(1), 2).status == "never"  # r > T
    assert critical_delta("t_period", Rational(19, 10), Rational(1), 2).status == "threshold"


def test_linear_stick_constraint_never_at_one() -> None:
    assert critical_delta("linear", Rational(2), Rational(2)).status == "never"
    assert critical_delta("linear", Rational(1), Rational(2)).exact == Rational(1, 2)


def test_a_loss_with_a_stake_is_always_and_with_a_reward_an_upper_bound() -> None:
    assert critical_delta("grim", Rational(-1), Rational(1)).status == "always"
    t = critical_delta("grim", Rational(-1), Rational(-1))  # loses 1 now, punishment pays 1
    assert t.status == "bounded" and (t.exact, t.upper) == (0, Rational(1, 2))
    t = critical_delta("t_period", Rational(-3), Rational(-1), 2)  # the reward never reaches 3
    assert t.status == "always"


def test_symbolic_threshold_is_a_case_split_and_reclassifies() -> None:
    a, b = sympy.symbols("a b", real=True)
    c = Condition.grim(a, b)
    t = c.threshold
    assert t.status == "piecewise"
    assert {piece.status for _, piece in t.pieces} == {"threshold", "always", "never", "bounded"}
    threshold = next(piece for _, piece in t.pieces if piece.status == "threshold")
    assert sympy.simplify(threshold.exact - a / (a + b)) == 0
    assert c.subs({a: 1, b: 2}).threshold.exact == Rational(1, 3)
    assert c.subs({a: 1, b: 0}).threshold.status == "never"
    assert c.subs({a: 0, b: 1}).threshold.status == "always"
    for values in ({a: 1, b: 2}, {a: 1, b: 0}, {a: 0, b: 1}, {a: -1, b: -3}):
        assert t.subs(values) == c.subs(values).threshold
        assert t.piece_at(values).status == c.subs(values).threshold.status


def test_a_sign_that_is_only_nonnegative_is_split_not_guessed() -> None:
    """C = N and D = C + g with g >= 0: "always" at g = 0, "never" for g > 0 (issue 8)."""
    g = sympy.Symbol("g", nonnegative=True)
    t = Condition.grim(g, 0).threshold
    assert t.status == "piecewise"
    assert t.subs({g: 0}).status == "always" and t.subs({g: 1}).status == "never"
    x = sympy.Symbol("x", real=True)
    t = Condition.grim(x, 0).threshold  # D = x with C = N = 0: always for x <= 0
    assert t.subs({x: -1}).status == "always" and t.subs({x: 2}).status == "never"


def test_combine_takes_the_max_and_never_dominates() -> None:
    t1, t2 = grim(3, 4, 1), grim(3, 6, 1)
    assert combine([t1, t2]).exact == Rational(3, 5)
    assert combine([t1, grim(2, 5, 2)]).status == "never"
    assert combine([grim(3, 3, 1), grim(3, 2, 1)]).status == "always"


def test_cleared_form_has_no_pole_at_one() -> None:
    c = Condition.grim(Rational(1), Rational(0))
    # At delta = 1 the cleared form reduces to C >= N, here 0 >= 0: no division by zero.
    assert c.slack(1) == 0
    assert c.slack(0) == -1


def test_exact_comparison_of_radicals() -> None:
    assert is_ge((sqrt(5) - 1) / 2, Rational(618, 1000))
    assert not is_ge((sqrt(5) - 1) / 2, Rational(619, 1000))
    assert is_ge(-Rational(1, 2) + sqrt(5) / 2, (sqrt(5) - 1) / 2)
