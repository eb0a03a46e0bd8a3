"""``linkage report CASE... -o report.html``: one self-contained HTML report of the cases.

Cases that fail to load are named on standard error, one line each, and the report covers the
others; the exit status is 1 if any case failed (or none loaded), 0 otherwise. The plots need
matplotlib (the ``plot`` extra): without it the command says so before computing anything, and
``--no-plots`` writes the report without them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from linkage.commands import EXIT_USER_ERROR, command
from linkage.commands._common import (
    add_at_argument,
    add_cases_argument,
    add_digits_argument,
    say,
    warn,
    write,
)
from linkage.errors import LinkageError

NO_MATPLOTLIB = (
    "the report's plots need matplotlib, which is not installed: "
    "pip install 'issue-linkage[plot]', or leave the plots out with --no-plots"
)


def run(ns: argparse.Namespace) -> int:
    if ns.output and not ns.output.lower().endswith((".html", ".htm")):
        raise LinkageError(
            f"the report is one HTML file: give -o a name ending in .html, got {ns.output!r}"
        )
    if not ns.no_plots and importlib.util.find_spec("matplotlib") is None:
        raise LinkageError(NO_MATPLOTLIB)
    if ns.sensitivity < 0:
        raise LinkageError(f"--sensitivity must be at least 0 draws, got {ns.sensitivity}")
    from linkage.compare import load_cases
    from linkage.render.html_report import render_report

    params = [p.strip() for p in ns.params.split(",") if p.strip()] if ns.params else None
    cases, failures = load_cases(ns.cases)
    cases = [c.as_of(ns.at if ns.at is not None else c.focal) for c in cases]
    warn(cases)
    for failure in failures:
        say(f"linkage: error: {failure}", sys.stderr)
    if not cases:
        print("linkage: error: no case could be loaded", file=sys.stderr)
        return EXIT_USER_ERROR
    page, left_out = render_report(
        cases,
        title=ns.title,
        plots=not ns.no_plots,
        params=params,
        digits=ns.digits,
        workers=ns.jobs,
        sensitivity=ns.sensitivity,
        seed=ns.seed,
    )
    for failure in left_out:
        say(f"linkage: error: {failure}", sys.stderr)
    write(page, ns.output)
    return EXIT_USER_ERROR if failures or left_out else 0


@command(
    "report", "write one self-contained HTML report (comparison, conditions, plots, timelines)"
)
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_cases_argument(p)
    p.add_argument("--output", "-o", help="the HTML file to write (default: standard output)")
    p.add_argument("--title", default="Issue-linkage report", help="the page title")
    p.add_argument(
        "--no-plots", action="store_true", help="leave out the plots (no matplotlib needed)"
    )
    add_at_argument(p, "each case's focal date, else the file's values")
    p.add_argument(
        "--params",
        metavar="A,B",
        help="parameters of the region plots (default: the first three with a range in each case)",
    )
    add_digits_argument(p)
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="processes rendering cases in parallel (default 1; the report is the same bytes)",
    )
    p.add_argument(
        "--sensitivity",
        type=int,
        default=0,
        metavar="N",
        help="add a robustness section per case: N Monte Carlo draws over its declared "
        "uncertainty (default 0: none, the report stays fast)",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="the seed of those draws")
    p.set_defaults(func=run)
