r"""Monte Carlo over a case's declared uncertainty: how often each verdict holds.

:func:`sensitivity` draws the uncertain parameters (:mod:`linkage.uncertainty.sampling`),
evaluates every verdict with the compiled kernel (:mod:`linkage.uncertainty.kernel`) chunk by
chunk on a backend (:mod:`linkage.uncertainty.backends`), and summarises:

* **verdicts**: for each, the share :math:`\hat p` of draws in which it holds and its Monte Carlo
  standard error :math:`\sqrt{\hat p(1-\hat p)/n}` (0 when :math:`\hat p` is 0 or 1: then a 95%
  bound on the true probability is :math:`3/n`, the rule of three). The names:

  - ``separate.{player}.{domain}``: the player's constraints in the domain alone hold at the
    player's discount factor;
  - ``linked.{hypothesis}.{player}``: the player's subgame-perfect linked constraints hold;
  - ``on_path.{hypothesis}.{player}``: its constraints against deviations from full cooperation
    hold;
  - ``helps.{hypothesis}``: linkage strictly helps (the linked package holds for every player, the
    domains one by one do not all hold);
  - ``best_package.{hypothesis}``: the best self-enforcing package is the one at the calibration;
  - ``in_package.{hypothesis}.{domain}``: the domain is in the best package;
  - ``posterior.{hypothesis}``: the hypothesis has the highest posterior on the record (on an
    exact tie every tied hypothesis counts as highest, so these may add up to more than 1); the
    mean posterior is in ``posteriors``;

* **thresholds**: the distribution of each critical :math:`\delta` (``separate.{p}.{k}``,
  ``linked.{h}.{p}``, ``on_path.{h}.{p}``): the shares of draws where it is ``never``, ``always``
  (0) and bounded above, and quantiles (``never`` counts as above every number);
* **tornado**: per threshold, the parameters ranked by partial rank correlation, with
  one-at-a-time swings (:mod:`linkage.uncertainty.tornado`);
* **posteriors**: each hypothesis' mean posterior, its standard error and quantiles.

The same seed gives the same numbers, to the last bit, on every backend and number of workers.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from linkage import limits
from linkage.cases.case import Case
from linkage.cases.loader import load_case_text, read_case_text
from linkage.errors import LinkageError
from linkage.expr import parse_expression
from linkage.uncertainty import backends
from linkage.uncertainty.kernel import Evaluation, Kernel, overridden
from linkage.uncertainty.sampling import CHUNK_SIZE, Uncertainty, chunks
from linkage.uncertainty.tornado import prcc, rank_columns

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The quantiles reported for thresholds and posteriors."""


@attrs.frozen
class VerdictProbability:
    """How often a verdict holds over the draws."""

    name: str
    probability: float
    stderr: float


@attrs.frozen
class ThresholdSummary:
    """The distribution of one critical discount factor over the draws. ``quantiles`` map a level
    to a value (``inf``: ``never``); ``calibration`` is the value at the calibration (``nan``:
    never)."""

    name: str
    calibration: float
    never: float
    always: float
    bounded: float
    quantiles: Mapping[float, float]


@attrs.frozen
class TornadoBar:
    """One parameter's effect on a threshold: its PRCC and the threshold with the parameter at
    the low and the high end of its range, the others at their calibrated values (``nan``:
    never)."""

    parameter: str
    prcc: float | None
    low: float
    high: float


@attrs.frozen
class PosteriorSummary:
    hypothesis: str
    mean: float
    stderr: float
    quantiles: Mapping[float, float]


@attrs.frozen(eq=False)
class ChunkResult:
    """What one chunk gives back (reduced where it can be: verdict counts)."""

    index: int
    draws: np.ndarray
    counts: dict[str, int]
    packages: dict[str, np.ndarray]
    thresholds: np.ndarray
    bounded: np.ndarray
    posterior: np.ndarray | None


class ChunkTask:
    """Draws and evaluates one chunk in this process (the kernel is compiled once)."""

    def __init__(self, kernel: Kernel, uncertainty: Uncertainty, seed: int, draws: int) -> None:
        self.kernel, self.uncertainty, self.seed = kernel, uncertainty, seed
        self.spans = chunks(draws)

    def __call__(self, index: int) -> ChunkResult:
        _start, size = self.spans[index]
        x = self.uncertainty.chunk(self.seed, index, size)
        values = {n: x[:, j] for j, n in enumerate(self.uncertainty.names)}
        ev = self.kernel.evaluate(values, size)
        names = list(ev.thresholds)
        low = (
            np.column_stack([ev.thresholds[n][0] for n in names]) if names else np.empty((size, 0))
        )
        bounded = np.array([int((ev.thresholds[n][1] < 1).sum()) for n in names], dtype=np.int64)
        leaders = ev.leaders()
        counts = {n: int(v.sum()) for n, v in ev.verdicts.items()}
        if leaders is not None:
            for j, h in enumerate(self.kernel.case.hypotheses):
                counts[f"posterior.{h.id}"] = int(leaders[:, j].sum())
        return ChunkResult(index, x, counts, ev.packages, low, bounded, ev.posterior)


@attrs.frozen
class RemoteTask:
    """A picklable chunk task for Dask: the case file's text (with any parameter values changed
    after loading) and the options; each worker process compiles the kernel once."""

    text: str
    file: str
    values: tuple[tuple[str, str], ...]
    at: str | None
    hypotheses: tuple[str, ...]
    record: bool
    vary: tuple[str, ...] | None
    seed: int
    draws: int

    def __call__(self, index: int) -> ChunkResult:
        with _LOCK:
            if self not in _TASKS:
                case = load_case_text(self.text, file=self.file)
                if self.values:
                    case = case.with_values({n: parse_expression(v) for n, v in self.values})
                kernel = Kernel(case, self.at, self.hypotheses, self.record).compile()
                _TASKS.clear()  # one run at a time per worker: keep memory bounded
                _TASKS[self] = ChunkTask(
                    kernel, Uncertainty.from_case(case, self.vary), self.seed, self.draws
                )
            task = _TASKS[self]
        return task(index)


_TASKS: dict[RemoteTask, ChunkTask] = {}
_LOCK = threading.Lock()


def _remote(
    case: Case,
    at: str | None,
    hypotheses: tuple[str, ...],
    record: bool,
    vary: tuple[str, ...] | None,
    seed: int,
    draws: int,
) -> RemoteTask:
    if case.path is None:
        raise LinkageError("the dask backend needs a case loaded from a file (case.path)")
    text = read_case_text(case.path)
    original = load_case_text(text, file=case.path)
    changed = tuple(
        (n, p.text or str(p.value))
        for n, p in case.parameters.items()
        if p.value != original.parameters[n].value
    )
    return RemoteTask(text, case.path, changed, at, hypotheses, record, vary, seed, draws)


@attrs.frozen(eq=False)
class Sensitivity:
    """The result of :func:`sensitivity` (see the module docstring); ``samples`` holds the
    draws (rows) of the varied ``parameters`` and ``threshold_values`` the critical δ of every
    threshold per draw (``nan``: never), for plots and data frames."""

    case: str
    title: str
    at: str | None
    draws: int
    seed: int
    hypotheses: tuple[str, ...]
    parameters: tuple[str, ...]
    distributions: tuple[str, ...]
    correlations: tuple[tuple[str, str, float], ...]
    verdicts: tuple[VerdictProbability, ...]
    calibration: Mapping[str, bool]
    thresholds: tuple[ThresholdSummary, ...]
    tornado: Mapping[str, tuple[TornadoBar, ...]]
    posteriors: tuple[PosteriorSummary, ...]
    packages: Mapping[str, tuple[tuple[tuple[str, ...], float], ...]]
    notes: tuple[str, ...]
    samples: np.ndarray = attrs.field(repr=False)
    threshold_values: np.ndarray = attrs.field(repr=False)

    @property
    def varying(self) -> list[str]:
        """The thresholds that move over the draws (the others are the same in every draw)."""
        out = []
        for j, t in enumerate(self.thresholds):
            column = np.where(
                np.isnan(self.threshold_values[:, j]), np.inf, self.threshold_values[:, j]
            )
            if not np.all(column == column[0]):
                out.append(t.name)
        return out

    def moving(self, name: str) -> list[TornadoBar]:
        r"""The tornado bars of threshold ``name`` whose PRCC is beyond sampling noise, largest
        first: :math:`|r| \ge \max(0.01,\ 3/\sqrt{n})` for ``n`` draws (a parameter with no
        effect has a PRCC of standard deviation about :math:`1/\sqrt{n}`)."""
        floor = max(0.01, 3 / math.sqrt(self.draws)) if self.draws else 1.0
        return [b for b in self.tornado[name] if b.prcc is not None and abs(b.prcc) >= floor]

    def verdict(self, name: str) -> VerdictProbability:
        for v in self.verdicts:
            if v.name == name:
                return v
        raise KeyError(name)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data (``docs/reference/json-output.md``): ``draws``, ``seed`` and
        ``verdicts`` (a list of ``{"name", "probability", "stderr"}``) first."""

        def number(x: float) -> float | None:
            return None if math.isnan(x) or math.isinf(x) else x

        def quantiles(q: Mapping[float, float]) -> dict[str, float | None]:
            return {str(level): number(v) for level, v in q.items()}

        return {
            "draws": self.draws,
            "seed": self.seed,
            "verdicts": [
                {"name": v.name, "probability": v.probability, "stderr": v.stderr}
                for v in self.verdicts
            ],
            "case": self.case,
            "at": self.at,
            "chunk_size": CHUNK_SIZE,
            "hypotheses": list(self.hypotheses),
            "parameters": [
                {"name": n, "distribution": d}
                for n, d in zip(self.parameters, self.distributions, strict=True)
            ],
            "correlations": [{"between": [a, b], "rank": r} for a, b, r in self.correlations],
            "calibration": dict(self.calibration),
            "thresholds": [
                {
                    "name": t.name,
                    "calibration": number(t.calibration),
                    "never": t.never,
                    "always": t.always,
                    "bounded": t.bounded,
                    "quantiles": quantiles(t.quantiles),
                }
                for t in self.thresholds
            ],
            "tornado": [
                {
                    "threshold": name,
                    "method": "prcc",
                    "parameters": [
                        {
                            "name": b.parameter,
                            "prcc": b.prcc,
                            "low": number(b.low),
                            "high": number(b.high),
                        }
                        for b in bars
                    ],
                }
                for name, bars in self.tornado.items()
            ],
            "posteriors": [
                {
                    "hypothesis": p.hypothesis,
                    "mean": p.mean,
                    "stderr": p.stderr,
                    "quantiles": quantiles(p.quantiles),
                }
                for p in self.posteriors
            ],
            "packages": {
                h: [{"domains": list(d), "probability": p} for d, p in found]
                for h, found in self.packages.items()
            },
            "notes": list(self.notes),
        }


def _binomial(count: int, n: int) -> tuple[float, float]:
    """The share ``count / n`` and its binomial standard error."""
    p = count / n
    return p, math.sqrt(p * (1 - p) / n)


def _quantiles(values: np.ndarray) -> dict[float, float]:
    x = np.where(np.isnan(values), np.inf, values)
    return {q: float(np.quantile(x, q, method="inverted_cdf")) for q in QUANTILES}


def sensitivity(
    case: Case,
    draws: int,
    seed: int = 0,
    *,
    at: str | None = None,
    hypotheses: Sequence[str] | None = None,
    vary: Sequence[str] | None = None,
    record: bool = True,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> Sensitivity:
    """How often each verdict of ``case`` holds over ``draws`` draws of its declared uncertainty
    (see the module docstring). ``at``: judge at the calibration in force at a date (default the
    case's own date, :attr:`~linkage.cases.case.Case.at`); ``hypotheses``: the hypotheses whose
    verdicts are reported (default all; the posterior always covers all); ``vary``: draw only
    these parameters; ``record``: include the posterior on the record."""
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise LinkageError(f"the number of draws must be a whole number of at least 1, got {draws}")
    limits.check("draws", draws)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise LinkageError(f"the seed must be a whole number of at least 0, got {seed}")
    at = case.at if at is None else at
    if at is not None:
        case.as_of(at)  # a clear error for a malformed date
    hyps = tuple(hypotheses) if hypotheses else tuple(h.id for h in case.hypotheses)
    uncertainty = Uncertainty.from_case(case, vary)
    if not uncertainty.names:
        raise LinkageError(
            f"case {case.id!r} declares no uncertain parameter: give parameters a range "
            "(low and high) to draw from"
        )
    kernel = Kernel(case, at, hyps, record and bool(case.timeline)).compile()
    task = ChunkTask(kernel, uncertainty, seed, draws)
    remote = (
        _remote(case, at, hyps, kernel.record, tuple(vary) if vary else None, seed, draws)
        if backend == "dask"
        else None
    )
    results = backends.run(
        task,
        range(len(task.spans)),
        backend=backend,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        remote=remote,
    )
    return _summarise(case, kernel, uncertainty, results, draws, seed, at)


def _summarise(
    case: Case,
    kernel: Kernel,
    uncertainty: Uncertainty,
    results: list[ChunkResult],
    draws: int,
    seed: int,
    at: str | None,
) -> Sensitivity:
    base = kernel.evaluate({}, 1)
    n = draws
    names = list(results[0].counts)
    counts = {name: sum(r.counts[name] for r in results) for name in names}
    ids = kernel.ids
    verdicts: list[VerdictProbability] = []
    calibration: dict[str, bool] = {}
    for name in names:
        if name.startswith("posterior."):
            continue
        verdicts.append(VerdictProbability(name, *_binomial(counts[name], n)))
        calibration[name] = bool(base.verdicts[name][0])
    packages: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {}
    for h in kernel.hypotheses:
        masks = np.concatenate([r.packages[h] for r in results])
        at_calibration = int(base.packages[h][0])
        same = int((masks == at_calibration).sum())
        verdicts.append(VerdictProbability(f"best_package.{h}", *_binomial(same, n)))
        calibration[f"best_package.{h}"] = True
        for i, k in enumerate(ids):
            inside = int(((masks >> i) & 1).sum())
            verdicts.append(VerdictProbability(f"in_package.{h}.{k}", *_binomial(inside, n)))
            calibration[f"in_package.{h}.{k}"] = bool((at_calibration >> i) & 1)
        found, times = np.unique(masks, return_counts=True)
        ranked = sorted(
            zip(found.tolist(), times.tolist(), strict=True), key=lambda m: (-m[1], m[0])
        )
        packages[h] = tuple(
            (tuple(k for i, k in enumerate(ids) if (m >> i) & 1), c / n) for m, c in ranked
        )
    posteriors: list[PosteriorSummary] = []
    if base.posterior is not None:
        post = np.concatenate([r.posterior for r in results if r.posterior is not None])
        leaders = base.leaders()
        assert leaders is not None
        for j, hyp in enumerate(case.hypotheses):
            name = f"posterior.{hyp.id}"
            verdicts.append(VerdictProbability(name, *_binomial(counts[name], n)))
            calibration[name] = bool(leaders[0, j])
            column = post[:, j]
            posteriors.append(
                PosteriorSummary(
                    hyp.id,
                    float(column.mean()),
                    float(column.std() / math.sqrt(n)),
                    _quantiles(column),
                )
            )
    threshold_names = list(base.thresholds)
    values = np.concatenate([r.thresholds for r in results])
    bounded = np.sum([r.bounded for r in results], axis=0)
    thresholds = []
    for j, name in enumerate(threshold_names):
        column = values[:, j]
        thresholds.append(
            ThresholdSummary(
                name,
                float(base.thresholds[name][0][0]),
                float(np.isnan(column).mean()),
                float((column == 0).mean()),
                float(bounded[j] / n),
                _quantiles(column),
            )
        )
    x = np.concatenate([r.draws for r in results])
    tornado = _tornado(kernel, uncertainty, x, values, threshold_names)
    return Sensitivity(
        case=case.id,
        title=case.title,
        at=at,
        draws=draws,
        seed=seed,
        hypotheses=kernel.hypotheses,
        parameters=uncertainty.names,
        distributions=tuple(d.describe() for d in uncertainty.distributions),
        correlations=tuple(
            (c.a, c.b, c.rank)
            for c in case.correlations
            if c.a in uncertainty.names and c.b in uncertainty.names
        ),
        verdicts=tuple(verdicts),
        calibration=calibration,
        thresholds=tuple(thresholds),
        tornado=tornado,
        posteriors=tuple(posteriors),
        packages=packages,
        notes=tuple(_notes(case, uncertainty, at)),
        samples=x,
        threshold_values=values,
    )


def _tornado(
    kernel: Kernel,
    uncertainty: Uncertainty,
    x: np.ndarray,
    values: np.ndarray,
    names: list[str],
) -> dict[str, tuple[TornadoBar, ...]]:
    """Per threshold, the parameters by |PRCC| (largest first), with one-at-a-time swings."""
    k = len(uncertainty.names)
    points = 2 * k
    swing: dict[str, np.ndarray] = {}
    for j, name in enumerate(uncertainty.names):
        d = uncertainty.distributions[j]
        column = np.full(points, uncertainty.values[name])
        column[2 * j] = float(d.low)
        column[2 * j + 1] = float(d.high)
        swing[name] = column
    ev: Evaluation = kernel.evaluate(swing, points)
    out: dict[str, tuple[TornadoBar, ...]] = {}
    ranks = rank_columns(x)
    for t, name in enumerate(names):
        coefficients = prcc(ranks, values[:, t])
        low = ev.thresholds[name][0]
        bars = [
            TornadoBar(p, coefficients[j], float(low[2 * j]), float(low[2 * j + 1]))
            for j, p in enumerate(uncertainty.names)
        ]
        bars.sort(key=lambda b: (b.prcc is None, -abs(b.prcc or 0.0)))
        out[name] = tuple(bars)
    return out


def _notes(case: Case, uncertainty: Uncertainty, at: str | None) -> list[str]:
    """What a reader should know: drawn parameters that the timeline replaces before the date
    (their draws do not move the verdicts at that date)."""
    if at is None:
        return []
    changes = case.changes_at(at)
    fixed = [n for n in uncertainty.names if overridden(changes, n)]
    if not fixed:
        return []
    return [
        f"{', '.join(fixed)}: replaced by the timeline before {at}, so their draws do not move "
        "the verdicts at that date (only the record's earlier periods)"
    ]
