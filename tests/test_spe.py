"""The engine against the independent brute-force oracle (tests/oracle.py) on random games.

The oracle walks each strategy's automaton over every reachable state with exact fractions; the
engine derives closed-form thresholds. They must agree on every verdict, for every player, at the
thresholds themselves, just around them and at other discount factors — subgame-perfect and
on-path — and on the best package.
"""

from __future__ import annotations

from fractions import Fraction

import attrs
import oracle
import sympy
from helpers import symmetric_game
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import domain_deltas, games, payoffs, rationals_in_unit_interval

from linkage import Discount, Domain, Game, GrimTrigger, LinkageStructure, Rule, analyze
from linkage.engine.threshold import Threshold, is_ge, to_float

EPS = Fraction(1, 10**6)


def _fraction(x: sympy.Expr) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _around(value: sympy.Expr) -> list[Fraction]:
    """Rationals at (when rational), just below and just above an exact number in (0, 1]."""
    if value.is_Rational:
        centre = _fraction(value)
        points = [centre, centre - EPS, centre + EPS]
    else:
        approx = Fraction(to_float(value)).limit_denominator(10**12)
        below, above = approx - EPS, approx + EPS
        assert is_ge(value, sympy.Rational(below.numerator, below.denominator))
        assert is_ge(sympy.Rational(above.numerator, above.denominator), value)
        points = [below, above]
    return [p for p in points if 0 <= p < 1]


def probe_points(t: Threshold) -> list[Fraction]:
    points = [Fraction(0), Fraction(1, 2), Fraction(999, 1000)]
    for end in (t.exact, t.upper):
        if end is not None and end.is_number:
            points += _around(end)
    return sorted(set(points))


def assert_agrees(game: Game, extra: list[Fraction] = ()) -> None:
    a = analyze(game)
    for player in game.players:
        spe, path = a.linked_thresholds[player], a.on_path_thresholds[player]
        assert spe.is_numeric and path.is_numeric
        for x in sorted({*probe_points(spe), *probe_points(path), *extra}):
            result = oracle.check(game, x)
            d = sympy.Rational(x.numerator, x.denominator)
            assert spe.holds_at(d) == result.holds[player], (player, x, str(spe), result.witness)
            assert path.holds_at(d) == result.on_path[player], (player, x, str(path))


@settings(max_examples=300)
@given(
    games(max_domains=4, strategies=("grim",)), st.lists(rationals_in_unit_interval(), max_size=2)
)
def test_grim_agrees_with_the_oracle(game: Game, extra: list[Fraction]) -> None:
    assert_agrees(game, extra)


@settings(max_examples=150)
@given(games(min_domains=2, max_domains=5, strategies=("grim",)), st.data())
def test_concessions_agree_with_the_oracle(game: Game, data: st.DataObject) -> None:
    """A concession (C < N) for A in one domain: the worst state of a deviation is then no longer
    simply the largest (the all-deviations path searches it, or steps aside)."""
    k = data.draw(st.integers(0, len(game.domains) - 1))
    concession = data.draw(payoffs(shape="concession"))
    domains = list(game.domains)
    domains[k] = attrs.evolve(domains[k], payoffs={**domains[k].payoffs, "A": concession})
    assert_agrees(attrs.evolve(game, domains=tuple(domains)))


@settings(max_examples=150)
@given(games(max_domains=3, strategies=("t_period",), max_periods=3))
def test_t_period_agrees_with_the_oracle(game: Game) -> None:
    assert_agrees(game)


@settings(max_examples=150)
@given(games(max_domains=3, strategies=("stick_carrot",)))
def test_stick_and_carrot_agrees_with_the_oracle(game: Game) -> None:
    assert_agrees(game)


@settings(max_examples=150)
@given(games(max_domains=4, strategies=("grim",)), rationals_in_unit_interval())
def test_best_package_agrees_with_the_oracle(game: Game, d: Fraction) -> None:
    game = attrs.evolve(game, discount=Discount(sympy.Rational(d.numerator, d.denominator)))
    package = analyze(game).best_package
    assert package is not None
    assert package.domains == oracle.best_package(game)


@settings(max_examples=100)
@given(st.data())
def test_domain_discount_factors_agree_with_the_oracle(data: st.DataObject) -> None:
    game = data.draw(games(max_domains=3, strategies=("grim", "t_period")))
    table = data.draw(domain_deltas(game))
    own = {k: data.draw(st.booleans()) for k in game.domain_ids}
    domains = [
        attrs.evolve(
            d,
            discount={p: table[(p, d.id)] for p in game.players} if own[d.id] else None,
        )
        for d in game.domains
    ]
    game = attrs.evolve(game, domains=domains)
    a = analyze(game)

    def deltas(player: str, k: str) -> Fraction:
        return table[(player, k)] if own[k] else oracle.to_fraction(game.discount.of(player))

    result = oracle.check(game, deltas=deltas)
    for player in game.players:
        t = a.linked_thresholds[player]
        assert t.holds_at(game.discount.of(player)) == result.holds[player], (player, str(t))


# -- the cases of the issue, by hand -------------------------------------------------------------
def test_a_lever_can_be_pulled_once() -> None:
    """d1 = (3, 4, 1), d2 = (3, 6, 1): with d2 protected, or the one-way rule "a deviation in d2 is
    also punished in d1", the on-path value is 1/2 but once d1 is punished d2 stands alone."""
    for linkage in (
        LinkageStructure("full", protected=["d2"]),
        LinkageStructure("rules", rules=[Rule("*", "d2", ["d1"])]),
    ):
        a = analyze(symmetric_game([(3, 4, 1), (3, 6, 1)], sympy.Rational(11, 20), linkage))
        for p in ("A", "B"):
            assert a.linked_thresholds[p].exact == sympy.Rational(3, 5)
            assert a.on_path_thresholds[p].exact == sympy.Rational(1, 2)
            binding = a.linked_binding[p]
            assert binding.deviation == {"d2"} and binding.state == {"d1"}
        assert a.linked_sustainable is False and a.helps is False and a.helps_interval is None


def test_best_package_is_the_most_valuable_not_the_largest() -> None:
    g = symmetric_game(
        [(100, 201, 0), (1, 1, 0), (2, sympy.Rational(9, 2), 0), (2, sympy.Rational(9, 2), 0)],
        sympy.Rational(1, 2),
    )
    package = analyze(g).best_package
    assert package is not None and package.domains == ("d1", "d2")
    assert package.surplus == 202


def test_concession_with_a_loss_is_an_upper_bound() -> None:
    """C = 0, D = -1, N = 1: deviating loses 1 now and the punishment pays 1 a period, so the
    agreement holds only for delta <= 1/2."""
    d = Domain("c", {p: {"C": 0, "D": -1, "N": 1} for p in ("A", "B")})
    t = analyze(Game(("A", "B"), [d], sympy.Rational(1, 4), GrimTrigger())).linked_thresholds["A"]
    assert t.status == "bounded" and t.upper == sympy.Rational(1, 2) and t.exact == 0
    assert t.holds_at(sympy.Rational(1, 2)) and not t.holds_at(sympy.Rational(3, 4))
