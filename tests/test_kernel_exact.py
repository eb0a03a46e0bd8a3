"""The compiled kernel against the exact engine, draw by draw.

Random draws of each bundled case's declared uncertainty are evaluated twice: by the kernel
(floats, vectorised) and by the exact engine on the same numbers (each float turned into the
rational it is exactly: ``case.with_values``, then the case's analyses and timeline). Every
verdict must agree, except within :data:`TOLERANCE` of a boundary: a draw at which some
constraint's margin is within ``TOLERANCE`` of zero relative to its size (the gain plus the
discounted stakes) or two packages' surpluses are within ``TOLERANCE`` of each other.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

from linkage.cases.case import Case
from linkage.cases.loader import load_case
from linkage.symbols import delta
from linkage.timeline import TimelineAnalysis
from linkage.uncertainty.kernel import Kernel
from linkage.uncertainty.sampling import Uncertainty

TOLERANCE = 1e-9

SCALE = float(os.environ.get("LINKAGE_EXACT_SCALE", "1"))
"""Multiplies the draws (the exact engine takes 20-80 ms a draw): ``LINKAGE_EXACT_SCALE=10``
checks 10,000 draws."""

DRAWS = {
    name: max(1, round(n * SCALE))
    for name, n in {
        "china_norway": 250,
        "iceland_uk": 250,
        "russia_ukraine_gas": 200,
        "china_japan_2010": 240,
        "japan_russia": 60,
    }.items()
}
"""Draws per case (1,000 in all by default), at the case's focal date."""


def exact_case(case: Case, names: tuple[str, ...], row: np.ndarray) -> Case:
    return case.with_values({n: Fraction(float(x)) for n, x in zip(names, row, strict=True)})


def near_boundary(kernel: Kernel, case: Case) -> bool:
    """Whether some constraint of the kernel is within TOLERANCE of holding with equality at the
    case's calibration (or two single domains' surpluses tie)."""
    values = case.calibration()
    game = case.game.subs(values)
    for condition, player in kernel._rows:
        c = condition.subs(values)
        d = game.discount.of(player)
        parts = [t.stake * t.weight.subs(delta, d) for t in c.terms]
        margin = float(sympy.Add(*parts) - c.gain)
        size = abs(float(c.gain)) + sum(abs(float(p)) for p in parts)
        if abs(margin) <= TOLERANCE * max(size, 1e-300):
            return True
    return False


@pytest.mark.parametrize("name", list(DRAWS))
def test_kernel_verdicts_equal_the_exact_engine(name: str, cases_dir: Path) -> None:
    case = load_case(cases_dir / f"{name}.toml")
    at = case.focal
    kernel = Kernel(case, at, record=False).compile()
    u = Uncertainty.from_case(case)
    x = u.draw(DRAWS[name], np.random.default_rng(2024))
    ev = kernel.evaluate({n: x[:, j] for j, n in enumerate(u.names)}, len(x))
    ids = case.domain_ids
    disagreements = []
    for i, row in enumerate(x):
        exact = exact_case(case, u.names, row).as_of(at)
        a0 = exact.analysis(case.hypotheses[0].id)
        found: dict[str, bool] = {}
        for p in case.players:
            d = a0.game.discount.of(p)
            for k in ids:
                found[f"separate.{p}.{k}"] = a0.separate_thresholds[p][k].holds_at(d)
        packages = {}
        for h in case.hypotheses:
            a = exact.analysis(h.id)
            for p in case.players:
                d = a.game.discount.of(p)
                found[f"linked.{h.id}.{p}"] = a.linked_thresholds[p].holds_at(d)
                found[f"on_path.{h.id}.{p}"] = a.on_path_thresholds[p].holds_at(d)
            found[f"helps.{h.id}"] = bool(a.helps)
            package = a.best_package
            assert package is not None
            packages[h.id] = sum(1 << ids.index(k) for k in package.domains)
        wrong = [n for n, v in found.items() if bool(ev.verdicts[n][i]) != v]
        wrong += [f"best_package.{h}" for h, m in packages.items() if int(ev.packages[h][i]) != m]
        if wrong and not near_boundary(kernel, exact):
            disagreements.append((i, wrong))
    assert not disagreements, disagreements[:5]


@pytest.mark.parametrize(("name", "draws"), [("china_norway", 6), ("japan_russia", 3)])
def test_kernel_posterior_equals_the_exact_timeline(name: str, draws: int, cases_dir: Path) -> None:
    case = load_case(cases_dir / f"{name}.toml")
    kernel = Kernel(case).compile()
    u = Uncertainty.from_case(case)
    x = u.draw(draws, np.random.default_rng(7))
    ev = kernel.evaluate({n: x[:, j] for j, n in enumerate(u.names)}, draws)
    assert ev.posterior is not None
    for i, row in enumerate(x):
        exact = TimelineAnalysis(exact_case(case, u.names, row)).posterior()
        expected = [exact[h.id] for h in case.hypotheses]
        assert ev.posterior[i] == pytest.approx(expected, rel=1e-9, abs=1e-12)
