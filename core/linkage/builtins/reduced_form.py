"""The built-in reduced-form domain model: a two-player stage game given directly by C, D, N."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sympy

from linkage.models import DomainModel, Parameter
from linkage.plugins.hookspecs import hookimpl


def _build(p: Mapping[str, sympy.Expr]) -> dict[str, dict[str, sympy.Expr]]:
    return {
        role: {"C": p[f"C_{role}"], "D": p[f"D_{role}"], "N": p[f"N_{role}"]} for role in ("a", "b")
    }


REDUCED_FORM = DomainModel(
    id="core.reduced_form",
    title="Reduced-form stage game",
    roles=("a", "b"),
    parameters=tuple(
        Parameter(f"{name}_{role}", f"{meaning} of role {role}", "payoff units", default)
        for role in ("a", "b")
        for name, meaning, default in (
            ("C", "payoff under mutual cooperation", 3),
            ("D", "best one-shot deviation payoff while the other cooperates", 4),
            ("N", "payoff in the punishment (stage Nash) phase", 1),
        )
    ),
    build=_build,
    description=(
        "Per-role payoffs C (mutual cooperation), D (best deviation) and N (punishment), given "
        "directly. Case files usually write these inline as payoffs.PLAYER = {C, D, N}."
    ),
)


@hookimpl
def register_domain_models(register: Callable[[DomainModel], None]) -> None:
    register(REDUCED_FORM)
