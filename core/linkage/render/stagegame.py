"""The stage games of a case's domains given as matrices, laid out for every output format.

Two players: a matrix with a row per action of the first and a column per action of the second
(the corner says ``first / second``), each cell ``u_1, u_2``, the cooperative profile starred.
More players: a row per pure profile. Each renderer supplies its own way of writing names and
values (escaped for its format).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy

from linkage.cases.case import Case
from linkage.theory.stagegame import Derivation


def stage_games(case: Case) -> Iterator[tuple[str, Derivation]]:
    """The domains given as stage games, in the case's order, with what was read off them."""
    for k in case.domain_ids:
        info = case.domains.get(k)
        if info is not None and info.stage_game is not None:
            yield k, info.stage_game


def matrix(
    d: Derivation, name: Callable[[str], str], value: Callable[[sympy.Expr], str]
) -> tuple[list[str], list[list[str]]]:
    """Head and rows of the game's table; ``name`` writes a player or action name, ``value`` a
    payoff."""
    g = d.game
    if len(g.players) == 2:
        head = [f"{name(g.players[0])} / {name(g.players[1])}", *map(name, g.actions[1])]
        rows = []
        for r, action in enumerate(g.actions[0]):
            cells = []
            for c in range(len(g.actions[1])):
                cell = ", ".join(value(v) for v in g.table[(r, c)])
                cells.append(cell + (" *" if (r, c) == d.cooperate else ""))
            rows.append([name(action), *cells])
        return head, rows
    head = [*map(name, g.players), "payoffs"]
    rows = [
        [
            *(name(acts[a]) for acts, a in zip(g.actions, prof, strict=True)),
            ", ".join(value(v) for v in g.table[prof]) + (" *" if prof == d.cooperate else ""),
        ]
        for prof in g.profiles
    ]
    return head, rows


def caption(domain: str, d: Derivation) -> str:
    """``Stage game of domain 'trade' (* the cooperative profile): C at ...``."""
    return f"Stage game of domain '{domain}' (* cooperation): {d.describe()}"
