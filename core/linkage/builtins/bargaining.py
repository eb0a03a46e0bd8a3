"""The ``bargaining`` analysis kind: Nash bargaining over several issues, separate and linked.

Case-file syntax::

    [[analyses]]
    kind = "bargaining"
    players = ["japan", "russia"]   # optional: player 1 and player 2 (default: the case's first two)
    weight = 0.5                    # optional: player 1's weight in the linked negotiation

    [[analyses.issues]]
    id = "fish"
    frontier = [[0, 1], [2, 0]]     # Pareto frontier vertices (player 1, player 2), concave
    disagreement = [0, 0]
    weight = 0.5                    # optional: player 1's weight in this issue alone
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import sympy

from linkage.analyses import AnalysisKind, Keys
from linkage.cases.case import Case
from linkage.errors import ModelError
from linkage.findings import Fact, Paragraph, Section, Table
from linkage.plugins.hookspecs import hookimpl
from linkage.theory.bargaining import Bargaining, Issue
from linkage.values import substitute

KEYS = ("players", "weight", "issues")
ISSUE_KEYS = ("id", "frontier", "disagreement", "weight")

Pair = tuple[sympy.Expr, sympy.Expr]


@attrs.frozen
class IssueSpec:
    id: str
    frontier: tuple[Pair, ...]
    disagreement: Pair
    weight: sympy.Expr | None


@attrs.frozen
class Spec:
    players: tuple[str, str] | None
    weight: sympy.Expr | None
    issues: tuple[IssueSpec, ...]


def _pair(value: Any, path: str, keys: Keys) -> Pair | None:
    if not isinstance(value, list) or len(value) != 2:
        keys.error(path, f"expected a pair [player 1, player 2], found {value!r}")
        return None
    a, b = keys.expression(value[0], f"{path}[0]"), keys.expression(value[1], f"{path}[1]")
    return None if a is None or b is None else (a, b)


def _issue(table: Any, path: str, keys: Keys) -> IssueSpec | None:
    table = keys.table(table, path)
    if table is None:
        return None
    keys.allowed(table, ISSUE_KEYS, path)
    for key in ("id", "frontier", "disagreement"):
        if key not in table:
            keys.error(f"{path}.{key}", "missing key")
            return None
    name = keys.string(table["id"], f"{path}.id")
    raw = table["frontier"]
    if not isinstance(raw, list) or len(raw) < 2:
        keys.error(f"{path}.frontier", "expected at least two vertices [[x, y], ...]")
        return None
    vertices = [_pair(v, f"{path}.frontier[{i}]", keys) for i, v in enumerate(raw)]
    d = _pair(table["disagreement"], f"{path}.disagreement", keys)
    weight = keys.expression(table["weight"], f"{path}.weight") if "weight" in table else None
    if name is None or d is None or any(v is None for v in vertices):
        return None
    return IssueSpec(name, tuple(v for v in vertices if v is not None), d, weight)


def _read(table: Mapping[str, Any], keys: Keys) -> Spec | None:
    keys.allowed(table, KEYS)
    players = None
    if "players" in table:
        raw = table["players"]
        if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(p, str) for p in raw)):
            keys.error("players", "expected two player names [player 1, player 2]")
        else:
            players = (raw[0], raw[1])
    weight = keys.expression(table["weight"], "weight") if "weight" in table else None
    raw = table.get("issues")
    if not isinstance(raw, list) or not raw:
        keys.error("issues", "expected one or more [[analyses.issues]] tables")
        return None
    issues = [_issue(t, f"issues[{i}]", keys) for i, t in enumerate(raw)]
    if any(i is None for i in issues):
        return None
    return Spec(players, weight, tuple(i for i in issues if i is not None))


def problem_of(spec: Spec, case: Case) -> tuple[tuple[str, str], Bargaining]:
    """The bargaining problem at the case's calibration; errors name the key."""
    values = case.calibration()
    players = spec.players or (case.players[0], case.players[1])
    for i, p in enumerate(players):
        if p not in case.players:
            raise ModelError(f"players[{i}]: no such player {p!r}")

    def number(x: sympy.Expr) -> sympy.Expr:
        return substitute(x, values)

    issues = []
    for n, s in enumerate(spec.issues):
        try:
            issues.append(
                Issue(
                    s.id,
                    [(number(x), number(y)) for x, y in s.frontier],
                    (number(s.disagreement[0]), number(s.disagreement[1])),
                    *(() if s.weight is None else (number(s.weight),)),
                )
            )
        except ModelError as error:
            raise ModelError(f"issues[{n}] ({s.id}): {error}") from None
    try:
        weight = () if spec.weight is None else (number(spec.weight),)
        return players, Bargaining(issues, *weight)
    except ModelError as error:
        raise ModelError(f"weight: {error}") from None


def _signed(x: sympy.Expr) -> str:
    return f"+{x}" if x >= 0 else str(x)


def _solve(spec: Spec, case: Case) -> Section:
    (p1, p2), b = problem_of(spec, case)
    rows: list[tuple[Any, ...]] = []
    for issue in b.issues:
        s, part, tu = b.separate[issue.id], b.linked_parts[issue.id], b.tu_separate[issue.id]
        rows.append(
            (
                issue.id,
                s.point[0],
                s.point[1],
                "yes" if s.kink else "no",
                part[0],
                part[1],
                issue.surplus,
                tu[0],
                tu[1],
            )
        )
    sx, sy = b.separate_total
    lx, ly = b.linked.point
    tx, ty = b.tu_linked
    rows.append(("total", sx, sy, "", lx, ly, sum(i.surplus for i in b.issues), tx, ty))
    g1, g2 = lx - sx, ly - sy
    if g1 == 0 and g2 == 0:
        verdict = "linking the negotiations changes nothing"
    elif g1 >= 0 and g2 >= 0:
        verdict = f"linking gains {g1} for {p1} and {g2} for {p2}"
    else:
        loser = p1 if g1 < 0 else p2
        verdict = (
            f"linking changes the outcome ({p1} {_signed(g1)}, {p2} {_signed(g2)}); {loser} loses"
        )
    items = [
        Table(
            (
                "issue",
                f"separate {p1}",
                f"separate {p2}",
                "kink",
                f"linked {p1}",
                f"linked {p2}",
                "TU surplus",
                f"TU {p1}",
                f"TU {p2}",
            ),
            rows,
            caption="Nash bargaining solutions per issue: separate, linked (each issue's part), "
            "and with transfers (TU)",
        ),
        Fact("linked solution", f"({lx}, {ly})", note="at a kink" if b.linked.kink else ""),
        Fact(f"gain from linking for {p1}", g1),
        Fact(f"gain from linking for {p2}", g2),
        Fact("separate outcome efficient for the package", b.separate_is_efficient),
        Fact(f"TU: {p1}'s gain from linking", b.tu_shift, note="0 with equal weights"),
        Paragraph(
            "Without transfers the linked feasible set is the sum of the issues' sets; its "
            "frontier has a kink wherever the players' rates of exchange change, and the solution "
            "often sits there: each player concedes the issue it values less. With transfers the "
            "total surplus is the same linked or not (linking cannot raise efficiency), and with "
            "equal bargaining weights the split is the same too."
        ),
    ]
    data = {
        "players": [p1, p2],
        "separate": {k: [str(s.point[0]), str(s.point[1])] for k, s in b.separate.items()},
        "linked": [str(lx), str(ly)],
        "linked_kink": b.linked.kink,
        "linked_parts": {k: [str(x), str(y)] for k, (x, y) in b.linked_parts.items()},
        "tu_separate_total": [str(b.tu_separate_total[0]), str(b.tu_separate_total[1])],
        "tu_linked": [str(tx), str(ty)],
    }
    return Section("Negotiation linkage (Nash bargaining)", verdict, tuple(items), data=data)


BARGAINING = AnalysisKind(
    "bargaining",
    "Negotiation linkage (Nash bargaining)",
    _read,
    _solve,
    description=(
        "Nash bargaining over several issues: separate and linked solutions without transfers "
        "(kinks of the summed frontier) and with transfers (irrelevance)."
    ),
    keys_help={
        "players": "optional [player 1, player 2] (default: the case's first two players)",
        "weight": "optional: player 1's bargaining weight in the linked negotiation (0.5)",
        "issues": "[[analyses.issues]] tables: id, frontier = [[x, y], ...], disagreement, weight",
    },
)


@hookimpl
def register_analysis_kinds(register: Callable[[AnalysisKind], None]) -> None:
    register(BARGAINING)
