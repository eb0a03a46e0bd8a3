"""Transfers as a choice (linkage.theory.transfers): the closed forms, the brute-force oracle on
the game with the transfer written as a domain of its own, and a numpy grid over the transfer."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import check

from linkage.cases.loader import load_case_text
from linkage.errors import CaseError, CaseErrors
from linkage.model import Domain
from linkage.model.game import Game
from linkage.theory.transfers import TIMINGS, Pooled, optimal_transfer, pooled, solve

R = sympy.Rational


def test_worked_example_simultaneous_and_conditional():
    """A: a = 1, b = 4 (threshold 1/5); B: a = 3, b = 2 (threshold 3/5)."""
    sums = {"A": Pooled(R(1), R(4)), "B": Pooled(R(3), R(2))}
    simultaneous = solve(sums, "simultaneous")
    assert (simultaneous.payer, simultaneous.receiver) == ("A", "B")
    # tau^2 + (a_p + S_r) tau + a_p S_r - a_r S_p = tau^2 + 6 tau - 10 = 0
    assert sympy.simplify(simultaneous.transfer - (sympy.sqrt(19) - 3)) == 0
    assert sympy.simplify(simultaneous.common - (sympy.sqrt(19) - 2) / 5) == 0
    conditional = solve(sums, "conditional")
    assert conditional.transfer == 1 and conditional.common == R(2, 5)  # (1 + 3)/(5 + 5)
    assert conditional.package_after.exact == R(2, 5)


def test_degenerate_cases():
    symmetric = solve({"A": Pooled(R(1), R(2)), "B": Pooled(R(2), R(4))})
    assert symmetric.transfer == 0 and symmetric.payer is None
    no_surplus = solve({"A": Pooled(R(0), R(0)), "B": Pooled(R(3), R(2))})
    assert no_surplus.transfer == 0 and "no surplus" in no_surplus.reason
    # B never keeps the package alone (b < 0) but the joint stake is positive: rescued
    rescued = solve({"A": Pooled(R(1), R(5)), "B": Pooled(R(1), R(-1))}, "conditional")
    assert rescued.package_before.status == "never"
    assert rescued.package_after.status == "threshold" and rescued.common == R(2, 6)
    hopeless = solve({"A": Pooled(R(1), R(1)), "B": Pooled(R(1), R(-2))}, "conditional")
    assert hopeless.transfer == 0 and "joint stake" in hopeless.reason
    zero_sum = solve({"A": Pooled(R(1), R(1)), "B": Pooled(R(2), R(-3))}, "conditional")
    assert zero_sum.transfer == 0 and "joint stake" in zero_sum.reason  # S_p + S_r = 0


def _game(payoffs, transfer, timing, payer, receiver):
    """The package with the transfer, as C/D/N payoffs for the oracle.

    simultaneous: the transfer is a linked domain of its own (payer C = -tau, D = N = 0;
    receiver C = D = tau, N = 0). conditional: a deviating receiver forfeits it whichever domain
    it deviates in, so the package is merged into one domain per player (sums of C and N, and of
    the best deviation max(D, C)) and the transfer enters the receiver's C only."""
    if timing == "simultaneous":
        domains = [Domain(k, v) for k, v in payoffs.items()]
        extra = {
            payer: {"C": -transfer, "D": 0, "N": 0},
            receiver: {"C": transfer, "D": transfer, "N": 0},
        }
        return Game(("A", "B"), [*domains, Domain("transfer", extra)], R(1, 2))
    merged = {}
    for player in ("A", "B"):
        C = sum(v[player]["C"] for v in payoffs.values())
        D = sum(max(v[player]["D"], v[player]["C"]) for v in payoffs.values())
        N = sum(v[player]["N"] for v in payoffs.values())
        shift = -transfer if player == payer else transfer
        merged[player] = {"C": C + shift, "D": D, "N": N}
    return Game(("A", "B"), [Domain("package", merged)], R(1, 2))


cdn = st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 6))  # C-N, D-C, and N


def _payoffs(b, a, n):
    return {"C": n + b, "D": n + b + a, "N": n}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cdn, cdn), min_size=1, max_size=2), st.sampled_from(TIMINGS))
def test_oracle_agrees_at_a_rational_transfer(domains, timing):
    """For a rational transfer near the optimum, the threshold the theory gives is exactly where
    the brute-force oracle (walking the automaton of the game with the transfer as a domain)
    switches from failing to holding."""
    payoffs = {
        f"d{i}": {"A": _payoffs(*pa), "B": _payoffs(*pb)} for i, (pa, pb) in enumerate(domains)
    }
    game = Game(("A", "B"), [Domain(k, v) for k, v in payoffs.items()], R(1, 2))
    sums = pooled(game)
    result = solve(sums, timing)
    if result.payer is None or result.common is None:
        return
    tau = R(Fraction(float(result.transfer)).limit_denominator(1000))
    thresholds = []
    for player, role in ((result.payer, "payer"), (result.receiver, "receiver")):
        from linkage.theory.transfers import with_transfer

        thresholds.append(with_transfer(sums[player], tau, role, timing).threshold())
    if any(t.status != "threshold" for t in thresholds):
        return
    star = max(t.exact for t in thresholds)
    assert star >= result.common or abs(float(star - result.common)) < 1e-12  # optimality
    g = _game(payoffs, tau, timing, result.payer, result.receiver)
    assert all(check(g, star).holds.values())
    assert not all(check(g, star - R(1, 10**6)).holds.values())


def test_grid_search_over_transfers_agrees():
    """numpy: the package threshold max(payer, receiver) on a fine grid of transfers is never
    below the closed-form optimum, and comes within the grid step of it."""
    rng = np.random.default_rng(15)
    for _ in range(300):
        a = [int(v) for v in rng.integers(0, 8, 2)]
        b = [int(v) for v in rng.integers(1, 8, 2)]
        timing = TIMINGS[int(rng.integers(0, 2))]
        sums = {"A": Pooled(R(a[0]), R(b[0])), "B": Pooled(R(a[1]), R(b[1]))}
        result = solve(sums, timing)
        taus = np.linspace(0, 10, 100001)
        p, r = (result.payer, result.receiver) if result.payer else ("A", "B")
        ap, Sp, ar, Sr = (float(sums[p].a), float(sums[p].S), float(sums[r].a), float(sums[r].S))
        payer = (ap + taus) / Sp
        receiver = ar / (Sr + taus) if timing == "simultaneous" else np.maximum(ar - taus, 0) / Sr
        grid = np.maximum(payer, receiver).min()
        best = float(result.package_after.exact) if result.package_after.exact is not None else 0.0
        if result.payer is None:
            continue
        assert best <= grid + 1e-12
        assert grid <= best + 1e-4


@pytest.mark.parametrize("timing", TIMINGS)
def test_closed_form_equalises(timing):
    a_p, b_p, a_r, b_r = sympy.symbols("a_p b_p a_r b_r", positive=True)
    tau = optimal_transfer(Pooled(a_p, b_p), Pooled(a_r, b_r), timing)
    S_p, S_r = a_p + b_p, a_r + b_r
    payer = (a_p + tau) / S_p
    receiver = a_r / (S_r + tau) if timing == "simultaneous" else (a_r - tau) / S_r
    assert sympy.simplify(payer - receiver) == 0


CASE = """
[case]
id = "toy"
players = ["A", "B"]
discount = 0.55

[[domains]]
id = "d1"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 6, N = 1 }

[[analyses]]
kind = "transfer"
timing = "conditional"
"""


def test_case_file_kind():
    case = load_case_text(CASE)
    (section,) = case.findings()
    assert section.data["transfer"] == "1/2"  # (3*3 - 1*5)/(3 + 5)
    assert section.data["common_threshold"] == "1/2"
    assert section.data["interval"] == ["1/4", "13/20"]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('timing = "conditional"', None),
        ('timing = "later"', "analyses[0].timing"),
        ('domains = "d1"', "analyses[0].domains"),
        ('payee = "A"', "analyses[0].payee"),
    ],
)
def test_bad_keys_are_located(text, path):
    source = CASE.replace('timing = "conditional"', text)
    if path is None:
        load_case_text(source)
        return
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(source)
    errors = getattr(info.value, "errors", [info.value])
    assert path in [e.location.key_path for e in errors]
