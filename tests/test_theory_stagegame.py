"""Stage games as matrices (linkage.theory.stagegame): C, D, N read off payoff matrices, exact.

The worked results (a prisoner's dilemma, a game whose minmax is harsher than Nash reversion,
matching pennies, the battle of the sexes) are checked by hand; random games are checked against
brute force written apart from the module (pure equilibria and best deviations by enumeration in
plain Fractions, the minmax of a player facing two actions at every crossing of its lines, every
mixed equilibrium as a float best response), and against nashpy's support enumeration and scipy's
linear programme when they are installed.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Max, Rational, Symbol

from linkage import analyze
from linkage.cases import load_case_text
from linkage.errors import CaseError, CaseErrors
from linkage.model.payoffs import StagePayoffs
from linkage.model.strategies import StickAndCarrot
from linkage.models import Parameter, matrix_model
from linkage.theory.stagegame import (
    StageGame,
    StageGameError,
    StageGameSpec,
    best_deviation,
    degenerate,
    derive,
    equilibria,
    minmax,
    mixed_equilibria,
    pure_equilibria,
)
from tests.helpers import game as reduced_game

R, C_ = ("row", "col")


def two(a: list[list[object]], b: list[list[object]]) -> StageGame:
    acts = {R: [f"r{k}" for k in range(len(a))], C_: [f"c{k}" for k in range(len(a[0]))]}
    return StageGame.from_matrices([R, C_], acts, {R: a, C_: b})


PD = two([[3, 0], [4, 1]], [[3, 4], [0, 1]])
# "flood" hurts the other more than the stage equilibrium does, at a cost to the flooder
HARSH_A = [[4, 0, -2], [5, 1, -1], [1, 0, Rational(-3, 2)]]
HARSH = two(HARSH_A, [list(r) for r in zip(*HARSH_A, strict=True)])
PENNIES = two([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
BOS = two([[2, 0], [0, 1]], [[1, 0], [0, 2]])


def test_prisoners_dilemma() -> None:
    payoffs, how = derive(StageGameSpec(PD, ["r0", "c0"]))
    assert payoffs[R] == StagePayoffs(C=3, D=4, N=1)
    assert payoffs[C_] == StagePayoffs(C=3, D=4, N=1)
    assert how.punishment == "stage Nash equilibrium (r1, c1)"
    assert how.equilibria == ("(r1, c1)",)


def test_minmax_harsher_than_nash_reversion() -> None:
    nash, _ = derive(StageGameSpec(HARSH, ["r0", "c0"]))
    low, how = derive(StageGameSpec(HARSH, ["r0", "c0"], punish="minmax", stick=["r2", "c2"]))
    assert nash[R] == StagePayoffs(C=4, D=5, N=1)
    assert low[R] == StagePayoffs(C=4, D=5, N=-1, P=Rational(-3, 2), DP=-1)
    assert "mixed minmax" in how.punishment
    # thresholds: Nash reversion 1/4, the minmax bound 1/6, stick-and-carrot max(2/11, 1/11)
    grim = analyze(reduced_game({"A": [(4, 5, 1)], "B": [(4, 5, 1)]}, Rational(1, 2)))
    assert grim.separate_thresholds["A"]["d1"].exact == Rational(1, 4)
    bound = analyze(reduced_game({"A": [(4, 5, -1)], "B": [(4, 5, -1)]}, Rational(1, 2)))
    assert bound.separate_thresholds["A"]["d1"].exact == Rational(1, 6)


def test_stick_and_carrot_with_the_matrix_stick() -> None:
    from linkage import Domain, Game, LinkageStructure

    payoffs, _ = derive(StageGameSpec(HARSH, ["r0", "c0"], stick=["r2", "c2"]))
    g = Game(
        (R, C_), [Domain("d", payoffs)], Rational(1, 2), StickAndCarrot(), LinkageStructure("full")
    )
    assert analyze(g).separate_thresholds[R]["d"].exact == Rational(2, 11)


def test_matching_pennies_mixed_equilibrium_and_minmax() -> None:
    (eq,) = equilibria(PENNIES)
    assert not eq.pure
    assert eq.strategies == ((Rational(1, 2),) * 2, (Rational(1, 2),) * 2)
    assert eq.payoffs == (0, 0)
    assert minmax(PENNIES, R).value == 0  # mixed; the pure minmax would be 1
    with pytest.raises(StageGameError, match="no pure Nash equilibrium"):
        derive(StageGameSpec(PENNIES, ["r0", "c0"], equilibrium="pure"))


def test_battle_of_the_sexes_choice_of_equilibrium() -> None:
    with pytest.raises(StageGameError, match=r"3 Nash equilibria.*1: \(r0, c0\).*3: row: 2/3 r0"):
        derive(StageGameSpec(BOS, ["r0", "c0"]))
    mixed, _ = derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium=3))
    assert mixed[R].N == mixed[C_].N == Rational(2, 3)
    assert derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium="mixed"))[0] == mixed
    chosen, _ = derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium={R: "r1", C_: "c1"}))
    assert (chosen[R].N, chosen[C_].N) == (1, 2)
    with pytest.raises(StageGameError, match=r"\(r0, c1\) is not a stage Nash equilibrium"):
        derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium=["r0", "c1"]))
    with pytest.raises(StageGameError, match="2 pure Nash equilibria"):
        derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium="pure"))
    with pytest.raises(StageGameError, match="1 to 3"):
        derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium=4))


def test_mutual_minmax_stick() -> None:
    payoffs, how = derive(StageGameSpec(BOS, ["r0", "c0"], equilibrium=1, stick="minmax"))
    # row is minmaxed by col playing (1/3, 2/3); col by row playing (2/3, 1/3)
    assert payoffs[R].DP == payoffs[C_].DP == Rational(2, 3)
    assert Rational(2, 3) * Rational(1, 3) * 2 + Rational(1, 3) * Rational(2, 3) == payoffs[R].P
    assert how.stick is not None and how.stick.startswith("mutual minmax")


def test_three_players_pure() -> None:
    # a three-player public-good game: contributing costs 2, each contribution gives everyone 1
    acts = {p: ["give", "keep"] for p in "abc"}
    u = {
        p: [
            [
                [sum(x == 0 for x in (i, j, k)) - 2 * ((i, j, k)[n] == 0) for k in range(2)]
                for j in range(2)
            ]
            for i in range(2)
        ]
        for n, p in enumerate("abc")
    }
    g = StageGame.from_matrices(list("abc"), acts, u)
    payoffs, how = derive(StageGameSpec(g, {"a": "give", "b": "give", "c": "give"}))
    assert payoffs["a"] == StagePayoffs(C=1, D=2, N=0)
    assert how.punishment.startswith("stage Nash equilibrium (keep, keep, keep) (the only pure one")
    low, how = derive(StageGameSpec(g, ["give"] * 3, punish="minmax"))
    assert low["a"].N == 0 and "pure minmax" in how.punishment
    with pytest.raises(StageGameError, match="two-player games only"):
        derive(StageGameSpec(g, ["give"] * 3, equilibrium="mixed"))


def test_parameters_decided_by_their_ranges_or_kept_exact() -> None:
    c = Symbol("c", positive=True)
    g = two([[3, -c], [3 + c, 0]], [[3, 3 + c], [-c, 0]])
    payoffs, _ = derive(StageGameSpec(g, ["r0", "c0"]))
    assert payoffs[R] == StagePayoffs(C=3, D=3 + c, N=0)
    # two deviations whose order is unknown: the exact maximum
    b = Symbol("b", positive=True)
    g3 = two([[3, 0], [3 + b, 1], [3 + c, 1]], [[3, 3], [0, 1], [0, 1]])
    assert best_deviation(g3, 0, (0, 0)) == Max(3 + b, 3 + c)
    x = Symbol("x", real=True)
    with pytest.raises(StageGameError, match="depends on the parameters"):
        pure_equilibria(two([[3, 0], [x, 1]], [[3, 0], [0, 1]]))


def test_shape_and_action_errors() -> None:
    with pytest.raises(StageGameError) as info:
        two([[3, 0], [4]], [[3, 4], [0, 1]])
    assert info.value.path == "payoffs.row[1]" and "wrong shape" in info.value.reason
    with pytest.raises(StageGameError) as info:
        derive(StageGameSpec(PD, {R: "r0", C_: "cooperate"}))
    assert info.value.path == "cooperate.col" and "r0" not in str(info.value.expected)
    with pytest.raises(StageGameError) as info:
        StageGame.from_matrices(["a", "b"], {"a": ["x", "<b>"], "b": ["y"]}, {})
    assert info.value.path == "actions.a" and info.value.found == "<b>"


# -- the case file --------------------------------------------------------------------------------
CASE = """\
[case]
id = "matrix"
players = ["us", "eu"]
discount = 0.3

[parameters]
c = {{ value = 1, low = 0.5 }}

[[domains]]
id = "trade"
[domains.game]
actions = {{ us = ["open", "protect"], eu = ["open", "protect"] }}
payoffs.us = {us}
payoffs.eu = [["3", "3 + c"], ["-c", 0]]
cooperate = {coop}
{extra}
"""


def case(
    us: str = '[["3", "-c"], ["3 + c", 0]]',
    coop: str = '{ us = "open", eu = "open" }',
    extra: str = "",
) -> str:
    return CASE.format(us=us, coop=coop, extra=extra)


def only_error(text: str) -> CaseError:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(text, file="bad.toml")
    exc = info.value
    errors = exc.errors if isinstance(exc, CaseErrors) else [exc]
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_case_file_domain_as_matrix() -> None:
    loaded = load_case_text(case())
    c = loaded.parameters["c"].symbol
    assert loaded.game.domain("trade").payoffs["us"] == StagePayoffs(C=3, D=3 + c, N=0)
    a = loaded.analysis()
    assert a.separate_thresholds["us"]["trade"].exact == Rational(1, 4)
    assert loaded.domains["trade"].stage_game is not None


def test_case_file_errors_name_the_key() -> None:
    e = only_error(case(us='[["3", "-c"], ["3 + c"]]'))
    assert e.location.key_path == "domains[0].game.payoffs.us[1]" and e.location.line == 13
    assert "one per action of eu" in str(e)
    e = only_error(case(coop='["open", "shut"]'))
    assert e.location.key_path == "domains[0].game.cooperate[1]" and "unknown action" in str(e)
    e = only_error(case(extra='punish = "nash"\nequilibrium = "mixed"'))
    assert (
        e.location.key_path == "domains[0].game.payoffs"
        and "need numeric (rational) payoffs" in str(e)
    )
    e = only_error(
        case(us="[[1, -1], [-1, 1]]", extra='equilibrium = "pure"')
        .replace('payoffs.eu = [["3", "3 + c"], ["-c", 0]]', "payoffs.eu = [[-1, 1], [1, -1]]")
        .replace("c = { value = 1, low = 0.5 }", "")
    )
    assert e.location.key_path == "domains[0].game.equilibrium"
    assert "no pure Nash equilibrium" in str(e)
    e = only_error(case(extra='punsh = "minmax"'))
    assert e.location.key_path == "domains[0].game.punsh" and "punish" in str(e)
    e = only_error(case(extra='punish = "worst"'))
    assert e.location.key_path == "domains[0].game.punish"


def test_case_file_reports_render_the_matrix() -> None:
    from linkage.render.html_report import case_section
    from linkage.render.latex import render_latex
    from linkage.render.markdown import render_markdown
    from linkage.render.report import CaseReport
    from linkage.render.text import render_text

    report = CaseReport(load_case_text(case()))
    assert "3, 3 *" in render_text(report)
    assert "| open | 3, 3 * | -c, c + 3 |" in render_markdown(report)
    assert r"open & $3$, $3$ * & $- c$, $c + 3$ \\" in render_latex(report)
    html = case_section(report, plots=False)
    assert "Stage game of domain &#x27;trade&#x27;" in html and "<td>open</td>" in html


def test_matrix_model_for_plugins() -> None:
    m = matrix_model(
        "demo.harsh",
        "A harsh game",
        (R, C_),
        (Parameter("f", "flood payoff", "", Rational(-3, 2)),),
        {R: ("c", "d", "f"), C_: ("c", "d", "f")},
        lambda p: {
            R: [[4, 0, -2], [5, 1, -1], [1, 0, p["f"]]],
            C_: [[4, 5, 1], [0, 1, 0], [-2, -1, p["f"]]],
        },
        {R: "c", C_: "c"},
        punish="minmax",
        stick=("f", "f"),
    )
    assert m.payoffs()[R] == StagePayoffs(C=4, D=5, N=-1, P=Rational(-3, 2), DP=-1)


# -- independent brute force on random games ----------------------------------------------------
def random_game(
    rng: random.Random, m: int, n: int, spread: int = 9, *, distinct: bool = False
) -> StageGame:
    """Integer payoffs in [-spread, spread]; ``distinct``: no two entries of a player's matrix
    equal (no ties between pure best responses)."""
    if distinct:
        a = rng.sample(range(-spread, spread + 1), m * n)
        b = rng.sample(range(-spread, spread + 1), m * n)
        return two(
            [a[r * n : r * n + n] for r in range(m)], [b[r * n : r * n + n] for r in range(m)]
        )
    a = [[rng.randint(-spread, spread) for _ in range(n)] for _ in range(m)]
    b = [[rng.randint(-spread, spread) for _ in range(n)] for _ in range(m)]
    return two(a, b)


def brute_pure(g: StageGame) -> set[tuple[int, ...]]:
    out = set()
    for prof in itertools.product(*(range(k) for k in g.shape)):
        ok = True
        for i in range(len(g.players)):
            here = Fraction(str(g.table[prof][i]))
            for a in range(g.shape[i]):
                dev = (*prof[:i], a, *prof[i + 1 :])
                if Fraction(str(g.table[dev][i])) > here:
                    ok = False
        if ok:
            out.add(prof)
    return out


def brute_minmax_two_columns(g: StageGame, i: int) -> Fraction:
    """The opponent has two actions: i's best reply is the upper envelope of lines in q; its
    minimum is at q = 0, q = 1 or where two lines cross."""
    j = 1 - i
    assert g.shape[j] == 2

    def u(r: int, c: int) -> Fraction:
        return Fraction(str(g.table[(r, c) if i == 0 else (c, r)][i]))

    lines = [(u(r, 0), u(r, 1)) for r in range(g.shape[i])]  # payoff q*x + (1-q)*y
    qs = {Fraction(0), Fraction(1)}
    for (x1, y1), (x2, y2) in itertools.combinations(lines, 2):
        den = (x1 - y1) - (x2 - y2)
        if den != 0:
            q = (y2 - y1) / den
            if 0 <= q <= 1:
                qs.add(q)
    return min(max(q * x + (1 - q) * y for x, y in lines) for q in qs)


def test_random_games_pure_equilibria_and_best_deviation() -> None:
    rng = random.Random(15)
    for _ in range(300):
        g = random_game(rng, rng.randint(1, 4), rng.randint(2, 4), spread=3)
        found = {
            tuple(next(k for k, p in enumerate(s) if p == 1) for s in e.strategies)
            for e in pure_equilibria(g)
        }
        assert found == brute_pure(g)
        prof = (rng.randrange(g.shape[0]), rng.randrange(g.shape[1]))
        others = [g.table[(a, prof[1])][0] for a in range(g.shape[0]) if a != prof[0]]
        assert best_deviation(g, 0, prof) == (max(others) if others else g.table[prof][0])


def test_random_games_minmax_against_brute_force() -> None:
    rng = random.Random(16)
    for _ in range(300):
        g = random_game(rng, rng.randint(1, 5), 2)
        m = minmax(g, R)
        assert Fraction(str(m.value)) == brute_minmax_two_columns(g, 0)
        # the punisher's mixture holds the row player to the value
        y = m.punisher[1]
        best = max(sum(y[c] * g.table[(r, c)][0] for c in range(2)) for r in range(g.shape[0]))
        assert best == m.value


def _floats(e: object) -> list[float]:
    return [float(p) for s in e.strategies for p in s]  # type: ignore[attr-defined]


def test_random_games_mixed_equilibria_are_equilibria() -> None:
    """Every equilibrium found is one (float best-response check written apart), pure ones match
    the brute force, and a generic game has an odd number of them (Wilson's oddness theorem)."""
    rng = random.Random(17)
    for _ in range(150):
        m, n = rng.randint(2, 3), rng.randint(2, 3)
        g = random_game(rng, m, n, spread=50, distinct=rng.random() < 0.7)
        found = mixed_equilibria(g)
        for e in found:
            x, y = ([float(p) for p in s] for s in e.strategies)
            ua = [sum(y[c] * float(g.table[(r, c)][0]) for c in range(n)) for r in range(m)]
            ub = [sum(x[r] * float(g.table[(r, c)][1]) for r in range(m)) for c in range(n)]
            assert abs(sum(x) - 1) < 1e-12 and abs(sum(y) - 1) < 1e-12
            assert min(x) >= 0 and min(y) >= 0
            assert max(ua) <= float(e.payoffs[0]) + 1e-9 and max(ub) <= float(e.payoffs[1]) + 1e-9
        pure = {
            tuple(next(k for k, p in enumerate(s) if p == 1) for s in e.strategies)
            for e in found
            if e.pure
        }
        assert pure == brute_pure(g)
        if not degenerate(g, found):
            assert len(found) % 2 == 1


def test_random_games_against_nashpy() -> None:
    """nashpy's vertex enumeration (its support enumeration, in floats, misses some equilibria
    of these games) finds the same equilibria."""
    nash = pytest.importorskip("nashpy")
    import numpy as np

    rng = random.Random(18)
    for _ in range(100):
        m, n = rng.randint(2, 3), rng.randint(2, 3)
        g = random_game(rng, m, n, spread=50, distinct=True)
        a = np.array([[float(g.table[(r, c)][0]) for c in range(n)] for r in range(m)])
        b = np.array([[float(g.table[(r, c)][1]) for c in range(n)] for r in range(m)])
        theirs = sorted(
            tuple(round(float(v), 9) for v in (*x, *y))
            for x, y in nash.Game(a, b).vertex_enumeration()
        )
        ours = sorted(tuple(round(v, 9) for v in _floats(e)) for e in mixed_equilibria(g))
        assert ours == theirs


def test_random_games_minmax_against_linear_programming() -> None:
    optimize = pytest.importorskip("scipy.optimize")
    rng = random.Random(19)
    for _ in range(100):
        m, n = rng.randint(1, 4), rng.randint(1, 4)
        g = random_game(rng, m, n)
        # min t s.t. sum_c y_c u(r, c) <= t for every row r, y in the simplex
        cost = [0.0] * n + [1.0]
        rows = [[float(g.table[(r, c)][0]) for c in range(n)] + [-1.0] for r in range(m)]
        res = optimize.linprog(
            cost,
            A_ub=rows,
            b_ub=[0.0] * m,
            A_eq=[[1.0] * n + [0.0]],
            b_eq=[1.0],
            bounds=[(0, None)] * n + [(None, None)],
        )
        assert abs(res.fun - float(minmax(g, R).value)) < 1e-7


@settings(max_examples=60)
@given(st.data())
def test_minmax_never_above_an_equilibrium_payoff(data: st.DataObject) -> None:
    """No equilibrium (and so no Nash reversion) punishes more than the minmax: v_i <= N_i, and so
    the grim threshold with the minmax is never above the one with Nash reversion."""
    m = data.draw(st.integers(1, 3))
    n = data.draw(st.integers(1, 3))
    entries = st.integers(-6, 6)
    a = data.draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=m, max_size=m))
    b = data.draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=m, max_size=m))
    g = two(a, b)
    for i in (0, 1):
        v = minmax(g, i).value
        assert v <= _pure_minmax_value(g, i)
        for e in mixed_equilibria(g):
            assert v <= e.payoffs[i]


def _pure_minmax_value(g: StageGame, i: int) -> sympy.Expr:
    j = 1 - i
    return min(
        max(g.table[(r, c) if i == 0 else (c, r)][i] for r in range(g.shape[i]))
        for c in range(g.shape[j])
    )


def test_minmax_punishment_never_milder_than_the_first_equilibrium() -> None:
    rng = random.Random(20)
    for _ in range(40):
        g = random_game(rng, 3, 3)
        prof = (rng.randrange(3), rng.randrange(3))
        coop = [f"r{prof[0]}", f"c{prof[1]}"]
        nash, _ = derive(StageGameSpec(g, coop, equilibrium=1))
        low, _ = derive(StageGameSpec(g, coop, punish="minmax"))
        for p in (R, C_):
            assert low[p].N <= nash[p].N


def test_three_player_case_file_and_its_profile_table() -> None:
    from linkage.render.report import CaseReport
    from linkage.render.text import render_text

    text = """\
[case]
id = "three"
players = ["a", "b", "c"]
discount = 0.6

[[domains]]
id = "pool"
[domains.game]
actions = { a = ["give", "keep"], b = ["give", "keep"], c = ["give", "keep"] }
payoffs.a = [[[1, 0], [0, -1]], [[2, 1], [1, 0]]]
payoffs.b = [[[1, 0], [2, 1]], [[0, -1], [1, 0]]]
payoffs.c = [[[1, 2], [0, 1]], [[0, 1], [-1, 0]]]
cooperate = ["give", "give", "give"]
"""
    case = load_case_text(text)
    assert case.game.domain("pool").payoffs["c"] == StagePayoffs(C=1, D=2, N=0)
    assert case.analysis().separate_thresholds["c"]["pool"].exact == Rational(1, 2)
    out = render_text(CaseReport(case))
    assert "give  give  give  1, 1, 1 *" in out and "keep  keep  keep  0, 0, 0" in out
    e = only_error(text.replace("payoffs.c = [[[1, 2], [0, 1]]", "payoffs.c = [[[1, 2], [0]]"))
    assert e.location.key_path == "domains[0].game.payoffs.c[0][1]"
    assert "one per action of c" in str(e)


def test_irrational_payoffs_get_pure_methods_said_so() -> None:
    r2 = sympy.sqrt(2)
    g = two([[r2, 0], [3, 1]], [[r2, 3], [0, 1]])
    payoffs, how = derive(StageGameSpec(g, ["r0", "c0"]))
    assert payoffs[R] == StagePayoffs(C=r2, D=3, N=1)
    assert "mixed equilibria are searched in two-player games with rational payoffs" in (
        how.punishment
    )
    assert minmax(g, R).method.startswith("pure minmax")
    with pytest.raises(StageGameError, match="numeric"):
        derive(StageGameSpec(g, ["r0", "c0"], equilibrium="mixed"))


def test_a_misspelt_key_is_reported_once() -> None:
    e = only_error(case().replace("cooperate = ", "coperate = "))
    assert e.location.key_path == "domains[0].game.coperate" and "cooperate" in str(e)


def test_a_plugin_registers_a_matrix_game_as_a_domain_model() -> None:
    from collections.abc import Callable

    import linkage
    from linkage.models import DomainModel
    from linkage.plugins.manager import PluginHost

    model = matrix_model(
        "demo.pd",
        "A prisoner's dilemma",
        ("row", "col"),
        (Parameter("t", "temptation", "", 1, low=Rational(1, 2)),),
        {"row": ("c", "d"), "col": ("c", "d")},
        lambda p: {"row": [[3, 0], [3 + p["t"], 1]], "col": [[3, 3 + p["t"]], [0, 1]]},
        {"row": "c", "col": "c"},
    )

    class Pack:
        @staticmethod
        @linkage.hookimpl
        def register_domain_models(register: Callable[[DomainModel], None]) -> None:
            register(model)

    host = PluginHost(load=[])
    host.register(Pack(), "demo")
    loaded = load_case_text(
        """
[case]
id = "plugged"
players = ["us", "eu"]
discount = 0.4

[[domains]]
id = "trade"
model = "demo.pd"
roles = { row = "us", col = "eu" }
params = { t = 2 }
""",
        host=host,
    )
    assert loaded.game.domain("trade").payoffs["us"] == StagePayoffs(C=3, D=5, N=1)
    assert loaded.analysis().separate_thresholds["us"]["trade"].exact == Rational(1, 2)


def test_numbers_refer_to_the_whole_list() -> None:
    """A 3x3 coordination game: 3 pure and 4 mixed equilibria, numbered 1 to 7 everywhere."""
    eye = [[int(r == c) for c in range(3)] for r in range(3)]
    g = two(eye, eye)
    assert len(equilibria(g)) == 7
    with pytest.raises(StageGameError, match=r"4 mixed Nash equilibria.*; 4: row: 1/2 r0") as info:
        derive(StageGameSpec(g, ["r0", "c0"], equilibrium="mixed"))
    assert "1: (r0, c0)" not in str(info.value)
    last, _ = derive(StageGameSpec(g, ["r0", "c0"], equilibrium=7))
    assert last["row"] == StagePayoffs(C=1, D=0, N=Rational(1, 3))
