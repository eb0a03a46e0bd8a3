"""The ``coalition`` analysis kind: a sanctions coalition and its target (linkage.theory.coalition).

```toml
[[analyses]]
kind = "coalition"
target = "ru"
members = ["us", "eu", "jp"]
target_payoffs = { C = 0, D = "g", N = 0 }       # the target without sanctions
harm = { us = 2, eu = 3, jp = 1 }                # what each member's sanction takes from it
cost = { us = 0.5, eu = 2, jp = 1 }              # what sanctioning costs each member
stake.us = { eu = 2, jp = 1 }                    # what us loses per period without eu's, jp's cooperation
stake.eu = { us = 3, jp = 1 }
stake.jp = { us = 1, eu = 1 }
# temptation.us = { eu = 1 }                     # optional: one-shot gains from defecting on a member
```
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

import sympy

from linkage.analyses import COMMON_KEYS, AnalysisKind, Keys
from linkage.cases.case import Case
from linkage.engine.threshold import Threshold
from linkage.errors import LinkageError, ModelError
from linkage.findings import Fact, Paragraph, Section, Table
from linkage.plugins.hookspecs import hookimpl
from linkage.theory.coalition import Coalition, analyse, constraints, threshold

KEYS = ("target", "members", "target_payoffs", "harm", "cost", "stake", "temptation")


def _names(value: Any, path: str, keys: Keys) -> list[str] | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        keys.error(path, f"wrong type: expected a non-empty array of player names, found {value!r}")
        return None
    return value


def _per_member(
    table: Mapping[str, Any], key: str, members: list[str], keys: Keys
) -> dict[str, sympy.Expr]:
    out: dict[str, sympy.Expr] = {}
    found = keys.table(table.get(key, {}), key)
    for j, v in (found or {}).items():
        if j not in members:
            keys.error(f"{key}.{j}", f"{j!r} is not a member (members: {', '.join(members)})")
            continue
        e = keys.expression(v, f"{key}.{j}")
        if e is not None and key == "cost" and e.is_negative:
            keys.error(f"{key}.{j}", f"a cost is not negative, found {v!r}")
        elif e is not None:
            out[j] = e
    return out


def _pairs(
    table: Mapping[str, Any], key: str, members: list[str], keys: Keys
) -> dict[str, dict[str, sympy.Expr]]:
    out: dict[str, dict[str, sympy.Expr]] = {}
    found = keys.table(table.get(key, {}), key)
    for j, row in (found or {}).items():
        if j not in members:
            keys.error(f"{key}.{j}", f"{j!r} is not a member (members: {', '.join(members)})")
            continue
        inner = keys.table(row, f"{key}.{j}")
        out[j] = {}
        for other, v in (inner or {}).items():
            if other not in members or other == j:
                keys.error(
                    f"{key}.{j}.{other}", f"expected another member than {j!r}, found {other!r}"
                )
                continue
            e = keys.expression(v, f"{key}.{j}.{other}")
            if e is not None:
                out[j][other] = e
    return out


def read(table: Mapping[str, Any], keys: Keys) -> Coalition | None:
    keys.allowed(table, KEYS)
    unknown = [k for k in table if k not in (*KEYS, *COMMON_KEYS)]
    for key in ("target", "members", "target_payoffs", "harm", "stake"):
        # a misspelt key is reported once, as unknown with its did-you-mean
        if key not in table and not difflib.get_close_matches(key, unknown, n=1):
            keys.error("", f"missing key '{key}'")
    if not {"target", "members", "target_payoffs", "harm", "stake"} <= set(table):
        return None
    target = keys.string(table["target"], "target")
    members = _names(table["members"], "members", keys)
    if target is None or members is None:
        return None
    if target in members or len(set(members)) != len(members):
        keys.error("members", "members are named once each, and the target is not one of them")
        return None
    tp = keys.table(table["target_payoffs"], "target_payoffs") or {}
    keys.allowed(tp, ("C", "D", "N"), "target_payoffs")
    payoffs = {}
    for name in ("C", "D", "N"):
        if name not in tp:
            keys.error("target_payoffs", f"missing payoff '{name}' (C, D and N of the target)")
            continue
        payoffs[name] = keys.expression(tp[name], f"target_payoffs.{name}")
    harm = _per_member(table, "harm", members, keys)
    cost = _per_member(table, "cost", members, keys)
    stake = _pairs(table, "stake", members, keys)
    temptation = _pairs(table, "temptation", members, keys)
    if any(payoffs.get(n) is None for n in ("C", "D", "N")):
        return None
    try:
        return Coalition(
            target, members, **payoffs, harm=harm, cost=cost, stake=stake, temptation=temptation
        )
    except LinkageError as exc:
        keys.error("", str(exc))
        return None


def _shown(t: Threshold) -> sympy.Basic | str:
    """A critical δ for a table: its exact value, ``always``, ``never``, or the status."""
    if t.status == "threshold" and t.exact is not None:
        return t.exact
    if t.status in ("always", "never"):
        return t.status
    if t.status == "bounded" and t.upper is not None:
        return f"δ ≤ {sympy.sstr(t.upper)}"
    if t.status == "piecewise":
        return "; ".join(
            f"{_shown(piece)} if " + sympy.sstr(cond).replace("<=", "≤").replace(">=", "≥")
            for cond, piece in t.pieces
        )
    return t.status


def solve(c: Coalition, case: Case) -> Section:
    for who in (c.target, *c.members):
        if who not in case.players:
            raise ModelError(
                f"{who!r} (target or members) is not a player of the case "
                f"(players: {', '.join(case.players)})"
            )
    values = case.calibration()
    game = case.calibrated_game()
    deltas = {p: game.discount.of(p) for p in (c.target, *c.members)}
    at = c.subs(values)
    result = analyse(at, deltas)
    whole = c.members
    rows = []
    for k in constraints(c, whole):
        calibrated = k.threshold.subs(values)
        rows.append(
            (
                k.player,
                "target" if k.player == c.target else "member",
                k.phase,
                k.gain,
                k.loss,
                _shown(k.threshold) if k.threshold.is_symbolic else _shown(calibrated),
                _shown(calibrated),
                deltas[k.player],
                "yes" if calibrated.holds_at(deltas[k.player]) else "no",
            )
        )
    exits = []
    for j in whole:
        rest = tuple(m for m in whole if m != j)
        target_rest = threshold(at, c.target, rest) if rest else None
        exits.append(
            (
                j,
                at.k(j),
                at.b(j, whole),
                at.a(j, whole),
                _shown(threshold(at, j, whole)),
                _shown(target_rest) if target_rest is not None else "—",
                _shown(threshold(at, None, rest)) if rest else "—",
                result.after_exit(j),
            )
        )
    failing = ", ".join(f"{k.player} ({k.phase})" for k in result.failing)
    verdict = (
        f"subgame perfect at the calibration: the coalition {', '.join(whole)} deters "
        f"{c.target} and every member sanctions"
        if result.spe
        else f"not subgame perfect at the calibration: the constraints of {failing} fail"
    )
    items = [
        Paragraph(
            "Grim coalition enforcement with expulsion: a defiance by the target is sanctioned "
            "by every member for ever; a member that defects on another or fails to sanction is "
            "expelled (the others stop cooperating with it for ever), and the rest carry on if "
            "they are self-enforcing on their own, otherwise the coalition collapses to the "
            "stage equilibrium. Every reachable state is checked (one-shot deviations)."
        ),
        Table(
            (
                "player",
                "role",
                "phase",
                "gain now",
                "loss per period",
                "δ*",
                "δ* calibrated",
                "δ",
                "holds",
            ),
            rows,
            caption="Constraints with the whole coalition: (1 − δ)·gain ≤ δ·loss",
        ),
        Table(
            (
                "member",
                "sanction cost",
                "stake in the coalition",
                "temptation",
                "its δ*",
                f"{c.target}'s δ* without it",
                "common δ* without it",
                "if it defects",
            ),
            exits,
            caption="When one member defects from the coalition (at the calibration)",
        ),
        Fact(
            "common δ* of the whole coalition",
            _shown(threshold(at, None, whole)),
            note="the discount factor, the same for all, above which it is self-enforcing",
        ),
        Fact(
            "reachable coalitions",
            "; ".join("{" + ", ".join(s) + "}" for s in result.reachable),
            note="each in peace and in the sanction phase, plus collapse",
        ),
    ]
    data = {
        "spe": result.spe,
        "failing": [[k.player, k.phase] for k in result.failing],
        "reachable": [list(s) for s in result.reachable],
        "after_exit": {j: result.after_exit(j) for j in whole},
    }
    return Section("Sanctions coalition", verdict, tuple(items), data=data)


COALITION = AnalysisKind(
    "coalition",
    "Sanctions coalition",
    read,
    solve,
    description=(
        "A target and a sanctions coalition: thresholds per player, coalition-wide sanctions, "
        "expulsion of members that fail to sanction, and what happens when one member defects."
    ),
    keys_help={
        "target": "the sanctioned player",
        "members": "the coalition's members (players of the case)",
        "target_payoffs": "the target's C, D, N without sanctions",
        "harm": "per member: what its sanction takes from the target per period",
        "cost": "per member: what sanctioning costs it per period (default 0)",
        "stake": "per member and partner: what it loses per period without the partner's cooperation",
        "temptation": "per member and partner: its one-shot gain from defecting (default 0)",
    },
)


@hookimpl
def register_analysis_kinds(register: Callable[[AnalysisKind], None]) -> None:
    register(COALITION)
