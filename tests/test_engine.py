"""The engine on the primer's worked examples and on the structures of linkage."""

from __future__ import annotations

import pytest
import sympy
from helpers import game, symmetric_game
from sympy import Rational

from linkage import (
    Discount,
    Domain,
    Game,
    LinkageStructure,
    Rule,
    StagePayoffs,
    StickAndCarrot,
    TPeriodReversion,
    analyze,
)
from linkage.engine.slack import (
    pooled_threshold,
    pooled_threshold_weighted_mean,
    slack,
    slack_factored,
)
from linkage.errors import ModelError
from linkage.symbols import delta

HALF = Rational(1, 2)


def test_tv04_linkage_helps() -> None:
    a = analyze(symmetric_game([(3, 4, 1), (3, 6, 1)], HALF))
    assert a.separate_thresholds["A"] == {
        "d1": a.separate_thresholds["B"]["d1"],
        "d2": a.separate_thresholds["B"]["d2"],
    }
    assert a.separate_thresholds["A"]["d1"].exact == Rational(1, 3)
    assert a.separate_thresholds["A"]["d2"].exact == Rational(3, 5)
    assert a.linked_thresholds["A"].exact == HALF  # the mediant, not the mean 7/15
    assert a.separate_sustainable == {"d1": True, "d2": False}
    assert a.linked_sustainable is True
    assert a.helps is True
    assert a.helps_interval is not None
    assert (a.helps_interval.low, a.helps_interval.high) == (HALF, Rational(3, 5))


def test_tv05_irrelevance_under_equal_thresholds() -> None:
    a = analyze(symmetric_game([(3, 5, 1), (6, 10, 2)], HALF))
    assert {t.exact for t in a.separate_thresholds["A"].values()} == {HALF}
    assert a.linked_thresholds["A"].exact == HALF
    assert a.helps_interval is None
    assert a.helps is False


def test_tv07_spheres_of_influence() -> None:
    g = game({"Russia": [(2, 5, 0), (2, 3, 0)], "Japan": [(2, 3, 0), (2, 5, 0)]}, Rational(11, 20))
    a = analyze(g)
    assert a.separate_thresholds["Russia"]["d1"].exact == Rational(3, 5)
    assert a.separate_thresholds["Japan"]["d2"].exact == Rational(3, 5)
    assert a.linked_thresholds["Russia"].exact == HALF
    assert a.linked_thresholds["Japan"].exact == HALF
    assert a.helps is True
    assert a.best_package is not None and a.best_package.domains == ("d1", "d2")


def test_separate_structure_gives_per_domain_constraints_only() -> None:
    g = symmetric_game([(3, 4, 1), (3, 6, 1), (2, 3, 1)], HALF, LinkageStructure("separate"))
    a = analyze(g)
    assert len(a.linked_constraints["A"]) == 3  # sums of domains are implied and dropped
    assert a.linked_thresholds["A"].exact == Rational(3, 5)


def test_rules_one_way_coercive_linkage() -> None:
    # "If A defects on d2, B also suspends d1": A's d2 deviation is punished in both, on the path.
    rules = LinkageStructure("rules", rules=[Rule("A", "d2", ["d1"])])
    a = analyze(symmetric_game([(3, 4, 1), (3, 6, 1)], HALF, rules))
    assert a.on_path_thresholds["A"].exact == HALF
    on_path = [c for c in a.on_path_constraints["A"] if c.deviation == {"d1", "d2"}]
    assert on_path and on_path[0].punished == {"d1", "d2"}
    # Off the path d1 may already be punished (a deviation in d1 is punished in d1 alone): then d2
    # stands alone, so the subgame-perfect threshold is d2's own 3/5. A lever can be pulled once.
    binding = a.linked_binding["A"]
    assert binding.deviation == {"d2"} and binding.state == {"d1"}
    assert a.linked_thresholds["A"].exact == Rational(3, 5)
    assert a.linked_thresholds["B"].exact == Rational(3, 5)  # B is not coerced: separate
    assert a.vulnerable is None and a.vulnerable_players == ("A", "B")  # an exact tie


def test_protected_domain_is_never_a_lever() -> None:
    full = analyze(symmetric_game([(3, 4, 1), (3, 6, 1)], HALF))
    protected = analyze(
        symmetric_game([(3, 4, 1), (3, 6, 1)], HALF, LinkageStructure("full", protected=["d1"]))
    )
    assert full.linked_thresholds["A"].exact == HALF
    assert protected.linked_thresholds["A"].exact == Rational(3, 5)


def test_rule_on_protected_domain_is_rejected() -> None:
    with pytest.raises(ModelError, match="protected"):
        LinkageStructure("rules", rules=[Rule("A", "d2", ["d1"])], protected=["d1"])


def test_player_specific_discount_factors_tv09() -> None:
    g = game(
        {"A": [(3, 4, 1), (3, 6, 1)], "B": [(3, 4, 1), (3, 6, 1)]},
        {"A": Rational(11, 20), "B": Rational(2, 5)},
    )
    a = analyze(g)
    # A (0.55) passes the pooled 1/2, B (0.4) does not: judged each against their own delta.
    assert a.linked_sustainable is False
    assert a.separate_sustainable == {"d1": True, "d2": False}
    g2 = game(
        {"A": [(3, 4, 1), (3, 6, 1)], "B": [(3, 4, 1), (3, 6, 1)]},
        {"A": Rational(11, 20), "B": Rational(1, 2)},
    )
    assert analyze(g2).linked_sustainable is True


def test_t_period_linked_tv17_uses_pooled_ratio() -> None:
    g = symmetric_game([(3, 4, 1), (3, 6, 1)], Rational(7, 10), strategy=TPeriodReversion(2))
    t = analyze(g).linked_thresholds["A"].exact
    r = Rational(4, 4)  # sum(D - C) / sum(C - N)
    assert sympy.simplify(t - (sympy.sqrt(1 + 4 * r) - 1) / 2) == 0


def test_stick_and_carrot_two_constraints() -> None:
    d = Domain("d", {p: dict(C=3, D=5, N=1, P=-1, DP=0) for p in "AB"})
    a = analyze(Game(("A", "B"), [d], HALF, StickAndCarrot()))
    # carrot (D-C)/(C-P) = 2/4, stick (DP-P)/(C-P) = 1/4: the max is 1/2 (grim would need 1/2 too).
    assert a.separate_thresholds["A"]["d"].exact == HALF
    labels = [c.label for c in a.separate_constraints["A"]["d"].conditions]
    assert labels == ["carrot", "stick"]


def test_stick_and_carrot_beats_grim_only_below_nash_tv19() -> None:
    harsh = Domain("d", {p: dict(C=3, D=6, N=1, P=-3, DP=0) for p in "AB"})
    sc = (
        analyze(Game(("A", "B"), [harsh], HALF, StickAndCarrot()))
        .separate_thresholds["A"]["d"]
        .exact
    )
    gr = analyze(Game(("A", "B"), [harsh], HALF)).separate_thresholds["A"]["d"].exact
    assert sc == HALF and gr == Rational(3, 5)
    assert sc < gr


def test_stick_and_carrot_requires_stick_payoffs() -> None:
    with pytest.raises(ModelError, match="P and DP"):
        Game(
            ("A", "B"),
            [Domain("d", {p: dict(C=3, D=5, N=1) for p in "AB"})],
            HALF,
            StickAndCarrot(),
        )


def test_slack_identity_and_weighted_mean() -> None:
    p = StagePayoffs(C=3, D=6, N=1)
    assert sympy.expand(slack(p) - slack_factored(p)) == 0
    assert slack(p, Rational(3, 5)) == 0
    ps = [StagePayoffs(C=3, D=4, N=1), StagePayoffs(C=3, D=6, N=1)]
    assert pooled_threshold(ps) == pooled_threshold_weighted_mean(ps) == HALF
    # a concession (C < N, D < N): a negative weight, and the identity still holds exactly
    ps = [StagePayoffs(C=3, D=6, N=1), StagePayoffs(C=0, D=0, N=1)]
    assert pooled_threshold(ps) == pooled_threshold_weighted_mean(ps) == Rational(3, 4)
    # max(D, C) = N with a temptation: no threshold of its own to weigh, said so (not 3/5)
    ps = [StagePayoffs(C=3, D=6, N=1), StagePayoffs(C=0, D=1, N=1)]
    assert pooled_threshold(ps) == Rational(4, 5)
    with pytest.raises(ValueError, match="no threshold of its own"):
        pooled_threshold_weighted_mean(ps)


def test_symbolic_payoffs_stay_closed_form_and_evaluate() -> None:
    C, D, N = sympy.symbols("C D N", real=True)
    g = Game(("A", "B"), [Domain("x", {"A": dict(C=C, D=D, N=N), "B": dict(C=3, D=4, N=1)})], HALF)
    a = analyze(g)
    t = a.separate_thresholds["A"]["x"]
    assert t.is_symbolic and a.separate_sustainable["x"] is None
    assert t.status == "piecewise"  # the signs of D - C and C - N are not known
    assert t.subs({C: 3, D: 6, N: 1}).exact == Rational(3, 5)
    assert t.piece_at({C: 3, D: 6, N: 1}).exact == (D - C) / (D - N)
    at = a.at({C: 3, D: 6, N: 1})
    assert at.separate_thresholds["A"]["x"].exact == Rational(3, 5)
    assert at.separate_sustainable["x"] is False
    assert sympy.latex(t.piece_at({C: 3, D: 6, N: 1}).exact)  # renders


def test_best_package_knapsack_partial_package_tv11() -> None:
    # Linking everything fails, a partial package works: L(delta) is not subset-closed.
    g = symmetric_game([(3, 4, 1), (3, 6, 1), (1, 9, 0)], HALF)
    a = analyze(g)
    assert a.linked_sustainable is False
    assert a.best_package is not None and a.best_package.domains == ("d1", "d2")


def test_delta_zero_and_model_validation() -> None:
    a = analyze(symmetric_game([(3, 3, 1), (3, 4, 1)], 0))
    assert a.separate_sustainable == {"d1": True, "d2": False}
    with pytest.raises(ModelError, match=r"\[0, 1\)"):
        Discount(1)
    with pytest.raises(ModelError):
        Discount(Rational(-1, 10))
    with pytest.raises(ModelError, match="no payoffs for B"):
        Game(("A", "B"), [Domain("d", {"A": dict(C=1, D=2, N=0)})], HALF)
    with pytest.raises(ModelError, match="unique"):
        Game(("A", "A"), [Domain("d", {"A": dict(C=1, D=2, N=0)})], HALF)


def test_float_payoffs_are_read_as_decimals() -> None:
    p = StagePayoffs(C=0.1, D=0.3, N=0)
    assert Rational(1, 10) == p.C
    assert critical_delta_of(p) == Rational(2, 3)


def critical_delta_of(p: StagePayoffs) -> sympy.Expr:
    from linkage import critical_delta

    return critical_delta("grim", p.temptation, p.stake).exact


def test_cleared_form_renders_with_delta() -> None:
    a = analyze(symmetric_game([(3, 4, 1)], HALF))
    cond = a.separate_constraints["A"]["d1"].conditions[0]
    assert cond.cleared.free_symbols == {delta}
    assert sympy.sstr(cond.cleared) == "1 - delta <= 2*delta"
