"""Shared fixtures. The suite never depends on third-party plugins installed on the machine: the
process-wide plugin host is rebuilt for each test with only this distribution's plugins."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

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


class Dists(NamedTuple):
    sdist: Path
    wheel: Path
    log: str  # what the build printed


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """The project built as it is published: ``python -m build`` makes the sdist, then the wheel
    from the sdist (so the wheel proves that the sdist is enough to rebuild)."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (sdist,) = out.glob("issue_linkage-*.tar.gz")
    (wheel,) = out.glob("issue_linkage-*.whl")
    return Dists(sdist, wheel, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def wheel(dists: Dists) -> Path:
    """The project's wheel."""
    return dists.wheel


@pytest.fixture(scope="session")
def wheel_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin directory."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    return bin_dir
