"""Built-in output formats for ``linkage analyze``: text, json, markdown, latex."""

from __future__ import annotations

import json
from collections.abc import Callable

from linkage.plugins.hookspecs import hookimpl
from linkage.registry import OutputFormat
from linkage.render.latex import render_latex
from linkage.render.markdown import render_markdown
from linkage.render.report import CaseReport
from linkage.render.text import render_text


def render_json(report: CaseReport) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"


@hookimpl
def register_output_formats(register: Callable[[OutputFormat], None]) -> None:
    register(OutputFormat("text", "plain text for the terminal", render_text, ".txt"))
    register(
        OutputFormat("json", "JSON (schema in docs/reference/json-output.md)", render_json, ".json")
    )
    register(OutputFormat("markdown", "Markdown tables", render_markdown, ".md"))
    register(
        OutputFormat("latex", "LaTeX (align* constraints, booktabs table)", render_latex, ".tex")
    )
