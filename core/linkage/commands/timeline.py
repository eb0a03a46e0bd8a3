"""``linkage timeline CASE``: each hypothesis against the record, period by period."""

from __future__ import annotations

import argparse
import json

from linkage.cli import command
from linkage.commands._common import load, write
from linkage.errors import LinkageError
from linkage.timeline import TimelineAnalysis


def run(ns: argparse.Namespace) -> int:
    case = load(ns.case)
    if not case.timeline:
        raise LinkageError(f"case {case.id!r} has no [[timeline]] events")
    t = TimelineAnalysis(case)
    if ns.format == "json":
        text = json.dumps(t.as_json(), indent=2, ensure_ascii=False) + "\n"
    elif ns.format == "markdown":
        text = t.render_markdown()
    else:
        text = t.render_text()
    write(text, ns.output)
    return 0


@command("timeline", "compare each linkage hypothesis with what happened, period by period")
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", help="a case file (TOML) or the id of a bundled case")
    p.add_argument("--format", "-f", default="text", choices=("text", "json", "markdown"))
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=run)
