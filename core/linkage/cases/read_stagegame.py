"""Reading a domain given as a stage game: the ``game`` table of a ``[[domains]]`` entry.

```toml
[domains.game]
actions = { us = ["open", "protect"], eu = ["open", "protect"] }
payoffs.us = [[3, 0], [4, 1]]          # rows: the first player's actions, columns: the second's
payoffs.eu = [[3, 4], [0, 1]]
cooperate = { us = "open", eu = "open" }
punish = "nash"                        # or "minmax"; default "nash"
equilibrium = "pure"                   # optional: "pure", "mixed", a number, or a profile
stick = "minmax"                       # optional: a stick for stick-and-carrot, or a profile
```

Entries are numbers or quoted expressions in the case's parameters. Called by
:mod:`linkage.cases.loader` with its reader, so problems are reported like the loader's own (file,
line, key path, expected, found); the derivation itself is :mod:`linkage.theory.stagegame`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sympy

from linkage.errors import LinkageError
from linkage.model.payoffs import StagePayoffs
from linkage.theory.stagegame import (
    Derivation,
    StageGame,
    StageGameError,
    StageGameSpec,
    derive,
)

if TYPE_CHECKING:
    from linkage.cases.loader import _Reader

GAME_KEYS = ("actions", "payoffs", "cooperate", "punish", "equilibrium", "stick")


def _leaves(value: Any, path: str, names: Mapping[str, sympy.Expr], r: _Reader) -> Any:
    """The nested arrays with every leaf read as an exact expression (``None`` where it failed)."""
    if isinstance(value, list):
        return [_leaves(v, f"{path}[{k}]", names, r) for k, v in enumerate(value)]
    return r.expression(value, path, names)


def _has_none(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_none(v) for v in value)
    return value is None


def read_game(
    value: Any, path: str, players: list[str], names: Mapping[str, sympy.Expr], r: _Reader
) -> tuple[dict[str, StagePayoffs], Derivation] | None:
    """A domain's payoffs from its ``game`` table at ``path`` (``domains[0].game``), or ``None``
    after reporting every problem."""
    table = r.table(value, path)
    if table is None:
        return None
    r.keys(table, GAME_KEYS, path)
    unknown = [k for k in table if k not in GAME_KEYS]
    for key in ("actions", "payoffs", "cooperate"):
        # a misspelt key is reported once, as unknown with its did-you-mean
        if key not in table and not difflib.get_close_matches(key, unknown, n=1):
            r.error(path, f"missing key '{key}'", expected=", ".join(GAME_KEYS[:3]))
    actions = r.table(table.get("actions", {}), f"{path}.actions")
    matrices = r.table(table.get("payoffs", {}), f"{path}.payoffs")
    if actions is None or matrices is None or not {"actions", "payoffs", "cooperate"} <= set(table):
        return None
    read = {p: _leaves(v, f"{path}.payoffs.{p}", names, r) for p, v in matrices.items()}
    if any(_has_none(v) for v in read.values()):
        return None
    punish = table.get("punish", "nash")
    try:
        game = StageGame.from_matrices(players, actions, read, convert=lambda v: v)
        spec = StageGameSpec(
            game,
            table["cooperate"],
            punish=punish,
            equilibrium=table.get("equilibrium"),
            stick=table.get("stick"),
        )
        return derive(spec)
    except StageGameError as exc:
        r.error(
            f"{path}.{exc.path}" if exc.path else path,
            exc.reason,
            expected=exc.expected,
            found=exc.found,
        )
    except LinkageError as exc:  # the derived payoffs themselves (e.g. a stick without C > P)
        r.error(path, str(exc))
    return None
