"""Every bundled case file passes `linkage check`, is analysed, and (with a timeline) is scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkage.cases import load_case
from linkage.cli import main
from linkage.timeline import TimelineAnalysis

CASES = sorted((Path(__file__).resolve().parent.parent / "cases").glob("*.toml"))
DYADS = [p for p in CASES if p.stem != "example"]
THREATS_THAT_WORKED = {"us_mexico_2019"}
"""Cases whose record holds no deviation: the threat was complied with, so no punishment began
(the linkage shows in the equilibrium path the hypotheses predict, not in a punishment phase)."""


def test_at_least_the_japan_russia_case_and_five_dyads() -> None:
    stems = {p.stem for p in DYADS}
    assert "japan_russia" in stems
    assert len(stems - {"japan_russia"}) >= 5


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_check_and_analyze(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.startswith("ok")
    assert main(["analyze", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    case = load_case(path)
    assert data["case"] == case.id == path.stem
    for per in data["separate"]["critical_delta"].values():
        for t in per.values():
            assert t["status"] in ("threshold", "always", "never")
            if t["status"] == "threshold":
                assert 0 < t["value"] < 1


@pytest.mark.parametrize("path", DYADS, ids=[p.stem for p in DYADS])
def test_timeline_and_compare(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", str(path), "--explain", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(h["posterior"] for h in data["scores"].values()) == pytest.approx(1.0)
    assert main(["compare", str(path), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["hypothesis"] for r in rows] == [h.id for h in load_case(path).hypotheses]


def test_compare_every_bundled_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", *map(str, DYADS), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert all(p.stem in out for p in DYADS)


@pytest.mark.parametrize("path", DYADS, ids=[p.stem for p in DYADS])
def test_dyads_are_sourced_ranged_and_have_timelines(path: Path) -> None:
    case = load_case(path)
    assert case.cite and case.bibliography, "the case cites its bibliography"
    assert all(p.source or p.cite for p in case.parameters.values())
    assert any(p.low is not None and p.high is not None for p in case.parameters.values())
    assert len(case.hypotheses) >= 2 and all(
        h.cite or h.structure.mode == "separate" for h in case.hypotheses
    )
    assert len(case.timeline) >= 4 and all(e.cite for e in case.timeline)
    assert case.end is not None and case.focal is not None
    if path.stem in THREATS_THAT_WORKED:
        assert not any(e.deviations for e in case.timeline)
        assert any(e.set for e in case.timeline), "the threat changes the parameters in force"
    else:
        assert any(e.deviations for e in case.timeline), "the record names who deviated"
    t = TimelineAnalysis(case)
    assert set(t.fit) == {h.id for h in case.hypotheses}
    assert all(f["scored"] > 0 for f in t.fit.values())
    assert sum(t.posterior().values()) == pytest.approx(1.0)


@pytest.mark.parametrize("path", DYADS, ids=[p.stem for p in DYADS])
def test_dyads_have_every_observation_sourced_and_cite_nothing_outside_the_repository(
    path: Path,
) -> None:
    from linkage.cases.audit import case_warnings

    case = load_case(path)
    assert [str(w) for w in case_warnings(case)] == []
    text = path.read_text(encoding="utf-8")
    for outside in ("/work/", "cases.md", "shared/reference"):
        assert outside not in text
    # no political "signal" gain stands in for a punishment any more
    assert "signal" not in " ".join(case.parameters)
