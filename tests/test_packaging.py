"""The package builds as a plain wheel and works from a fresh virtual environment."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import clean_env


def test_wheel_maps_folders_to_import_names(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"linkage", "linkage_fisheries", "linkage_sakhalin2"}
    assert "core" not in tops and "plugins" not in tops
    assert "linkage/bundled_cases/example.toml" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[linkage]" in text and "fisheries = linkage_fisheries" in text


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
