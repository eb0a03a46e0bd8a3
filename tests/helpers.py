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
