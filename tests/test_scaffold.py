"""``linkage new-plugin``: the scaffold installs, is discovered, and is used by a case file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import clean_env

from linkage.cli import main
from linkage.scaffold import scaffold


def test_scaffold_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-plugin", "gas_transit", "--dir", str(tmp_path)]) == 0
    root = tmp_path / "linkage-gas-transit"
    assert f"created {root}" in capsys.readouterr().out
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.linkage]\ngas_transit = "linkage_gas_transit"' in pyproject
    for rel in (
        "linkage_gas_transit/__init__.py",
        "linkage_gas_transit/cases/gas_transit_example.toml",
        "tests/test_plugin.py",
        "README.md",
    ):
        assert (root / rel).is_file(), rel


def test_scaffold_refuses_bad_names_and_existing_dirs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new-plugin", "Bad-Name", "--dir", str(tmp_path)]) == 1
    assert "lower case" in capsys.readouterr().err
    scaffold("twice", tmp_path)
    assert main(["new-plugin", "twice", "--dir", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err


@pytest.mark.slow
def test_scaffolded_plugin_installs_and_works_in_an_isolated_env(
    wheel_env: Path, tmp_path: Path
) -> None:
    root = scaffold("river_water", tmp_path)
    py = str(wheel_env / "python")
    subprocess.run([py, "-m", "pip", "install", "-q", str(root)], check=True)
    listed = subprocess.run(
        [str(wheel_env / "linkage"), "plugins", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    records = {r["name"]: r for r in json.loads(listed.stdout)}
    assert records["river_water"]["status"] == "ok"
    assert records["river_water"]["distribution"] == "linkage-river-water"
    assert records["river_water"]["contributes"]["domain_models"] == ["river_water.trade_access"]
    analysed = subprocess.run(
        [str(wheel_env / "linkage"), "analyze", "river_water_example", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    data = json.loads(analysed.stdout)
    assert data["separate"]["critical_delta"]["North"]["market"]["exact"] == "1/3"
    # the scaffold's own tests pass in that environment (they use linkage.testing)
    subprocess.run([py, "-m", "pip", "install", "-q", "pytest"], check=True)
    tests = subprocess.run(
        [py, "-m", "pytest", "-q", str(root / "tests")],
        capture_output=True,
        text=True,
        cwd=root,
        env=clean_env(),
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
