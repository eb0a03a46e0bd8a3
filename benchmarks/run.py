"""The speed targets of issue 11, each timed as a whole process and judged pass or fail.

Run on demand (not part of the test suite), from the repository's root::

    python benchmarks/run.py            # every target, 5 runs each
    python benchmarks/run.py --quick    # 3 runs each, reports of 1x and 2x the cases only
    python benchmarks/run.py --only report --runs 7
    python benchmarks/run.py --numeric  # also the vectorised-evaluation benchmark

Each command is started ``--runs`` times (after one warm-up run that is not counted), in turn with
two baselines measured in the same run: ``python -c pass`` (the interpreter) and ``python -c
"import sympy"`` (the one heavy import every analysis needs). A row gives the median wall time,
the median CPU time (user + system of the finished process), and the median of the pairwise
ratios to each baseline (each run of a command divided by the baseline run just before it, so a
machine that speeds up or slows down during the call does not move the ratio). Pass or fail is
the median wall time against the target's limit; on a busy machine the CPU column and the ratios
say more than the wall time.

The targets (issue 11, on a 2-core machine): ``linkage analyze`` of Japan–Russia as text and JSON
under 1 s; every bundled case under 0.7 s; ``--version`` and ``--help`` under 0.3 s; ``linkage
report`` of the bundled cases under 5 s and linear in the number of cases (1x, 2x, 4x copies: the
time per added case must not grow); 20 numeric domains under full linkage, sparse rules and full
linkage with protected domains, analysis and best package under 1 s; a timeline of 100 events and
4 hypotheses under 2 s. The generated cases come from ``benchmarks/generate.py``.

To compare with another checkout (the code before a change), give ``--versus DIR``: each
command is then also run with DIR's ``core`` and ``plugins`` first on ``PYTHONPATH``, just before
this checkout's run each time, and the row adds that wall time and the median ratio of this
checkout's time to it, run by run (drift of the machine's speed cancels out). Or time the other
checkout alone by setting ``PYTHONPATH`` to its folders: the commands inherit it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import attrs
from generate import write_all  # benchmarks/ is on sys.path: this file is run as a script

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LINKAGE = str(Path(sys.executable).with_name("linkage"))
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The commands' environment: bytecode is written (and then read), as in a user's installation."""
BASELINES = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import sympy": [PYTHON, "-c", "import sympy"],
}


@attrs.frozen
class Timing:
    wall: float
    cpu: float
    ratios: dict[str, float]
    versus: float | None = None
    """The median of this checkout's wall time over the other's (``--versus``), run by run."""
    other_wall: float | None = None


@attrs.frozen
class Target:
    """A command, its limit in seconds (``None``: measured, not judged) and the issue's wording."""

    name: str
    command: list[str]
    limit: float | None = None
    group: str = ""


def _once(command: Sequence[str], env: dict[str, str] = ENV) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def measure(
    command: Sequence[str], runs: int, other: dict[str, str] | None = None
) -> tuple[Timing, int]:
    """Median wall and CPU seconds of ``command`` and its median pairwise ratios to each
    baseline (run just before it, in turn); the exit status of its last run. ``other``: the
    environment of another checkout's code, run just before this one's each time."""
    _once(command)  # warm-up: file system caches, bytecode written
    if other is not None:
        _once(command, other)
    walls, cpus, others, status = [], [], [], 0
    ratios: dict[str, list[float]] = {name: [] for name in (*BASELINES, "versus")}
    for _ in range(runs):
        base = {name: _once(b)[0] for name, b in BASELINES.items()}
        if other is not None:
            base["versus"] = _once(command, other)[0]
            others.append(base["versus"])
        wall, cpu, status = _once(command)
        walls.append(wall)
        cpus.append(cpu)
        for name, seconds in base.items():
            ratios[name].append(wall / seconds)
    timing = Timing(
        statistics.median(walls),
        statistics.median(cpus),
        {name: statistics.median(ratios[name]) for name in BASELINES},
        statistics.median(ratios["versus"]) if others else None,
        statistics.median(others) if others else None,
    )
    return timing, status


def targets(tmp: Path, copies: Sequence[int], variants: bool) -> list[Target]:
    """Every target, the generated cases and the copies of the bundled cases written to ``tmp``;
    ``variants``: also the report without plots and with two worker processes (measured only)."""
    cases = sorted((ROOT / "cases").glob("*.toml"))
    generated = {p.stem: p for p in write_all(tmp / "generated")}
    out = [
        Target("linkage --version", [LINKAGE, "--version"], 0.3, "start-up"),
        Target("linkage --help", [LINKAGE, "--help"], 0.3, "start-up"),
    ]
    jr = str(ROOT / "cases" / "japan_russia.toml")
    out += [
        Target("analyze japan_russia (text)", [LINKAGE, "analyze", jr], 1.0, "analyze"),
        Target(
            "analyze japan_russia -f json", [LINKAGE, "analyze", jr, "-f", "json"], 1.0, "analyze"
        ),
    ]
    out += [
        Target(f"analyze {p.stem}", [LINKAGE, "analyze", str(p)], 0.7, "bundled") for p in cases
    ]
    for n in copies:
        dirs = []
        for i in range(n):
            d = tmp / f"copies{n}" / f"cases{i}"
            shutil.copytree(ROOT / "cases", d)
            dirs.append(str(d))
        out.append(
            Target(
                f"report, {len(cases) * n} cases",
                [LINKAGE, "report", *dirs, "-o", str(tmp / "report.html")],
                5.0 if n == 1 else None,
                "report",
            )
        )
        if n == 1 and variants:
            command = out[-1].command
            out.append(Target("report, bundled cases, --no-plots", [*command, "--no-plots"]))
            out.append(Target("report, bundled cases, -j 2", [*command, "-j", "2"]))
    for structure in ("full", "rules", "protected"):
        path = str(generated[f"domains20_{structure}"])
        out.append(
            Target(
                f"analyze 20 domains, {structure} -f json",
                [LINKAGE, "analyze", path, "-f", "json"],
                1.0,
                "domains",
            )
        )
    record = str(generated["record100"])
    out += [
        Target(
            "timeline 100 events x 4 hypotheses", [LINKAGE, "timeline", record], 2.0, "timeline"
        ),
        Target(
            "timeline 100 events x 4 hypotheses -f json",
            [LINKAGE, "timeline", record, "-f", "json"],
            2.0,
            "timeline",
        ),
    ]
    return out


def linearity(rows: list[tuple[Target, Timing, int]]) -> str | None:
    """The report's CPU time per added case between successive copies, and whether it stays flat
    (CPU time: the work done, which waiting for a busy machine's processors does not change)."""
    points = []
    for t, timing, _status in rows:
        match = re.fullmatch(r"report, (\d+) cases", t.name)
        if match:
            points.append((int(match.group(1)), timing.cpu))
    if len(points) < 2:
        return None
    steps = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in itertools.pairwise(points)]
    fixed = points[0][1] - steps[0] * points[0][0]
    verdict = "pass" if all(s <= 1.25 * steps[0] for s in steps[1:]) else "FAIL"
    described = ", ".join(
        f"{a[0]}->{b[0]} cases: {s:.3f} cpu s/case"
        for (a, b), s in zip(itertools.pairwise(points), steps, strict=True)
    )
    ratio = points[-1][1] / points[0][1]
    return (
        f"report growth: {described}; fixed cost about {fixed:.2f} cpu s; "
        f"{points[-1][0] // points[0][0]}x the cases take {ratio:.2f}x the CPU time; "
        f"linear (each step at most 1.25x the first's time per case): {verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=None, help="runs per command (default 5; 3 with --quick)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 runs, reports of 1x and 2x the cases"
    )
    parser.add_argument("--only", metavar="TEXT", help="only the targets whose name contains TEXT")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--numeric", action="store_true", help="also run benchmarks/bench_numeric.py"
    )
    parser.add_argument(
        "--versus",
        metavar="DIR",
        type=Path,
        help="also time the code of another checkout (its core/ and plugins/ on PYTHONPATH), "
        "in turn with this one, and give the ratio of this one's time to it",
    )
    ns = parser.parse_args()
    other = None
    if ns.versus is not None:
        path = f"{ns.versus.resolve() / 'core'}{os.pathsep}{ns.versus.resolve() / 'plugins'}"
        other = {**ENV, "PYTHONPATH": path}
    runs = ns.runs or (3 if ns.quick else 5)
    if runs < 3:
        parser.error("medians need at least 3 runs")
    copies = (1, 2) if ns.quick else (1, 2, 4)
    rows: list[tuple[Target, Timing, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        chosen = [
            t for t in targets(Path(tmp), copies, not ns.quick) if not ns.only or ns.only in t.name
        ]
        base = {name: measure(cmd, runs)[0] for name, cmd in BASELINES.items()}
        print(f"{runs} runs each; medians. PYTHONPATH={os.environ.get('PYTHONPATH', '')!r}")
        if other is not None:
            print(f"versus: {ns.versus} (its wall time, and this one's over it run by run)")
        versus = f"{'versus s':>9}{'ratio':>7}" if other is not None else ""
        head = (
            f"{'command':<44}{'limit':>7}{'wall s':>9}{'cpu s':>8}{'/pass':>8}{'/sympy':>8}"
            f"{versus}  verdict"
        )
        print(head)
        print("-" * len(head))
        for name, timing in base.items():
            print(f"{'baseline: ' + name:<44}{'':>7}{timing.wall:>9.3f}{timing.cpu:>8.3f}")
        for t in chosen:
            timing, status = measure(t.command, runs, other)
            rows.append((t, timing, status))
            if status != 0:
                verdict = f"FAIL (exit {status})"
            elif t.limit is None:
                verdict = "measured"
            else:
                verdict = "pass" if timing.wall < t.limit else "FAIL"
            limit = "" if t.limit is None else f"{t.limit:g}"
            versus = (
                f"{timing.other_wall:>9.3f}{timing.versus:>7.2f}"
                if timing.other_wall is not None and timing.versus is not None
                else ""
            )
            print(
                f"{t.name:<44}{limit:>7}{timing.wall:>9.3f}{timing.cpu:>8.3f}"
                f"{timing.ratios['python -c pass']:>8.1f}{timing.ratios['import sympy']:>8.2f}"
                f"{versus}  {verdict}",
                flush=True,
            )
    growth = linearity(rows)
    if growth:
        print(growth)
    if ns.json:
        data = {
            "runs": runs,
            "baselines": {n: attrs.asdict(t) for n, t in base.items()},
            "targets": [
                {"name": t.name, "limit": t.limit, "status": s, **attrs.asdict(timing)}
                for t, timing, s in rows
            ],
            "growth": growth,
        }
        Path(ns.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if ns.numeric:
        subprocess.run([PYTHON, str(Path(__file__).with_name("bench_numeric.py"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
