"""Timelines: each linkage hypothesis tested against the record.

:class:`TimelineAnalysis` runs every hypothesis of a case as a strategy automaton over the record
(:mod:`linkage.record.automaton`: recorded deviations start punishment phases in the domains the
hypothesis links, settlements end them, and the rest is predicted from the parameters in force),
scores the predictions with the error model of :mod:`linkage.record.likelihood` (time matched and
mismatched, in units of the case's resolution; ``partial`` and ``unknown`` not scored) and gives
each hypothesis a log-likelihood, a posterior under the case's prior and a Bayes factor against
the leader. :meth:`TimelineAnalysis.explain` says what decides the ranking
(:mod:`linkage.record.explain`).

The method is stated in ``docs/explanation/testing-hypotheses.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import attrs

from linkage.cases.case import Case, Observation
from linkage.cases.dates import iso, units
from linkage.record.automaton import (
    Prediction,
    Segment,
    Window,
    describe_segment,
    predict,
    segment_start,
    segments,
    windows,
)
from linkage.record.explain import Explanation, explain, rank
from linkage.record.likelihood import Tally, log10_bayes_factor, posterior, tallies, total


@attrs.frozen
class Period:
    """One row of the record: a stretch in which nothing changes, what was observed and what each
    hypothesis predicts."""

    start: str
    end: str
    length: float
    """In units of the case's resolution."""
    event: int | None
    """The index of the timeline event that opens the period (``None``: punishment phases end)."""
    title: str
    observed: dict[str, str]
    """The recorded state in force of each open domain that has one."""
    open: frozenset[str]
    predicted: dict[str, dict[str, Prediction]]
    """Per hypothesis, the prediction for each open domain."""

    def matches(self, hypothesis: str) -> dict[str, bool]:
        """Per scored domain: does ``hypothesis`` predict the recorded state?"""
        out = {}
        for k, state in self.observed.items():
            coop = Observation(state).cooperative
            if coop is not None:
                out[k] = self.predicted[hypothesis][k].cooperating == coop
        return out


@attrs.frozen
class Score:
    """A hypothesis' score on the record at one error rate."""

    hypothesis: str
    log_likelihood: float
    posterior: float
    prior: float
    log10_bayes_factor: float
    """Against the leading hypothesis (0 for the leader, negative below it)."""
    matched: float
    """Time (in units of the resolution) in which the prediction matched the record."""
    scored: float
    """Time scored (the same for every hypothesis)."""

    @property
    def share(self) -> float | None:
        return self.matched / self.scored if self.scored else None


@attrs.frozen(eq=False)
class TimelineAnalysis:
    """Every hypothesis of ``case`` against its record (see the module docstring)."""

    case: Case

    @property
    def hypotheses(self) -> tuple[str, ...]:
        return tuple(h.id for h in self.case.hypotheses)

    @property
    def resolution(self) -> str:
        return self.case.scoring.resolution

    @property
    def error_rate(self) -> float:
        """The case's error rate ε (``[scoring] error_rate``)."""
        return self.case.scoring.error_rate

    @cached_property
    def segments(self) -> list[Segment]:
        return segments(self.case)

    @cached_property
    def predictions(self) -> dict[str, list[dict[str, Prediction]]]:
        """Per hypothesis, its automaton's prediction per segment and open domain."""
        return {h.id: predict(self.case, h, self.segments) for h in self.case.hypotheses}

    @cached_property
    def windows(self) -> list[Window]:
        """Every scored observation and the stretch it covers."""
        return windows(self.segments)

    @cached_property
    def by_window(self) -> dict[str, dict[tuple[int, str], Tally]]:
        """Per hypothesis and observation (event index, domain), days matched and mismatched."""
        return {h: tallies(self.segments, p) for h, p in self.predictions.items()}

    @cached_property
    def totals(self) -> dict[str, Tally]:
        return {h: total(t.values()) for h, t in self.by_window.items()}

    @cached_property
    def priors(self) -> dict[str, float]:
        """Prior probabilities: the hypotheses' weights, normalised."""
        z = sum(h.prior for h in self.case.hypotheses)
        return {h.id: h.prior / z for h in self.case.hypotheses}

    def log_likelihoods(self, error_rate: float | None = None) -> dict[str, float]:
        eps = self.error_rate if error_rate is None else error_rate
        return {h: t.log_likelihood(eps, self.resolution) for h, t in self.totals.items()}

    def posterior(self, error_rate: float | None = None) -> dict[str, float]:
        """Posterior probabilities under the case's prior at ``error_rate`` (default the case's)."""
        return posterior(self.log_likelihoods(error_rate), self.priors)

    def scores(self, error_rate: float | None = None) -> dict[str, Score]:
        """Per hypothesis, its :class:`Score` at ``error_rate`` (default the case's)."""
        lls = self.log_likelihoods(error_rate)
        post = posterior(lls, self.priors)
        best = max(lls[h] for h in rank(post, self.hypotheses)[0])
        return {
            h: Score(
                h,
                lls[h],
                post[h],
                self.priors[h],
                log10_bayes_factor(lls[h], best),
                units(self.totals[h].matched, self.resolution),
                units(self.totals[h].scored, self.resolution),
            )
            for h in self.hypotheses
        }

    def sensitivity(
        self, error_rates: Sequence[float] | None = None
    ) -> dict[float, dict[str, float]]:
        """The posterior at each error rate (default the case's ``[scoring] error_rates``)."""
        rates = self.case.scoring.error_rates if error_rates is None else error_rates
        return {eps: self.posterior(eps) for eps in rates}

    @cached_property
    def equivalent(self) -> tuple[tuple[str, ...], ...]:
        """Groups of hypotheses that predict the same state for every open domain over the whole
        record (observationally equivalent)."""
        groups: dict[tuple[tuple[tuple[str, bool], ...], ...], list[str]] = {}
        for h, per in self.predictions.items():
            key = tuple(tuple((k, p.cooperating) for k, p in seg.items()) for seg in per)
            groups.setdefault(key, []).append(h)
        return tuple(tuple(g) for g in groups.values() if len(g) > 1)

    @cached_property
    def unsourced(self) -> list[Window]:
        """The scored observations that have no source and are not tagged as estimates."""
        return [w for w in self.windows if not self.case.timeline[w.event].evidence(w.domain)]

    def explain(self, error_rate: float | None = None, versus: str | None = None) -> Explanation:
        """What decides the ranking at ``error_rate`` (default the case's); the contributions
        compare the leader with ``versus`` (default the runner-up)."""
        if versus is not None:
            self.case.hypothesis(versus)  # a clear error for an unknown id
        return explain(
            self.hypotheses,
            self.priors,
            self.by_window,
            self.windows,
            self.equivalent,
            self.unsourced,
            self.error_rate if error_rate is None else error_rate,
            self.resolution,
            versus,
        )

    @cached_property
    def periods(self) -> list[Period]:
        """The record, one :class:`Period` per segment."""
        out = []
        end = self.case.end if self.case.end is not None else None
        for i, seg in enumerate(self.segments):
            if i + 1 < len(self.segments):
                stop = segment_start(self.case, self.segments[i + 1])
            else:
                stop = end if end is not None else iso(seg.end)
            out.append(
                Period(
                    segment_start(self.case, seg),
                    stop,
                    seg.length(self.resolution),
                    seg.event,
                    describe_segment(self.case, seg),
                    {k: o.state for k, (_i, o) in seg.observed.items()},
                    seg.open,
                    {h: self.predictions[h][i] for h in self.hypotheses},
                )
            )
        return out

    @property
    def fit(self) -> dict[str, dict[str, Any]]:
        """Per hypothesis, the secondary summary: time matched and scored (in units of the
        resolution, 2 decimals), the share matched (``None`` with nothing scored) and the
        posterior at the case's error rate."""
        return {
            h: {
                "matched": round(s.matched, 2),
                "scored": round(s.scored, 2),
                "share": s.share,
                "posterior": s.posterior,
            }
            for h, s in self.scores().items()
        }

    def as_json(
        self, error_rate: float | None = None, *, explain: bool = False, versus: str | None = None
    ) -> dict[str, Any]:
        """The analysis as JSON-ready data (``docs/reference/json-output.md``)."""
        eps = self.error_rate if error_rate is None else error_rate
        order = self.case.domain_ids
        out: dict[str, Any] = {
            "case": self.case.id,
            "title": self.case.title,
            "hypotheses": list(self.hypotheses),
            "resolution": self.resolution,
            "error_rate": eps,
            "end": self.periods[-1].end if self.periods else None,
            "periods": [
                {
                    "start": p.start,
                    "end": p.end,
                    "length": round(p.length, 6),
                    "event": p.event,
                    "title": p.title,
                    "open": [k for k in order if k in p.open],
                    "observed": p.observed,
                    "predictions": {
                        h: {
                            k: {
                                "state": pred.state,
                                "punished": pred.punished,
                                "match": p.matches(h).get(k),
                            }
                            for k, pred in per.items()
                        }
                        for h, per in p.predicted.items()
                    },
                }
                for p in self.periods
            ],
            "scores": {
                h: {
                    "log_likelihood": s.log_likelihood,
                    "posterior": s.posterior,
                    "prior": s.prior,
                    "log10_bayes_factor": s.log10_bayes_factor,
                    "matched": round(s.matched, 6),
                    "scored": round(s.scored, 6),
                }
                for h, s in self.scores(eps).items()
            },
            "sensitivity": [
                {"error_rate": e, "posterior": post} for e, post in self.sensitivity().items()
            ],
            "equivalent": [list(g) for g in self.equivalent],
        }
        x = self.explain(eps, versus)
        out["indistinguishable"] = [list(g) for g in x.indistinguishable]
        if explain:
            out["explain"] = explanation_json(self.case, x)
        return out


def window_json(case: Case, w: Window) -> dict[str, Any]:
    """An observation as JSON-ready data."""
    e = case.timeline[w.event]
    return {
        "event": w.event,
        "date": e.date,
        "title": e.title,
        "domain": w.domain,
        "state": w.observation.state,
        "from": iso(w.start),
        "to": iso(w.end),
        "evidence": e.evidence(w.domain) or None,
        "cite": list(w.observation.cite or e.cite),
    }


def explanation_json(case: Case, x: Explanation) -> dict[str, Any]:
    """An :class:`~linkage.record.explain.Explanation` as JSON-ready data."""
    return {
        "error_rate": x.error_rate,
        "ranking": [list(g) for g in x.ranking],
        "leader": x.leader,
        "runner_up": x.runner_up,
        "log_likelihood_ratio": x.log_ratio,
        "contributions": [
            {**window_json(case, c.window), "log_likelihood_ratio": c.log_ratio}
            for c in x.contributions
        ],
        "unsourced": [window_json(case, w) for w in x.unsourced],
        "drop_one": {
            "ranking_survives": not x.rank_changes,
            "leader_survives": not x.leader_changes,
            "changes": [
                {**window_json(case, c.window), "ranking": [list(g) for g in c.ranking]}
                for c in x.rank_changes
            ],
        },
    }
