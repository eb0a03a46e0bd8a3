"""The ``levels`` analysis kind: continuous cooperation levels, separately and linked.

Case-file syntax (see ``docs/explanation/levels.md``)::

    [[analyses]]
    kind = "levels"

    [[analyses.domains]]
    id = "tariffs"
    gain = "g*x*(2 - x)"                              # every player, or a table by player
    temptation = { family = "quadratic", scale = "t" }
    # welfare = "..."                                 # optional: default the sum of the gains

A function is a number or quoted expression in ``x`` and the case's parameters, or a family
(:data:`linkage.theory.levels.FAMILIES`; plugins add theirs with
:func:`~linkage.theory.levels.register_family`), or a table by player of either.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import attrs
import sympy

from linkage.analyses import AnalysisKind, Keys
from linkage.cases.case import Case
from linkage.engine.threshold import single_term
from linkage.errors import ModelError
from linkage.findings import ClosedForm, Fact, Paragraph, Section, Table
from linkage.plugins.hookspecs import hookimpl
from linkage.theory import levels as theory
from linkage.theory.levels import FAMILIES, MAX_DOMAINS, LevelDomain, Levels, x

Function: TypeAlias = "sympy.Expr | Mapping[str, sympy.Expr]"
"""One expression for every player, or one per player."""


@attrs.frozen
class DomainSpec:
    id: str
    gain: Function
    temptation: Function
    welfare: sympy.Expr | None
    path: str


@attrs.frozen
class LevelsSpec:
    domains: tuple[DomainSpec, ...]


def _function(value: Any, path: str, keys: Keys, per_player: bool = True) -> Function | None:
    """A level function: an expression, a family table, or (``per_player``) a table by player."""
    if isinstance(value, Mapping):
        if "family" in value:
            return _family(value, path, keys)
        if not per_player:
            keys.error(path, "expected an expression in x or a family table")
            return None
        out: dict[str, sympy.Expr] = {}
        for player, item in value.items():
            f = _function(item, f"{path}.{player}", keys, per_player=False)
            if f is None:
                return None
            assert isinstance(f, sympy.Expr)
            out[str(player)] = f
        return out
    expr = keys.expression(value, path, {"x": x})
    if expr is not None and not (expr.free_symbols - {x}):
        try:  # no parameters: check it now, so `linkage check` finds it
            theory.level_function(expr, path)
        except ModelError as exc:
            keys.error(path, str(exc))
            return None
    return expr


def _family(table: Mapping[str, Any], path: str, keys: Keys) -> sympy.Expr | None:
    name = table["family"]
    if not isinstance(name, str) or name not in FAMILIES:
        close = difflib.get_close_matches(str(name), list(FAMILIES), n=1)
        keys.error(
            f"{path}.family",
            f"unknown family {name!r} (known: {', '.join(sorted(FAMILIES))})",
            hint=f"did you mean {close[0]!r}?" if close else None,
        )
        return None
    family = FAMILIES[name]
    keys.allowed(table, ("family", *family.keys), path)
    values = {}
    for key in family.keys:
        if key not in table:
            keys.error(path, f"family {name!r} needs {key!r} ({family.doc})")
            return None
        v = keys.expression(table[key], f"{path}.{key}")
        if v is None:
            return None
        values[key] = v
    return family(**values)


COLUMNS: Any = ("domain", "separate level", "binding", "linked level", "x = 1 alone from")


def read(table: Mapping[str, Any], keys: Keys) -> LevelsSpec | None:
    keys.allowed(table, ("domains",))
    if "x" in keys.parameters:
        keys.error("", "a parameter named 'x' clashes with the cooperation level x")
        return None
    domains = table.get("domains")
    if not isinstance(domains, list) or not domains:
        keys.error("domains", "expected one or more [[analyses.domains]] tables")
        return None
    if len(domains) > MAX_DOMAINS:
        keys.error(
            "domains",
            f"{len(domains)} domains, above the {MAX_DOMAINS} a levels analysis solves exactly "
            "(the linked optimum enumerates 3^K patterns)",
        )
        return None
    out: list[DomainSpec] = []
    seen: set[str] = set()
    for i, d in enumerate(domains):
        path = f"domains[{i}]"
        if not isinstance(d, Mapping):
            keys.error(path, "expected a table with id, gain and temptation")
            continue
        keys.allowed(d, ("id", "gain", "temptation", "welfare"), path)
        did = d.get("id", f"k{i + 1}")
        if not isinstance(did, str) or did in seen:
            keys.error(f"{path}.id", f"expected a distinct name, found {did!r}")
            continue
        seen.add(did)
        missing = [k for k in ("gain", "temptation") if k not in d]
        if missing:
            keys.error(path, f"missing key {missing[0]!r} (a function of x)")
            continue
        gain = _function(d["gain"], f"{path}.gain", keys)
        temptation = _function(d["temptation"], f"{path}.temptation", keys)
        welfare = None
        if "welfare" in d:
            w = _function(d["welfare"], f"{path}.welfare", keys, per_player=False)
            welfare = w if isinstance(w, sympy.Expr) else None
            if welfare is None:
                continue
        if gain is None or temptation is None:
            continue
        out.append(DomainSpec(did, gain, temptation, welfare, path))
    return LevelsSpec(tuple(out)) if len(out) == len(domains) else None


def _by_player(f: Function, players: tuple[str, ...], path: str) -> dict[str, sympy.Expr]:
    if isinstance(f, sympy.Expr):
        return dict.fromkeys(players, f)
    unknown = sorted(set(f) - set(players))
    if unknown:
        raise ModelError(f"{path}: no player {unknown[0]!r} (players: {', '.join(players)})")
    missing = [p for p in players if p not in f]
    if missing:
        raise ModelError(f"{path}: no function for player {missing[0]!r}")
    return {p: f[p] for p in players}


def problem(spec: LevelsSpec, case: Case, calibrated: bool = True) -> Levels:
    """The case's levels problem, at its calibration (``calibrated``) or in its parameters."""
    players = case.players
    game = case.calibrated_game() if calibrated else case.game
    values = case.calibration() if calibrated else {}
    domains = []
    for d in spec.domains:
        paths = {f"{w}.{p}": f"{d.path}.{w}" + (f".{p}" if isinstance(getattr(d, w), Mapping) else "")
                 for w in ("gain", "temptation") for p in players}  # fmt: skip
        paths["welfare"] = f"{d.path}.welfare"
        domains.append(
            LevelDomain(
                d.id,
                _by_player(d.gain, players, f"{d.path}.gain"),
                _by_player(d.temptation, players, f"{d.path}.temptation"),
                d.welfare,
                paths,
            ).subs(values)
        )
    return Levels(players, domains, {p: game.discount.of(p) for p in players})


def solve(spec: LevelsSpec, case: Case) -> Section:
    calibrated = problem(spec, case)
    result = theory.solve(calibrated)
    players = case.players
    symbolic = problem(spec, case, calibrated=False)
    rows = []
    for sep, dom in zip(result.separate, calibrated.domains, strict=True):
        full = [
            str(single_term(dom.temptation[p].subs(x, 1), dom.gain[p].subs(x, 1), 1, None))
            for p in players
        ]
        rows.append(
            (
                dom.id,
                sep.level,
                ", ".join(sep.binding) or "none",
                result.linked.levels[dom.id],
                "; ".join(f"{p}: {t}" for p, t in zip(players, full, strict=True)),
            )
        )
    items: list[Any] = [
        Table(
            COLUMNS,
            rows,
            caption="Most-cooperative self-enforcing levels at the case's discount factors",
        ),
        Fact("separate welfare", result.separate_welfare, note="sum over domains"),
        Fact("linked welfare", result.linked.welfare),
        Fact("gain from linking", result.gain),
    ]
    for p, mu in result.linked.multipliers.items():
        items.append(Fact(f"multiplier of {p}'s pooled constraint", mu))
    pooled = []
    for p in players:
        t1 = sympy.Add(*(d.temptation[p].subs(x, 1) for d in calibrated.domains))
        g1 = sympy.Add(*(d.gain[p].subs(x, 1) for d in calibrated.domains))
        pooled.append(f"{p}: {single_term(t1, g1, 1, None)}")
    items.append(Fact("full cooperation linked from", "; ".join(pooled)))
    for dom in symbolic.domains:
        for p in players:
            level = theory.binding_level(dom.gain[p], dom.temptation[p])
            if level is not None:
                name = sympy.Symbol(f"x_{p},{dom.id}")
                items.append(
                    ClosedForm(
                        f"{dom.id}: {p}'s constraint binds at",
                        sympy.Eq(name, level, evaluate=False),
                        note="the separate level is the smallest of these over players, capped at 1",
                    )
                )
                break  # one closed form per domain when players share it
    for p in result.linked.multipliers:  # one binding player: the levels as functions of mu
        mu = sympy.Symbol(f"mu_{p}")
        for dom in symbolic.domains:
            level = theory.stationary_level(dom.total, symbolic.constraint(p, dom), mu)
            if level is not None:
                items.append(
                    ClosedForm(
                        f"{dom.id}: interior linked level",
                        sympy.Eq(sympy.Symbol(f"x_{dom.id}"), level, evaluate=False),
                        note=f"from W' + mu h' = 0, {p}'s pooled constraint binding",
                    )
                )
    if result.linked.skipped:
        items.append(
            Paragraph(
                f"{result.linked.skipped} KKT pattern(s) had a continuum of solutions and were not "
                "enumerated; the vertices and separate levels were checked instead."
            )
        )
    gain = result.gain
    verdict = (
        f"linking raises welfare from {_short(result.separate_welfare)} to "
        f"{_short(result.linked.welfare)} (+{_short(gain)})"
        if gain != 0
        else "linking changes nothing: the separate levels are already jointly optimal"
    )
    data = {
        "separate": {s.domain: str(s.level) for s in result.separate},
        "linked": {k: str(v) for k, v in result.linked.levels.items()},
        "separate_welfare": str(result.separate_welfare),
        "linked_welfare": str(result.linked.welfare),
        "gain": str(gain),
        "gain_float": float(sympy.N(gain, 30)),
    }
    return Section("Continuous cooperation levels", verdict, tuple(items), data)


def _short(value: sympy.Expr) -> str:
    """A rational as it is, anything else to 4 significant digits."""
    return str(value) if value.is_Rational else f"{float(sympy.N(value, 30)):.4g}"


KIND = AnalysisKind(
    "levels",
    "Continuous cooperation levels",
    read,
    solve,
    description="Most-cooperative self-enforcing levels x in [0, 1] per domain and linked "
    "(Limão 2005; Maggi 2016), with the welfare gain from linking",
    keys_help={
        "domains": "[[analyses.domains]] tables: id, gain, temptation (functions of x, 0 at 0), "
        "optional welfare",
    },
)


@hookimpl
def register_analysis_kinds(register: Callable[[AnalysisKind], None]) -> None:
    register(KIND)
