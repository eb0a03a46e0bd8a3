"""Benchmark: vectorised evaluation of a derived condition against hand-written numpy.

Run on demand (not part of the test suite)::

    python benchmarks/bench_numeric.py [--points 1000000] [--repeat 7]

The derived condition is the pooled grim-trigger threshold of a two-domain package with symbolic
payoffs, compiled once by :func:`linkage.engine.numeric.compile_conditions`. The baseline is the
same formula written by hand in numpy, measured in the same run. Figures are reported as points
per second and as the ratio to the baseline (below 1 means slower than hand-written numpy).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy

from linkage import Domain, Game, analyze
from linkage.engine.numeric import compile_conditions, compile_expression


def hand_written(
    c1: np.ndarray, d1: np.ndarray, n1: np.ndarray, c2: np.ndarray, d2: np.ndarray, n2: np.ndarray
) -> np.ndarray:
    a = np.maximum(d1 - c1, 0) + np.maximum(d2 - c2, 0)
    b = (c1 - n1) + (c2 - n2)
    out = np.full(a.shape, np.nan)
    live = (a > 0) & (b > 0)
    value = np.divide(a, a + b, out=np.full(a.shape, np.nan), where=live)
    ok = live & (value < 1)
    out[ok] = value[ok]
    out[(a <= 0) & (b >= 0)] = 0.0
    return out


def best_of(fn, args, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20261126)
    ns = parser.parse_args()

    symbols = sympy.symbols("C1 D1 N1 C2 D2 N2", real=True)
    c1, d1, n1, c2, d2, n2 = symbols
    game = Game(
        ("A", "B"),
        [
            Domain("d1", {p: dict(C=c1, D=d1, N=n1) for p in "AB"}),
            Domain("d2", {p: dict(C=c2, D=d2, N=n2) for p in "AB"}),
        ],
        sympy.Rational(1, 2),
    )
    conditions = [c for dc in analyze(game).linked_constraints["A"] for c in dc.conditions]
    start = time.perf_counter()
    compiled = compile_conditions(conditions, symbols)
    compile_seconds = time.perf_counter() - start
    closed_form = compile_expression(analyze(game).linked_thresholds["A"].exact, symbols)

    rng = np.random.default_rng(ns.seed)
    c = rng.uniform(1, 5, (2, ns.points))
    args = (
        c[0],
        c[0] + rng.uniform(0, 4, ns.points),
        c[0] - rng.uniform(0, 3, ns.points),
        c[1],
        c[1] + rng.uniform(0, 4, ns.points),
        c[1] - rng.uniform(0, 3, ns.points),
    )
    assert np.allclose(compiled(*args), hand_written(*args), equal_nan=True)

    base = best_of(hand_written, args, ns.repeat)
    ours = best_of(compiled, args, ns.repeat)
    raw = best_of(closed_form, args, ns.repeat)
    print(
        f"points per call: {ns.points:,}; best of {ns.repeat}; compile once: {compile_seconds * 1e3:.1f} ms"
    )
    print(f"{'method':<42}{'points/s':>16}{'ratio to numpy':>16}")
    for name, t in (
        ("hand-written numpy (baseline)", base),
        ("linkage compile_conditions (status-aware)", ours),
        ("lambdify of the closed form only", raw),
    ):
        print(f"{name:<42}{ns.points / t:>16,.0f}{base / t:>16.2f}")


if __name__ == "__main__":
    main()
