"""The case files bundled with issue-linkage (the top-level ``cases/`` folder), by id."""

from __future__ import annotations

import contextlib
import re
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


_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_CASE_HEADER = re.compile(r"^[ \t]*\[case\][ \t]*(?:#.*)?$", re.MULTILINE)


def case_title(text: str) -> object:
    """The ``[case]`` table's ``title`` in a case file's text (``""`` without one).

    Every command registers the bundled cases, so this reads only the ``[case]`` table when it
    parses on its own (TOML cannot define a key twice, so a title found there is the file's);
    otherwise, or without a title there, the whole file."""
    start = _CASE_HEADER.search(text)
    if start is not None:
        end = _HEADER.search(text, start.end())
        chunk = text[start.start() : end.start() if end else len(text)]
        with contextlib.suppress(tomllib.TOMLDecodeError):
            title = tomllib.loads(chunk)["case"].get("title")
            if title is not None:
                return title
    return tomllib.loads(text).get("case", {}).get("title", "")


@hookimpl
def register_cases(register: Callable[[BundledCase], None]) -> None:
    for path in bundled_case_files():
        title: object = ""
        # a broken bundled file is still listed; `linkage check` reports its errors
        with contextlib.suppress(tomllib.TOMLDecodeError, OSError, AttributeError):
            title = case_title(path.read_text(encoding="utf-8"))
        register(BundledCase(path.stem, path, title if isinstance(title, str) else ""))
