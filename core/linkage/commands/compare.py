"""``linkage compare CASE... | DIR``: case studies side by side, one row per case and hypothesis.

Cases that fail to load are named on standard error, one line each, and the others are still
compared; the exit status is 1 if any case failed (or none could be compared), 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys

from linkage.commands import EXIT_USER_ERROR, command
from linkage.commands._common import add_at_argument, add_cases_argument, write

# Kept here, not imported, so that `linkage --help` does not load the engine; a test checks that
# they match linkage.render.comparison.FORMATS and linkage.compare.COLUMNS.
FORMATS = ("text", "markdown", "latex", "csv", "json")
COLUMNS = (
    "case, title, hypothesis, players, domains, delta, separate, linked, helps_interval, gain, "
    "vulnerable, lever, linked_holds, separate_holds, helps, fit"
)


def run(ns: argparse.Namespace) -> int:
    from linkage.compare import compare, parse_columns
    from linkage.render.comparison import render_comparison

    columns = parse_columns(ns.columns)  # an unknown column is an error before any work
    result = compare(ns.cases, at=ns.at)
    for failure in result.failures:
        print(f"linkage: error: {failure}", file=sys.stderr)
    if not result.rows:
        print("linkage: error: no case could be compared", file=sys.stderr)
        return EXIT_USER_ERROR
    write(render_comparison(result, ns.format, columns), ns.output)
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
        help="columns to show, in this order; one of: " + COLUMNS,
    )
    add_at_argument(p, "each case's focal date, else the file's values")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)
