"""The ``nonseparable`` analysis kind: Spagnolo's concave objectives over a case's domains.

Case-file syntax::

    [[analyses]]
    kind = "nonseparable"
    objective = "w - w**2/40"              # u(w) in the total w and the case's parameters
    # objective = {family = "log", c = 1}  # or a registered family (linear, log, power, cara,
    #                                        quadratic; plugins add more)
    objectives.russia = "log(w + 1)"       # optional: one player's own objective
    domains = ["fish", "gas"]              # optional: default every domain of the case
    payoffs.m1 = {C = 3, D = 5, N = 1}     # optional: payoffs given here (every player), or
    payoffs.m2.japan = {C = 3, D = 5, N = 1}  # per player; then the case's domains are not used
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import sympy

from linkage.analyses import AnalysisKind, Keys
from linkage.cases.case import Case
from linkage.engine.threshold import Threshold
from linkage.errors import ModelError
from linkage.findings import Fact, Paragraph, Section, Table
from linkage.model.payoffs import StagePayoffs
from linkage.plugins.hookspecs import hookimpl
from linkage.theory.nonseparable import NonSeparableAnalysis, NonSeparableGame, analyze, helps
from linkage.theory.objective import FAMILIES, Objective, family, w
from linkage.values import substitute

KEYS = ("objective", "objectives", "domains", "payoffs")


@attrs.frozen
class ObjectiveSpec:
    """An objective as read: an expression in ``w`` or a family with its parameters."""

    expr: sympy.Expr | None = None
    family: str | None = None
    parameters: Mapping[str, sympy.Expr] = attrs.field(factory=dict)

    def build(self, values: Mapping[Any, Any]) -> Objective:
        if self.expr is not None:
            return Objective(substitute(self.expr, values), w)
        assert self.family is not None
        return family(self.family, {k: substitute(v, values) for k, v in self.parameters.items()})


@attrs.frozen
class Spec:
    objective: ObjectiveSpec
    objectives: Mapping[str, ObjectiveSpec]
    domains: tuple[str, ...] | None
    payoffs: Mapping[str, Mapping[str | None, Mapping[str, sympy.Expr]]] | None


def _objective(value: Any, path: str, keys: Keys) -> ObjectiveSpec | None:
    if isinstance(value, dict):
        name = value.get("family")
        if not isinstance(name, str) or name not in FAMILIES:
            keys.error(
                f"{path}.family",
                f"expected one of {', '.join(sorted(FAMILIES))}, found {name!r}",
            )
            return None
        keys.allowed(value, ("family", *FAMILIES[name][0]), path)
        parameters = {}
        for k in FAMILIES[name][0]:
            if k in value:
                v = keys.expression(value[k], f"{path}.{k}")
                if v is None:
                    return None
                parameters[k] = v
        return ObjectiveSpec(family=name, parameters=parameters)
    expr = keys.expression(value, path, {"w": w})
    if expr is None:
        return None
    if w not in expr.free_symbols:
        keys.error(path, "the objective must depend on the total w", hint='e.g. "log(w + 1)"')
        return None
    d2 = sympy.diff(expr, w, 2)
    if not (d2.free_symbols - {w}) and d2.is_positive:
        keys.error(path, f"not concave anywhere: u''(w) = {sympy.sstr(d2)} > 0")
        return None
    return ObjectiveSpec(expr=expr)


def _payoffs(value: Any, keys: Keys) -> dict[str, dict[str | None, dict[str, sympy.Expr]]] | None:
    table = keys.table(value, "payoffs")
    if table is None:
        return None
    out: dict[str, dict[str | None, dict[str, sympy.Expr]]] = {}
    for domain, entry in table.items():
        entry = keys.table(entry, f"payoffs.{domain}")
        if entry is None:
            return None
        rows: dict[str | None, Any] = {k: v for k, v in entry.items() if isinstance(v, dict)}
        if not rows:
            rows = {None: entry}
        out[domain] = {}
        for player, row in rows.items():
            path = f"payoffs.{domain}" + (f".{player}" if player else "")
            keys.allowed(row, ("C", "D", "N"), path)
            values = {}
            for name in ("C", "D", "N"):
                if name not in row:
                    keys.error(f"{path}.{name}", f"missing payoff {name}")
                    return None
                v = keys.expression(row[name], f"{path}.{name}")
                if v is None:
                    return None
                values[name] = v
            out[domain][player] = values
    return out


def _read(table: Mapping[str, Any], keys: Keys) -> Spec | None:
    keys.allowed(table, KEYS)
    if "objective" not in table:
        keys.error("objective", "missing key", hint='e.g. objective = "log(w + 1)"')
        return None
    objective = _objective(table["objective"], "objective", keys)
    objectives = {}
    if "objectives" in table:
        per = keys.table(table["objectives"], "objectives") or {}
        for player, value in per.items():
            spec = _objective(value, f"objectives.{player}", keys)
            if spec is not None:
                objectives[player] = spec
    domains = None
    if "domains" in table:
        raw = table["domains"]
        if not isinstance(raw, list) or not all(isinstance(d, str) for d in raw) or not raw:
            keys.error("domains", "expected a non-empty list of domain ids", hint=None)
        else:
            domains = tuple(raw)
    payoffs = _payoffs(table["payoffs"], keys) if "payoffs" in table else None
    if objective is None:
        return None
    return Spec(objective, objectives, domains, payoffs)


def game_of(spec: Spec, case: Case) -> NonSeparableGame:
    """The game the spec describes at the case's calibration; errors name the key."""
    values = case.calibration()
    players = case.players
    for p in spec.objectives:
        if p not in players:
            raise ModelError(f"objectives.{p}: no such player (players: {', '.join(players)})")
    if spec.payoffs is not None:
        ids = tuple(spec.payoffs)
        payoffs: dict[str, list[StagePayoffs]] = {p: [] for p in players}
        for k in ids:
            rows = spec.payoffs[k]
            for p in players:
                row = rows.get(p) or rows.get(None)
                if row is None:
                    raise ModelError(f"payoffs.{k}: no payoffs for player {p!r}")
                payoffs[p].append(
                    StagePayoffs(**{n: substitute(v, values) for n, v in row.items()})
                )
    else:
        known = {d.id: d for d in case.game.domains}
        ids = spec.domains or tuple(known)
        for k in ids:
            if k not in known:
                raise ModelError(f"domains: no domain {k!r} (domains: {', '.join(known)})")
        payoffs = {p: [known[k].payoffs[p].subs(values) for k in ids] for p in players}
    try:
        objective = {p: (spec.objectives.get(p) or spec.objective).build(values) for p in players}
    except ModelError as error:
        raise ModelError(f"objective: {error}") from None
    try:
        return NonSeparableGame(players, ids, payoffs, objective)
    except ModelError as error:
        raise ModelError(
            f"{'payoffs' if spec.payoffs is not None else 'domains'}: {error}"
        ) from None


def _cell(t: Threshold) -> sympy.Basic | str:
    if t.status == "threshold" and t.exact is not None and not t.zero:
        return sympy.together(t.exact)  # (sqrt(1833) - 13)/64, not -13/64 + sqrt(1833)/64
    return str(t)


def _state(a: Any, names: tuple[str, ...], player: str) -> str:
    c = a.binding(player)
    punished = ", ".join(names[k] for k in sorted(c.state)) or "none"
    return f"punished: {punished}; deviation in {', '.join(names[k] for k in sorted(c.deviation))}"


def _verdicts(a: NonSeparableAnalysis, case: Case) -> list[Fact]:
    """Each player's verdicts at its own calibrated discount factor (when it is a number)."""
    out = []
    values = case.calibration()
    for p in a.game.players:
        d = substitute(case.game.discount.of(p), values)
        if not d.is_number:
            continue
        held = [
            ("separate (SPE)", a.separate_spe[p].holds_at(d)),
            ("linked", a.linked[p].holds_at(d)),
        ]
        text = "; ".join(f"{name} {'holds' if ok else 'fails'}" for name, ok in held)
        out.append(Fact(f"{p} at delta = {d}", text))
    return out


def _solve(spec: Spec, case: Case) -> Section:
    game = game_of(spec, case)
    a = analyze(game)
    try:
        curvatures = a.curvatures
    except ModelError as error:
        key = "objectives" if spec.objectives else "objective"
        raise ModelError(f"{key}: {error}") from None
    names = game.domains
    rows = []
    for p in game.players:
        t = (a.separate_on_path[p], a.separate_nash[p], a.separate_spe[p], a.linked[p])
        rows.append((p, *(_cell(x) for x in t), _state(a, names, p)))
    sep, lnk = a.overall(a.separate_spe), a.overall(a.linked)
    gain = helps(a)
    verdict = (
        f"linking lowers the critical discount factor from {_cell(sep)} to {_cell(lnk)}"
        if gain
        else f"linking leaves the critical discount factor at {_cell(sep)}"
    )
    items: list[Any] = [
        Fact(f"objective of {p}", str(game.u(p)), note=curvatures[p]) for p in game.players
    ]
    items += [
        Table(
            (
                "player",
                "separate, on path",
                "deviation plans",
                "separate (SPE)",
                "linked",
                "binding state (separate)",
            ),
            rows,
            caption="Critical discount factors with grim trigger: on the path, against deviation "
            "plans, at every state (subgame perfect), and linked",
        ),
        Fact("separate (every player, SPE)", _cell(sep)),
        Fact("linked (every player)", _cell(lnk)),
        *_verdicts(a, case),
        Paragraph(
            "Separate punishments are checked at every state the strategy can reach: once some "
            "domains are punished, the total falls and the stakes in the others change because "
            "the objective is not linear, so the on-path value is not sufficient. The "
            "deviation-plan column is the best sequence of deviations from full cooperation "
            "(a Nash, not subgame-perfect, check). With a linear objective all columns equal the "
            "separable engine's."
        ),
    ]
    if not all(a.plans_exact.values()):
        items.append(
            Paragraph(
                "The deviation-plan values of plans with two or more steps are roots of "
                "polynomials with transcendental coefficients, computed to 40 digits."
            )
        )
    data = {
        "domains": list(names),
        "curvature": dict(curvatures),
        "separate_spe": str(sep),
        "linked": str(lnk),
        "helps": gain,
        "players": {
            p: {
                "on_path": str(a.separate_on_path[p]),
                "deviation_plans": str(a.separate_nash[p]),
                "separate_spe": str(a.separate_spe[p]),
                "linked": str(a.linked[p]),
            }
            for p in game.players
        },
    }
    return Section("Non-separable objectives (Spagnolo)", verdict, tuple(items), data=data)


NONSEPARABLE = AnalysisKind(
    "nonseparable",
    "Non-separable objectives (Spagnolo)",
    _read,
    _solve,
    description=(
        "Players value the total across domains through a concave objective u(w): separate vs "
        "linked critical discount factors, checked at every partly punished state."
    ),
    keys_help={
        "objective": 'u(w): an expression in w and the parameters, or {family = "log", c = 1}',
        "objectives": "optional per-player objectives, player -> objective",
        "domains": "optional list of the case's domain ids (default: all)",
        "payoffs": "optional payoffs.DOMAIN = {C, D, N} or payoffs.DOMAIN.PLAYER = {C, D, N}",
    },
)


@hookimpl
def register_analysis_kinds(register: Callable[[AnalysisKind], None]) -> None:
    register(NONSEPARABLE)
