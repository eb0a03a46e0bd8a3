r"""How a case's parameters are uncertain: a distribution over each range, and rank correlations.

A parameter with a range ``[low, high]`` (both numbers, ``low < high``) is uncertain over it. Its
distribution is ``uniform`` unless the case file says otherwise with ``dist``:

=============== ======================== =================================================
``dist``         shape keys               density on ``[low, high]``
=============== ======================== =================================================
``uniform``      (none)                   constant
``triangular``   ``mode`` (default value) rises linearly from ``low`` to ``mode``, falls to ``high``
``loguniform``   (none)                   :math:`\propto 1/x` (needs ``low > 0``)
``truncnormal``  ``sd``, ``mean``          normal :math:`N(\text{mean}, \text{sd}^2)` truncated to the
                 (default value)          range
``beta``         ``alpha``, ``beta``       :math:`\text{Beta}(\alpha, \beta)` scaled from [0, 1] to the range
=============== ======================== =================================================

Two parameters may move together: ``[[correlations]]`` entries give Spearman rank correlations
between pairs (``between = ["a", "b"]``, ``rank = 0.5``); unlisted pairs are independent. The
matrix they make must be positive definite. Draws with these marginals and rank correlations are
made by :mod:`linkage.uncertainty.sampling` (Iman–Conover).

This module holds the data and the checks; the case-file reader
(:mod:`linkage.cases.loader`) reports what :func:`distribution_problems` and
:func:`not_positive_definite` find, with the file, line and key path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import attrs
import numpy as np
import sympy

DISTRIBUTIONS = ("uniform", "triangular", "loguniform", "truncnormal", "beta")
"""The distributions a parameter may have (``dist = "..."``)."""

SHAPE_KEYS: dict[str, tuple[str, ...]] = {
    "uniform": (),
    "triangular": ("mode",),
    "loguniform": (),
    "truncnormal": ("mean", "sd"),
    "beta": ("alpha", "beta"),
}
"""The keys that shape each distribution."""

REQUIRED_KEYS: dict[str, tuple[str, ...]] = {"truncnormal": ("sd",), "beta": ("alpha", "beta")}
"""Shape keys without a default (``mode`` and ``mean`` default to the parameter's value)."""

ALL_SHAPE_KEYS = ("mode", "mean", "sd", "alpha", "beta")

MAX_SUBSET = 12
"""Largest set of correlated parameters searched for the smallest one that is not positive
definite (beyond it, every correlated parameter is named)."""


@attrs.frozen
class Distribution:
    """The distribution of one parameter over ``[low, high]`` (exact numbers); ``shape`` holds
    ``mode``, ``mean``, ``sd``, ``alpha`` or ``beta`` as the kind needs. ``explicit``: the case
    file wrote ``dist`` (a parameter with a range and no ``dist`` is uniform over it)."""

    kind: str = attrs.field(validator=attrs.validators.in_(DISTRIBUTIONS))
    low: sympy.Expr
    high: sympy.Expr
    shape: Mapping[str, sympy.Expr] = attrs.field(factory=dict)
    explicit: bool = True

    def floats(self) -> dict[str, float]:
        """``low``, ``high`` and the shape keys as floats (for sampling)."""
        out = {"low": float(self.low), "high": float(self.high)}
        out.update({k: float(v) for k, v in self.shape.items()})
        return out

    def describe(self) -> str:
        """``uniform(0.6, 0.95)``, ``triangular(0.6, 0.95, mode=0.9)``: for outputs."""
        args = [sympy.sstr(self.low), sympy.sstr(self.high)]
        args += [f"{k}={sympy.sstr(v)}" for k, v in self.shape.items()]
        return f"{self.kind}({', '.join(args)})"


@attrs.frozen
class Correlation:
    """A Spearman rank correlation ``rank`` between parameters ``a`` and ``b``."""

    a: str
    b: str
    rank: float


def distribution_problems(d: Distribution) -> list[tuple[str, str, str]]:
    """What is wrong with a distribution: ``(key, message, expected)`` triples (empty if fine)."""
    out: list[tuple[str, str, str]] = []
    lo, hi = d.low, d.high
    if d.kind == "loguniform" and not lo > 0:
        out.append(("low", "a log-uniform range must be positive", "low > 0"))
    if d.kind == "triangular":
        mode = d.shape["mode"]
        if not (lo <= mode <= hi):
            out.append(("mode", "mode outside the range", f"a mode between {lo} and {hi}"))
    if d.kind == "truncnormal" and not d.shape["sd"] > 0:
        out.append(("sd", "a standard deviation must be positive", "sd > 0"))
    if d.kind == "truncnormal" and d.shape["sd"] > 0:
        # almost all mass outside the range: the truncated normal is numerically a point
        z_lo = (lo - d.shape["mean"]) / d.shape["sd"]
        z_hi = (hi - d.shape["mean"]) / d.shape["sd"]
        if z_lo > 30 or z_hi < -30:
            out.append(("mean", "the mean is more than 30 sd outside the range", "a mean nearer"))
    if d.kind == "beta":
        for key in ("alpha", "beta"):
            if not d.shape[key] > 0:
                out.append((key, f"{key} must be positive", f"{key} > 0"))
    return out


def correlation_matrix(names: Sequence[str], correlations: Sequence[Correlation]) -> np.ndarray:
    """The rank-correlation matrix of ``names`` (identity where no correlation is given)."""
    index = {n: i for i, n in enumerate(names)}
    m = np.eye(len(names))
    for c in correlations:
        i, j = index[c.a], index[c.b]
        m[i, j] = m[j, i] = c.rank
    return m


def is_positive_definite(matrix: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


def not_positive_definite(correlations: Sequence[Correlation]) -> tuple[str, ...]:
    """The smallest set of parameters whose rank correlations are not positive definite (the
    first in the order they are named), or ``()`` when the matrix is positive definite."""
    names = list(dict.fromkeys(n for c in correlations for n in (c.a, c.b)))
    if is_positive_definite(correlation_matrix(names, correlations)):
        return ()
    if len(names) > MAX_SUBSET:
        return tuple(names)
    for size in range(2, len(names) + 1):
        for subset in combinations(names, size):
            inside = [c for c in correlations if c.a in subset and c.b in subset]
            if not is_positive_definite(correlation_matrix(subset, inside)):
                return subset
    return tuple(names)  # pragma: no cover - the whole set fails


__all__ = [
    "DISTRIBUTIONS",
    "Correlation",
    "Distribution",
    "correlation_matrix",
    "distribution_problems",
    "not_positive_definite",
]
