"""Benchmark: the exact threshold of a T-period punishment, for long punishments.

Run on demand (not part of the test suite)::

    python benchmarks/bench_periods.py [--periods 5,10,20,40,80,160,1000,10000] [--repeat 3]
        [--sturm-up-to 40]

For each T, the root in (0, 1) of :math:`\\delta + \\dots + \\delta^T = r` (r = 6/5, as in
``cases/example.toml``) is computed exactly and then to 30 digits, three ways:

* ``new``: :func:`linkage.roots.period_root`, the index from Descartes' rule of signs and an
  isolating interval refined by exact bisection on the three-term polynomial (what the engine
  does);
* ``sturm``: the method it replaced, real roots counted below 0 by Sturm sequences, then sympy's
  ``CRootOf`` (factoring and root isolation), up to ``--sturm-up-to`` (it grows fast);
  both turned into 30 digits by :func:`linkage.values.approximate`, as the engine does;
* ``baseline``: the grim-trigger threshold r/(1+r) with sympy, measured in the same run.

Each figure is the best of ``--repeat`` runs in a fresh sympy cache, in seconds and as a ratio
to the baseline (the machine is shared: the ratio says more than the seconds).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import sympy

from linkage.roots import period_root
from linkage.symbols import delta
from linkage.values import approximate

RATIO = sympy.Rational(6, 5)


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        sympy.core.cache.clear_cache()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def new(T: int) -> object:
    return approximate(period_root(RATIO, T, delta), 30)


def sturm(T: int) -> object:
    poly = sympy.Poly(sum(delta**t for t in range(1, T + 1)) - RATIO, delta)
    return approximate(sympy.CRootOf(poly.as_expr(), poly.count_roots(None, 0)), 30)


def baseline() -> object:
    return approximate(RATIO / (1 + RATIO), 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--periods", default="5,10,20,40,80,160,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sturm-up-to", type=int, default=40)
    ns = parser.parse_args()
    new(3), sturm(3)  # warm up: imports and first calls
    base = best_of(baseline, ns.repeat * 5)
    print(f"baseline (grim, r/(1+r) to 30 digits): {base * 1e3:.3f} ms")
    print(f"{'T':>6}  {'new s':>9}  {'new/base':>9}  {'sturm s':>9}  {'sturm/base':>10}  sturm/new")
    for periods in (int(t) for t in ns.periods.split(",")):
        fast = best_of(lambda p=periods: new(p), ns.repeat)
        row = f"{periods:>6}  {fast:>9.4f}  {fast / base:>9.1f}"
        if periods <= ns.sturm_up_to:
            slow = best_of(lambda p=periods: sturm(p), ns.repeat)
            row += f"  {slow:>9.4f}  {slow / base:>10.1f}  {slow / fast:>9.1f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
