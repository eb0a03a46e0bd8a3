"""Negotiation linkage (Nash bargaining over several issues): the textbook two-issue example,
the axioms and the TU irrelevance result as properties, and an independent grid search."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.errors import ModelError
from linkage.theory.bargaining import Bargaining, Issue, linked_frontier, nash_solution

R = sympy.Rational


def exchange():
    """Player 1 cares more about fish, player 2 about gas (comparative interest)."""
    return Bargaining(
        [Issue("fish", [(0, 1), (2, 0)], (0, 0)), Issue("gas", [(0, 2), (1, 0)], (0, 0))]
    )


def test_textbook_exchange_of_concessions_at_a_kink():
    b = exchange()
    assert b.separate["fish"].point == (1, R(1, 2))
    assert b.separate["gas"].point == (R(1, 2), 1)
    assert b.separate_total == (R(3, 2), R(3, 2))
    assert b.frontier == ((0, 3), (2, 2), (3, 0))
    assert b.linked.point == (2, 2) and b.linked.kink  # both first-order points miss the vertex
    assert b.linked_parts == {
        "fish": (2, 0),
        "gas": (0, 2),
    }  # each concedes the issue it values less
    assert not b.separate_is_efficient
    # with transfers: the same total, the same split (irrelevance)
    assert b.tu_separate == {"fish": (1, 1), "gas": (1, 1)}
    assert b.tu_linked == b.tu_separate_total == (2, 2) and b.tu_shift == 0


def test_linear_frontier_closed_form_and_weights():
    # y = 10 - x, d = (2, 1): x = (1 - a) d1 + a (10 - d2), split of the surplus 7
    s = nash_solution([(0, 10), (10, 0)], (2, 1), R(1, 3))
    assert s.point == (R(2) + R(7, 3), R(1) + R(14, 3)) and not s.kink


def test_tu_weights_change_the_split_not_the_total():
    issues = [
        Issue("a", [(0, 4), (4, 0)], (0, 0), R(1, 4)),
        Issue("b", [(0, 6), (3, 0)], (1, 0), R(3, 4)),
    ]
    b = Bargaining(issues, weight=R(1, 2))
    assert sum(b.tu_linked) == sum(b.tu_separate_total) == 4 + 6
    assert b.tu_linked[0] - b.tu_separate_total[0] == b.tu_shift == R(1, 4) * 4 - R(1, 4) * 5


@pytest.mark.parametrize(
    ("vertices", "message"),
    [
        ([(0, 1)], "at least two vertices"),
        ([(0, 1), (1, 2)], "must rise and player 2's fall"),
        ([(0, 3), (1, 2.5), (2, 1), (3, -1)], None),
        ([(0, 3), (1, 1), (2, 0.5), (3, -1)], "not concave at vertex 1"),
    ],
)
def test_bad_frontiers_are_refused(vertices, message):
    if message is None:
        Issue("ok", vertices, (0, 0))
        return
    with pytest.raises(ModelError, match=message):
        Issue("bad", vertices, (0, 0))


def test_bad_disagreement_and_weight():
    with pytest.raises(ModelError, match="outside the feasible set"):
        Issue("x", [(0, 1), (1, 0)], (1, 1))
    with pytest.raises(ModelError, match="strictly between 0 and 1"):
        Issue("x", [(0, 1), (1, 0)], (0, 0), 1)


# -- random polygons -----------------------------------------------------------------------------
def polygon(rng_or_draw, n):
    """A concave frontier: positive steps in x, slopes falling."""
    xs, ys = [0], [sum(range(1, 2 * n + 1))]
    slopes = sorted(Fraction(rng_or_draw(1, 9), rng_or_draw(1, 5)) for _ in range(n))
    for s in slopes:  # flattest first
        dx = rng_or_draw(1, 4)
        xs.append(xs[-1] + dx)
        ys.append(ys[-1] - s * dx)
    return [(R(x), R(y)) for x, y in zip(xs, ys, strict=True)]


@st.composite
def issues(draw, weight="1/2"):
    n = draw(st.integers(1, 3))
    verts = polygon(lambda a, b: draw(st.integers(a, b)), n)
    lowest = min(y for _, y in verts)
    d = (min(R(draw(st.integers(0, 2))), verts[-1][0]), lowest + R(draw(st.integers(-2, 0))))
    return Issue(f"i{draw(st.integers(0, 10**6))}", verts, d, R(weight))


@settings(max_examples=150, deadline=None)
@given(st.lists(issues(), min_size=1, max_size=3, unique_by=lambda i: i.id))
def test_linked_solution_is_efficient_and_dominates_in_nash_product(items):
    b = Bargaining(items)
    x, y = b.linked.point
    # Pareto efficiency: on the linked frontier (the frontier is strictly decreasing)
    pts = b.frontier
    assert any(
        x0 <= x <= x1 and y == y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        for (x0, y0), (x1, y1) in itertools.pairwise(pts)
    )
    # the sum of separate solutions is feasible for the linked problem: its product is smaller
    d = b.disagreement
    sx, sy = b.separate_total
    assert (x - d[0]) * (y - d[1]) >= (sx - d[0]) * (sy - d[1])
    # the parts add up to the linked point and each lies on its issue's frontier
    parts = b.linked_parts
    assert sum(p[0] for p in parts.values()) == x and sum(p[1] for p in parts.values()) == y


@settings(max_examples=150, deadline=None)
@given(
    st.lists(issues(), min_size=1, max_size=4, unique_by=lambda i: i.id),
    st.lists(st.sampled_from([R(1, 4), R(1, 3), R(1, 2), R(2, 3)]), min_size=4, max_size=4),
    st.sampled_from([R(1, 3), R(1, 2), R(3, 5)]),
)
def test_tu_irrelevance(items, weights, alpha):
    """Totals never change; with equal weights the linked solution is the sum of the separate."""
    equal = Bargaining(items, weight=R(1, 2))
    assert equal.tu_linked == equal.tu_separate_total
    mixed = Bargaining(
        [Issue(i.id, i.vertices, i.disagreement, w) for i, w in zip(items, weights, strict=False)],
        weight=alpha,
    )
    assert sum(mixed.tu_linked) == sum(mixed.tu_separate_total) == sum(i.surplus for i in items)
    assert mixed.tu_linked[0] - mixed.tu_separate_total[0] == mixed.tu_shift


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(1, 9)), min_size=0, max_size=3),
    st.integers(0, 3),
)
def test_symmetry_axiom(steps, d):
    """A problem symmetric under swapping the players has a symmetric solution."""
    x, y = R(0), R(20)
    half = [(x, y)]
    for dx, k in sorted(steps, key=lambda s: s[1]):  # slopes -k/10, flattest first
        x, y = x + dx, y - R(k, 10) * dx
        half.append((x, y))
    if x >= y:
        return
    verts = half + [(b, a) for a, b in reversed(half)]
    s = nash_solution(Issue("s", verts, (d, d)).vertices, (R(d), R(d)))
    assert s.point[0] == s.point[1]


# -- independent numeric brute force -------------------------------------------------------------
def _grid_best(vertices, d, alpha, per_edge=400):
    """Best weighted Nash product on a dense grid along each edge (floats, numpy)."""
    best = 0.0  # a point weakly above d is feasible (checked by Issue)
    for (x0, y0), (x1, y1) in itertools.pairwise(vertices):
        t = np.linspace(0.0, 1.0, per_edge)
        x = float(x0) + t * float(x1 - x0)
        y = float(y0) + t * float(y1 - y0)
        gx, gy = x - float(d[0]), y - float(d[1])
        ok = (gx >= 0) & (gy >= 0)
        if ok.any():
            best = max(best, float(np.max(gx[ok] ** float(alpha) * gy[ok] ** (1 - float(alpha)))))
    return best


def _grid_linked(items, alpha, per_edge=60):
    """Best product over combinations of per-issue frontier points (independent of the merge)."""
    clouds = []
    for issue in items:
        pts = []
        for (x0, y0), (x1, y1) in zip(issue.vertices, issue.vertices[1:], strict=False):
            t = np.linspace(0.0, 1.0, per_edge)
            pts.append(
                np.stack([float(x0) + t * float(x1 - x0), float(y0) + t * float(y1 - y0)], 1)
            )
        clouds.append(np.concatenate(pts))
    total = clouds[0]
    for c in clouds[1:]:
        total = (total[:, None, :] + c[None, :, :]).reshape(-1, 2)
    d = [float(sum(i.disagreement[k] for i in items)) for k in (0, 1)]
    gx, gy = total[:, 0] - d[0], total[:, 1] - d[1]
    ok = (gx >= 0) & (gy >= 0)
    return float(np.max(gx[ok] ** float(alpha) * gy[ok] ** (1 - float(alpha)))) if ok.any() else 0.0


def test_brute_force_agrees_on_random_instances():
    rng = random.Random(4)
    for _ in range(300):
        items = []
        for j in range(rng.choice((1, 2, 2, 3))):
            verts = polygon(rng.randint, rng.randint(1, 3))
            lowest = min(y for _, y in verts)
            d = (min(R(rng.randint(0, 2)), verts[-1][0]), lowest + R(rng.randint(-2, 0)))
            items.append(Issue(f"i{j}", verts, d, rng.choice([R(1, 3), R(1, 2), R(3, 4)])))
        for issue in items:
            exact = nash_solution(issue.vertices, issue.disagreement, issue.weight)
            grid = _grid_best(issue.vertices, issue.disagreement, issue.weight)
            value = float(exact.product)
            assert grid <= value + 1e-9 and grid >= value * (1 - 1e-3) - 1e-9
        if len(items) <= 2:
            b = Bargaining(items, weight=R(1, 2))
            value = float(b.linked.product)
            grid = _grid_linked(items, R(1, 2))
            assert grid <= value + 1e-9 and grid >= value * (1 - 2e-2) - 1e-9


def test_merge_keeps_every_edge():
    a = Issue("a", [(0, 3), (1, 2), (2, 0)], (0, 0))
    b = Issue("b", [(0, 1), (1, 0)], (0, 0))
    points, reached = linked_frontier([a, b])
    assert points == ((0, 4), (2, 2), (3, 0))  # equal slopes merged into one edge
    assert reached == [[0, 0], [1, 1], [2, 1]]


# -- the analysis kind ----------------------------------------------------------------------------
CASE = """
[case]
id = "exchange"
players = ["japan", "russia"]
discount = 0.9

[parameters]
top = 2

[[domains]]
id = "x"
payoffs.japan = {C = 3, D = 4, N = 1}
payoffs.russia = {C = 3, D = 4, N = 1}

[[analyses]]
kind = "bargaining"

[[analyses.issues]]
id = "fish"
frontier = [[0, 1], ["top", 0]]
disagreement = [0, 0]

[[analyses.issues]]
id = "gas"
frontier = [[0, 2], [1, 0]]
disagreement = [0, 0]
"""


def test_case_file_kind_reproduces_the_example():
    from linkage.cases.loader import load_case_text

    (section,) = load_case_text(CASE).findings()
    assert section.verdict == "linking gains 1/2 for japan and 1/2 for russia"
    assert section.data["linked"] == ["2", "2"] and section.data["linked_kink"] is True
    assert section.data["tu_linked"] == section.data["tu_separate_total"] == ["2", "2"]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            "frontier = [[0, 2], [1, 0]]",
            "frontier = [[0, 2], [1]]",
            "analyses[0].issues[1].frontier[1]",
        ),
        ("frontier = [[0, 2], [1, 0]]", "frontier = [[0, 2]]", "analyses[0].issues[1].frontier"),
        (
            'id = "gas"',
            'id = "gas"\nweigth = 1',
            "analyses[0].issues[1].weigth",
        ),
        ('kind = "bargaining"', 'kind = "bargaining"\nplayers = ["japan"]', "analyses[0].players"),
    ],
)
def test_case_file_errors_are_located(old, new, path):
    from linkage.cases.loader import load_case_text
    from linkage.errors import CaseError, CaseErrors

    assert old in CASE
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(CASE.replace(old, new))
    errors = getattr(info.value, "errors", [info.value])
    assert path in [e.location.key_path for e in errors]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "frontier = [[0, 2], [1, 0]]",
            "frontier = [[0, 2], [1, 1], [2, 0.5], [3, 0]]",
            r"issues\[1\] \(gas\): the frontier is not concave at vertex 1",
        ),
        (
            "frontier = [[0, 2], [1, 0]]",
            "frontier = [[0, 2], [1, 3]]",
            r"issues\[1\] \(gas\): frontier vertices 0 and 1",
        ),
        (
            'kind = "bargaining"',
            'kind = "bargaining"\nweight = 1.5',
            "weight: a bargaining weight must lie strictly between 0 and 1",
        ),
    ],
)
def test_impossible_problems_name_the_key(old, new, message):
    from linkage.cases.loader import load_case_text

    case = load_case_text(CASE.replace(old, new))
    with pytest.raises(
        ModelError,
        match=r"analysis 'bargaining' \(bargaining\) at 'analyses\[0\]' \(line \d+\): " + message,
    ):
        case.findings()
