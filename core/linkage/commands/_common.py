"""Helpers shared by subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linkage.cases.case import Case


def load(name: str) -> Case:
    """Load a case given as a path or a bundled case id."""
    from linkage.cases.loader import load_case, resolve_case

    return load_case(resolve_case(name))


def write(text: str, output: str | None) -> None:
    """Write ``text`` to ``output`` (a path) or standard output."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def add_cases_argument(p: argparse.ArgumentParser) -> None:
    """The positional ``CASE...`` argument of the commands that take several cases."""
    p.add_argument(
        "cases",
        nargs="+",
        metavar="CASE",
        help="case files (TOML), bundled case ids, or directories (all their *.toml files)",
    )


def add_at_argument(p: argparse.ArgumentParser, default: str) -> None:
    """The ``--at DATE`` option: judge cases at the calibration in force at a date."""
    p.add_argument(
        "--at",
        metavar="DATE",
        help="judge at the calibration in force at DATE (YYYY-MM-DD, YYYY-MM or YYYY): the "
        f"file's values changed by every timeline event up to DATE (default: {default})",
    )
