r"""Negotiation linkage: Nash bargaining over several issues, separately and as one package.

Each issue :math:`j` is a two-player bargaining problem: a convex feasible set with free disposal
whose Pareto frontier is the polygon through ``vertices`` (player 1's utility :math:`x` rising,
player 2's :math:`y` falling, slopes falling: a concave frontier; a linear frontier is two
vertices), and a disagreement point :math:`d_j`. The (generalised) Nash bargaining solution with
player 1's bargaining weight :math:`\alpha` maximises
:math:`(x - d_1)^{\alpha} (y - d_2)^{1-\alpha}` over the feasible points that give both at least
their disagreement payoff (Nash 1950; the weight: Kalai 1977, Roth 1979).

**On an edge** :math:`y = y_0 + s(x - x_0)`, :math:`s < 0`, the first-order condition gives the
closed form :math:`x^* = (1-\alpha)\,d_1 - \alpha\,(y_0 - s x_0 - d_2)/s` (for
:math:`\alpha = 1/2`: the midpoint between :math:`d_1` and where the edge meets :math:`y = d_2`),
clamped to the edge. The solution is the best edge candidate, compared exactly (rational
:math:`\alpha = p/(p+q)`: the products :math:`(x-d_1)^p (y-d_2)^q` are rationals). A solution at
an interior vertex where neither adjacent edge's first-order point lies on that edge is a **kink**
solution, which a first-order solve misses (primer §7.10).

**Non-transferable utility (NTU).** Linking the issues makes the feasible set the Minkowski sum
of theirs (every combination of per-issue agreements), with the summed disagreement point. Its
frontier is the polygon whose edges are all the issues' edges sorted from flattest to steepest,
so the linked solution is exact, and each issue's part of it is read off the merged edges. The
linked solution maximises the Nash product over a set that contains the sum of the separate
solutions, so its product is at least theirs; it moves along the frontier where the players'
rates of exchange differ across issues (Tollison & Willett 1979: mutually advantageous linkage),
but a player can lose from it (Sebenius 1983).

**Transferable utility (TU).** With unrestricted transfers issue :math:`j`'s frontier becomes
:math:`x + y = S_j`, :math:`S_j = \max_{\text{vertices}} (x + y)`, and the solution is
:math:`x = d_{1j} + \alpha_j (S_j - d_{1j} - d_{2j})`. Linked:
:math:`x = \sum_j d_{1j} + \alpha (\sum_j S_j - \sum_j d_{1j} - d_{2j})`. Hence the **irrelevance
result** (primer §4.1, §7.10; Maggi 2016): the total :math:`\sum_j S_j` is the same with and without
linkage (linking cannot raise efficiency), and with equal weights :math:`\alpha_j = \alpha` the
linked solution *is* the sum of the separate ones; different weights across issues change only
the split, by :math:`\sum_j (\alpha - \alpha_j)(S_j - d_{1j} - d_{2j})` for player 1.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from functools import cached_property

import attrs
import sympy

from linkage.errors import ModelError
from linkage.values import exact

__all__ = [
    "Bargaining",
    "Issue",
    "Solution",
    "linked_frontier",
    "nash_solution",
    "tu_solution",
]

Point = tuple[sympy.Rational, sympy.Rational]
HALF = sympy.Rational(1, 2)


def _rational(value: object, what: str) -> sympy.Rational:
    x = exact(value)
    if not x.is_Rational:
        raise ModelError(f"{what} must be a rational number, got {x}")
    return x


def _point(value: Sequence[object], what: str) -> Point:
    if len(value) != 2:
        raise ModelError(f"{what} must be a pair [player 1, player 2], got {len(value)} numbers")
    return _rational(value[0], what), _rational(value[1], what)


def _vertices(value: Iterable[Sequence[object]]) -> tuple[Point, ...]:
    return tuple(_point(v, "a frontier vertex") for v in value)


def _disagreement(value: Sequence[object]) -> Point:
    return _point(value, "the disagreement point")


def _weight(value: object) -> sympy.Rational:
    a = _rational(value, "a bargaining weight")
    if not 0 < a < 1:
        raise ModelError(f"a bargaining weight must lie strictly between 0 and 1, got {a}")
    return a


@attrs.frozen
class Issue:
    """One bargaining problem: the frontier's ``vertices`` and the ``disagreement`` point."""

    id: str
    vertices: tuple[Point, ...] = attrs.field(converter=_vertices)
    disagreement: Point = attrs.field(converter=_disagreement)
    weight: sympy.Rational = attrs.field(default=HALF, converter=_weight)

    def __attrs_post_init__(self) -> None:
        check_frontier(self.vertices)
        d1, d2 = self.disagreement
        if not any(x >= d1 and y >= d2 for x, y in self.vertices) and not _reaches(self, d1, d2):
            raise ModelError(
                f"the disagreement point ({d1}, {d2}) lies outside the feasible set: "
                "no agreement gives both players as much"
            )

    @property
    def edges(self) -> list[tuple[Point, Point]]:
        return list(zip(self.vertices, self.vertices[1:], strict=False))

    @property
    def surplus(self) -> sympy.Rational:
        r""":math:`S = \max (x + y)` over the frontier (at a vertex: the objective is linear)."""
        return max(x + y for x, y in self.vertices)


def _reaches(issue: Issue, d1: sympy.Rational, d2: sympy.Rational) -> bool:
    """Some frontier point weakly dominates ``(d1, d2)``."""
    for (x0, y0), (x1, y1) in issue.edges:
        if x0 <= d1 <= x1 and y0 + (y1 - y0) * (d1 - x0) / (x1 - x0) >= d2:
            return True
    return False


def check_frontier(vertices: Sequence[Point]) -> None:
    """A frontier: at least two vertices, x strictly rising, y strictly falling, slopes falling
    (concave, so the feasible set is convex). Raises :class:`ModelError` saying which vertex."""
    if len(vertices) < 2:
        raise ModelError(f"a frontier needs at least two vertices, got {len(vertices)}")
    slopes = []
    for i, ((x0, y0), (x1, y1)) in enumerate(itertools.pairwise(vertices)):
        if not (x1 > x0 and y1 < y0):
            raise ModelError(
                f"frontier vertices {i} and {i + 1}: player 1's utility must rise and player "
                f"2's fall along the frontier, got ({x0}, {y0}) then ({x1}, {y1})"
            )
        slopes.append((y1 - y0) / (x1 - x0))
    for i, (s0, s1) in enumerate(itertools.pairwise(slopes)):
        if s1 > s0:
            raise ModelError(
                f"the frontier is not concave at vertex {i + 1}: its slope rises from {s0} to "
                f"{s1} (the feasible set must be convex)"
            )


@attrs.frozen
class Solution:
    """A Nash bargaining solution: the ``point``, the Nash ``product`` (exact, with the weights),
    whether it sits at a ``kink`` (an interior vertex), and which ``edge`` or vertex."""

    point: Point
    product: sympy.Expr
    kink: bool
    vertex: int | None = None
    edge: int | None = None


def _candidate(
    p0: Point, p1: Point, d: Point, alpha: sympy.Rational
) -> tuple[sympy.Rational, bool]:
    """The maximiser of the weighted Nash product on the edge p0-p1 and whether the first-order
    point lies on the edge (closed form, clamped)."""
    (x0, y0), (x1, y1) = p0, p1
    s = (y1 - y0) / (x1 - x0)
    intercept = y0 - s * x0 - d[1]
    x = (1 - alpha) * d[0] - alpha * intercept / s
    inside = x0 <= x <= x1
    return min(max(x, x0), x1), inside


def _on(p0: Point, p1: Point, x: sympy.Rational) -> Point:
    (x0, y0), (x1, y1) = p0, p1
    return x, y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def _key(point: Point, d: Point, alpha: sympy.Rational) -> sympy.Rational:
    """Exact comparison key: :math:`(x-d_1)^p (y-d_2)^q` with :math:`\\alpha = p/(p+q)`."""
    gx, gy = point[0] - d[0], point[1] - d[1]
    if gx < 0 or gy < 0:
        return sympy.Integer(-1)
    p, q = alpha.p, alpha.q - alpha.p
    return gx**p * gy**q


def nash_solution(vertices: Sequence[Point], d: Point, alpha: sympy.Rational = HALF) -> Solution:
    r"""The Nash bargaining solution on the polygonal frontier through ``vertices`` with
    disagreement point ``d`` and player 1's weight ``alpha`` (see the module docstring)."""
    vertices = _vertices(vertices)
    check_frontier(vertices)
    d, alpha = _point(d, "the disagreement point"), _weight(alpha)
    best: tuple[sympy.Rational, Point, int, bool] | None = None
    edges = list(itertools.pairwise(vertices))
    for i, (p0, p1) in enumerate(edges):
        x, inside = _candidate(p0, p1, d, alpha)
        point = _on(p0, p1, x)
        key = _key(point, d, alpha)
        if best is None or key > best[0]:
            best = (key, point, i, inside)
    assert best is not None
    key, point, i, _ = best
    if key <= 0:
        # no agreement gives both strictly more: the one efficient point weakly above d
        x = min(max(d[0], vertices[0][0]), vertices[-1][0])
        i = next(k for k, (p0, p1) in enumerate(edges) if p0[0] <= x <= p1[0])
        point = _on(*edges[i], x)
    vertex = next((k for k, v in enumerate(vertices) if v == point), None)
    kink = False
    if vertex is not None and 0 < vertex < len(vertices) - 1:
        # a kink when neither adjacent edge has its first-order point on it
        kink = not any(_candidate(*edges[k], d, alpha)[1] for k in (vertex - 1, vertex))
    product = (point[0] - d[0]) ** alpha * (point[1] - d[1]) ** (1 - alpha)
    return Solution(point, product, kink, vertex, None if vertex is not None else i)


def linked_frontier(issues: Sequence[Issue]) -> tuple[tuple[Point, ...], list[list[int]]]:
    r"""The frontier of the Minkowski sum of the issues' feasible sets, and for each of its
    vertices the vertex index reached in every issue. Start at the sum of the issues' first
    vertices (player 2's best points), then take all edges from flattest to steepest."""
    edges = [
        ((y1 - y0) / (x1 - x0), j, (x1 - x0, y1 - y0))
        for j, issue in enumerate(issues)
        for (x0, y0), (x1, y1) in issue.edges
    ]
    edges.sort(key=lambda e: (-e[0], e[1]))  # slopes are negative: flattest first; stable
    x = sum((i.vertices[0][0] for i in issues), sympy.Integer(0))
    y = sum((i.vertices[0][1] for i in issues), sympy.Integer(0))
    points = [(x, y)]
    reached = [[0] * len(issues)]
    for slope, j, (dx, dy) in edges:
        step = list(reached[-1])
        step[j] += 1
        x, y = x + dx, y + dy
        if (
            len(points) > 1
            and (points[-1][1] - points[-2][1]) / (points[-1][0] - points[-2][0]) == slope
        ):
            points[-1] = (x, y)  # collinear with the previous edge: one longer edge
            reached[-1] = step
        else:
            points.append((x, y))
            reached.append(step)
    return tuple(points), reached


def tu_solution(surplus: sympy.Rational, d: Point, alpha: sympy.Rational = HALF) -> Point:
    r"""Nash bargaining with transfers: :math:`x = d_1 + \alpha (S - d_1 - d_2)`,
    :math:`y = d_2 + (1 - \alpha)(S - d_1 - d_2)`."""
    gain = surplus - d[0] - d[1]
    if gain < 0:
        raise ModelError(f"the surplus {surplus} is below the disagreement total {d[0] + d[1]}")
    return d[0] + alpha * gain, d[1] + (1 - alpha) * gain


def _issues(value: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Bargaining:
    """Separate and linked Nash bargaining over ``issues``; ``weight`` is player 1's weight in
    the linked negotiation."""

    issues: tuple[Issue, ...] = attrs.field(converter=_issues)
    weight: sympy.Rational = attrs.field(default=HALF, converter=_weight)

    def __attrs_post_init__(self) -> None:
        if not self.issues:
            raise ModelError("bargaining needs at least one issue")
        ids = [i.id for i in self.issues]
        if len(set(ids)) != len(ids):
            raise ModelError(f"issue ids must be unique: {ids}")

    @property
    def disagreement(self) -> Point:
        return (
            sum((i.disagreement[0] for i in self.issues), sympy.Integer(0)),
            sum((i.disagreement[1] for i in self.issues), sympy.Integer(0)),
        )

    # -- non-transferable utility ---------------------------------------------------------------
    @cached_property
    def separate(self) -> dict[str, Solution]:
        """Each issue's own Nash solution (its own weight)."""
        return {i.id: nash_solution(i.vertices, i.disagreement, i.weight) for i in self.issues}

    @property
    def separate_total(self) -> Point:
        return (
            sum((s.point[0] for s in self.separate.values()), sympy.Integer(0)),
            sum((s.point[1] for s in self.separate.values()), sympy.Integer(0)),
        )

    @cached_property
    def frontier(self) -> tuple[Point, ...]:
        return linked_frontier(self.issues)[0]

    @cached_property
    def linked(self) -> Solution:
        """The Nash solution over the product of the issues (the Minkowski sum)."""
        return nash_solution(self.frontier, self.disagreement, self.weight)

    @cached_property
    def linked_parts(self) -> dict[str, Point]:
        """Each issue's agreement inside the linked solution (read off the merged edges)."""
        points, reached = linked_frontier(self.issues)
        x = self.linked.point[0]
        k = max(n for n, p in enumerate(points) if p[0] <= x)
        parts = {i.id: i.vertices[reached[k][j]] for j, i in enumerate(self.issues)}
        if points[k][0] == x:
            return parts
        # partway along the next merged edge: the issues whose vertex index moves share it
        # (collinear edges of several issues are walked one after another)
        left = x - points[k][0]
        for j, issue in enumerate(self.issues):
            for v in range(reached[k][j], reached[k + 1][j]):
                (x0, _), (x1, _) = issue.vertices[v], issue.vertices[v + 1]
                take = min(left, x1 - x0)
                if take > 0:
                    parts[issue.id] = _on(issue.vertices[v], issue.vertices[v + 1], x0 + take)
                left -= take
        return parts

    @property
    def separate_is_efficient(self) -> bool:
        """Whether the sum of the separate solutions lies on the linked frontier."""
        x, y = self.separate_total
        pts = self.frontier
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if x0 <= x <= x1:
                return bool(y0 + (y1 - y0) * (x - x0) / (x1 - x0) == y)
        return False

    # -- transferable utility ------------------------------------------------------------------
    @cached_property
    def tu_separate(self) -> dict[str, Point]:
        return {i.id: tu_solution(i.surplus, i.disagreement, i.weight) for i in self.issues}

    @cached_property
    def tu_linked(self) -> Point:
        total = sum((i.surplus for i in self.issues), sympy.Integer(0))
        return tu_solution(total, self.disagreement, self.weight)

    @property
    def tu_separate_total(self) -> Point:
        return (
            sum((p[0] for p in self.tu_separate.values()), sympy.Integer(0)),
            sum((p[1] for p in self.tu_separate.values()), sympy.Integer(0)),
        )

    @property
    def tu_shift(self) -> sympy.Rational:
        r"""Player 1's gain from linking under TU:
        :math:`\sum_j (\alpha - \alpha_j)(S_j - d_{1j} - d_{2j})` (0 with equal weights)."""
        return sum(
            ((self.weight - i.weight) * (i.surplus - sum(i.disagreement)) for i in self.issues),
            sympy.Integer(0),
        )
