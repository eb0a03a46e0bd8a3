"""Benchmark: `linkage report` of the bundled cases, timed as a whole process.

Run on demand (not part of the test suite)::

    python benchmarks/bench_report.py [--runs 3] [--copies 1 2 4]

Each command is started ``--runs`` times and its median wall time is reported, next to two
baselines measured in the same run: ``python -c pass`` (the interpreter) and ``linkage --version``
(the command line without the engine). Ratios to the ``python -c pass`` baseline make figures
comparable across machines. ``--copies N`` reports N copies of the bundled cases (each copy a
directory of the same files) to check that the time grows linearly with the number of cases;
``-j 2`` shows two worker processes next to the default (one process).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKAGE = str(Path(sys.executable).with_name("linkage"))


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2])
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "report.html")
        rows: list[tuple[str, float]] = [
            ("python -c pass (baseline)", median_seconds([sys.executable, "-c", "pass"], ns.runs)),
            ("linkage --version", median_seconds([LINKAGE, "--version"], ns.runs)),
        ]
        for copies in ns.copies:
            dirs = []
            for i in range(copies):
                d = Path(tmp) / f"copies{copies}" / f"cases{i}"
                shutil.copytree(ROOT / "cases", d)
                dirs.append(str(d))
            cases = 7 * copies
            report = [LINKAGE, "report", *dirs, "-o", out]
            rows.append((f"report, {cases} cases", median_seconds(report, ns.runs)))
            rows.append(
                (f"report, {cases} cases, -j 2", median_seconds([*report, "-j", "2"], ns.runs))
            )
            rows.append(
                (
                    f"report, {cases} cases, --no-plots",
                    median_seconds([*report, "--no-plots"], ns.runs),
                )
            )
        size = Path(out).stat().st_size
    base = rows[0][1]
    print(f"median of {ns.runs} runs; last report written: {size:,} bytes")
    print(f"{'command':<36}{'seconds':>10}{'ratio':>10}")
    for name, seconds in rows:
        print(f"{name:<36}{seconds:>10.2f}{seconds / base:>10.1f}")


if __name__ == "__main__":
    main()
