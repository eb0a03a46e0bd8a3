"""``linkage compare CASE... | DIR``: case studies side by side, one row per case and hypothesis.

Cases that fail to load are named on standard error, one line each, and the others are still
compared; the exit status is 1 if any case failed (or none could be compared), 0 otherwise.
``--format csv`` and ``--format parquet`` write tidy data (one row per case, hypothesis and
player); Parquet is binary and needs ``-o FILE`` and the ``data`` extra.
"""

from __future__ import annotations

import argparse
import sys

from linkage.commands import EXIT_USER_ERROR, command
from linkage.commands._common import (
    add_at_argument,
    add_cases_argument,
    add_digits_argument,
    add_output_argument,
    say,
    warn,
    write,
)
from linkage.errors import LinkageError

# Kept here, not imported, so that `linkage --help` does not load the engine; a test checks that
# they match linkage.render.comparison.FORMATS and linkage.compare.COLUMNS.
FORMATS = ("text", "markdown", "latex", "csv", "parquet", "json")
COLUMNS = (
    "case, title, hypothesis, players, domains, delta, separate, linked, helps_interval, gain, "
    "vulnerable, lever, linked_holds, separate_holds, helps, fit"
)


def run(ns: argparse.Namespace) -> int:
    from linkage.compare import Comparison, compare, load_cases, parse_columns
    from linkage.render.comparison import comparison_bytes, render_comparison, render_text

    columns = parse_columns(ns.columns)  # an unknown column is an error before any work
    if ns.format == "parquet" and not ns.output:
        raise LinkageError("parquet is a binary format: give the file with -o FILE")
    cases, failures = load_cases(ns.cases)
    warn(cases)
    loaded = compare(cases, at=ns.at)
    result = Comparison(loaded.rows, (*failures, *loaded.failures))
    for failure in result.failures:
        say(f"linkage: error: {failure}", sys.stderr)
    if not result.rows:
        say("linkage: error: no case could be compared", sys.stderr)
        return EXIT_USER_ERROR
    if ns.format == "text":
        text = render_text(result, columns, ns.digits, ns.width)
    elif ns.format != "parquet":
        text = render_comparison(result, ns.format, columns, ns.digits)
    if ns.output:
        data = (
            comparison_bytes(result, ns.format, columns, ns.digits)
            if ns.format == "parquet"
            else text
        )
        write(data, ns.output)
    else:
        write(text, None)
    return EXIT_USER_ERROR if result.failures else 0


@command("compare", "compare case studies side by side (one row per case and hypothesis)")
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_cases_argument(p)
    p.add_argument(
        "--format", "-f", default="text", choices=FORMATS, help="output format (default: text)"
    )
    p.add_argument(
        "--columns",
        "-c",
        metavar="A,B,C",
        help="columns to show, in this order, or 'all'; one of: " + COLUMNS,
    )
    add_digits_argument(p)
    p.add_argument(
        "--width",
        type=int,
        default=100,
        metavar="N",
        help="characters per line of the text table (default 100): cells wrap, nothing is cut",
    )
    add_at_argument(p, "each case's focal date, else the file's values")
    add_output_argument(p)
    p.set_defaults(func=run)
