"""``linkage sweep CASE --param X=LOW:HIGH:N [--param Y=...]``: every verdict on a grid of one
or two parameters (``delta``: the common discount factor), as a table (text, CSV, JSON) and as
region plots (``-o plot.png``, ``.svg`` or ``.pdf``)."""

from __future__ import annotations

import argparse

from linkage.commands import command
from linkage.commands._common import (
    add_at_argument,
    add_case_argument,
    add_hypothesis_argument,
    add_output_argument,
    analysing,
    load,
    write,
)
from linkage.commands.sensitivity import PLOT_SUFFIXES, needs
from linkage.errors import LinkageError

FORMATS = ("text", "csv", "json")


def run(ns: argparse.Namespace) -> int:
    import json

    from linkage.uncertainty.sweep import parse_axis

    axes = [parse_axis(text) for text in ns.param or []]
    if not axes:
        raise LinkageError("sweep needs --param NAME=LOW:HIGH:N (once or twice)")
    plot = bool(ns.output) and ns.output.lower().endswith(PLOT_SUFFIXES)
    if plot:
        needs("matplotlib", "plot", "plotting")
    from linkage.render import uncertainty as render
    from linkage.uncertainty.sweep import sweep

    case = load(ns.case)
    with analysing(case):
        result = sweep(case, axes, at=ns.at, hypotheses=ns.hypothesis, record=not ns.no_record)
        if ns.format == "json":
            text = json.dumps(result.as_json(), ensure_ascii=False) + "\n"
        elif ns.format == "csv":
            text = render.records_csv(result.records())
        else:
            text = render.sweep_text(result)
    if plot:
        from linkage.uncertainty_plots import plot_sweep

        plot_sweep(result, ns.output, verdicts=ns.verdict)
        return 0
    write(text, ns.output)
    return 0


@command("sweep", "every verdict on a grid of one or two parameters (regions where each holds)")
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_case_argument(p)
    p.add_argument(
        "--param",
        "-p",
        action="append",
        metavar="NAME=LOW:HIGH:N",
        help="an axis: a parameter (or delta, the common discount factor) from LOW to HIGH in N "
        "points (N defaults to 101); once or twice",
    )
    add_at_argument(p, "the file's values")
    add_hypothesis_argument(p, "only this hypothesis (repeatable)")
    p.add_argument("--no-record", action="store_true", help="leave out the posterior")
    p.add_argument("--format", "-f", choices=FORMATS, default="text", help="table format")
    p.add_argument(
        "--verdict",
        action="append",
        metavar="NAME",
        help="plot only this verdict (repeatable; default: those that change on the grid)",
    )
    add_output_argument(
        p, "write to this file; .png, .svg or .pdf draws the regions instead of a table"
    )
    p.set_defaults(func=run)
