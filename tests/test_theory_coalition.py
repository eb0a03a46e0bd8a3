"""A sanctions coalition and its target (linkage.theory.coalition, kind "coalition").

The closed-form constraints are checked against a brute force written apart from the module: it
builds the strategy's automaton from the primitives (every member's sanction and its action in
each relation), plays every unilateral deviation of every player at every state in exact
Fractions, and decides which coalitions are self-enforcing, on hundreds of random games.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from functools import cache

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.cases import load_case_text
from linkage.errors import CaseError, CaseErrors, ModelError
from linkage.theory.coalition import Coalition, analyse, threshold

MEMBERS = ("us", "eu", "jp")
EXAMPLE = Coalition(
    "ru",
    MEMBERS,
    C=0,
    D=2,
    N=0,
    harm={"us": 2, "eu": 3, "jp": 1},
    cost={"us": Fraction(1, 2), "eu": 2, "jp": 1},
    stake={"us": {"eu": 2, "jp": 1}, "eu": {"us": 3, "jp": 1}, "jp": {"us": 1, "eu": 1}},
)
DELTAS = {"ru": Fraction(1, 2), "us": Fraction(1, 2), "eu": Fraction(7, 10), "jp": Fraction(3, 5)}


def test_three_member_example() -> None:
    r = analyse(EXAMPLE, DELTAS)
    assert r.spe and r.reachable == (MEMBERS, ("us", "eu"))
    # the target: g / (g + H): 2/8 with everyone, 2/6 without us, 2/5 without eu, 2/7 without jp
    assert threshold(EXAMPLE, "ru", MEMBERS).exact == sympy.Rational(1, 4)
    assert threshold(EXAMPLE, "ru", ("eu", "jp")).exact == sympy.Rational(1, 3)
    # eu sanctions iff (1 - δ)·2 <= δ·(4 - 2): δ >= 1/2; without us its stake 1 is below its cost
    assert threshold(EXAMPLE, "eu", MEMBERS).exact == sympy.Rational(1, 2)
    assert threshold(EXAMPLE, "eu", ("eu", "jp")).status == "never"
    # for a common δ: the whole coalition from 1/2, without Japan from 2/3, without the US never
    assert threshold(EXAMPLE, None, MEMBERS).exact == sympy.Rational(1, 2)
    assert threshold(EXAMPLE, None, ("us", "eu")).exact == sympy.Rational(2, 3)
    assert threshold(EXAMPLE, None, ("eu", "jp")).status == "never"
    assert [r.after_exit(j) for j in MEMBERS] == [
        "the coalition collapses",
        "the coalition collapses",
        "the others carry on",
    ]
    impatient = analyse(EXAMPLE, {**DELTAS, "eu": Fraction(2, 5)})
    assert not impatient.spe
    assert [(k.player, k.phase) for k in impatient.failing] == [("eu", "sanction")]


# -- independent brute force ---------------------------------------------------------------------
def brute(
    c: Coalition, deltas: dict[str, Fraction]
) -> tuple[dict[tuple[str, ...], bool], set[tuple[str, ...]]]:
    """Self-enforcing coalitions by playing every unilateral deviation from the primitives, and
    the coalitions in force at the states reachable from (peace, M)."""
    members = c.members

    def F(x: sympy.Expr) -> Fraction:
        return Fraction(str(x))

    def stake(j: str, other: str) -> Fraction:
        return F(c.stake.get(j, {}).get(other, 0))

    def gain(j: str, other: str) -> Fraction:
        return F(c.temptation.get(j, {}).get(other, 0))

    def prescribed(state: tuple[str, tuple[str, ...]]) -> dict[str, object]:
        phase, s = state
        acts: dict[str, object] = {c.target: "comply" if phase == "peace" else "defy"}
        for j in members:
            inside = j in s and phase != "collapse"
            acts[j] = (
                inside and phase == "sanction",
                frozenset(o for o in members if o != j and not (inside and o in s)),
            )
        return acts

    def payoff(p: str, state: tuple[str, tuple[str, ...]], acts: dict[str, object]) -> Fraction:
        phase = state[0]
        if p == c.target:
            harm = sum(F(c.h(j)) for j in members if acts[j][0])  # type: ignore[index]
            if phase != "peace":
                return F(c.N) - harm
            return (F(c.C) if acts[p] == "comply" else F(c.D)) - harm
        sanction, defects = acts[p]  # type: ignore[misc]
        total = -F(c.k(p)) if sanction else Fraction(0)
        for o in members:
            if o == p or p in acts[o][1]:  # type: ignore[index]
                continue  # the partner defects on p: p gets the Nash payoff 0 at best
            total += stake(p, o) + (gain(p, o) if o in defects else 0)
        return total

    @cache
    def enforcing(s: tuple[str, ...]) -> bool:
        return all(no_gain(phase, s) for phase in ("peace", "sanction"))

    def following(state: tuple[str, tuple[str, ...]], deviator: str, acts: dict[str, object]):
        phase, s = state
        if deviator == c.target:
            return ("sanction", s) if phase == "peace" and acts[deviator] == "defy" else state
        if deviator not in s:
            return state
        rest = tuple(m for m in s if m != deviator)
        return (phase, rest) if rest and enforcing(rest) else ("collapse", ())

    def no_gain(phase: str, s: tuple[str, ...]) -> bool:
        state = (phase, s)
        on = prescribed(state)
        for p in (c.target, *s):
            d = deltas[p]
            stay = payoff(p, state, on)
            if p == c.target:
                options: list[object] = ["comply", "defy"]
            else:
                others = [o for o in members if o != p]
                options = [
                    (sanction, frozenset(x))
                    for sanction in (False, True)
                    for n in range(len(others) + 1)
                    for x in itertools.combinations(others, n)
                ]
            for option in options:
                if option == on[p]:
                    continue
                acts = {**on, p: option}
                nxt = following(state, p, acts)
                later = payoff(p, nxt, prescribed(nxt))
                if (1 - d) * payoff(p, state, acts) + d * later > stay:
                    return False
        return True

    table = {
        s: enforcing(s)
        for n in range(len(members), 0, -1)
        for s in itertools.combinations(members, n)
    }
    # every state play can reach from (peace, M), through any unilateral deviation
    seen = {("peace", members)}
    todo = [("peace", members)]
    while todo:
        state = todo.pop()
        if state[0] == "collapse":
            continue
        on = prescribed(state)
        for p in (c.target, *state[1]):
            options = ["comply", "defy"] if p == c.target else [(not on[p][0], on[p][1])]
            for option in options:
                nxt = following(state, p, {**on, p: option})
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    reached = {s for phase, s in seen if phase != "collapse"}
    return table, reached


def random_coalition(rng: random.Random) -> tuple[Coalition, dict[str, Fraction]]:
    members = ("m1", "m2", "m3")[: rng.randint(1, 3)]
    c = Coalition(
        "t",
        members,
        C=rng.randint(0, 3),
        D=rng.randint(0, 6),
        N=rng.randint(-2, 2),
        harm={j: rng.randint(0, 4) for j in members},
        cost={j: rng.randint(0, 3) for j in members if rng.random() < 0.9},
        stake={j: {o: rng.randint(0, 4) for o in members if o != j} for j in members},
        temptation={
            j: {o: rng.randint(0, 2) for o in members if o != j and rng.random() < 0.5}
            for j in members
        },
    )
    deltas = {}
    for p in ("t", *members):
        if rng.random() < 0.3:  # exactly at a threshold: the constraint holds with equality
            t = threshold(c, p, members)
            if t.status == "threshold" and t.exact is not None:
                deltas[p] = Fraction(str(t.exact))
                continue
        deltas[p] = Fraction(rng.randint(1, 19), 20)
    return c, deltas


def test_random_coalitions_against_brute_force() -> None:
    rng = random.Random(15)
    spe = 0
    for _ in range(300):
        c, deltas = random_coalition(rng)
        r = analyse(c, deltas)
        enforcing, reached = brute(c, deltas)
        assert dict(r.enforcing) == enforcing, (c, deltas)
        assert set(r.reachable) == reached, (c, deltas)
        spe += r.spe
    assert 30 < spe < 270  # both verdicts are exercised


@settings(max_examples=50)
@given(
    h=st.lists(st.integers(0, 5), min_size=3, max_size=3),
    g=st.integers(1, 5),
    b=st.lists(st.integers(0, 5), min_size=6, max_size=6),
    k=st.integers(0, 3),
)
def test_losing_a_member_never_helps(h: list[int], g: int, b: list[int], k: int) -> None:
    """With non-negative harms and stakes, a smaller coalition deters the target no better and
    gives each remaining member no more reason to sanction: every threshold weakly rises."""
    pairs = list(itertools.permutations(MEMBERS, 2))
    c = Coalition(
        "ru",
        MEMBERS,
        C=0,
        D=g,
        N=0,
        harm=dict(zip(MEMBERS, h, strict=True)),
        cost=dict.fromkeys(MEMBERS, k),
        stake={j: {o: b[pairs.index((j, o))] for o in MEMBERS if o != j} for j in MEMBERS},
    )
    for j in MEMBERS:
        rest = tuple(m for m in MEMBERS if m != j)
        for p in ("ru", *rest):
            whole, less = threshold(c, p, MEMBERS), threshold(c, p, rest)
            for d in (Fraction(n, 20) for n in range(20)):
                assert less.holds_at(d) <= whole.holds_at(d)


# -- the case file ---------------------------------------------------------------------------------
CASE = """\
[case]
id = "sanctions"
players = ["ru", "us", "eu", "jp"]
discount = { ru = 0.5, us = 0.5, eu = "d", jp = 0.6 }

[parameters]
g = { value = 2, low = 0.5 }
d = { value = 0.7, low = 0, high = 1 }

[[domains]]
id = "trade"
payoffs.ru = { C = 3, D = 4, N = 1 }
payoffs.us = { C = 3, D = 4, N = 1 }
payoffs.eu = { C = 3, D = 4, N = 1 }
payoffs.jp = { C = 3, D = 4, N = 1 }

[[analyses]]
kind = "coalition"
target = "ru"
members = ["us", "eu", "jp"]
target_payoffs = { C = 0, D = "g", N = 0 }
harm = { us = 2, eu = 3, jp = 1 }
cost = { us = 0.5, eu = 2, jp = 1 }
stake.us = { eu = 2, jp = 1 }
stake.eu = { us = 3, jp = 1 }
stake.jp = { us = 1, eu = 1 }
"""


def test_case_file_kind() -> None:
    case = load_case_text(CASE)
    (section,) = case.findings()
    assert section.verdict.startswith("subgame perfect")
    assert section.data["reachable"] == [["us", "eu", "jp"], ["us", "eu"]]
    g = case.parameters["g"].symbol
    rows = section.items[1].rows  # type: ignore[union-attr]
    assert rows[0][:6] == ("ru", "target", "peace", g, 6, g / (g + 6))
    changed = load_case_text(CASE.replace("d = { value = 0.7", "d = { value = 0.4"))
    (section,) = changed.findings()
    assert section.data["failing"] == [["eu", "sanction"]]


def test_case_file_errors_are_located() -> None:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace("harm = { us = 2,", "harm = { uk = 2,"))
    errors = getattr(info.value, "errors", [info.value])
    assert [e.location.key_path for e in errors] == ["analyses[0].harm.uk"]
    assert "not a member" in str(errors[0])
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace("harm = {", "harms = {"))
    errors = getattr(info.value, "errors", [info.value])
    assert [e.location.key_path for e in errors] == ["analyses[0].harms"]
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace('members = ["us", "eu", "jp"]', 'members = ["us", "ru"]'))
    errors = getattr(info.value, "errors", [info.value])
    assert errors[0].location.key_path == "analyses[0].members"


def test_a_member_must_be_a_player() -> None:
    case = load_case_text(
        CASE.replace('players = ["ru", "us", "eu", "jp"]', 'players = ["ru", "us", "eu"]')
        .replace("payoffs.jp = { C = 3, D = 4, N = 1 }\n", "")
        .replace(", jp = 0.6 }", " }")
    )
    with pytest.raises(ModelError, match=r"'jp' .* is not a player of the case"):
        case.findings()


def test_a_negative_cost_is_refused_with_its_key() -> None:
    with pytest.raises(ModelError, match="a cost is not negative"):
        Coalition("t", ("a",), C=0, D=1, N=0, harm={"a": 1}, cost={"a": -1}, stake={})
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace("cost = { us = 0.5,", "cost = { us = -0.5,"))
    errors = getattr(info.value, "errors", [info.value])
    assert errors[0].location.key_path == "analyses[0].cost.us"
    assert "not negative" in str(errors[0]) and errors[0].location.line == 23
