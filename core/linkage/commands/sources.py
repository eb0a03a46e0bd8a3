"""``linkage sources CASE``: a case's bibliography, as a reference list or BibTeX."""

from __future__ import annotations

import argparse

from linkage.commands import command
from linkage.commands._common import add_case_argument, add_output_argument, load, write
from linkage.errors import LinkageError


def run(ns: argparse.Namespace) -> int:
    from linkage.render.bibliography import render_bibtex, render_sources_text

    case = load(ns.case)
    if not case.bibliography:
        raise LinkageError(f"case {case.id!r} has no [sources] table")
    text = render_bibtex(case) if ns.format == "bibtex" else render_sources_text(case)
    write(text, ns.output)
    return 0


@command("sources", "list a case's sources (its bibliography), as text or BibTeX")
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_case_argument(p)
    p.add_argument(
        "--format",
        "-f",
        default="text",
        choices=("text", "bibtex"),
        help="text: a reference list with what cites each source; bibtex: a .bib file",
    )
    add_output_argument(p)
    p.set_defaults(func=run)
