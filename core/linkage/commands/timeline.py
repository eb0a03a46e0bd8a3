"""``linkage timeline CASE``: each linkage hypothesis tested against the record."""

from __future__ import annotations

import argparse
import json

from linkage.commands import command
from linkage.commands._common import add_case_argument, add_output_argument, analysing, load, write
from linkage.errors import LinkageError


def run(ns: argparse.Namespace) -> int:
    from linkage.render.timeline import render_timeline_markdown, render_timeline_text
    from linkage.timeline import TimelineAnalysis

    case = load(ns.case)
    if not case.timeline:
        raise LinkageError(f"case {case.id!r} has no [[timeline]] events")
    eps = ns.error_rate
    if eps is not None and not 0 < eps < 0.5:
        raise LinkageError(f"--error-rate must lie strictly between 0 and 0.5, got {eps:g}")
    with analysing(case):
        t = TimelineAnalysis(case)
        if ns.format == "json":
            data = t.as_json(eps, explain=ns.explain, versus=ns.versus)
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        elif ns.format == "markdown":
            text = render_timeline_markdown(t, explain=ns.explain, error_rate=eps, versus=ns.versus)
        else:
            text = render_timeline_text(t, explain=ns.explain, error_rate=eps, versus=ns.versus)
    write(text, ns.output)
    return 0


@command("timeline", "test each linkage hypothesis against the record (likelihood, posterior)")
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_case_argument(p)
    p.add_argument("--format", "-f", default="text", choices=("text", "json", "markdown"))
    p.add_argument(
        "--explain",
        action="store_true",
        help="say what decides the ranking: the observations that carry it, unsourced "
        "observations, equivalent hypotheses, and the drop-one-observation check",
    )
    p.add_argument(
        "--versus",
        metavar="HYPOTHESIS",
        help="with --explain: compare the leading hypothesis with this one (default: the runner-up)",
    )
    p.add_argument(
        "--error-rate",
        "-e",
        type=float,
        metavar="EPS",
        help="the coding error rate ε (default: the case's [scoring] error_rate, else 0.1)",
    )
    add_output_argument(p)
    p.set_defaults(func=run)
