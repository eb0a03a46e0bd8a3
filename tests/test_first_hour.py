"""The first hour of a new user: messages with one error per root cause that name the item at
fault, warnings for common slips, numbers as written, symbols, and the command line's help."""

from __future__ import annotations

import builtins
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import sympy

from linkage.atomic import write_atomic
from linkage.cases.loader import load_case, load_case_text
from linkage.cli import main
from linkage.errors import CaseError, CaseErrors, LinkageError, ModelError
from linkage.models import DomainModel, Parameter
from linkage.render.maths import Notation

ROOT = Path(__file__).resolve().parent.parent

HEADER = """
[case]
id = "t"
players = ["A", "B"]
discount = 0.9
"""

TWO_DOMAINS = """
[[domains]]
id = "fish"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(text, file="t.toml")
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, CaseErrors) else [str(exc)]


# -- one error per root cause -------------------------------------------------------------------
def test_a_broken_domain_is_one_error_not_a_cascade() -> None:
    text = (
        HEADER
        + TWO_DOMAINS
        + """
[[domains]]
id = "produce"
payoffs.A = { C = 3, D = 4 }
payoffs.B = { C = 3, D = 4, N = 1 }

[[hypotheses]]
id = "rules"
mode = "rules"
rules = [ { deviator = "A", domain = "produce", punished = ["fish", "produce"] },
          { deviator = "B", domain = "fish", punished = ["produce"] } ]

[[hypotheses]]
id = "full"
mode = "full"
protected = ["produce"]

[[timeline]]
date = "2020"
title = "start"
observed = { produce = "cooperating", fish = "cooperating" }
"""
    )
    errors = errors_of(text)
    assert len(errors) == 1, errors
    assert "domain 'produce'" in errors[0] and "missing payoff 'N'" in errors[0]
    assert "unknown domain" not in errors[0]


def test_a_domain_without_id_does_not_make_its_name_unknown() -> None:
    text = (
        HEADER
        + TWO_DOMAINS
        + """
[[domains]]
ID = "produce"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }

[linkage]
mode = "rules"
rules = [ { deviator = "A", domain = "produce", punished = ["fish", "produce"] } ]
"""
    )
    errors = errors_of(text)
    assert not any("unknown domain" in e for e in errors), errors
    assert any("missing key 'id'" in e for e in errors) and any("'ID'" in e for e in errors)


def test_a_broken_parameter_is_not_reported_again_where_it_is_used() -> None:
    text = (
        HEADER
        + """
[parameters]
share = "30%"
gain = "share * 2"
cost = { value = "gain + 1" }

[[domains]]
id = "fish"
payoffs.A = { C = 3, D = "3 + gain", N = 1 }
payoffs.B = { C = 3, D = "3 + cost", N = 1 }
"""
    )
    errors = errors_of(text)
    assert len(errors) == 1, errors
    assert "30% is a percentage: write 0.3" in errors[0] and "parameters.share" in errors[0]
    assert "unknown name" not in errors[0]


def test_messages_name_the_item_not_just_its_type() -> None:
    errors = errors_of('[case]\nid = "t"\nplayers = ["A", "A"]\ndiscount = 0.9\n')
    assert errors == [
        "t.toml:3 at 'case.players': player 'A' named twice; expected distinct names, "
        "found an array ['A', 'A']"
    ]
    errors = errors_of(
        HEADER
        + """
[[domains]]
id = "fish"
payoffs = ["A", "B"]
"""
    )
    assert errors[0].endswith("found an array ['A', 'B']") and "domain 'fish'" in errors[0]


def test_messages_show_numbers_as_written() -> None:
    text = (
        HEADER
        + """
[parameters]
d = { value = 0.99, low = 0.5, high = 0.95 }
"""
        + TWO_DOMAINS
    )
    (error,) = errors_of(text)
    assert "expected between 0.5 and 0.95, found 0.99" in error
    assert "/" not in error.split("expected")[1]  # no 1/2 next to 0.95


# -- warnings -----------------------------------------------------------------------------------
CONCESSION = (
    HEADER
    + """
[[domains]]
id = "aid"
payoffs.A = { C = -1, D = 0, N = 0 }
payoffs.B = { C = 1, D = 1, N = 0 }

[[domains]]
id = "swap"
payoffs.A = { C = 1, D = 2, N = 3 }
payoffs.B = { C = 3, D = 4, N = 1 }
"""
)


def test_common_slips_are_warnings_and_the_case_loads() -> None:
    case = load_case_text(CONCESSION, file="t.toml")
    messages = [str(w) for w in case.warnings]
    assert len(messages) == 2, messages
    assert "C = -1 < N = 0 for A in domain 'aid'" in messages[0] and "intended?" in messages[0]
    assert 'concessions = ["A"]' in messages[0]
    assert "C and N look swapped" in messages[1] and "write C = 3, N = 1" in messages[1]
    acknowledged = CONCESSION.replace(
        "payoffs.B = { C = 1, D = 1, N = 0 }",
        'payoffs.B = { C = 1, D = 1, N = 0 }\nconcessions = ["A"]',
    )
    assert len(load_case_text(acknowledged).warnings) == 1


def test_check_prints_warnings_without_failing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "slip.toml"
    path.write_text(CONCESSION, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "2 warnings" in out and "1 hypothesis," in out and "0 events" in out
    assert err.count("linkage: warning:") == 2
    assert main(["analyze", str(path)]) == 0
    assert capsys.readouterr().err.count("linkage: warning:") == 2


def test_bundled_cases_have_no_warnings() -> None:
    for path in sorted((ROOT / "cases").glob("*.toml")):
        assert load_case(path).warnings == (), path


# -- numbers as written, symbols ----------------------------------------------------------------
def test_parameters_keep_what_the_user_wrote() -> None:
    case = load_case(ROOT / "cases" / "japan_russia.toml")
    p = case.parameters["delta_japan"]
    assert p.value == sympy.Rational(9, 10) and p.text == "0.9"
    assert (p.written("low"), p.written("high")) == ("0.6", "0.95")


def test_with_values_takes_a_mapping() -> None:
    case = load_case(ROOT / "cases" / "japan_russia.toml")
    changed = case.with_values({"delta_japan": 0.8, "fx_2022": Fraction(140)})
    assert changed.parameters["delta_japan"].value == sympy.Rational(4, 5)
    assert changed.parameters["delta_japan"].text == "0.8"
    assert changed.with_values(delta_japan=0.7).parameters["delta_japan"].text == "0.7"
    assert case.parameters["delta_japan"].text == "0.9"  # the original is unchanged
    with pytest.raises(ModelError, match="did you mean 'delta_japan'"):
        case.with_values({"delta_japn": 0.8})


def test_declared_symbols_and_upright_names() -> None:
    text = (
        HEADER
        + """
[parameters]
turkey_roe_gain = { value = 1, low = 0, symbol = "g_T" }
tr_spend = 2

[[domains]]
id = "fish"
payoffs.A = { C = 3, D = "3 + turkey_roe_gain * tr_spend", N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }
"""
    )
    case = load_case_text(text)
    notation = Notation.of(case.parameters.values())
    expr = case.parameters["turkey_roe_gain"].symbol * case.parameters["tr_spend"].symbol
    assert sorted(notation.latex(expr).split()) == [r"\mathrm{tr\_spend}", "g_T"]
    mathml = notation.mathml(expr)
    assert "<msub><mi>g</mi><mi>T</mi></msub>" in mathml
    assert '<mi mathvariant="normal">tr_spend</mi>' in mathml and "<msub><mi>tr" not in mathml
    bad = text.replace('symbol = "g_T"', 'symbol = "\\\\input{x}"')
    assert "invalid LaTeX symbol" in errors_of(bad)[0]


def test_model_parameters_declare_symbols() -> None:
    model = DomainModel(
        id="demo.pd",
        title="demo",
        roles=("a", "b"),
        parameters=(Parameter("gain", "g", "USD", 1, latex=r"\gamma_1"),),
        build=lambda p: {r: {"C": 2, "D": 2 + p["gain"], "N": 0} for r in ("a", "b")},
    )
    notation = Notation.of(model.parameters)
    assert notation.latex(model.parameters[0].symbol) == r"\gamma_1"
    assert "<mi>γ</mi>" in notation.mathml(model.parameters[0].symbol)
    with pytest.raises(ModelError, match="not a valid LaTeX symbol"):
        Parameter("x", "x", "", 1, latex="x}")


# -- the command line ---------------------------------------------------------------------------
def test_did_you_mean_on_command_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["anlyze", "example"])
    assert "did you mean 'analyze'?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["compare", "example", "--format", "jsn"])
    assert "did you mean 'json'?" in capsys.readouterr().err


def test_report_without_matplotlib_says_so_before_computing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    loaded: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, *args: Any, **kwargs: Any) -> Any:
        loaded.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    assert main(["report", "example", "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert "pip install 'issue-linkage[plot]'" in err and "--no-plots" in err
    assert "linkage.compare" not in loaded  # nothing was computed
    assert not (tmp_path / "r.html").exists()


def test_outputs_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fail(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(LinkageError, match=r"cannot write .*out\.txt.*disk full"):
        write_atomic("new", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary left behind
