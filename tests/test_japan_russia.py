"""The bundled Japan–Russia case: calibration, hypotheses and the modelling choices it encodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sympy import Rational

from linkage.cases import load_case, load_case_text
from linkage.cli import main
from linkage.errors import CaseError
from linkage.sensitivity.breakeven import breakeven
from linkage.timeline import TimelineAnalysis


@pytest.fixture(scope="module")
def case():
    return load_case(Path(__file__).resolve().parent.parent / "cases" / "japan_russia.toml")


def test_domains_hypotheses_and_timeline(case) -> None:
    assert set(case.domain_ids) >= {"f98", "lng", "eez", "sanctions", "territory"}
    assert {h.id for h in case.hypotheses} >= {"russia_stated", "essay_reading", "japan_position"}
    assert all(h.source for h in case.hypotheses)
    dates = [e.date for e in case.timeline]
    for needed in (
        "2020-07-01",
        "2022-06-07",
        "2022-06-30",
        "2022-08-31",
        "2022-09-30",
        "2023-01-19",
        "2025-06-08",
        "2025-12-26",
    ):
        assert needed in dates
    assert any(d.startswith("2022-02") or d.startswith("2022-03") for d in dates)
    assert all(e.cite for e in case.timeline)


def test_every_parameter_has_a_source(case) -> None:
    missing = [name for name, p in case.parameters.items() if not p.source]
    assert missing == []


def test_japan_has_no_economic_temptation_in_lng(case) -> None:
    a = case.analysis()
    lng = a.game.domain("lng").payoffs["Japan"]
    assert lng.D <= lng.C
    assert a.separate_thresholds["Japan"]["lng"].status == "always"


def test_aid_is_a_concession_the_one_way_rule_cannot_sustain_off_the_path(case) -> None:
    stated = case.analysis("russia_stated")
    assert stated.separate_thresholds["Japan"]["aid"].status == "never"
    assert stated.on_path_thresholds["Japan"].status == "threshold"  # on the path: sustained
    # once f98 is suspended (a state the rule allows), the aid stands alone: never
    assert stated.linked_thresholds["Japan"].status == "never"
    assert stated.linked_binding["Japan"].state == {"f98"}
    assert stated.linked_sustainable is False
    assert case.analysis("full_pooling").linked_sustainable is True


def test_territory_is_ordinal_and_enforced_alone(case) -> None:
    assert case.domains["territory"].kind == "ordinal"
    for h in case.hypotheses:
        assert "territory" in h.structure.isolated
    full = case.analysis("full_pooling")
    for dc in full.linked_constraints["Japan"]:
        assert "territory" not in dc.punished or dc.punished == {"territory"}


def test_fisheries_thresholds_in_closed_form(case) -> None:
    # fishing state (Japan): (1 - prepaid) P / (V - prepaid P - A + S) = 16960/58779 at the calibration
    assert case.analysis().separate_thresholds["Japan"]["f98"].exact == Rational(16960, 58779)


def test_ordinal_domain_cannot_be_a_lever() -> None:
    text = """
[case]
id = "x"
players = ["A", "B"]
discount = 0.5
[[domains]]
id = "money"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = 3, D = 4, N = 1 }
[[domains]]
id = "honour"
kind = "ordinal"
payoffs.A = { C = 2, D = 3, N = 0 }
payoffs.B = { C = 2, D = 3, N = 0 }
[linkage]
mode = "rules"
rules = [ { deviator = "A", domain = "money", punished = ["honour"] } ]
"""
    with pytest.raises(CaseError, match="ordinal"):
        load_case_text(text)
    with_salience = text.replace(
        'kind = "ordinal"', 'kind = "ordinal"\nsalience = { A = 1, B = 1 }'
    )
    assert load_case_text(with_salience).game.linkage.isolated == frozenset()


def test_json_analysis_of_the_bundled_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "japan_russia", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["players"] == ["Japan", "Russia"]
    assert set(data["hypotheses"]) >= {"russia_stated", "essay_reading", "japan_position"}
    assert data["separate"]["critical_delta"]["Japan"]["lng"]["status"] == "always"
    assert data["parameters"]["f98_fee"]["source"].startswith("[S]")


# -- the recoded record (issue 9) ---------------------------------------------------------------
def test_the_record_names_the_deviations_and_the_settlement(case) -> None:
    deviations = [(e.date, d.player, d.domains) for e in case.timeline for d in e.deviations]
    assert deviations == [
        ("2022-02-25", "Japan", ("sanctions",)),
        ("2022-06-07", "Japan", ("f98", "aid")),
    ]
    (settled,) = [e for e in case.timeline if e.settlements]
    assert settled.date == "2022-09-30" and settled.settlements[0].domains == ("f98", "aid")
    assert case.focal == "2022-06-07" and case.end == "2025-12-31"


def test_no_coding_before_the_record_has_it(case) -> None:
    # aid: no source says when the assistance began, so it is not coded before 2022
    aid = [(e.date, e.observed["aid"].state) for e in case.timeline if "aid" in e.observed]
    assert aid[0] == ("1998-05-21", "unknown") and aid[1] == ("2022-06-07", "suspended")
    # Sakhalin-2 LNG is not a domain before production began
    t = TimelineAnalysis(case)
    assert "lng" not in t.periods[0].open and "lng" in t.periods[1].open
    assert not any("signal" in name for name in case.parameters)


def test_calibration_agrees_with_the_record(case) -> None:
    war = case.changes_at("2022-06-07")
    # Japan sanctioned: its alliance gain is above the model's own break-even
    gain = breakeven(
        case,
        "japan_alliance_gain",
        player="Japan",
        hypothesis="japan_position",
        changes=war,
        involving="sanctions",
    )
    values = case.as_of("2022-06-07").calibration()
    assert values[case.parameters["japan_alliance_gain"].symbol] > gain
    # the 2022 spot price is not kept until 2024
    assert case.as_of("2023-09").calibration()[case.parameters["lng_spot"].symbol] == Rational(
        58, 5
    )


def test_the_posterior_over_the_four_readings(case) -> None:
    t = TimelineAnalysis(case)
    post = t.posterior()
    assert max(post, key=post.__getitem__) == "russia_stated"
    assert sum(post.values()) == pytest.approx(1.0)
    # the essay's trigger (a Japanese deviation in LNG) is not in the record: its reading predicts
    # exactly what Japan's position does, and the tool says so
    assert ("essay_reading", "japan_position") in t.equivalent
    assert post["essay_reading"] == post["japan_position"]
