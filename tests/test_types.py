"""The package type-checks: ``mypy`` as configured in pyproject.toml (strict for the engine and the
model) finds nothing."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout
