"""``linkage timeline CASE``: each hypothesis against the record, period by period."""

from __future__ import annotations

import argparse
import json

from linkage.commands import command
from linkage.commands._common import load, write
from linkage.errors import LinkageError


def run(ns: argparse.Namespace) -> int:
    from linkage.render.timeline import render_timeline_markdown, render_timeline_text
    from linkage.timeline import TimelineAnalysis

    case = load(ns.case)
    if not case.timeline:
        raise LinkageError(f"case {case.id!r} has no [[timeline]] events")
    t = TimelineAnalysis(case)
    if ns.format == "json":
        text = json.dumps(t.as_json(), indent=2, ensure_ascii=False) + "\n"
    elif ns.format == "markdown":
        text = render_timeline_markdown(t)
    else:
        text = render_timeline_text(t)
    write(text, ns.output)
    return 0


@command("timeline", "compare each linkage hypothesis with what happened, period by period")
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", help="a case file (TOML) or the id of a bundled case")
    p.add_argument("--format", "-f", default="text", choices=("text", "json", "markdown"))
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)
