"""Check that a change keeps every output byte-identical: snapshot the outputs, change, compare.

Run on demand (not part of the test suite)::

    python benchmarks/check_outputs.py snapshot DIR [CASE ...]   # before the change
    python benchmarks/check_outputs.py compare DIR [CASE ...]    # after: lists every file that differs

Each command is run as a whole process by the ``linkage`` next to this interpreter, with
``--no-plugins`` left off (the bundled domain packs take part). The outputs of every bundled case
(or of the CASE files given) are: ``analyze`` in every built-in format, ``timeline`` as JSON,
text and Markdown (also with ``--explain``) for cases with a record, ``compare -f json`` and
``compare`` as text of all cases together, the SVG files of ``plot timeline`` and ``plot
thresholds``, and the ``report`` HTML of all cases with and without plots. To snapshot the code
of another commit, run this script with ``PYTHONPATH`` pointing at that commit's ``core`` and
``plugins`` folders (for example a ``git archive`` of it unpacked in a temporary directory).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKAGE = str(Path(sys.executable).with_name("linkage"))


def outputs(cases: list[Path]) -> Iterator[tuple[str, list[str]]]:
    """``(file name, linkage arguments)`` of every output; ``{out}`` is the file to write."""
    for path in cases:
        name = path.stem
        for fmt in ("text", "json", "markdown", "latex"):
            yield f"analyze.{name}.{fmt}", ["analyze", str(path), "-f", fmt, "-o", "{out}"]
        if "[[timeline]]" in path.read_text(encoding="utf-8"):
            for fmt in ("json", "text", "markdown"):
                yield f"timeline.{name}.{fmt}", ["timeline", str(path), "-f", fmt, "-o", "{out}"]
                yield (
                    f"timeline-explain.{name}.{fmt}",
                    ["timeline", str(path), "-f", fmt, "--explain", "-o", "{out}"],
                )
            yield f"plot-timeline.{name}.svg", ["plot", "timeline", str(path), "-o", "{out}"]
        yield f"plot-thresholds.{name}.svg", ["plot", "thresholds", str(path), "-o", "{out}"]
    every = [str(p) for p in cases]
    yield "compare.json", ["compare", *every, "-f", "json", "-o", "{out}"]
    yield "compare.text", ["compare", *every, "-o", "{out}"]
    yield "report.html", ["report", *every, "-o", "{out}"]
    yield "report-no-plots.html", ["report", *every, "--no-plots", "-o", "{out}"]


def produce(cases: list[Path], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, args in outputs(cases):
        out = directory / name
        command = [LINKAGE, *(a.replace("{out}", str(out)) for a in args)]
        done = subprocess.run(command, capture_output=True, text=True)
        (directory / f"{name}.status").write_text(f"{done.returncode}\n{done.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("snapshot", "compare"))
    parser.add_argument("directory", type=Path)
    parser.add_argument("cases", nargs="*", type=Path, help="default: the bundled cases")
    ns = parser.parse_args()
    cases = [p.resolve() for p in ns.cases] or sorted((ROOT / "cases").glob("*.toml"))
    if ns.action == "snapshot":
        produce(cases, ns.directory)
        print(f"{len(list(ns.directory.iterdir()))} files in {ns.directory}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        produce(cases, Path(tmp))
        before = {p.name: p.read_bytes() for p in ns.directory.iterdir()}
        after = {p.name: p.read_bytes() for p in Path(tmp).iterdir()}
    differ = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(after)} files compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
