r"""Slack, its transfer under linkage, and the weighted-mean form of the pooled threshold.

For grim trigger the slack of player :math:`i`'s constraint in domain :math:`k` is (primer §1)

.. math:: s_{ik}(\delta) = \delta(C_{ik}-N_{ik}) - (1-\delta)(D_{ik}-C_{ik})^+
          = (\bar D_{ik}-N_{ik})(\delta-\delta_{ik}),\qquad \bar D = \max(D, C).

Unlinked, every :math:`s_{ik} \ge 0` is needed; pooled, only :math:`\sum_k s_{ik} \ge 0`. A domain
with :math:`\delta > \delta_{ik}` *donates* slack, one with :math:`\delta < \delta_{ik}` absorbs it.
Hence the pooled threshold is the :math:`(\bar D-N)`-weighted mean (a mediant, not the simple mean):

.. math:: \delta_{iA} = \sum_{k\in A} w_{ik}\,\delta_{ik},\qquad
          w_{ik} = \frac{\bar D_{ik}-N_{ik}}{\sum_{j\in A}(\bar D_{ij}-N_{ij})}.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy

from linkage.model.payoffs import StagePayoffs
from linkage.symbols import delta
from linkage.values import exact


def slack(p: StagePayoffs, d: Any = delta) -> sympy.Expr:
    r""":math:`s(\delta) = \delta(C-N) - (1-\delta)(D-C)^+` at discount factor ``d``."""
    d = exact(d)
    return sympy.expand(d * p.stake - (1 - d) * p.temptation)


def slack_factored(p: StagePayoffs, d: Any = delta) -> sympy.Expr:
    r"""The same slack in the form :math:`(\bar D - N)(\delta - \delta_k)` (unevaluated product)."""
    width = p.temptation + p.stake
    if width == 0:
        return sympy.Integer(0)
    crit = sympy.cancel(p.temptation / width)
    return sympy.Mul(width, exact(d) - crit, evaluate=False)


def raw_threshold(p: StagePayoffs) -> sympy.Expr:
    r"""The unclassified grim ratio :math:`(D-C)^+/(\bar D-N)` (may exceed 1; see :mod:`threshold`)."""
    return sympy.cancel(p.temptation / (p.temptation + p.stake))


def weights(payoffs: Sequence[StagePayoffs]) -> list[sympy.Expr]:
    r"""The weights :math:`w_k = (\bar D_k-N_k)/\sum_j(\bar D_j-N_j)` of the pooled mediant.

    They are a weighted mean's (positive, summing to 1) when every :math:`\bar D_k - N_k > 0`;
    a concession (:math:`C < N`) can make a weight negative. The form needs every
    :math:`\bar D_k - N_k \ne 0`: a domain with :math:`\bar D = N` has no threshold of its own
    to weigh (:class:`ValueError` names it)."""
    widths = [p.temptation + p.stake for p in payoffs]
    for i, w in enumerate(widths):
        if w == 0:
            raise ValueError(
                f"domain {i + 1} has max(D, C) = N: it has no threshold of its own, so the pooled "
                "threshold is not a weighted mean of the domains' thresholds; use pooled_threshold"
            )
    total = sympy.Add(*widths)
    if total == 0:
        raise ValueError("the pooled threshold needs sum(max(D, C) - N) != 0")
    return [sympy.cancel(w / total) for w in widths]


def pooled_threshold(payoffs: Sequence[StagePayoffs]) -> sympy.Expr:
    r"""The pooled grim ratio :math:`\sum(D-C)^+ / \sum(\bar D-N)` computed directly."""
    gain = sympy.Add(*(p.temptation for p in payoffs))
    stake = sympy.Add(*(p.stake for p in payoffs))
    return sympy.cancel(gain / (gain + stake))


def pooled_threshold_weighted_mean(payoffs: Sequence[StagePayoffs]) -> sympy.Expr:
    r"""The pooled grim ratio as :math:`\sum_k w_k\,\delta_k` of the domains' ratios (see
    :func:`weights` for when that is a weighted mean, and when it is not defined)."""
    terms = [w * raw_threshold(p) for w, p in zip(weights(payoffs), payoffs, strict=True)]
    return sympy.cancel(sympy.Add(*terms))
