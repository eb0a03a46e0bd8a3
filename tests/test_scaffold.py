"""``linkage new-plugin``: the scaffold installs, is discovered, and is used by a case file."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import sympy

from linkage.cases import load_case
from linkage.cli import main
from linkage.plugins.manager import PluginHost
from linkage.scaffold import scaffold
from linkage.testing import assert_valid_domain_model, registered


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


def test_scaffold_example_model_and_case_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installing the scaffold and running its own tests in a fresh environment is what the plugin
    # tutorial does, literally (tests/test_docs.py::test_commands_run_in_a_fresh_environment).
    root = scaffold("river_water", tmp_path)
    monkeypatch.syspath_prepend(str(root))
    module = importlib.import_module("linkage_river_water")
    try:
        assert_valid_domain_model(module.TRADE_ACCESS)
        host = PluginHost(autoload=False)
        with registered(host, module, "river_water") as record:
            case = load_case(root / "linkage_river_water/cases/river_water_example.toml", host=host)
        assert record.contributes == {
            "domain_models": ["river_water.trade_access"],
            "cases": ["river_water_example"],
        }
        assert case.analysis().separate_thresholds["North"]["market"].exact == sympy.Rational(1, 3)
    finally:
        sys.modules.pop("linkage_river_water", None)
