"""Small constructors shared by the tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linkage import Domain, Game, LinkageStructure
from linkage.model.strategies import GrimTrigger, Strategy


def symmetric_game(
    issues: Sequence[tuple[Any, Any, Any]],
    delta: Any,
    linkage: LinkageStructure | None = None,
    strategy: Strategy | None = None,
) -> Game:
    """Two identical players A and B facing issues given as (C, D, N)."""
    domains = [
        Domain(f"d{i + 1}", {p: dict(C=c, D=d, N=n) for p in ("A", "B")})
        for i, (c, d, n) in enumerate(issues)
    ]
    return Game(
        ("A", "B"), domains, delta, strategy or GrimTrigger(), linkage or LinkageStructure("full")
    )


def game(
    payoffs: dict[str, Sequence[tuple[Any, Any, Any]]],
    delta: Any,
    linkage: LinkageStructure | None = None,
    strategy: Strategy | None = None,
) -> Game:
    """Players with their own issue payoffs: {"A": [(C, D, N), ...], "B": [...]}."""
    players = tuple(payoffs)
    k = len(next(iter(payoffs.values())))
    domains = [
        Domain(f"d{i + 1}", {p: dict(zip("CDN", payoffs[p][i], strict=True)) for p in players})
        for i in range(k)
    ]
    return Game(
        players, domains, delta, strategy or GrimTrigger(), linkage or LinkageStructure("full")
    )


def clean_env() -> dict[str, str]:
    """The environment without LINKAGE_* variables, for subprocesses that should autoload plugins."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("LINKAGE_")}


def shock_case(header: str, *, g_fields: str = "", shock_title: str = "Shock") -> str:
    """A two-domain case (fish, lng; hypotheses full and separate) whose timeline ends in a shock
    that raises J's temptation in fish (g = 4). ``header`` is the [case] table."""
    return f"""
{header.strip()}

[parameters]
d = {{ value = "3/5", low = "1/2", high = "9/10" }}
g = {{ value = 2, low = 1, high = 4{g_fields} }}

[[domains]]
id = "fish"
payoffs.J = {{ C = 3, D = "3+g", N = 1 }}
payoffs.R = {{ C = 3, D = 4, N = 1 }}

[[domains]]
id = "lng"
payoffs.J = {{ C = 5, D = 5, N = 0 }}
payoffs.R = {{ C = 4, D = 5, N = 0 }}

[[hypotheses]]
id = "full"
mode = "full"

[[hypotheses]]
id = "separate"
mode = "separate"

[[timeline]]
date = "2020-01"
title = "Start"
observed = {{ fish = "cooperating", lng = "cooperating" }}

[[timeline]]
date = "2022-06"
title = "{shock_title}"
set = {{ g = 4 }}
observed = {{ fish = "suspended" }}
"""
