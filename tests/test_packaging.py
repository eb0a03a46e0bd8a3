"""The package builds (sdist, then the wheel from the sdist) without warnings, passes ``twine
check``, carries what it must, and works from a fresh virtual environment."""

from __future__ import annotations

import configparser
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, Dists
from helpers import clean_env


def test_build_is_clean_and_twine_check_passes(dists: Dists) -> None:
    warnings = [line for line in dists.log.splitlines() if "warn" in line.lower()]
    assert not warnings, dists.log
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dists.sdist), str(dists.wheel)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2, check.stdout


def test_wheel_maps_folders_to_import_names(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"linkage", "linkage_fisheries", "linkage_sakhalin2"}
    assert "core" not in tops and "plugins" not in tops


def test_wheel_carries_data_types_packs_and_entry_points(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    bundled = {f"linkage/bundled_cases/{p.name}" for p in (ROOT / "cases").glob("*.toml")}
    assert bundled and bundled <= names
    assert "linkage/py.typed" in names
    for pack in ("linkage_fisheries", "linkage_sakhalin2"):
        assert f"{pack}/__init__.py" in names
    entry_points = configparser.ConfigParser()
    entry_points.read_string(
        archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    )
    assert dict(entry_points["linkage"]) == {
        "fisheries": "linkage_fisheries",
        "sakhalin2": "linkage_sakhalin2",
    }
    assert entry_points["console_scripts"]["linkage"] == "linkage.cli:main"
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata


def test_sdist_has_what_a_rebuild_and_its_tests_need(dists: Dists) -> None:
    # The wheel was built from this sdist; it also carries the tests, docs and their config.
    with tarfile.open(dists.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for path in (
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "mkdocs.yml",
        "core/linkage/py.typed",
        "cases/japan_russia.toml",
        "plugins/linkage_sakhalin2/__init__.py",
        "tests/conftest.py",
        "docs/index.md",
        "docs/_ext/griffe_ext.py",
        "scripts/test.sh",
    ):
        assert path in names, path


@pytest.mark.slow
def test_wheel_runs_in_a_fresh_virtualenv(wheel_env: Path, tmp_path: Path) -> None:
    bin_dir = wheel_env
    version = subprocess.run(
        [str(bin_dir / "linkage"), "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("linkage 0.")
    # An analysis of a bundled case by id, from outside the source tree.
    result = subprocess.run(
        [str(bin_dir / "linkage"), "analyze", "example", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert '"case": "example"' in result.stdout
    plugins = subprocess.run(
        [str(bin_dir / "linkage"), "plugins", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert '"fisheries"' in plugins.stdout and '"error"' not in plugins.stdout.replace(
        '"error": null', ""
    )
