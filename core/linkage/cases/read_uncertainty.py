"""Reading the uncertainty keys of a case file: ``dist`` and its shape keys on a parameter, and
``[[correlations]]`` (see :mod:`linkage.cases.distributions`).

Called by :mod:`linkage.cases.loader` with its reader, so that every problem is reported like
the loader's own: file, line, key path, what was expected, what was found, a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sympy

from linkage.cases.distributions import (
    ALL_SHAPE_KEYS,
    DISTRIBUTIONS,
    REQUIRED_KEYS,
    SHAPE_KEYS,
    Correlation,
    Distribution,
    distribution_problems,
    not_positive_definite,
)
from linkage.constants import Unclassifiable, sign

if TYPE_CHECKING:
    from linkage.cases.case import Event, ParameterValue
    from linkage.cases.loader import _Reader
    from linkage.model.game import Game

DIST_KEYS = ("dist", *ALL_SHAPE_KEYS)
"""The keys of a ``[parameters.NAME]`` table that say how it is uncertain."""

CORRELATION_KEYS = ("between", "rank", "note", "source")


def read_distribution(
    spec: Mapping[str, Any],
    path: str,
    value: sympy.Expr,
    low: sympy.Expr | None,
    high: sympy.Expr | None,
    r: _Reader,
) -> Distribution | None:
    """The distribution a parameter table declares (``None`` when it declares none or a problem
    was reported)."""
    shape_given = [k for k in ALL_SHAPE_KEYS if k in spec]
    if "dist" not in spec:
        if shape_given:
            r.error(
                f"{path}.{shape_given[0]}",
                f"'{shape_given[0]}' without 'dist'",
                expected="dist = " + " or ".join(f'"{d}"' for d in DISTRIBUTIONS if d != "uniform"),
                found=spec[shape_given[0]],
            )
        return None
    kind = spec["dist"]
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        if isinstance(kind, str):
            r.unknown(f"{path}.dist", "distribution", kind, DISTRIBUTIONS)
        else:
            r.error(f"{path}.dist", "wrong type", expected="a string", found=kind)
        return None
    if (
        low is None
        or high is None
        or not (low.is_number and high.is_number)
        or _below(low, high) is not True
    ):
        r.error(
            f"{path}.dist",
            f"a {kind} distribution needs a range",
            expected="low and high, two numbers with low < high",
            found=None if low is None or high is None else f"low = {low}, high = {high}",
        )
        return None
    bad = False
    for key in shape_given:
        if key not in SHAPE_KEYS[kind]:
            used = [d for d, keys in SHAPE_KEYS.items() if key in keys]
            r.error(
                f"{path}.{key}",
                f"'{key}' does not shape a {kind} distribution",
                expected=(
                    "no shape keys"
                    if not SHAPE_KEYS[kind]
                    else "one of " + ", ".join(SHAPE_KEYS[kind])
                )
                + f" ('{key}' is for {' and '.join(used)})",
                found=spec[key],
            )
            bad = True
    for key in REQUIRED_KEYS.get(kind, ()):
        if key not in spec:
            r.error(path, f"a {kind} distribution needs '{key}'", expected=f"{key} = a number")
            bad = True
    shape: dict[str, sympy.Expr] = {}
    for key in SHAPE_KEYS[kind]:
        if key not in spec:
            shape[key] = value  # mode and mean default to the parameter's value
            continue
        number = r.expression(spec[key], f"{path}.{key}", {})
        if number is None or not number.is_number:
            bad = True
        else:
            shape[key] = number
    if bad:
        return None
    dist = Distribution(kind, low, high, shape)
    for key, message, expected in distribution_problems(dist):
        where = f"{path}.{key}" if key in spec else f"{path}.dist"
        found = spec.get(key, f"{key} = {sympy.sstr(shape.get(key, low))} (the default)")
        r.error(where, message, expected=expected, found=found)
        bad = True
    return None if bad else dist


def _below(low: sympy.Expr, high: sympy.Expr) -> bool | None:
    """Whether ``low < high`` (certified), ``None`` if it cannot be decided."""
    try:
        return sign(high - low) > 0
    except Unclassifiable:
        return None


def read_correlations(
    value: Any, params: Mapping[str, ParameterValue], r: _Reader
) -> tuple[Correlation, ...]:
    """The ``[[correlations]]`` entries: pairs of uncertain parameters and their rank
    correlation, checked one by one and, together, for a positive-definite matrix."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.error(
            "correlations",
            "wrong type",
            expected="an array of tables [[correlations]]",
            found=value,
        )
        return ()
    out: list[Correlation] = []
    first: dict[str, int] = {}
    seen: set[frozenset[str]] = set()
    uncertain = [n for n, p in params.items() if p.distribution is not None]
    for i, table in enumerate(value):
        path = f"correlations[{i}]"
        r.keys(table, CORRELATION_KEYS, path)
        pair = table.get("between")
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(n, str) for n in pair)
        ):
            r.error(f"{path}.between", "wrong type", expected="two parameter names", found=pair)
            continue
        names_ok = True
        for n in pair:
            if n not in params:
                r.unknown(f"{path}.between", "parameter", n, uncertain or list(params))
                names_ok = False
            elif params[n].distribution is None:
                r.error(
                    f"{path}.between",
                    f"parameter '{n}' is not uncertain",
                    expected="a parameter with a range (low < high)",
                    found=n,
                )
                names_ok = False
        if not names_ok:
            continue
        if pair[0] == pair[1]:
            r.error(
                f"{path}.between",
                "a parameter correlated with itself",
                expected="two different parameters",
                found=pair,
            )
            continue
        if frozenset(pair) in seen:
            r.error(
                f"{path}.between",
                "this pair is correlated twice",
                expected="one entry per pair",
                found=pair,
            )
            continue
        rank = table.get("rank")
        if isinstance(rank, bool) or not isinstance(rank, int | float) or not -1 < rank < 1:
            r.error(
                f"{path}.rank",
                "rank correlation out of range"
                if isinstance(rank, int | float) and not isinstance(rank, bool)
                else "wrong type",
                expected="a number strictly between -1 and 1",
                found=rank,
            )
            continue
        seen.add(frozenset(pair))
        for n in pair:
            first.setdefault(n, i)
        out.append(Correlation(pair[0], pair[1], float(rank)))
    failing = not_positive_definite(out)
    if failing:
        at = min(j for j, c in enumerate(out) if c.a in failing and c.b in failing)
        r.error(
            f"correlations[{_index(value, out[at])}]",
            "the rank correlations of " + ", ".join(failing) + " are not positive definite "
            "(no joint distribution has them)",
            expected="correlations consistent with each other (weaken one of these)",
            found={f"{c.a}~{c.b}": c.rank for c in out if c.a in failing and c.b in failing},
        )
    return tuple(out)


def _index(tables: list[dict[str, Any]], c: Correlation) -> int:
    for i, t in enumerate(tables):
        if t.get("between") == [c.a, c.b]:
            return i
    return 0  # pragma: no cover


def used_names(game: Game, timeline: Iterable[Event]) -> set[str]:
    """The parameters that appear in a payoff, a discount factor or a timeline change's value."""
    used: set[str] = {s.name for s in game.free_symbols}
    for p in game.players:
        used |= {s.name for s in game.discount.of(p).free_symbols}
    for event in timeline:
        for v in event.set.values():
            used |= {s.name for s in v.free_symbols}
    return used


def check_used(
    params: Mapping[str, ParameterValue], game: Game, timeline: Iterable[Event], r: _Reader
) -> None:
    """Warn about a parameter that declares a distribution but appears in no payoff, discount
    factor or timeline change: drawing it changes nothing."""
    used = used_names(game, timeline)
    for name, p in params.items():
        if p.dist is not None and name not in used:
            r.warn(
                f"parameters.{name}.dist",
                f"parameter '{name}' has a distribution but appears in no payoff, discount "
                "factor or timeline change: drawing it changes nothing",
                hint="use it in a payoff or remove dist",
            )
