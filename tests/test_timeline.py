"""Timelines of a case: the record's keys in case files (with located errors), the analysis, the
``linkage timeline`` / ``sources`` / ``check`` commands, ``--at DATE``, and format-1 files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy

from linkage.cases import load_case, load_case_text
from linkage.cli import main
from linkage.errors import CaseError, CaseErrors
from linkage.timeline import TimelineAnalysis

ROOT = Path(__file__).resolve().parent.parent
FORMAT1 = sorted((ROOT / "tests" / "data" / "format1").glob("*.toml"))

CASE = """
[case]
id = "shock"
players = ["A", "B"]
discount = "patience"
focal = "2010-06"
end = 2016-01-01

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


@pytest.fixture
def shock(tmp_path: Path) -> Path:
    path = tmp_path / "shock.toml"
    path.write_text(CASE, encoding="utf-8")
    return path


# -- the analysis -------------------------------------------------------------------------------
def test_changes_accumulate_and_states_carry_forward(analysis: TimelineAnalysis) -> None:
    assert [p.start for p in analysis.periods] == ["2000-01-01", "2010-06", "2015"]
    assert [p.end for p in analysis.periods] == ["2010-06", "2015", "2016-01-01"]
    assert analysis.periods[-1].observed == {"easy": "partial", "hard": "suspended"}
    _, end, changes, _ = analysis.case.periods[-1]
    assert end == "2016-01-01"
    a = analysis.case.analysis(changes=changes)
    assert a.game.discount.of("A") == sympy.Rational(2, 5)  # kept from 2010


def test_predictions_follow_the_exact_analysis(analysis: TimelineAnalysis) -> None:
    first, second, _ = analysis.periods
    state = {h: {k: p.cooperating for k, p in per.items()} for h, per in first.predicted.items()}
    # delta = 1/2: linked package holds (pooled 1/2), separately 'hard' (3/5) fails
    assert state == {
        "linked": {"easy": True, "hard": True},
        "separate": {"easy": True, "hard": False},
    }
    # delta = 2/5: linked fails, best package is 'easy' alone
    assert {k: p.cooperating for k, p in second.predicted["linked"].items()} == {
        "easy": True,
        "hard": False,
    }


def test_scores_weigh_time_and_skip_partial(analysis: TimelineAnalysis) -> None:
    s = analysis.scores()
    # 2000-01 .. 2010-06: both cooperate (separate wrong on hard); after: hard suspended (both
    # right); from 2015: easy partial (not scored)
    years = (sympy.Integer(3804) / sympy.Rational(36525, 100)).evalf()
    assert s["separate"].scored - s["separate"].matched == pytest.approx(float(years))
    assert s["linked"].matched == s["linked"].scored
    assert s["linked"].posterior > 0.999 and s["linked"].log10_bayes_factor == 0


def test_timeline_json_contract(shock: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", str(shock), "--format", "json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert set(data["scores"]) == {"linked", "separate"}
    for s in data["scores"].values():
        assert isinstance(s["log_likelihood"], float) and 0 <= s["posterior"] <= 1
    assert sum(s["posterior"] for s in data["scores"].values()) == pytest.approx(1.0)
    assert [p["start"] for p in data["periods"]] == ["2000-01-01", "2010-06", "2015"]
    hard = data["periods"][0]["predictions"]["separate"]["hard"]
    assert hard == {"state": "breakdown", "punished": False, "match": False}
    assert data["periods"][2]["predictions"]["linked"]["easy"]["match"] is None  # partial
    assert data["resolution"] == "year" and data["error_rate"] == 0.1
    assert [row["error_rate"] for row in data["sensitivity"]] == [0.01, 0.05, 0.1, 0.2, 0.3]
    assert "explain" not in data
    # deterministic: the same input gives the same bytes
    assert main(["timeline", str(shock), "--format", "json"]) == 0
    assert capsys.readouterr().out == out
    assert main(["timeline", str(shock), "-f", "json", "--explain", "--error-rate", "0.2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["error_rate"] == 0.2 and data["explain"]["leader"] == "linked"
    # without the one observation that separates them (hard cooperating until 2010), they tie
    assert data["explain"]["drop_one"]["leader_survives"] is False
    (change,) = data["explain"]["drop_one"]["changes"]
    assert (change["domain"], change["date"]) == ("hard", "2000-01-01")


def test_timeline_tables_have_one_row_per_period_and_a_column_per_hypothesis(
    shock: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["timeline", str(shock), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    head = "| period | length | event | observed | linked | separate |"
    assert head in out
    rows = [line for line in out.splitlines() if re.match(r"\| \d{4}", line)]
    assert len(rows) == 3 and rows[0].startswith("| 2000-01-01 – 2010-06 |")
    assert "✗ hard" in rows[0] and rows[0].count("✓") == 1
    assert "| linked | 0.500 |" in out
    assert main(["timeline", str(shock)]) == 0
    text = capsys.readouterr().out
    assert "linked" in text.splitlines()[3] and "separate" in text.splitlines()[3]
    assert "Posterior over the error rate:" in text


def test_explain_names_what_decides_the_ranking(
    shock: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["timeline", str(shock), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "What decides the ranking (ε = 0.1): linked > separate" in out
    assert "hard cooperating 2000-01-01 → 2010-06-01" in out
    assert "Observations without a source: easy cooperating" in out  # the fixture has none
    assert "Drop one observation" in out


def test_timeline_errors(capsys: pytest.CaptureFixture[str], shock: Path) -> None:
    assert main(["timeline", "example"]) == 1
    assert "has no [[timeline]] events" in capsys.readouterr().err
    assert main(["timeline", str(shock), "--error-rate", "0.7"]) == 1
    assert "strictly between 0 and 0.5" in capsys.readouterr().err


def test_events_out_of_order_are_rejected() -> None:
    bad = CASE.replace('date = "2015"', 'date = "1999"')
    with pytest.raises(CaseError, match=r"at 'timeline\[\d+\]\.date': events out of order"):
        load_case_text(bad)
    coarse = CASE.replace('date = "2015"', 'date = "2010"')  # 2010 = 1 Jan 2010, before 2010-06
    with pytest.raises(CaseError, match="out of order"):
        load_case_text(coarse)


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


# -- the record's keys: located errors ----------------------------------------------------------
BASE = """\
[case]
id = "keys"
players = ["Japan", "Russia"]
discount = 0.5

[[domains]]
id = "fish"
payoffs.Japan = { C = 3, D = 4, N = 1 }
payoffs.Russia = { C = 3, D = 4, N = 1 }

[[domains]]
id = "lng"
payoffs.Japan = { C = 3, D = 4, N = 1 }
payoffs.Russia = { C = 3, D = 4, N = 1 }

[sources.tass]
title = "A wire report"
publisher = "TASS"
"""


def errors(text: str) -> list[str]:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(BASE + text, file="keys.toml")
    exc = info.value
    return [str(e) for e in (exc.errors if isinstance(exc, CaseErrors) else [exc])]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\ndeviation = { player = "Japn", domains = ["fish"] }\n',
            "keys.toml:22 at 'timeline[0].deviation.player': unknown player; expected one of Japan, "
            "Russia, found 'Japn' (did you mean 'Japan'?)",
        ),
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\ndeviation = { player = "Japan", domains = ["fsh"] }\n',
            "at 'timeline[0].deviation.domains': unknown domain; expected one of fish, lng, found "
            "'fsh' (did you mean 'fish'?)",
        ),
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\ncite = ["tas"]\n',
            "keys.toml:22 at 'timeline[0].cite': unknown source; expected one of tass, found 'tas' "
            "(did you mean 'tass'?)",
        ),
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\nobserved = { fish = { state = "suspnded" } }\n',
            "at 'timeline[0].observed.fish.state': unknown state",
        ),
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\nobserved = { fish = { state = "suspended", bye = "Russia" } }\n',
            "at 'timeline[0].observed.fish.bye': unknown key; expected one of state, by, cite, "
            "source, estimate, note, found 'bye' (did you mean 'by'?)",
        ),
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\nobserved = { lng = "cooperating" }\n'
            '[[timeline]]\ndate = 2001-01-01\ntitle = "u"\nopens = ["lng"]\n',
            "at 'timeline[0].observed.lng': domain 'lng' is not open at this event",
        ),
        (
            '[[timeline]]\ndate = 2000-01-01\ntitle = "t"\nsettlement = "yes"\n',
            "at 'timeline[0].settlement': wrong type; expected true or a table {player, domains} "
            "or an array of them, found 'yes'",
        ),
        (
            "[scoring]\nerror_rate = 0.6\n",
            "at 'scoring.error_rate': error rate out of range; expected a number between 0 and 0.5",
        ),
        (
            '[scoring]\nresolution = "years"\n',
            "at 'scoring.resolution': unknown resolution; expected one of day, week, month, "
            "quarter, year, found 'years' (did you mean 'year'?)",
        ),
        (
            '[[hypotheses]]\nid = "h"\nmode = "full"\nprior = 0\n',
            "at 'hypotheses[0].prior': wrong prior; expected a positive number, found 0",
        ),
        (
            '[sources.bad]\ntitle = "x"\ntype = "tweet"\n',
            "at 'sources.bad.type': unknown source type",
        ),
    ],
)
def test_record_keys_get_located_errors(text: str, message: str) -> None:
    found = errors(text)
    assert len(found) == 1 and message in found[0], found


def test_end_and_focal_are_checked() -> None:
    text = BASE.replace("discount = 0.5", 'discount = 0.5\nend = 2004-12-31\nfocal = "2003-13"')
    text += '[[timeline]]\ndate = 2005-01-01\ntitle = "t"\n'
    with pytest.raises(CaseErrors) as info:
        load_case_text(text, file="keys.toml")
    messages = [str(e) for e in info.value.errors]
    assert any("at 'case.focal': invalid date" in m for m in messages)
    assert any("at 'case.end': the record ends before its last event" in m for m in messages)


def test_a_full_record_loads() -> None:
    case = load_case_text(
        BASE.replace("discount = 0.5", "discount = 0.5\nfocal = 2001-06-01\nend = 2003-01-01")
        + """
[scoring]
resolution = "month"
error_rate = 0.05
error_rates = [0.2, 0.05]

[[hypotheses]]
id = "stated"
mode = "rules"
rules = [{ deviator = "Japan", domain = "lng", punished = ["fish"] }]
prior = 3
cite = ["tass"]

[[hypotheses]]
id = "none"
mode = "separate"

[[timeline]]
date = 2000-01-01
title = "start; lng not yet open"
cite = "tass"
observed = { fish = "cooperating" }

[[timeline]]
date = "2001"
title = "lng opens; Japan deviates in it, Russia suspends fishing"
opens = ["lng"]
deviation = { player = "Japan", domains = ["lng"] }
observed = { lng = { state = "defected", by = "Japan", estimate = true }, fish = { state = "suspended", by = "Russia", cite = ["tass"] } }

[[timeline]]
date = "2002-03"
title = "settled"
settlement = [{ player = "Japan", domains = ["lng"] }]
source = "a report in words"
observed = { lng = "cooperating", fish = "cooperating" }
""",
        file="keys.toml",
    )
    assert case.focal == "2001-06-01" and case.end == "2003-01-01"
    assert case.scoring.resolution == "month" and case.scoring.error_rates == (0.05, 0.2)
    assert case.hypothesis("stated").prior == 3 and case.hypothesis("stated").cite == ("tass",)
    first, second, third = case.timeline
    assert first.cite == ("tass",) and second.opens == ("lng",)
    assert second.deviations[0].player == "Japan" and second.observed["fish"].by == "Russia"
    assert [second.evidence(k) for k in ("lng", "fish")] == ["estimate", "cited"]
    assert third.evidence("fish") == "source" and third.settlements[0].domains == ("lng",)
    t = TimelineAnalysis(case)
    assert t.priors == {"stated": 0.75, "none": 0.25}
    assert t.periods[1].matches("stated") == {"fish": True, "lng": True}
    assert t.periods[1].matches("none") == {"fish": False, "lng": True}


# -- format 1 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORMAT1, ids=[p.stem for p in FORMAT1])
def test_format_1_files_still_load_and_run(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_case(path)
    assert case.end is None and case.focal is None and not case.bibliography
    t = TimelineAnalysis(case)
    assert sum(t.posterior().values()) == pytest.approx(1.0)
    # without an end date the last period is scored as one year
    assert t.periods[-1].length == pytest.approx(1.0, abs=0.01)
    for command in (["timeline", "-f", "json"], ["analyze", "-f", "json"], ["compare"], ["check"]):
        assert main([command[0], str(path), *command[1:]]) == 0
    err = capsys.readouterr().err
    assert "no end date" in err and "without a source" not in err  # every event has a source


# -- --at DATE and the focal date ---------------------------------------------------------------
def test_at_date_calibrates_at_the_values_in_force(
    shock: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(shock), "-f", "json", "--at", "2012-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["at"] == "2012-01-01" and data["discount"] == 0.4
    assert main(["analyze", str(shock), "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["at"] is None and data["discount"] == 0.5
    assert main(["analyze", str(shock), "--at", "2012-13"]) == 1
    assert "invalid date '2012-13'" in capsys.readouterr().err


def test_compare_and_report_use_the_focal_date_unless_told(
    shock: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from linkage.compare import compare

    (row, _) = compare([shock]).rows
    assert row.delta["A"] == sympy.Rational(2, 5)  # the focal date, 2010-06
    (row, _) = compare([shock], at="2000-01-01").rows
    assert row.delta["A"] == sympy.Rational(1, 2)
    assert main(["compare", str(shock), "--at", "2001", "-c", "case,delta"]) == 0
    assert "shock  0.5" in capsys.readouterr().out
    out = tmp_path / "r.html"
    assert main(["report", str(shock), "--no-plots", "-o", str(out)]) == 0
    assert "<strong>calibrated at</strong>: 2010-06" in out.read_text(encoding="utf-8")


def test_plot_at_date(shock: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "t.svg"
    assert main(["plot", "thresholds", str(shock), "--at", "2012", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"<?xml")


# -- sources and check --------------------------------------------------------------------------
def test_sources_as_text_and_bibtex(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "japan_russia"]) == 0
    text = capsys.readouterr().out
    assert (
        "[nippon_2022_06_07] Jiji Press (2022-06-07). 'Russia Suspends Fisheries Agreement" in text
    )
    assert "cited by: case, hypotheses.russia_stated, timeline[5]" in text
    assert main(["sources", "japan_russia", "--format", "bibtex"]) == 0
    bib = capsys.readouterr().out
    case = load_case(ROOT / "cases" / "japan_russia.toml")
    keys = re.findall(r"^@(\w+)\{([^,]+),$", bib, re.M)
    assert sorted(k for _, k in keys) == sorted(case.bibliography)
    assert bib.count("{") == bib.count("}")
    assert "@misc{nippon_2022_06_07," in bib and "  month = jun," in bib
    assert "@techreport{jogmec_2022_08_prices," in bib
    assert main(["sources", "example"]) == 1
    assert "has no [sources] table" in capsys.readouterr().err


def test_bibtex_escapes_special_characters() -> None:
    from linkage.cases.case import Source
    from linkage.render.bibliography import bibtex_entry

    entry = bibtex_entry(
        Source(
            "k",
            "50% of R&D_costs {est.} #1",
            "article",
            author="A & B",
            publisher="J $",
            url="https://x.org/a%20b#c",
            date="2020-02",
        )
    )
    assert r"title = {{50\% of R\&D\_costs \{est.\} \#1}}" in entry
    assert r"author = {{A \& B}}" in entry and r"journal = {J \$}" in entry  # corporate
    person = bibtex_entry(Source("p", "T", author="Eng, Tristan and Doe, J."))
    assert "author = {Eng, Tristan and Doe, J.}" in person
    assert r"url = {https://x.org/a\%20b\#c}" in entry and "month = feb," in entry


def test_check_warns_about_unsourced_observations(
    shock: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(shock)]) == 0  # warnings are not errors
    out, err = capsys.readouterr()
    assert out.startswith("ok")
    lines = err.splitlines()
    line = CASE.splitlines().index('observed = { easy = "cooperating", hard = "cooperating" }')
    assert (
        f"linkage: warning: {shock}:{line + 1} at 'timeline[0].observed.easy': observation of 'easy' "
        "(cooperating) without a source" in lines[0]
    )
    assert len([w for w in lines if "without a source" in w]) == 4
    sourced = CASE.replace('title = "agreement"', 'title = "agreement"\nsource = "a treaty"')
    sourced = sourced.replace(
        'title = "patience falls"', 'title = "patience falls"\nestimate = true'
    )
    sourced = sourced.replace(
        'observed = { easy = "partial" }',
        'observed = { easy = { state = "partial", source = "a report" } }',
    )
    shock.write_text(sourced, encoding="utf-8")
    assert main(["check", str(shock)]) == 0
    assert capsys.readouterr().err == ""


def test_explain_versus_a_chosen_hypothesis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "japan_russia", "--explain", "--versus", "essay_reading"]) == 0
    out = capsys.readouterr().out
    assert "russia_stated against essay_reading: log-likelihood ratio" in out
    assert main(["timeline", "japan_russia", "--explain", "--versus", "essay"]) == 1
    assert "no hypothesis 'essay'" in capsys.readouterr().err
