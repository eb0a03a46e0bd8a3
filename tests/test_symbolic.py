"""Symbolic thresholds are case splits that agree with the calibrated engine at every calibration.

Payoffs are expressions in parameters whose signs the engine cannot know. Whatever values the
parameters take, the symbolic threshold evaluated there, and the closed form of the case in force
there, must say what the engine says about the game with those numbers: never a guess.
"""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import linkages, strategies_

from linkage import Domain, Game, StagePayoffs, analyze
from linkage.engine.condition import Condition
from linkage.engine.threshold import combine

x, y = sympy.symbols("x y", real=True)
g = sympy.Symbol("g", nonnegative=True)
SYMBOLS = (x, y, g)


@st.composite
def affine(draw: st.DrawFn) -> sympy.Expr:
    """A payoff: a small integer plus, sometimes, a small multiple of a parameter."""
    c = draw(st.integers(-3, 6))
    if draw(st.booleans()):
        return sympy.Integer(c)
    return c + draw(st.integers(-2, 2)) * draw(st.sampled_from(SYMBOLS))


@st.composite
def symbolic_games(draw: st.DrawFn) -> Game:
    ids = [f"d{i + 1}" for i in range(draw(st.integers(1, 3)))]
    strategy = draw(strategies_(("grim", "t_period"), max_periods=3))
    domains = [
        Domain(k, {p: StagePayoffs(draw(affine()), draw(affine()), draw(affine())) for p in "AB"})
        for k in ids
    ]
    return Game(("A", "B"), domains, sympy.Rational(1, 2), strategy, draw(linkages(ids)))


values_strategy = st.fixed_dictionaries(
    {
        x: st.integers(-4, 4).map(sympy.Integer),
        y: st.fractions(-3, 3, max_denominator=3).map(
            lambda f: sympy.Rational(f.numerator, f.denominator)
        ),
        g: st.integers(0, 3).map(sympy.Integer),
    }
)


@settings(max_examples=120)
@given(symbolic_games(), st.lists(values_strategy, min_size=1, max_size=3))
def test_symbolic_thresholds_equal_the_calibrated_ones(game: Game, calibrations: list) -> None:
    symbolic = analyze(game)
    for values in calibrations:
        calibrated = symbolic.at(values)
        for p in game.players:
            numeric = calibrated.linked_thresholds[p]
            assert symbolic.linked_thresholds[p].subs(values) == numeric
            for k in game.domain_ids:
                assert (
                    symbolic.separate_thresholds[p][k].subs(values)
                    == (calibrated.separate_thresholds[p][k])
                )
            # the closed form of the case in force at the calibration says the same thing
            form = symbolic.closed_form(p, values, calibrated)
            assert form.subs(values) == numeric, (str(form), str(numeric))


def test_combined_implicit_roots_are_all_kept() -> None:
    """Two T-period constraints with only implicit roots: both survive the combination."""
    a, b = sympy.symbols("a b", positive=True)
    c1 = Condition.t_period(a, 1, 3)
    c2 = Condition.t_period(b, 2, 3)
    both = combine([c1.threshold, c2.threshold])
    assert both.subs({a: sympy.Rational(1, 2), b: 7}).status == "never"  # b/2 >= 3 periods
    low = both.subs({a: sympy.Rational(1, 2), b: sympy.Rational(1, 2)})
    high = both.subs({a: 2, b: sympy.Rational(1, 2)})
    assert low.status == high.status == "threshold" and low.value < high.value
