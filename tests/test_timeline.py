"""Timelines: parameter changes per period, predictions per hypothesis, and the fit."""

from __future__ import annotations

import json

import pytest
import sympy

from linkage.cases import load_case_text
from linkage.cli import main
from linkage.timeline import TimelineAnalysis

CASE = """
[case]
id = "shock"
players = ["A", "B"]
discount = "patience"

[parameters]
patience = 0.5
temptation = 1

[[domains]]
id = "easy"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }

[[domains]]
id = "hard"
payoffs.A = { C = 3, D = "3 + 3 * temptation", N = 1 }
payoffs.B = { C = 3, D = "3 + 3 * temptation", N = 1 }

[[hypotheses]]
id = "linked"
mode = "full"

[[hypotheses]]
id = "separate"
mode = "separate"

[[timeline]]
date = 2000-01-01
title = "agreement"
observed = { easy = "cooperating", hard = "cooperating" }

[[timeline]]
date = "2010-06"
title = "patience falls"
set = { patience = 0.4 }
observed = { hard = "suspended" }

[[timeline]]
date = "2015"
title = "temptation doubles"
set = { temptation = 2 }
observed = { easy = "partial" }
"""


@pytest.fixture
def analysis() -> TimelineAnalysis:
    return TimelineAnalysis(load_case_text(CASE, file="shock.toml"))


def test_changes_accumulate_and_states_carry_forward(analysis: TimelineAnalysis) -> None:
    starts = [p.start for p in analysis.periods if p.hypothesis == "linked"]
    assert starts == ["2000-01-01", "2010-06", "2015"]
    last = [p for p in analysis.periods if p.hypothesis == "linked"][-1]
    assert last.observed == {"easy": "partial", "hard": "suspended"}
    assert last.analysis.game.discount.of("A") == pytest.approx(0.4)  # kept from 2010


def test_predictions_follow_the_exact_analysis(analysis: TimelineAnalysis) -> None:
    by = {(p.hypothesis, p.start): p for p in analysis.periods}
    # delta = 1/2: linked package holds (pooled 1/2), separately 'hard' (3/5) fails
    assert by[("linked", "2000-01-01")].predicted == {"easy": True, "hard": True}
    assert by[("separate", "2000-01-01")].predicted == {"easy": True, "hard": False}
    # delta = 2/5: linked fails, best package is 'easy' alone
    assert by[("linked", "2010-06")].predicted == {"easy": True, "hard": False}


def test_fit_counts_scored_observations_only(analysis: TimelineAnalysis) -> None:
    fit = analysis.fit
    # 2000: easy+hard coop; 2010: easy coop, hard suspended; 2015: hard suspended (easy partial: unscored)
    assert fit["linked"] == {"matched": 5, "scored": 5, "share": 1.0}
    assert fit["separate"]["scored"] == 5 and fit["separate"]["matched"] == 4


def test_timeline_command_formats(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    path = tmp_path / "shock.toml"
    path.write_text(CASE)
    assert main(["timeline", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fit"]["linked"]["share"] == 1.0
    assert len(data["periods"]) == 6
    assert main(["timeline", str(path), "--format", "markdown"]) == 0
    assert "| linked | 5 | 5 | 100% |" in capsys.readouterr().out
    assert main(["timeline", str(path)]) == 0
    assert "linked: 5/5 (100%)" in capsys.readouterr().out


def test_case_without_timeline_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "example"]) == 1
    assert "has no [[timeline]] events" in capsys.readouterr().err


def test_events_out_of_order_are_rejected() -> None:
    from linkage.errors import CaseError

    bad = CASE.replace('date = "2015"', 'date = "1999"')
    with pytest.raises(CaseError, match="out of order"):
        load_case_text(bad)


def test_event_values_may_refer_to_other_parameters() -> None:
    """A `set` expression naming another parameter is evaluated at the values in force
    (regression: one substitution pass left `aa` unresolved, depending on symbol order)."""
    text = """
[case]
id = "refs"
players = ["A", "B"]
discount = 0.5
[parameters]
aa = 5
zz = 1
[[domains]]
id = "d"
payoffs.A = { C = "zz", D = 6, N = 0 }
payoffs.B = { C = 3, D = 4, N = 1 }
[[timeline]]
date = 2000-01-01
title = "zz takes aa's value"
set = { zz = "aa" }
"""
    case = load_case_text(text)
    _, _, changes, _ = case.periods[0]
    a = case.analysis(changes=changes)
    assert a.game.domain("d").payoffs["A"].C == 5
    assert a.separate_thresholds["A"]["d"].exact == sympy.Rational(1, 6)
