r"""Which parameters move a threshold most: partial rank correlations and one-at-a-time swings.

**Partial rank correlation coefficients** (PRCC; Marino et al. 2008) measure, over the Monte
Carlo draws, how monotonically a threshold moves with one parameter once the others' (monotone)
effects are taken out: every parameter and the threshold are replaced by their ranks (ties get
their average rank; a threshold that is ``never`` ranks above every number), and the PRCC of
parameter :math:`j` is the correlation of the residuals of the ranks of :math:`x_j` and of the
threshold, each regressed on the ranks of the other parameters. With :math:`C` the correlation
matrix of all these ranks and :math:`P = C^{-1}`,

.. math:: \mathrm{PRCC}_j = \frac{-P_{jy}}{\sqrt{P_{jj} P_{yy}}}.

It lies in :math:`[-1, 1]`: near :math:`\pm 1` the threshold rises (falls) with the parameter
whatever the others do. A threshold constant over the draws has no PRCC (``None``). When the
threshold is a monotone function of some parameters alone, :math:`C` is singular; a ridge of
:data:`RIDGE` on its diagonal keeps :math:`P` finite (those parameters get :math:`\pm 1`, the
others about 0).

**One-at-a-time swings** evaluate the threshold with one parameter at the low and then at the
high end of its range, every other parameter at its calibrated value: what a reader checks by
hand, blind to interactions.

A tornado ranks the parameters by :math:`|\mathrm{PRCC}|` (its method); the swings are shown
beside it.
"""

from __future__ import annotations

import numpy as np

RIDGE = 1e-9
"""Added to the diagonal of the rank correlation matrix before it is inverted."""


def rankdata(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``x`` (average ranks on ties; ``inf`` ranks last), without scipy."""
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    boundaries = np.concatenate(([True], sorted_x[1:] != sorted_x[:-1]))
    group = np.cumsum(boundaries) - 1
    starts = np.flatnonzero(boundaries)
    ends = np.append(starts[1:], len(x))
    average = (starts + ends + 1) / 2  # ranks starts+1 .. ends, averaged
    ranks = np.empty(len(x))
    ranks[order] = average[group]
    return ranks


def rank_columns(x: np.ndarray) -> np.ndarray:
    """The ranks of each column of ``x`` (see :func:`rankdata`)."""
    return np.column_stack([rankdata(x[:, j]) for j in range(x.shape[1])])


def prcc(ranks: np.ndarray, y: np.ndarray) -> list[float | None]:
    """The PRCC of each parameter with ``y``, from the parameters' ranks (draws × parameters,
    :func:`rank_columns`; see the module docstring; ``nan`` in ``y`` ranks as ``inf``). A constant
    parameter or ``y`` gives ``None``."""
    n, k = ranks.shape
    y = np.where(np.isnan(y), np.inf, y)
    if n < k + 3 or np.all(y == y[0]):
        return [None] * k
    varying = [j for j in range(k) if not np.all(ranks[:, j] == ranks[0, j])]
    C = np.corrcoef(np.column_stack([ranks[:, varying], rankdata(y)]), rowvar=False)
    # a threshold that is a monotone function of some parameters makes C singular: a ridge keeps
    # the inverse finite, and sends the partial correlations of the other parameters to 0
    P = np.linalg.inv(C + RIDGE * np.eye(len(C)))
    out: list[float | None] = [None] * k
    for i, j in enumerate(varying):
        denominator = P[i, i] * P[-1, -1]
        if denominator > 0:
            out[j] = float(np.clip(-P[i, -1] / np.sqrt(denominator), -1.0, 1.0))
    return out
