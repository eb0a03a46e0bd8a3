r"""The error model of the record, and the likelihood, posterior and Bayes factors it gives.

**Generative model.** The record is coded at a resolution (one observation per domain per year by
default; declared per case in ``[scoring]``). Each unit of time in each domain is coded correctly
with probability :math:`1-\varepsilon` and wrongly with probability :math:`\varepsilon`,
independently of the other units, where "correctly" means the coded state (cooperation or
breakdown) is the one the true hypothesis' automaton predicts (:mod:`linkage.record.automaton`).

**Likelihood.** With :math:`m_h` the time (in units of the resolution) in which hypothesis
:math:`h` predicts the recorded state and :math:`x_h` the time in which it does not,

.. math:: \log L_h(\varepsilon) = m_h \log(1-\varepsilon) + x_h \log\varepsilon .

It is additive over time, so cutting a period in two (bookkeeping) changes nothing, and a 4-day
period weighs 4 days. Observations coded ``partial`` or ``unknown`` are not scored: the binary
model has no state for them, and leaving them out is the likelihood of the rest when whether a
stretch is coded that way does not depend on which hypothesis is true. Every hypothesis is scored
on the same stretches, so :math:`m_h + x_h` is the same :math:`T` for all of them and

.. math:: \log\frac{L_h}{L_g} = (x_g - x_h)\log\frac{1-\varepsilon}{\varepsilon} :

the ranking is the ranking by mismatched time, whatever :math:`\varepsilon`; :math:`\varepsilon`
sets how decisive a difference of one unit is.

**Posterior** under prior weights :math:`\pi_h` (uniform unless the case declares them):
:math:`P(h \mid \text{record}) = \pi_h L_h / \sum_g \pi_g L_g`, computed with the log-sum-exp
trick. The **Bayes factor** of :math:`h` against :math:`g` is :math:`L_h / L_g`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import attrs

from linkage.cases.dates import units
from linkage.record.automaton import Prediction, Segment


@attrs.frozen
class Tally:
    """Days in which a prediction matched and did not match the recorded state. Days are whole
    numbers, so equal records give equal tallies exactly (ties are exact)."""

    matched: int = 0
    mismatched: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.matched + other.matched, self.mismatched + other.mismatched)

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.matched - other.matched, self.mismatched - other.mismatched)

    @property
    def scored(self) -> int:
        return self.matched + self.mismatched

    def log_likelihood(self, error_rate: float, resolution: str) -> float:
        r""":math:`m\log(1-\varepsilon) + x\log\varepsilon` with :math:`m, x` in units of
        ``resolution``."""
        check_error_rate(error_rate)
        return units(self.matched, resolution) * math.log1p(-error_rate) + units(
            self.mismatched, resolution
        ) * math.log(error_rate)


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        out = out + t
    return out


def tallies(
    cut: Sequence[Segment], predicted: Sequence[Mapping[str, Prediction]]
) -> dict[tuple[int, str], Tally]:
    """Per recorded observation (the index of its event and its domain), the days in which the
    predictions ``predicted`` (one mapping per segment of ``cut``) match it and do not."""
    out: dict[tuple[int, str], Tally] = {}
    for seg, pred in zip(cut, predicted, strict=True):
        days = seg.end - seg.start
        for k, (index, o) in seg.observed.items():
            if o.cooperative is None:
                continue
            hit = pred[k].cooperating == o.cooperative
            t = Tally(days, 0) if hit else Tally(0, days)
            out[(index, k)] = out.get((index, k), Tally()) + t
    return out


def check_error_rate(error_rate: float) -> None:
    if not 0 < error_rate < 0.5:
        raise ValueError(f"an error rate must lie strictly between 0 and 1/2, got {error_rate}")


def posterior(
    log_likelihoods: Mapping[str, float], priors: Mapping[str, float] | None = None
) -> dict[str, float]:
    r"""Posterior probabilities :math:`\pi_h L_h / \sum_g \pi_g L_g` from log-likelihoods and prior
    weights (uniform when ``priors`` is ``None``; weights need not sum to 1)."""
    if not log_likelihoods:
        return {}
    weights = priors or dict.fromkeys(log_likelihoods, 1.0)
    norm = sum(weights[h] for h in log_likelihoods)
    logs = {h: ll + math.log(weights[h] / norm) for h, ll in log_likelihoods.items()}
    top = max(logs.values())
    shifted = {h: math.exp(v - top) for h, v in logs.items()}
    z = sum(shifted.values())
    return {h: v / z for h, v in shifted.items()}


def log10_bayes_factor(log_likelihood: float, reference: float) -> float:
    """:math:`\\log_{10}` of the Bayes factor :math:`L_h / L_g` from the two log-likelihoods."""
    return (log_likelihood - reference) / math.log(10)
