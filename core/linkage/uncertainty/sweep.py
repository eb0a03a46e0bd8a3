r"""Verdicts over a grid of one or two parameters: where each holds.

:func:`sweep` evaluates every verdict of :mod:`linkage.uncertainty.kernel` on a regular grid of
one or two parameters (``n`` points from ``low`` to ``high``, ends included), every other
parameter at its value in force at the date. ``delta`` is the common discount factor: it replaces
every player's discount factor (at the date and, for the posterior, over the whole record). The
verdicts are those of :func:`linkage.uncertainty.montecarlo.sensitivity`, with
``posterior.{hypothesis}`` true where the hypothesis has the highest posterior, and each
hypothesis' best package per grid point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from linkage import limits
from linkage.cases.case import Case
from linkage.cases.read_uncertainty import used_names
from linkage.errors import LinkageError
from linkage.uncertainty.kernel import Kernel, overridden
from linkage.uncertainty.sampling import name_hint

DELTA = "delta"
"""The name of the common discount factor on a sweep's axis."""


@attrs.frozen
class Axis:
    """One axis of a sweep: a parameter (or ``delta``) and its grid values."""

    name: str
    low: float
    high: float
    points: int

    @property
    def values(self) -> np.ndarray:
        return np.linspace(self.low, self.high, self.points)


def parse_axis(text: str) -> Axis:
    """``NAME=LOW:HIGH:N`` (``N`` defaults to 101) as an :class:`Axis`; a clear error otherwise."""
    name, eq, spec = text.partition("=")
    parts = spec.split(":")
    try:
        if not eq or not name.strip() or len(parts) not in (2, 3):
            raise ValueError
        low, high = float(parts[0]), float(parts[1])
        points = int(parts[2]) if len(parts) == 3 else 101
    except ValueError:
        raise LinkageError(
            f"--param {text!r}: expected NAME=LOW:HIGH:N, e.g. delta=0.5:0.99:50"
        ) from None
    if not np.isfinite([low, high]).all() or not low < high:
        raise LinkageError(f"--param {text!r}: LOW must be below HIGH")
    if points < 2:
        raise LinkageError(f"--param {text!r}: N must be at least 2")
    return Axis(name.strip(), low, high, points)


@attrs.frozen(eq=False)
class Sweep:
    """The verdicts on a grid: ``verdicts`` by name and ``packages`` (best package per
    hypothesis, as lists of domains joined by ``+``), each an array of the grid's shape
    (``(n,)`` for one axis, ``(n_y, n_x)`` for two: the first axis is x)."""

    case: str
    title: str
    at: str | None
    axes: tuple[Axis, ...]
    verdicts: dict[str, np.ndarray]
    packages: dict[str, np.ndarray]
    notes: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.points for a in reversed(self.axes))

    def records(self) -> list[dict[str, Any]]:
        """One record per grid point: the axes' values, each verdict, each best package."""
        grids = np.meshgrid(*(a.values for a in self.axes), indexing="xy")
        out = []
        for index in np.ndindex(self.shape):
            row: dict[str, Any] = {
                a.name: float(g[index]) for a, g in zip(self.axes, grids, strict=True)
            }
            row.update({n: bool(v[index]) for n, v in self.verdicts.items()})
            row.update({f"best_package.{h}": str(v[index]) for h, v in self.packages.items()})
            out.append(row)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "at": self.at,
            "axes": [
                {"name": a.name, "low": a.low, "high": a.high, "points": a.points}
                for a in self.axes
            ],
            "verdicts": {n: v.tolist() for n, v in self.verdicts.items()},
            "packages": {h: v.tolist() for h, v in self.packages.items()},
            "notes": list(self.notes),
        }


def sweep(
    case: Case,
    axes: Sequence[Axis],
    *,
    at: str | None = None,
    hypotheses: Sequence[str] | None = None,
    record: bool = True,
) -> Sweep:
    """Every verdict of ``case`` on the grid of ``axes`` (one or two; see the module docstring)."""
    if not 1 <= len(axes) <= 2:
        raise LinkageError(f"a sweep takes one or two parameters, got {len(axes)}")
    if len({a.name for a in axes}) != len(axes):
        raise LinkageError("a sweep's parameters must differ")
    total = int(np.prod([a.points for a in axes]))
    limits.check("sweep_points", total, "the sweep")
    used = used_names(case.game, case.timeline)
    for a in axes:
        if a.name == DELTA:
            if not (a.low >= 0 and a.high < 1):
                raise LinkageError(f"delta must lie in [0, 1), got {a.low}:{a.high}")
            continue
        if a.name not in case.parameters:
            raise LinkageError(
                f"case {case.id!r} has no parameter {a.name!r}"
                + name_hint(a.name, [*case.parameters, DELTA])
            )
        if a.name not in used:
            raise LinkageError(
                f"parameter {a.name!r} of case {case.id!r} appears in no payoff, discount factor "
                "or timeline change: sweeping it changes nothing"
            )
    at = case.at if at is None else at
    if at is not None:
        case.as_of(at)
    kernel = Kernel(case, at, tuple(hypotheses or ()), record and bool(case.timeline)).compile()
    grids = np.meshgrid(*(a.values for a in axes), indexing="xy")
    shape = grids[0].shape
    values = {a.name: g.ravel() for a, g in zip(axes, grids, strict=True) if a.name != DELTA}
    common = next((g.ravel() for a, g in zip(axes, grids, strict=True) if a.name == DELTA), None)
    ev = kernel.evaluate(values, grids[0].size, common_delta=common)
    verdicts = {n: v.reshape(shape) for n, v in ev.verdicts.items()}
    leaders = ev.leaders()
    if leaders is not None:
        for j, hyp in enumerate(case.hypotheses):
            verdicts[f"posterior.{hyp.id}"] = leaders[:, j].reshape(shape)
    ids = kernel.ids
    packages = {}
    for h, masks in ev.packages.items():
        labels = {
            m: "+".join(k for i, k in enumerate(ids) if (m >> i) & 1) or "(none)"
            for m in np.unique(masks).tolist()
        }
        packages[h] = np.array([labels[m] for m in masks.tolist()], dtype=object).reshape(shape)
    notes = []
    if at is not None:
        changes = case.changes_at(at)
        for a in axes:
            if overridden(changes, a.name):
                notes.append(
                    f"{a.name} is replaced by the timeline before {at} "
                    f"({a.name} = {changes[a.name]}): the verdicts at that date do not depend on it"
                )
    return Sweep(case.id, case.title, at, tuple(axes), verdicts, packages, tuple(notes))
