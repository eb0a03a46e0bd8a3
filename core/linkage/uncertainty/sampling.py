r"""Draws of a case's uncertain parameters: marginals, rank correlations, chunks and streams.

**Marginals** (:mod:`linkage.cases.distributions`) are drawn with a :class:`numpy.random.Generator`:
``uniform``, ``triangular`` and ``beta`` (scaled to the range) by the generator's own methods,
``loguniform`` as :math:`\exp U(\log low, \log high)`, ``truncnormal`` by the inverse CDF,
:math:`x = \mu + \sigma\,\Phi^{-1}(U(\Phi(a), \Phi(b)))` with :math:`a, b` the standardised ends
(drawn in the lower tail, by symmetry, so that a range far in the upper tail loses no precision).
:math:`\Phi^{-1}` is Wichura's algorithm AS 241 (relative error about :math:`10^{-16}`), in numpy:
no scipy needed.

**Rank correlations** are imposed by the Iman–Conover method (1982): van der Waerden scores
:math:`\Phi^{-1}(i/(n+1))`, randomly permuted per parameter, are given the target correlation by
:math:`T = S\,(Q^{-1})^{\top} P^{\top}` (:math:`Q, P` the Cholesky factors of the scores' sample
correlation and of the target), and each parameter's draws are reordered to follow the ranks of
its column of :math:`T`. The marginals are untouched; only which values go together changes. The
target Spearman :math:`\rho_s` is first turned into the Pearson correlation of normal scores that
gives it, :math:`r = 2\sin(\pi\rho_s/6)` (kept as given when that matrix is not positive
definite).

**Chunks and streams.** Draws come in chunks of :data:`CHUNK_SIZE` (a constant, not the number of
workers). Chunk :math:`i` draws from its own stream ``numpy.random.SeedSequence(seed).spawn(n)[i]``
(the same as ``SeedSequence(seed, spawn_key=(i,))`` for any ``n``), so a chunk is the same
wherever and whenever it runs: results do not depend on the backend or the number of workers.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from linkage.cases.case import Case
from linkage.cases.distributions import Distribution, correlation_matrix, is_positive_definite
from linkage.cases.read_uncertainty import used_names
from linkage.errors import LinkageError

CHUNK_SIZE = 16384
"""Draws per chunk: the unit of work and of random streams."""

# Wichura (1988), algorithm AS 241 (PPND16): coefficients in ascending powers.
_A = (
    3.387132872796366608,
    133.14166789178437745,
    1971.5909503065514427,
    13731.693765509461125,
    45921.953931549871457,
    67265.770927008700853,
    33430.575583588128105,
    2509.0809287301226727,
)
_B = (
    1.0,
    42.313330701600911252,
    687.1870074920579083,
    5394.1960214247511077,
    21213.794301586595867,
    39307.89580009271061,
    28729.085735721942674,
    5226.495278852545925,
)
_C = (
    1.42343711074968357734,
    4.6303378461565452959,
    5.7694972214606914055,
    3.64784832476320460504,
    1.27045825245236838258,
    0.24178072517745061177,
    0.0227238449892691845833,
    7.7454501427834140764e-4,
)
_D = (
    1.0,
    2.05319162663775882187,
    1.6763848301838038494,
    0.68976733498510000455,
    0.14810397642748007459,
    0.0151986665636164571966,
    5.475938084995344946e-4,
    1.05075007164441684324e-9,
)
_E = (
    6.6579046435011037772,
    5.4637849111641143699,
    1.7848265399172913358,
    0.29656057182850489123,
    0.026532189526576123093,
    0.0012426609473880784386,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
)
_F = (
    1.0,
    0.59983220655588793769,
    0.13692988092273580531,
    0.0148753612908506148525,
    7.868691311456132591e-4,
    1.8463183175100546818e-5,
    1.4215117583164458887e-7,
    2.04426310338993978564e-15,
)


def _poly(coefficients: Sequence[float], x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, coefficients[-1])
    for c in coefficients[-2::-1]:
        out = out * x + c
    return out


def normal_ppf(p: np.ndarray) -> np.ndarray:
    r""":math:`\Phi^{-1}(p)`, the standard normal quantile, elementwise for ``0 < p < 1``
    (AS 241; ``-inf`` at 0, ``inf`` at 1)."""
    p = np.asarray(p, dtype=float)
    q = p - 0.5
    out = np.empty_like(p)
    central = np.abs(q) <= 0.425
    r = 0.180625 - q[central] ** 2
    out[central] = q[central] * _poly(_A, r) / _poly(_B, r)
    tail = ~central
    with np.errstate(divide="ignore"):
        r = np.sqrt(-np.log(np.minimum(p[tail], 1 - p[tail])))
    near = r <= 5
    value = np.empty_like(r)
    value[near] = _poly(_C, r[near] - 1.6) / _poly(_D, r[near] - 1.6)
    value[~near] = _poly(_E, r[~near] - 5) / _poly(_F, r[~near] - 5)
    out[tail] = np.where(q[tail] < 0, -value, value)
    return out


def normal_cdf(z: float) -> float:
    r""":math:`\Phi(z)` of one number (``math.erfc``, accurate in the lower tail)."""
    return 0.5 * math.erfc(-z / math.sqrt(2))


def draw_marginal(d: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` independent draws of one distribution."""
    f = d.floats()
    lo, hi = f["low"], f["high"]
    if d.kind == "uniform":
        return rng.uniform(lo, hi, n)
    if d.kind == "triangular":
        if lo == hi:  # pragma: no cover - a range has low < high
            return np.full(n, lo)
        return rng.triangular(lo, f["mode"], hi, n)
    if d.kind == "loguniform":
        return np.exp(rng.uniform(math.log(lo), math.log(hi), n))
    if d.kind == "beta":
        return lo + (hi - lo) * rng.beta(f["alpha"], f["beta"], n)
    mean, sd = f["mean"], f["sd"]
    a, b = (lo - mean) / sd, (hi - mean) / sd
    flip = a > 0  # both ends in the upper tail: draw the mirror image in the lower one
    if flip:
        a, b = -b, -a
    u = rng.uniform(normal_cdf(a), normal_cdf(b), n)
    z = np.clip(normal_ppf(u), a, b)
    out: np.ndarray = mean + sd * (-z if flip else z)
    return out


def van_der_waerden(n: int) -> np.ndarray:
    r"""The scores :math:`\Phi^{-1}(i/(n+1))`, :math:`i = 1..n`."""
    return normal_ppf(np.arange(1, n + 1) / (n + 1))


def iman_conover(x: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder the columns of ``x`` (draws × parameters) so that their rank correlation is close
    to ``target`` (the Pearson correlation of normal scores; see the module docstring)."""
    n, k = x.shape
    if n < 2 or k < 2:
        return x
    scores = van_der_waerden(n)
    S = np.column_stack([rng.permutation(scores) for _ in range(k)])
    E = np.corrcoef(S, rowvar=False)
    P = np.linalg.cholesky(target)
    if n > k and is_positive_definite(E):
        Q = np.linalg.cholesky(E)
        T = S @ np.linalg.inv(Q).T @ P.T
    else:  # too few draws to decorrelate the scores first
        T = S @ P.T
    out = np.empty_like(x)
    for j in range(k):
        ranks = np.argsort(np.argsort(T[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(x[:, j])[ranks]
    return out


def chunk_generator(seed: int, index: int) -> np.random.Generator:
    """The random stream of chunk ``index``: ``SeedSequence(seed).spawn(n)[index]`` for any
    ``n > index``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def chunks(draws: int) -> list[tuple[int, int]]:
    """The chunks of ``draws`` draws: ``(start, size)`` pairs of :data:`CHUNK_SIZE` (the last
    one shorter)."""
    return [(s, min(CHUNK_SIZE, draws - s)) for s in range(0, draws, CHUNK_SIZE)]


@attrs.frozen(eq=False)
class Uncertainty:
    """What is drawn: the varied parameters (in the case's order) with their distributions, the
    rank correlations among them, and every parameter's value (the fixed ones' for good)."""

    names: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    values: Mapping[str, float]
    correlation: np.ndarray
    """The Pearson correlation imposed on normal scores (identity: independent draws)."""

    @classmethod
    def from_case(cls, case: Case, vary: Sequence[str] | None = None) -> Uncertainty:
        """The uncertainty a case declares; ``vary`` draws only these parameters (the others
        stay at their values). Raises :class:`~linkage.errors.LinkageError` for a name that is not
        an uncertain parameter."""
        uncertain = [n for n, p in case.parameters.items() if p.distribution is not None]
        if vary is not None:
            for name in vary:
                if name not in case.parameters:
                    raise LinkageError(
                        f"case {case.id!r} has no parameter {name!r}"
                        + name_hint(name, list(case.parameters))
                    )
                if name not in uncertain:
                    raise LinkageError(
                        f"parameter {name!r} of case {case.id!r} has no range to draw from "
                        "(give it low and high in the case file)"
                    )
                if name not in used_names(case.game, case.timeline):
                    raise LinkageError(
                        f"parameter {name!r} of case {case.id!r} appears in no payoff, discount "
                        "factor or timeline change: drawing it changes nothing"
                    )
            uncertain = [n for n in uncertain if n in set(vary)]
        dists = tuple(case.parameters[n].distribution for n in uncertain)
        values = {n: float(p.value) for n, p in case.parameters.items()}
        correlations = [c for c in case.correlations if c.a in uncertain and c.b in uncertain]
        spearman = correlation_matrix(uncertain, correlations)
        pearson = 2 * np.sin(np.pi * spearman / 6)
        np.fill_diagonal(pearson, 1.0)
        matrix = pearson if is_positive_definite(pearson) else spearman
        return cls(tuple(uncertain), dists, values, matrix)  # type: ignore[arg-type]

    @property
    def correlated(self) -> tuple[int, ...]:
        """Indices of the parameters that take part in a correlation."""
        off = self.correlation - np.eye(len(self.names))
        return tuple(int(i) for i in np.nonzero(np.any(off != 0, axis=1))[0])

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws (rows) of the varied parameters (columns, in :attr:`names` order)."""
        x = np.empty((n, len(self.names)))
        for j, d in enumerate(self.distributions):
            x[:, j] = draw_marginal(d, n, rng)
        idx = list(self.correlated)
        if idx:
            sub = self.correlation[np.ix_(idx, idx)]
            x[:, idx] = iman_conover(x[:, idx], sub, rng)
        return x

    def chunk(self, seed: int, index: int, size: int) -> np.ndarray:
        """The draws of chunk ``index`` (see the module docstring)."""
        return self.draw(size, chunk_generator(seed, index))


def name_hint(name: str, options: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``options``, or ``""``."""
    close = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
