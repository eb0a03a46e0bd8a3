"""Helpers shared by subcommands."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from linkage.atomic import write_atomic
from linkage.errors import LinkageError, ModelError, PluginError, TooLargeError
from linkage.escape import terminal

if TYPE_CHECKING:
    from linkage.cases.case import Case


def load(name: str) -> Case:
    """Load a case given as a path or a bundled case id, printing its warnings."""
    from linkage.cases.loader import load_case, resolve_case

    case = load_case(resolve_case(name))
    warn(case)
    return case


@contextlib.contextmanager
def analysing(case: Case) -> Iterator[None]:
    """Name ``case``'s file in an error its content causes while it is analysed (a model error,
    a limit of the engine, a plugin's error); a case file's own errors already name it, and
    other user errors (an option, an unreachable scheduler) are not about the file. Other
    exceptions (bugs) keep their traceback, with a note naming the file."""
    where = case.path or f"case {case.id!r}"
    try:
        yield
    except (ModelError, TooLargeError, PluginError) as exc:
        if str(exc).startswith(where):
            raise
        raise LinkageError(f"{where}: {exc}") from exc
    except LinkageError:
        raise
    except Exception as exc:
        exc.add_note(f"while analysing {where}")
        raise


def warn(cases: Case | Iterable[Case]) -> None:
    """Print the warnings of ``cases`` (likely slips in valid files) on standard error."""
    from linkage.cases.case import Case

    for case in [cases] if isinstance(cases, Case) else cases:
        for warning in case.warnings:
            say(f"linkage: warning: {warning}", sys.stderr)


def say(text: object, file: TextIO | None = None) -> None:
    """Print a line that may hold text from case files or plugins (names, messages) with every
    control and bidirectional character made visible (:func:`linkage.escape.terminal`)."""
    print(terminal(str(text)), file=file)


def write(data: str | bytes, output: str | None) -> None:
    """Write ``data`` to ``output`` (a path, atomically) or to standard output; text with every
    control and bidirectional character but its newlines and tabs made visible (a JSON document
    stays the same JSON)."""
    if isinstance(data, str):
        data = terminal(data)
    if output:
        write_atomic(data, output)
    else:
        sys.stdout.write(data if isinstance(data, str) else data.decode())


def add_case_argument(p: argparse.ArgumentParser) -> None:
    """The positional ``case`` argument of the commands that take one case."""
    p.add_argument("case", help="a case file (TOML) or the id of a bundled case")


def add_hypothesis_argument(p: argparse.ArgumentParser, help: str) -> None:
    """The repeatable ``--hypothesis/-H ID`` option."""
    p.add_argument("--hypothesis", "-H", action="append", metavar="ID", help=help)


def add_output_argument(
    p: argparse.ArgumentParser, help: str = "write to this file instead of standard output"
) -> None:
    """The ``--output/-o`` option."""
    p.add_argument("--output", "-o", help=help)


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


def add_digits_argument(p: argparse.ArgumentParser) -> None:
    """``--digits N``: significant digits of the decimals an output shows."""
    p.add_argument(
        "--digits",
        type=int,
        default=4,
        metavar="N",
        help="significant digits of decimals (default 4; values written in the case file "
        "are shown as written)",
    )
