"""The package's structure: layers (import-linter contracts in pyproject.toml), no import cycles,
and a command line that starts without loading the engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
from conftest import ROOT


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_import_cycles_between_modules() -> None:
    graph = grimp.build_graph("linkage", cache_dir=None, exclude_type_checking_imports=True)
    modules = sorted(graph.modules)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other == "linkage":  # the package facade imports lazily (PEP 562), not a layer
                continue
            if state.get(other) == 1:
                cycles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for m in modules:
        if m not in state and m != "linkage":
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_cli_starts_without_the_engine() -> None:
    code = (
        "import sys\nfrom linkage.cli import build_parser\nbuild_parser()\n"
        "heavy = sorted(m for m in ('sympy', 'numpy', 'matplotlib', 'linkage.engine') "
        "if m in sys.modules)\nprint(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
