"""The case files bundled with issue-linkage (the top-level ``cases/`` folder), by id."""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from linkage.plugins.hookspecs import hookimpl
from linkage.registry import BundledCase


def bundled_case_dir() -> Path:
    """Where the bundled case files are: ``linkage/bundled_cases/`` inside an installed wheel, or the
    repository's top-level ``cases/`` folder in a source checkout (an editable install)."""
    installed = Path(str(resources.files("linkage"))) / "bundled_cases"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "cases"


def bundled_case_files() -> list[Path]:
    """The bundled ``*.toml`` files, sorted by name."""
    root = bundled_case_dir()
    return sorted(p for p in root.iterdir() if p.name.endswith(".toml")) if root.is_dir() else []


@hookimpl
def register_cases(register: Callable[[BundledCase], None]) -> None:
    for path in bundled_case_files():
        title = ""
        # a broken bundled file is still listed; `linkage check` reports its errors
        with contextlib.suppress(tomllib.TOMLDecodeError, OSError, AttributeError):
            title = tomllib.loads(path.read_text(encoding="utf-8")).get("case", {}).get("title", "")
        register(BundledCase(path.stem, path, title if isinstance(title, str) else ""))
