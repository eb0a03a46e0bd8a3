"""Shared fixtures. The suite never depends on third-party plugins installed on the machine: the
process-wide plugin host is rebuilt for each test with only this distribution's plugins."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from linkage.plugins.manager import set_host

# Property tests: no deadline (sympy's first calls are slow), and in CI a derandomized, fixed
# sequence of examples so that a run is reproducible. Locally, examples vary from run to run.
settings.register_profile("linkage", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", parent=settings.get_profile("linkage"), derandomize=True, database=None
)
settings.load_profile("ci" if os.environ.get("CI") else "linkage")

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"


@pytest.fixture(autouse=True)
def _fresh_plugin_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("LINKAGE_LOAD_PLUGINS", "LINKAGE_DISABLE_PLUGINS", "LINKAGE_TRACE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(
        "LINKAGE_LOAD_PLUGINS", os.environ.get("LINKAGE_TEST_PLUGINS", "fisheries,sakhalin2")
    )
    old = set_host(None)
    yield
    set_host(old)


@pytest.fixture
def cases_dir() -> Path:
    return CASES


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a plain wheel."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("issue_linkage-*.whl")
    return path


@pytest.fixture(scope="session")
def wheel_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin directory."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    return bin_dir
