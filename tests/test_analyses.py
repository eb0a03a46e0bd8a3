"""Analysis kinds: a case file's ``[[analyses]]`` read by a registered kind, located errors, and
the section rendered in every output format."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import sympy

import linkage
from linkage.analyses import AnalysisKind, Keys
from linkage.cases.case import Case
from linkage.cases.loader import load_case_text
from linkage.errors import CaseErrors, LinkageError, ModelError
from linkage.findings import ClosedForm, Fact, Paragraph, Section, Table
from linkage.plugins.manager import PluginHost
from linkage.render.findings import section_json
from linkage.render.report import CaseReport


def _read(table: Mapping[str, Any], keys: Keys) -> Any:
    keys.allowed(table, ("scale",))
    if "scale" not in table:
        keys.error("", "missing key 'scale'")
        return None
    return keys.expression(table["scale"], "scale")


def _solve(scale: sympy.Expr, case: Case) -> Section:
    value = scale.subs(case.calibration())
    if value < 0:
        raise ModelError(f"the scale is negative ({value})")
    return Section(
        "Scaled stake",
        f"the stake scaled by {value}",
        (
            Fact("scaled", value / 3, note="a third"),
            ClosedForm("closed form", sympy.Eq(sympy.Symbol("y"), scale / 3)),
            Table(("a", "b"), ((1, "x|y"), (sympy.Rational(1, 7), "<b>"))),
            Paragraph("Text with <tags> & 50% of $x$."),
        ),
        data={"scale": str(value)},
    )


KIND = AnalysisKind("scaled", "Scaled stake", _read, _solve)


class _Plugin:
    @staticmethod
    @linkage.hookimpl
    def register_analysis_kinds(register: Callable[[AnalysisKind], None]) -> None:
        register(KIND)


@pytest.fixture
def host() -> PluginHost:
    h = PluginHost(load=[])
    h.register(_Plugin(), "scaled-plugin")
    return h


CASE = """
[case]
id = "toy"
players = ["a", "b"]
discount = 0.9

[parameters]
k = {value = 2, low = 0, high = 4}

[[domains]]
id = "x"
payoffs.a = {C = 3, D = 4, N = "k/2"}
payoffs.b = {C = 3, D = 4, N = 1}

[[analyses]]
kind = "scaled"
scale = "3*k"
"""


def test_a_kind_is_read_solved_and_rendered_in_every_format(host: PluginHost) -> None:
    case = load_case_text(CASE, host=host)
    (spec,) = case.analyses
    assert (spec.id, spec.kind.id) == ("scaled", "scaled")
    (section,) = case.findings()
    assert section.items[0].value == 2  # type: ignore[union-attr]
    report = CaseReport(case)
    for fmt in ("text", "markdown", "latex"):
        out = host.lookup("output_formats", fmt).render(report)
        assert "Scaled stake" in out and "the stake scaled by 6" in out
    markdown = host.lookup("output_formats", "markdown").render(report)
    assert "\\<b>" in markdown and "x\\|y" in markdown  # shown as text, never a tag
    latex = host.lookup("output_formats", "latex").render(report)
    assert r"50\%" in latex and r"\$x\$" in latex
    data = json.loads(host.lookup("output_formats", "json").render(report))
    assert data["analyses"]["scaled"]["facts"]["scaled"] == "2"
    assert data["analyses"]["scaled"]["data"] == {"scale": "6"}


def test_errors_are_located_in_the_analyses_table(host: PluginHost) -> None:
    text = CASE.replace('scale = "3*k"', 'scale = "3*q"\nscal = 1')
    with pytest.raises(CaseErrors) as info:
        load_case_text(text, host=host)
    messages = [(e.location.key_path, e.location.line) for e in info.value.errors]
    assert ("analyses[0].scale", 17) in messages
    assert ("analyses[0].scal", 18) in messages


def test_an_unknown_kind_lists_the_known_ones(host: PluginHost) -> None:
    with pytest.raises(LinkageError, match=r"did you mean .scaled."):
        load_case_text(CASE.replace('kind = "scaled"', 'kind = "scald"'), host=host)


def test_an_impossible_input_names_the_case_and_the_analysis(host: PluginHost) -> None:
    case = load_case_text(CASE.replace('"3*k"', '"-k"'), host=host)
    with pytest.raises(
        ModelError,
        match=r"case toy, analysis 'scaled' \(scaled\) at 'analyses\[0\]' \(line 15\): the scale",
    ):
        case.findings()


def test_section_json_keeps_exact_values() -> None:
    section = Section("t", "v", (Fact("x", sympy.sqrt(2)),))
    assert section_json(section)["facts"] == {"x": "sqrt(2)"}


def test_check_solves_the_analyses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A problem an analysis kind finds only at the calibration (a decreasing objective) fails
    ``linkage check`` as it fails ``analyze``: located, one line, no traceback."""
    from linkage.cli import main

    path = tmp_path / "markets.toml"
    body = CASE.split("[[analyses]]")[0]
    path.write_text(body + '[[analyses]]\nkind = "nonseparable"\nobjective = "-w"\n')
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "analyses[0]" in err and "line 15" in err
    path.write_text(body + '[[analyses]]\nkind = "nonseparable"\nobjective = "log(w)"\n')
    assert main(["check", str(path)]) == 0
    assert "1 further analysis" in capsys.readouterr().out
