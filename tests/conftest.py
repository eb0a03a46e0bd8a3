"""Shared fixtures. The suite never depends on third-party plugins installed on the machine: the
process-wide plugin host is rebuilt for each test with only this distribution's plugins."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkage.plugins.manager import set_host

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"


@pytest.fixture(autouse=True)
def _fresh_plugin_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("LINKAGE_LOAD_PLUGINS", "LINKAGE_DISABLE_PLUGINS", "LINKAGE_TRACE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LINKAGE_LOAD_PLUGINS", os.environ.get("LINKAGE_TEST_PLUGINS", "fisheries,sakhalin2"))
    old = set_host(None)
    yield
    set_host(old)


@pytest.fixture
def cases_dir() -> Path:
    return CASES
