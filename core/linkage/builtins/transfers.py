"""The ``transfer`` analysis kind: the on-path transfer that minimises a linked package's threshold.

Case-file syntax (see ``docs/explanation/transfers.md``)::

    [[analyses]]
    kind = "transfer"
    domains = ["fish", "energy"]   # optional: default every domain
    timing = "simultaneous"        # or "conditional"; optional
    payer = "Japan"                # optional, with receiver: default lowest and highest threshold
    receiver = "Russia"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import sympy

from linkage.analyses import AnalysisKind, Keys
from linkage.cases.case import Case
from linkage.errors import ModelError
from linkage.findings import ClosedForm, Fact, Paragraph, Section, Table
from linkage.plugins.hookspecs import hookimpl
from linkage.theory import transfers as theory
from linkage.theory.transfers import TIMINGS, Timing


@attrs.frozen
class TransferSpec:
    domains: tuple[str, ...] | None = None
    timing: Timing = "simultaneous"
    payer: str | None = None
    receiver: str | None = None


COLUMNS: Any = ("player", "a", "b", "threshold without", "threshold with")


def read(table: Mapping[str, Any], keys: Keys) -> TransferSpec | None:
    keys.allowed(table, ("domains", "timing", "payer", "receiver"))
    domains = table.get("domains")
    if domains is not None and (
        not isinstance(domains, list) or not domains or not all(isinstance(d, str) for d in domains)
    ):
        keys.error("domains", f"expected a list of domain ids, found {domains!r}")
        return None
    timing = table.get("timing", "simultaneous")
    if timing not in TIMINGS:
        keys.error("timing", f"expected one of {', '.join(TIMINGS)}, found {timing!r}")
        return None
    names = {}
    for role in ("payer", "receiver"):
        if role in table:
            name = keys.string(table[role], role)
            if name is None:
                return None
            names[role] = name
    return TransferSpec(tuple(domains) if domains else None, timing, **names)


def _formulas(timing: Timing) -> tuple[sympy.Expr, sympy.Expr]:
    a_p, S_p, a_r, S_r = sympy.symbols("a_p S_p a_r S_r", positive=True)
    tau = theory.optimal_transfer(
        theory.Pooled(a_p, S_p - a_p), theory.Pooled(a_r, S_r - a_r), timing
    )
    return tau, sympy.simplify((a_p + tau) / S_p)


def solve(spec: TransferSpec, case: Case) -> Section:
    game = case.calibrated_game()
    for d in spec.domains or ():
        if d not in game.domain_ids:
            raise ModelError(f"domains: no domain {d!r} (domains: {', '.join(game.domain_ids)})")
    for role in ("payer", "receiver"):
        name = getattr(spec, role)
        if name is not None and name not in case.players:
            raise ModelError(f"{role}: no player {name!r} (players: {', '.join(case.players)})")
    sums = theory.pooled(game, spec.domains)
    deltas = {p: game.discount.of(p) for p in case.players}
    result = theory.solve(sums, spec.timing, spec.payer, spec.receiver, deltas)
    rows = [
        (p, sums[p].a, sums[p].b, str(result.before[p]), str(result.after[p])) for p in case.players
    ]
    items: list[Any] = [
        Paragraph(
            "Full linkage of the package under grim trigger: a deviation in any of its domains "
            "ends cooperation in all of them and the transfer. Temptation a = sum of (D - C)^+, "
            f"stake b = sum of (C - N); timing {spec.timing}."
        ),
        Table(COLUMNS, rows),
    ]
    tau_form, delta_form = _formulas(spec.timing)
    items.append(ClosedForm("optimal transfer", sympy.Eq(sympy.Symbol("tau"), tau_form)))
    items.append(ClosedForm("common threshold", sympy.Eq(sympy.Symbol("delta^*"), delta_form)))
    if result.payer is None:
        verdict = f"no transfer lowers the package's threshold: {result.reason}"
    else:
        items += [
            Fact("payer", result.payer),
            Fact("receiver", result.receiver or ""),
            Fact("optimal transfer", result.transfer, note="per period, while cooperation lasts"),
            Fact("payer's surplus b_p", result.surplus or sympy.Integer(0), note="the bound"),
            Fact("package threshold without", str(result.package_before)),
            Fact("package threshold with", str(result.package_after)),
        ]
        verdict = (
            f"a transfer of {result.transfer} from {result.payer} to {result.receiver} lowers "
            f"the package's threshold to {result.package_after}"
        )
    if result.interval is not None:
        low, high = result.interval
        items.append(Fact("transfers sustaining the package at the case's discount factors",
                          f"{low} <= tau <= {high}"))  # fmt: skip
    elif result.payer is not None:
        items.append(
            Fact("transfers sustaining the package at the case's discount factors", "none")
        )
    data = {
        "timing": spec.timing,
        "payer": result.payer,
        "receiver": result.receiver,
        "transfer": str(result.transfer),
        "common_threshold": None if result.common is None else str(result.common),
        "before": result.package_before.as_json(),
        "after": result.package_after.as_json(),
        "interval": None if result.interval is None else [str(v) for v in result.interval],
    }
    return Section("Transfer that minimises the package's threshold", verdict, tuple(items), data)


KIND = AnalysisKind(
    "transfer",
    "Transfer that minimises the package's threshold",
    read,
    solve,
    description="An on-path transfer withheld after a deviation, chosen to equalise the players' "
    "linked constraints (Maggi 2016 §4), in closed form",
    keys_help={
        "domains": "the package (default: every domain)",
        "timing": "simultaneous (a deviating receiver still collects that period) or conditional",
        "payer": "the paying player (default: the lowest threshold)",
        "receiver": "the receiving player (default: the highest threshold)",
    },
)


@hookimpl
def register_analysis_kinds(register: Callable[[AnalysisKind], None]) -> None:
    register(KIND)
