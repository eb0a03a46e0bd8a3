"""``linkage analyze CASE``: the enforcement conditions of one case, the verdict first."""

from __future__ import annotations

import argparse

from linkage.commands import command
from linkage.commands._common import (
    add_at_argument,
    add_case_argument,
    add_digits_argument,
    add_hypothesis_argument,
    add_output_argument,
    analysing,
    load,
    write,
)


def run(ns: argparse.Namespace) -> int:
    from linkage.plugins.manager import get_host
    from linkage.render.report import CaseReport

    fmt = get_host().lookup("output_formats", ns.format)
    case = load(ns.case).as_of(ns.at)
    with analysing(case):
        text = fmt.render(CaseReport(case, hypotheses=ns.hypothesis, digits=ns.digits))
    write(text, ns.output)
    return 0


@command("analyze", "derive and judge the enforcement conditions of a case")
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_case_argument(p)
    p.add_argument(
        "--format",
        "-f",
        default="text",
        help="output format: text, json, markdown, latex, or a plugin's",
    )
    add_at_argument(p, "the file's values")
    add_hypothesis_argument(
        p, "report only this linkage hypothesis (repeat for several; default: all)"
    )
    add_digits_argument(p)
    add_output_argument(p)
    p.set_defaults(func=run)
