"""Tests of the brute-force oracle itself (tests/oracle.py), against answers derived by hand.

Notation: a = D - C (one-shot gain), b = C - N (per-period stake), beta = delta / (1 - delta).
Under grim trigger a cooperating domain is worth C / (1 - delta); after a deviation at t it pays D
at t and N from t + 1 on, so a deviation in S punished in M (all cooperating before) gains
    sum_S a - beta * sum_M b.
"""

from __future__ import annotations

from fractions import Fraction as F

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import OracleError, Violation, best_package, check, to_fraction
from strategies import (
    DeltaTable,
    domain_deltas,
    games,
    rationals_in_unit_interval,
    relabelings,
)

from linkage.model import (
    FULL,
    SEPARATE,
    Discount,
    Domain,
    Game,
    GrimTrigger,
    LinkageStructure,
    Rule,
    StickAndCarrot,
    TPeriodReversion,
)

EPS = F(1, 1000)


def sym(issues, *, strategy=None, linkage=FULL, ids=None, players=("A", "B"), delta=F(1, 2)):
    """Identical players; issues as (C, D, N) or (C, D, N, P, DP)."""
    ids = ids or [f"d{j + 1}" for j in range(len(issues))]
    domains = [
        Domain(k, {p: dict(zip(("C", "D", "N", "P", "DP"), t, strict=False)) for p in players})
        for k, t in zip(ids, issues, strict=True)
    ]
    return Game(players, domains, delta, strategy or GrimTrigger(), linkage)


def all_hold(result) -> bool:
    return all(result.holds.values())


def all_on_path(result) -> bool:
    return all(result.on_path.values())


# ---------------------------------------------------------------------------------------------
# one domain, grim: C 3, D 4, N 1. a = 1, b = 2: gain = 1 - 2 beta <= 0 iff beta >= 1/2 iff
# delta >= 1/3 (= a / (a + b) = (D - C) / (D - N)). At delta = 1/3 the gain is exactly 0, which
# is not profitable.


def test_one_domain_grim_threshold():
    g = sym([(3, 4, 1)])
    r = check(g, F(1, 3))
    assert all_hold(r) and all_on_path(r)
    assert r.witness == {"A": None, "B": None}
    assert r.states == 2  # nothing punished, d1 punished
    below = F(1, 3) - EPS
    r = check(g, below)
    assert not any(r.holds.values()) and not any(r.on_path.values())
    w = r.witness["A"]
    assert w == Violation(frozenset(), "A", frozenset({"d1"}), 1 - 2 * below / (1 - below), 0)


def test_delta_spellings_agree():
    g = sym([(3, 4, 1)])
    for spelling in ("1/3", F(1, 3), Discount(F(1, 3)).value):
        assert all_hold(check(g, spelling))
    assert all_hold(check(attrs.evolve(g, discount=Discount(F(1, 3)))))
    assert not all_hold(check(g, 0.33))  # floats are read as decimals: 33/100 < 1/3


# ---------------------------------------------------------------------------------------------
# two domains d1 = (3, 4, 1) (a = 1, b = 2) and d2 = (3, 6, 1) (a = 3, b = 2), players alike.
#
# separate: d1 needs 1 <= 2 beta (delta >= 1/3), d2 needs 3 <= 2 beta, beta >= 3/2, delta >= 3/5.
# full: the best deviation is {d1, d2}: 4 <= 4 beta, delta >= 1/2 (singles: 1 <= 4 beta and
#       3 <= 4 beta are weaker). Only two states: nothing punished / everything punished.
# d2 protected (L(d1) = {d1}, L(d2) = {d1, d2}), or the one-way rule "a deviation in d2 is also
# punished in d1" (the same L): on the path {d1}: 1 <= 2 beta (1/3), {d2}: 3 <= 4 beta (3/7),
# {d1, d2}: 4 <= 4 beta (1/2), so the path needs 1/2 and holds at 11/20. But a deviation in d1
# leads to the state "d1 punished" where d2 stands alone: 3 <= 2 beta, delta >= 3/5. At 11/20
# beta = 11/9 and the gain of {d2} there is 3 - 22/9 = 5/9. The state "d2 punished, d1 not" is
# not reachable (a deviation in d2 also punishes d1), so there are 3 states.

D1, D2 = (3, 4, 1), (3, 6, 1)


def test_two_domains_separate():
    g = sym([D1, D2], linkage=SEPARATE)
    assert all_hold(check(g, F(3, 5)))
    r = check(g, F(3, 5) - EPS)
    assert not any(r.holds.values()) and not any(r.on_path.values())
    assert r.witness["A"].deviation == frozenset({"d2"})
    assert r.witness["B"].state == frozenset()
    assert check(g, F(3, 5)).states == 4


def test_two_domains_full():
    g = sym([D1, D2], linkage=FULL)
    r = check(g, F(1, 2))
    assert all_hold(r) and r.states == 2
    r = check(g, F(1, 2) - EPS)
    assert not any(r.holds.values()) and not any(r.on_path.values())
    assert r.witness["A"].deviation == frozenset({"d1", "d2"})  # the largest gain


@pytest.mark.parametrize(
    "linkage",
    [
        LinkageStructure("full", protected={"d2"}),
        LinkageStructure("rules", rules=[Rule("*", "d2", {"d1"})]),
    ],
    ids=["protected", "one-way-rule"],
)
def test_partial_linkage_is_checked_off_the_path(linkage):
    g = sym([D1, D2], linkage=linkage)
    r = check(g, F(11, 20))
    assert all_on_path(r)
    assert not any(r.holds.values())
    assert r.states == 3
    for p in ("A", "B"):
        assert r.witness[p] == Violation(frozenset({"d1"}), p, frozenset({"d2"}), F(5, 9), 1)
    # on the path it holds down to 1/2 and fails just below
    assert all_on_path(check(g, F(1, 2)))
    assert not any(check(g, F(1, 2) - EPS).on_path.values())
    # subgame perfect from 3/5
    assert all_hold(check(g, F(3, 5)))
    assert not any(check(g, F(3, 5) - EPS).holds.values())


def test_rule_for_one_deviator_only():
    # The rule binds A only: B's deviation in d2 stays in d2, so B needs 3/5 even on the path,
    # while A is as above (path 1/2, SPE 3/5).
    g = sym([D1, D2], linkage=LinkageStructure("rules", rules=[Rule("A", "d2", {"d1"})]))
    r = check(g, F(11, 20))
    assert r.on_path == {"A": True, "B": False}
    assert r.holds == {"A": False, "B": False}
    assert r.witness["B"] == Violation(frozenset(), "B", frozenset({"d2"}), F(5, 9), 0)


# ---------------------------------------------------------------------------------------------
# TV07 (primer §2): Russia F = (2, 5, 0), E = (2, 3, 0); Japan F = (2, 3, 0), E = (2, 5, 0).
# Alone: F needs max(3/5, 1/5) = 3/5 (Russia), E needs 3/5 (Japan). Linked, each player has
# a-sum 3 + 1 = 4 and b-sum 2 + 2 = 4: 4 <= 4 beta, delta >= 1/2.


def tv07(linkage, delta=F(1, 2)):
    return Game(
        ("Russia", "Japan"),
        [
            Domain("F", {"Russia": dict(C=2, D=5, N=0), "Japan": dict(C=2, D=3, N=0)}),
            Domain("E", {"Russia": dict(C=2, D=3, N=0), "Japan": dict(C=2, D=5, N=0)}),
        ],
        delta,
        GrimTrigger(),
        linkage,
    )


def test_tv07():
    assert all_hold(check(tv07(SEPARATE), F(3, 5)))
    r = check(tv07(SEPARATE), F(3, 5) - EPS)
    assert not any(r.holds.values())
    assert r.witness["Russia"].deviation == frozenset({"F"})
    assert r.witness["Japan"].deviation == frozenset({"E"})
    assert all_hold(check(tv07(FULL), F(1, 2)))
    assert not any(check(tv07(FULL), F(1, 2) - EPS).holds.values())
    # Linkage holds where separation fails: [1/2, 3/5).
    assert not all_hold(check(tv07(SEPARATE), F(11, 20)))
    assert all_hold(check(tv07(FULL), F(11, 20)))


def test_tv07_player_specific_discount_from_the_game():
    # Separate, delta_Russia = 3/5, delta_Japan = 1/2: Russia's F (3/5) and E (1/3) hold; Japan's
    # E needs 3/5 and fails.
    g = tv07(SEPARATE, Discount({"Russia": F(3, 5), "Japan": F(1, 2)}))
    r = check(g)
    assert r.holds == {"Russia": True, "Japan": False}
    assert r.witness["Japan"].deviation == frozenset({"E"})


# ---------------------------------------------------------------------------------------------
# Domain-specific discount factors, full linkage, d1 = (3, 4, 1), d2 = (3, 6, 1):
# {d1, d2} gains 1 + 3 - 2 beta1 - 2 beta2; {d1}: 1 - 2(beta1 + beta2); {d2}: 3 - 2(beta1 + beta2).
# delta1 = 3/5 (beta1 = 3/2): the pair needs 1 <= 2 beta2, delta2 >= 1/3.
# delta1 = 2/3 (beta1 = 2): holds even at delta2 = 0, although d2 alone would need 3/5.


def test_domain_specific_discount_factors():
    g = sym([D1, D2], linkage=FULL)
    table = lambda d1, d2: DeltaTable(  # noqa: E731
        {(p, k): v for p in ("A", "B") for k, v in (("d1", d1), ("d2", d2))}
    )
    assert all_hold(check(g, deltas=table(F(3, 5), F(1, 3))))
    r = check(g, deltas=table(F(3, 5), F(1, 3) - EPS))
    assert not any(r.holds.values())
    assert r.witness["A"].deviation == frozenset({"d1", "d2"})
    assert all_hold(check(g, deltas=table(F(2, 3), F(0))))
    assert not all_hold(check(sym([D1, D2], linkage=SEPARATE), deltas=table(F(2, 3), F(0))))
    with pytest.raises(OracleError):
        check(g, F(1, 2), deltas=table(F(1, 2), F(1, 2)))
    with pytest.raises(OracleError):
        check(g, deltas=table(F(1, 2), F(1)))


# ---------------------------------------------------------------------------------------------
# T-period reversion, one domain (3, 4, 1): a deviation at t costs b = 2 in t+1..t+T and gains
# a = 1 at t, so it is deterred iff 1 <= 2 (delta + ... + delta^T), i.e. sum_{t<=T} delta^t >= r
# with r = a / b = 1/2. T = 1: delta >= 1/2. T = 2: delta^2 + delta - 1/2 >= 0, root
# (sqrt(3) - 1) / 2 = 0.36602540...; 0.3661 is above (sum 0.50013), 0.366 below (sum 0.499956).
# States: tau = 0, then 2, then 1, so 3 states.


def test_t_period_one_domain():
    g1 = sym([(3, 4, 1)], strategy=TPeriodReversion(1))
    assert all_hold(check(g1, F(1, 2)))
    assert not any(check(g1, F(1, 2) - EPS).holds.values())
    g2 = sym([(3, 4, 1)], strategy=TPeriodReversion(2))
    r = check(g2, F(3661, 10000))
    assert all_hold(r) and r.states == 3
    r = check(g2, F(366, 1000))
    assert not any(r.holds.values())
    d = F(366, 1000)
    assert r.witness["A"] == Violation((), "A", frozenset({"d1"}), 1 - 2 * (d + d * d), 0)


# T = 2, d1 = (3, 4, 1), d2 = (3, 6, 1), full linkage with d2 protected (L(d1) = {d1},
# L(d2) = {d1, d2}). State tau = (tau1, tau2).
# On the path, {d1, d2} is the binding deviation: 4 <= 4 (delta + delta^2), delta >= (sqrt 5 - 1)/2
# = 0.618... After a deviation in d1 the state is (2, 0). There a deviation in d2 gains 3 now;
# d2 then loses 2 in t+1, t+2; d1, which would have been at N in t+1 and back to C in t+2,
# restarts at T = 2 and is at N in t+1 and t+2: one more lost period, 2 delta^2. Gain
# 3 - 2 delta - 4 delta^2 <= 0 iff delta >= (sqrt 13 - 1)/4 = 0.65139 (at (1, 0) the same
# deviation gains 3 - 4 delta - 4 delta^2, threshold 1/2). So at 0.64 the path holds but the
# profile is not subgame perfect; at 0.652 it is.


def test_t_period_restart_off_the_path():
    g = sym(
        [D1, D2],
        strategy=TPeriodReversion(2),
        linkage=LinkageStructure("full", protected={"d2"}),
    )
    d = F(64, 100)
    r = check(g, d)
    assert all_on_path(r) and not any(r.holds.values())
    assert r.witness["A"] == Violation(
        (("d1", 2),), "A", frozenset({"d2"}), 3 - 2 * d - 4 * d * d, 1
    )
    assert all_hold(check(g, F(652, 1000)))
    assert not all_hold(check(g, F(651, 1000)))
    assert not all_on_path(check(g, F(617, 1000)))
    assert all_on_path(check(g, F(619, 1000)))
    # states: (0,0), (2,0) [d1], (2,2) [d2 or both], (1,0), (1,1); at (2,2) and (1,1) nothing is
    # deviable and from (1,0) a deviation in d2 leads to (2,2) again.
    assert r.states == 5


# Simultaneous deviations reach states no single player can reach. T = 2, d1 = d3 = (3, 4, 1)
# (a = 1, b = 2), d2 = (3, 6, 1) (a = 3, b = 2), players alike. A's deviation in d1 is punished
# in d1 only, in d2 or d3 everywhere; B's deviation in d3 is punished in d3 only, in d1 or d2
# everywhere. At delta = 11/20: delta + delta^2 = 341/400, delta^2 = 121/400.
# Path: the best deviation is everywhere, 5 <= 6 * 341/400 = 5.115: holds.
# If A deviates in d1 and B in d3 in the same period, the state is (2, 0, 2). There a deviation
# in d2 (punished everywhere) gains 3 - 2 * 341/400 (d2 at N two periods) - 2 * 2 * 121/400
# (d1 and d3, due back at t + 2, restart and lose that period) = 34/400 = 17/200 > 0.
# Sequentially one only reaches (2, 0, 1) or (1, 0, 2) (or (2, 0, 0)), where the same deviation
# also prolongs one punishment by two periods: 3 - 4 * 341/400 - 2 * 121/400 < 0.
# States: (0,0,0) (2,0,0) (0,0,2) (2,2,2) (2,0,2) (1,0,0) (0,0,1) (1,0,2) (2,0,1) (1,1,1) (1,0,1).
# At 3/5 the joint state is safe too: 3 - 2 * 24/25 - 4 * 9/25 = -9/25.


def test_states_reached_only_by_simultaneous_deviations():
    rules = [
        Rule("A", "d2", {"d1", "d3"}),
        Rule("A", "d3", {"d1", "d2"}),
        Rule("B", "d1", {"d2", "d3"}),
        Rule("B", "d2", {"d1", "d3"}),
    ]
    g = sym(
        [D1, D2, D1], strategy=TPeriodReversion(2), linkage=LinkageStructure("rules", rules=rules)
    )
    r = check(g, F(11, 20))
    assert all_on_path(r) and not any(r.holds.values())
    assert r.states == 11
    for p in ("A", "B"):
        assert r.witness[p] == Violation(
            (("d1", 2), ("d3", 2)), p, frozenset({"d2"}), F(17, 200), 1
        )
    assert all_hold(check(g, F(3, 5)))


# ---------------------------------------------------------------------------------------------
# Stick-and-carrot, one domain. V(coop) = C / (1 - delta); V(stick) = P + delta V(coop).
# Carrot: D + delta V(stick) <= C + delta V(coop) iff D - C <= delta (C - P).
# Stick:  DP + delta V(stick) <= P + delta V(coop) iff DP - P <= delta (C - P).
# So delta* = max{(D - C)/(C - P), (DP - P)/(C - P)}.
# Carrot binds: C 3, D 5, N 1, P 0, DP 1: carrot 2/3, stick 1/3.
# Stick binds:  C 4, D 5, N 1, P 0, DP 3: carrot 1/4, stick 3/4 -> between 1/4 and 3/4 the path
# holds but the stick state is not.


def test_stick_and_carrot_carrot_binds():
    g = sym([(3, 5, 1, 0, 1)], strategy=StickAndCarrot())
    assert all_hold(check(g, F(2, 3)))
    r = check(g, F(2, 3) - EPS)
    assert not any(r.on_path.values())
    assert r.witness["A"].state == frozenset() and r.witness["A"].depth == 0


def test_stick_and_carrot_stick_binds():
    g = sym([(4, 5, 1, 0, 3)], strategy=StickAndCarrot())
    assert all_hold(check(g, F(3, 4)))
    d = F(3, 4) - EPS
    r = check(g, d)
    assert all_on_path(r) and not any(r.holds.values())
    assert r.witness["B"] == Violation(frozenset({"d1"}), "B", frozenset({"d1"}), 3 - 4 * d, 1)
    assert all_on_path(check(g, F(1, 4)))
    assert not all_on_path(check(g, F(1, 4) - EPS))
    assert r.states == 2


# ---------------------------------------------------------------------------------------------
# Best package, full linkage, delta = 1/2 (beta = 1): package A holds iff sum_A a+ <= sum_A b.
# k1: a = 101, b = 100; k2: a = 0, b = 1; k3 = k4: a = 5/2, b = 2.
# {k1, k2}: 101 <= 101 holds, surplus 2 * 101 = 202. Anything with k1 and k3 or k4 fails
# (k1, k3: 103.5 > 102; all four: 106 > 105), k1 alone fails; without k1 the surplus is at most
# 2 * 5 = 10. So (k1, k2).


def test_best_package():
    g = sym([(100, 201, 0), (1, 1, 0), (2, 4.5, 0), (2, 4.5, 0)], ids=["k1", "k2", "k3", "k4"])
    assert best_package(g, F(1, 2)) == ("k1", "k2")
    assert not all_hold(check(g, F(1, 2)))
    assert all_hold(check(g, F(1, 2), package=["k2", "k1"]))
    # without k1: k2 + k3 + k4 = 5 <= 5 holds (surplus 10)
    # k1 at delta 1/3 (beta 1/2), the rest at 1/2: k1 gains 101 - 100/2 - (at most 5) > 0, so
    # any package with k1 fails; {k3, k4} gives 5 - 5 = 0 with k2: (k2, k3, k4), surplus 10.
    assert best_package(g, deltas=lambda p, k: F(1, 3) if k == "k1" else F(1, 2)) == (
        "k2",
        "k3",
        "k4",
    )


def test_best_package_prefers_more_domains():
    # d1 = (1, 1, 1): surplus 0 and nothing to gain, always holds; d2 = d3 = (3, 4, 1) hold
    # separately at 1/2 (a = 1 <= 2 beta = 2). {d2, d3} and {d1, d2, d3} both have surplus
    # 2 * (2 + 2) = 8: more domains wins.
    g = sym([(1, 1, 1), (3, 4, 1), (3, 4, 1)], linkage=SEPARATE)
    assert best_package(g, F(1, 2)) == ("d1", "d2", "d3")
    # d1 = d2 = (3, 6, 1), full, 1/2: the pair needs 6 <= 4 beta = 4 (fails), one alone
    # 3 <= 2 (fails): only the empty package holds.
    assert best_package(sym([(3, 6, 1), (3, 6, 1)]), F(1, 2)) == ()
    # separate at 1/3 (2 beta = 1): (3, 6, 1) fails (3 > 1), (3, 4, 1) holds (1 <= 1).
    g = sym([(3, 6, 1), (3, 4, 1), (3, 4, 1)], linkage=SEPARATE)
    assert best_package(g, F(1, 3)) == ("d2", "d3")


def test_best_package_tie_break_by_index():
    # Full linkage, delta = 1/2 (beta = 1); gain of S = sum_S a - beta * sum_package b.
    # A: d1 = (C 1, D 2, N 0): a = 1, b = 1;  d2 = (C 0, D -2, N 1): a = -2, b = -1 (a concession
    #    whose best deviation loses 2 now).
    # B: d1 = (1, 1, 0): a = 0, b = 1;       d2 = (3, 3, 0): a = 0, b = 3.
    # Surplus: d1 = 1 + 1 = 2, d2 = -1 + 3 = 2.
    # {d1}: A 1 - 1 = 0, B 0 - 1 < 0: holds.  {d2}: A -2 + 1 = -1, B 0 - 3 < 0: holds.
    # {d1, d2}: A deviating in d1 alone gains 1 - (1 - 1) = 1 > 0: fails.
    # So {d1} and {d2} tie (surplus 2, one domain): the smaller index wins.
    def make(order):
        spec = {
            "d1": {"A": dict(C=1, D=2, N=0), "B": dict(C=1, D=1, N=0)},
            "d2": {"A": dict(C=0, D=-2, N=1), "B": dict(C=3, D=3, N=0)},
        }
        return Game(("A", "B"), [Domain(k, spec[k]) for k in order], F(1, 2), GrimTrigger(), FULL)

    g = make(["d1", "d2"])
    assert all_hold(check(g, package=["d1"])) and all_hold(check(g, package=["d2"]))
    r = check(g)
    assert r.holds == {"A": False, "B": True}
    assert r.witness["A"] == Violation(frozenset(), "A", frozenset({"d1"}), F(1), 0)
    assert best_package(g) == ("d1",)
    assert best_package(make(["d2", "d1"])) == ("d2",)


# ---------------------------------------------------------------------------------------------
# A concession with a loss-making deviation: one domain C = 0, D = -1, N = 1, grim.
# Deviating loses 1 now (a = -1) and the punishment pays N - C = +1 in every later period:
# gain = -1 + beta, profitable iff beta > 1 iff delta > 1/2. At delta = 1/2 the gain is 0: holds.
# (A clamped temptation (D - C)+ = 0 would instead call this profitable for every delta > 0.)


def test_concession_with_loss_making_deviation():
    g = sym([(0, -1, 1)])
    assert all_hold(check(g, F(1, 4)))
    assert all_hold(check(g, F(1, 2)))
    assert all_hold(check(g, F(0)))
    r = check(g, F(3, 4))
    assert not any(r.holds.values()) and not any(r.on_path.values())
    assert r.witness["A"] == Violation(frozenset(), "A", frozenset({"d1"}), F(2), 0)
    assert not all_hold(check(g, F(1, 2) + EPS))


def test_deviation_from_nash_is_not_a_deviation_and_zero_gain_is_not_profitable():
    # C = N and D = C: nothing to gain anywhere, and the punished state has nothing deviable.
    g = sym([(1, 1, 1), (2, 2, 5)], linkage=SEPARATE)
    assert all_hold(check(g, F(0)))
    # D = C but N > C: "deviating" costs nothing now and is punished by a better N: profitable.
    r = check(g, F(1, 10))
    assert r.holds == {"A": False, "B": False}
    assert r.witness["A"].deviation == frozenset({"d2"})


def test_empty_package_and_errors():
    g = sym([(3, 6, 1)])
    r = check(g, F(0), package=[])
    assert all_hold(r) and r.states == 1
    with pytest.raises(OracleError):
        check(g, F(1, 2), package=["nope"])
    with pytest.raises(OracleError):
        check(g, F(1))
    import sympy

    x = sympy.Symbol("x")
    with pytest.raises(OracleError):
        check(sym([(x, 6, 1)]), F(1, 2))
    with pytest.raises(OracleError):
        check(sym([(sympy.sqrt(2), 6, 1)]), F(1, 2))


def test_three_players():
    # Full linkage, (3, 4, 1) for everyone: as with two players, delta >= 1/3.
    g = sym([D1], players=("A", "B", "C"))
    assert all_hold(check(g, F(1, 3)))
    r = check(g, F(1, 3) - EPS)
    assert r.holds == {"A": False, "B": False, "C": False}


# ---------------------------------------------------------------------------------------------
# Properties over random games.


@given(games(max_domains=4), rationals_in_unit_interval())
def test_result_is_consistent(g, delta):
    r = check(g, delta)
    assert set(r.holds) == set(g.players) == set(r.on_path) == set(r.witness)
    for p in g.players:
        w = r.witness[p]
        assert r.holds[p] == (w is None)
        if r.holds[p]:
            assert r.on_path[p]
        else:
            assert w.gain > 0 and w.player == p and w.deviation
            assert r.on_path[p] == (w.depth > 0)
    assert r.states >= 1


@settings(max_examples=60)
@given(st.data(), games(max_domains=4), rationals_in_unit_interval())
def test_invariant_to_renaming_and_order(data, g, delta):
    new, dmap, pmap, _ = data.draw(relabelings(g))
    a, b = check(g, delta), check(new, delta)
    assert a.states == b.states
    for p in g.players:
        q = pmap[p]
        assert a.holds[p] == b.holds[q]
        assert a.on_path[p] == b.on_path[q]
        wa, wb = a.witness[p], b.witness[q]
        assert (wa is None) == (wb is None)
        if wa is not None:
            assert (wa.gain, wa.depth) == (wb.gain, wb.depth)
    # best package: the same surplus and size (ties are broken by position, which may differ)
    pa, pb = best_package(g, delta), best_package(new, delta)
    assert _surplus(g, pa) == _surplus(new, pb)
    assert all_hold(check(new, delta, package=[dmap[k] for k in pa]))


def _surplus(g, package):
    total = F(0)
    for d in g.domains:
        if d.id in package:
            for p in g.players:
                total += to_fraction(d.payoffs[p].C) - to_fraction(d.payoffs[p].N)
    return total, len(package)


@settings(max_examples=60)
@given(games(max_domains=4, structures=("separate",)), rationals_in_unit_interval())
def test_separate_linkage_decomposes_by_domain(g, delta):
    # Without linkage each domain is its own repeated game: a joint deviation's gain is the sum of
    # the single-domain gains, so the whole holds iff every domain holds alone.
    r = check(g, delta)
    alone = [check(g, delta, package=[k]) for k in g.domain_ids]
    for p in g.players:
        assert r.holds[p] == all(a.holds[p] for a in alone)
        assert r.on_path[p] == all(a.on_path[p] for a in alone)


@settings(max_examples=60)
@given(st.data(), games(max_domains=4))
def test_package_equals_restricted_game(data, g):
    package = data.draw(st.lists(st.sampled_from(g.domain_ids), unique=True, min_size=1))
    delta = data.draw(rationals_in_unit_interval())
    a = check(g, delta, package=package)
    b = check(g.restricted(tuple(package)), delta)
    assert (a.holds, a.on_path, a.states) == (b.holds, b.on_path, b.states)


@settings(max_examples=60)
@given(
    games(max_domains=4, strategies=("grim", "t_period"), structures=("full",)),
    rationals_in_unit_interval(),
)
def test_full_linkage_nash_reversion_needs_only_the_path(g, delta):
    # Every deviation punishes every domain: after it nothing is deviable until the punishment
    # ends, which is the initial state again.
    r = check(g, delta)
    assert r.holds == r.on_path


@settings(max_examples=60)
@given(st.data(), games(max_domains=4))
def test_common_deltas_table_equals_delta(data, g):
    delta = data.draw(rationals_in_unit_interval())
    a = check(g, delta)
    b = check(g, deltas=lambda p, k: delta)
    assert a == b


@settings(max_examples=60)
@given(st.data(), games(max_domains=3))
def test_domain_deltas_accepted(data, g):
    table = data.draw(domain_deltas(g))
    r = check(g, deltas=table)
    for p in g.players:
        assert r.holds[p] == (r.witness[p] is None)


# Closed forms (primer §1, §4.5, §4.6) for well-formed prisoner's dilemmas, D >= C > N, P < C,
# DP >= P: a = D - C >= 0, so the best deviation is "everywhere", and under full linkage every
# deviation punishes everything.


def _sums(g, p):
    ds = [d.payoffs[p] for d in g.domains]
    a = sum((to_fraction(s.D - s.C) for s in ds), F(0))
    b = sum((to_fraction(s.C - s.N) for s in ds), F(0))
    return a, b, ds


@given(games(max_domains=4, structures=("full",), well_formed=True), rationals_in_unit_interval())
def test_closed_forms_under_full_linkage(g, delta):
    r = check(g, delta)
    for p in g.players:
        a, b, ds = _sums(g, p)
        s = g.strategy
        if isinstance(s, GrimTrigger):
            assert r.holds[p] == ((1 - delta) * a <= delta * b)
        elif isinstance(s, TPeriodReversion):
            assert r.holds[p] == (a <= sum(delta**t for t in range(1, s.periods + 1)) * b)
        else:
            loss = sum((to_fraction(x.C - x.P) for x in ds), F(0))
            stick = sum((to_fraction(x.DP - x.P) for x in ds), F(0))
            assert r.on_path[p] == (a <= delta * loss)
            assert r.holds[p] == (a <= delta * loss and stick <= delta * loss)


@given(
    games(max_domains=4, strategies=("grim",), structures=("separate",), well_formed=True),
    rationals_in_unit_interval(),
)
def test_closed_form_grim_separate(g, delta):
    r = check(g, delta)
    for p in g.players:
        expected = all(
            (1 - delta) * to_fraction(d.payoffs[p].D - d.payoffs[p].C)
            <= delta * to_fraction(d.payoffs[p].C - d.payoffs[p].N)
            for d in g.domains
        )
        assert r.holds[p] == expected


@settings(max_examples=60)
@given(
    games(max_domains=4, well_formed=True),
    rationals_in_unit_interval(),
    rationals_in_unit_interval(),
)
def test_monotone_in_delta_for_well_formed_games(g, d1, d2):
    # With a >= 0, b > 0 and C > P every punishment costs the deviator, more so the more patient
    # he is: a deviation's gain falls with delta, under any linkage structure.
    lo, hi = min(d1, d2), max(d1, d2)
    assume(lo < hi)
    a, b = check(g, lo), check(g, hi)
    for p in g.players:
        assert a.holds[p] <= b.holds[p]
        assert a.on_path[p] <= b.on_path[p]


@settings(max_examples=30)
@given(games(max_domains=3), rationals_in_unit_interval())
def test_best_package_holds(g, delta):
    package = best_package(g, delta)
    assert list(package) == [k for k in g.domain_ids if k in package]
    assert all_hold(check(g, delta, package=package))


# An independent, naive cross-check of the values: simulate both continuations period by period
# (floats, a long finite horizon) from the witness state and compare the discounted difference
# with the exact gain the oracle reports.


def _simulated_gain(g, disc, state, player, deviation, horizon=600):
    kind = g.strategy.kind
    ids = g.domain_ids
    T = getattr(g.strategy, "periods", None)
    # counters (T-period); punished (grim) or in the stick (stick-and-carrot)
    x = dict.fromkeys(ids, 0) | dict(state) if kind == "t_period" else {k: k in state for k in ids}

    def regime(x, k):  # punished now?
        return x[k] > 0 if kind == "t_period" else x[k]

    def step(x, triggered):
        if kind == "grim":
            return {k: x[k] or k in triggered for k in ids}
        if kind == "stick_carrot":
            return {k: k in triggered for k in ids}
        return {k: T if k in triggered else max(x[k] - 1, 0) for k in ids}

    def pay(x, k, deviate):
        s = g.domain(k).payoffs[player]
        if kind == "stick_carrot" and x[k]:
            return s.DP if deviate else s.P
        if regime(x, k):
            return s.N
        return s.D if deviate else s.C

    triggered = set().union(*(g.linkage.punished(player, k, ids) for k in deviation))
    a, b = x, x  # prescribed, deviating
    total = 0.0
    for t in range(horizon):
        for k in ids:
            d = float(disc(player, k)) ** t
            total += d * (float(pay(b, k, t == 0 and k in deviation)) - float(pay(a, k, False)))
        a, b = step(a, set()), step(b, triggered if t == 0 else set())
    return total


@settings(max_examples=40)
@given(st.data(), games(max_domains=3))
def test_witness_gain_matches_a_simulation(data, g):
    table = data.draw(domain_deltas(g, max_denominator=8))
    r = check(g, deltas=table)
    for p in g.players:
        w = r.witness[p]
        if w is not None:
            assert abs(_simulated_gain(g, table, w.state, p, w.deviation) - float(w.gain)) < 1e-9
