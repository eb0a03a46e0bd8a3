"""Benchmark: Monte Carlo over a case's declared uncertainty on compiled kernels.

Run on demand (not part of the test suite)::

    python benchmarks/bench_sensitivity.py [--draws 100000] [--points 10000000] [--dask-draws 1000000] [--repeat 3]

Three measurements, each as medians of ``--repeat`` runs and as ratios against a baseline
measured in the same run:

1. **End to end**: ``sensitivity(japan_russia, 10^5 draws, 4 hypotheses, at 2022-06-07)`` with two
   local worker threads, compiling included (target: under 10 s on 2 cores). Baseline: the exact
   engine (``case.with_values`` and every hypothesis' analysis, best package included) on a few
   draws, extrapolated per draw: the ratio is the speed-up.
2. **Kernel throughput**: one compiled critical δ (Japan's separate sanctions threshold,
   :math:`a/(a+b)` in three parameters) over 10^7 points in chunks of ``CHUNK_SIZE``, against the
   memory-bandwidth bound measured in the same process: the time a large ``numpy.copyto`` takes
   to move the kernel's bytes (its inputs read and its output written). Target ratio (bound time
   over kernel time) at least 0.5. With numexpr installed the same kernel is also timed through
   ``numexpr.evaluate``.
3. **Dask**: 10^6 draws on a local two-process ``LocalCluster`` against the local backend with two
   threads (target ratio at most 1.5), results checked identical.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import numpy as np

from linkage.cases.loader import load_case
from linkage.engine.numeric import compile_expression
from linkage.uncertainty.montecarlo import sensitivity
from linkage.uncertainty.sampling import CHUNK_SIZE, Uncertainty

ROOT = Path(__file__).resolve().parent.parent
AT = "2022-06-07"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def end_to_end(draws: int, repeat: int) -> None:
    case = load_case(ROOT / "cases" / "japan_russia.toml")
    t, _ = timed(lambda: sensitivity(case, draws, 1, at=AT, workers=2), repeat)
    u = Uncertainty.from_case(case)
    x = u.draw(10, np.random.default_rng(0))
    start = time.perf_counter()
    for row in x:
        exact = case.with_values(
            {n: Fraction(float(v)) for n, v in zip(u.names, row, strict=True)}
        ).as_of(AT)
        for h in case.hypotheses:
            a = exact.analysis(h.id)
            _ = (a.linked_sustainable, a.separate_sustainable, a.helps, a.best_package)
    per_draw = (time.perf_counter() - start) / len(x)
    print(
        f"end to end: {draws} draws x {len(case.hypotheses)} hypotheses at {AT}: {t:.2f} s "
        f"(median of {repeat}; target < 10 s)"
    )
    print(
        f"  exact engine: {per_draw * 1e3:.1f} ms a draw, {per_draw * draws:.0f} s for {draws}: "
        f"speed-up x{per_draw * draws / t:.0f}"
    )


def bandwidth(nbytes: int) -> float:
    """Bytes per second moved by numpy.copyto of an array of ``nbytes`` (read + write)."""
    src = np.ones(nbytes // 8)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        np.copyto(dst, src)
        times.append(time.perf_counter() - start)
    return 2 * src.nbytes / statistics.median(times)


def kernel(points: int, repeat: int) -> None:
    case = load_case(ROOT / "cases" / "japan_russia.toml")
    a = case.symbolic_analysis()
    (condition,) = a.separate_constraints["Japan"]["sanctions"].conditions
    gain, stake = condition.gain, condition.stake
    symbols = sorted(gain.free_symbols | stake.free_symbols, key=lambda s: s.name)
    f = compile_expression(gain / (gain + stake), symbols)
    rng = np.random.default_rng(0)
    inputs = [rng.uniform(1, 2, points) for _ in symbols]
    out = np.empty(points)

    def block(start: int) -> None:
        stop = min(points, start + CHUNK_SIZE)
        out[start:stop] = f(*(x[start:stop] for x in inputs))

    def run() -> None:
        for start in range(0, points, CHUNK_SIZE):
            block(start)

    def threaded() -> None:  # as the local backend runs chunks with --workers 2
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(block, range(0, points, CHUNK_SIZE)))

    t, _ = timed(run, repeat)
    t_threads, _ = timed(threaded, repeat)
    moved = (len(inputs) + 1) * 8 * points
    bw = bandwidth(moved)
    bound = moved / bw
    print(f"kernel: {points:.0e} points of {condition.gain / (condition.gain + condition.stake)}")
    print(
        f"  numpy in chunks of {CHUNK_SIZE}: {t:.3f} s, {points / t / 1e6:.0f} M points/s; "
        f"memory-bandwidth bound {bound:.3f} s ({bw / 1e9:.1f} GB/s copy): ratio {bound / t:.2f} "
        "(target >= 0.5)"
    )
    print(f"  numpy, chunks on 2 threads: {t_threads:.3f} s: ratio {bound / t_threads:.2f}")
    if importlib.util.find_spec("numexpr") is not None:
        import numexpr

        text = str(gain / (gain + stake))
        env = {s.name: x for s, x in zip(symbols, inputs, strict=True)}
        t2, _ = timed(lambda: numexpr.evaluate(text, local_dict=env, out=out), repeat)
        print(
            f"  numexpr ({numexpr.detect_number_of_cores()} threads): {t2:.3f} s: ratio "
            f"{bound / t2:.2f}"
        )


def dask(draws: int, repeat: int) -> None:
    if importlib.util.find_spec("distributed") is None:
        print("dask: not installed (pip install 'issue-linkage[dask]')")
        return
    case = load_case(ROOT / "cases" / "japan_russia.toml")
    local_t, local = timed(lambda: sensitivity(case, draws, 1, at=AT, workers=2), repeat)
    dask_t, remote = timed(
        lambda: sensitivity(case, draws, 1, at=AT, backend="dask", workers=2), repeat
    )
    same = json.dumps(local.as_json()) == json.dumps(remote.as_json())  # type: ignore[attr-defined]
    print(
        f"dask: {draws} draws: local (2 threads) {local_t:.2f} s, LocalCluster (2 processes) "
        f"{dask_t:.2f} s: ratio {dask_t / local_t:.2f} (target <= 1.5); identical: {same}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--dask-draws", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("end", "kernel", "dask"))
    ns = parser.parse_args()
    if ns.only in (None, "end"):
        end_to_end(ns.draws, ns.repeat)
    if ns.only in (None, "kernel"):
        kernel(ns.points, ns.repeat)
    if ns.only in (None, "dask"):
        dask(ns.dask_draws, ns.repeat)


if __name__ == "__main__":
    main()
