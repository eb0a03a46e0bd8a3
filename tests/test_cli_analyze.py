"""``linkage analyze`` and ``linkage check``: output formats, JSON shape, and error handling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linkage.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "cases" / "example.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(EXAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["case"] == "example"
    assert data["players"] == ["A", "B"] and data["domains"] == ["d1", "d2"]
    assert data["strategy"] == "grim"
    T = data["separate"]["critical_delta"]["A"]["d2"]
    assert {"status": "threshold", "exact": "6/11", "value": pytest.approx(6 / 11)} == T
    assert data["separate"]["sustainable"] == {"d1": True, "d2": False}
    linked = data["linked"]
    # subgame perfect: once d1 is punished, A's d2 stands alone (the on-path value is 8/17)
    assert linked["critical_delta"]["A"]["exact"] == "6/11"
    assert linked["on_path_delta"]["A"]["exact"] == "8/17"
    assert linked["critical_delta"]["B"]["exact"] == "3/5"
    assert linked["sustainable"] is False and linked["helps"] is False
    assert set(linked["critical_delta"]["A"]) == {"status", "exact", "value"}


def test_text_output_reads_at_a_glance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", str(EXAMPLE))
    assert code == 0
    lines = out.splitlines()
    # the verdict comes first: its table within the first lines, details after
    assert lines[2].startswith("Verdict at the calibration")
    assert lines[3].split()[:5] == ["hypothesis", "package", "holds", "linkage", "helps"]
    assert lines[4].split()[:6] == ["linkage", "no", "no", "0.5455", "0.6", "none"]
    assert "Each domain alone (separate enforcement): holds in d1; fails in d2" in lines[5]
    assert lines.index("Details") < 10
    # the structured form: aggregates named, then the threshold in them, exactly; A's binding
    # deviation is in d2 once d1 is punished (subgame perfection), on the path it needs 8/17
    assert "A: binding constraint: deviate in {d2} once {d1} is punished, punished in {d2}" in out
    assert "g = g[d2] = 3; s = s[d2] = 2.5" in out
    assert "δ* = g/(g + s) = 6/11 ≈ 0.5455" in out
    assert "on the path only (deviations from full cooperation): δ* = 8/17 ≈ 0.4706" in out
    assert "(1 − δ)·g ≤ δ·s" in out


def test_text_output_shows_decimals_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "japan_russia")
    assert code == 0
    assert "Japan 0.9, Russia 0.9" in out and "9/10" not in out
    # payoffs typed as decimals come back as decimals, also inside closed forms
    assert "0.32656*lng_contract" in out and "2041" not in out
    # thresholds stay exact, with their decimal
    assert "16960/58779 ≈ 0.2885" in out


def test_analyze_one_hypothesis(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "japan_russia", "--hypothesis", "full_pooling")
    assert code == 0
    assert "Linked enforcement under 'full_pooling'" in out
    assert "russia_stated" not in out and "(reporting 1 hypothesis of 4)" in out
    code, _, err = run(capsys, "analyze", "japan_russia", "--hypothesis", "full_poling")
    assert code == 1 and "did you mean 'full_pooling'?" in err and "Traceback" not in err


def test_digits_are_configurable(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "analyze", str(EXAMPLE), "--digits", "2")
    assert "6/11 ≈ 0.55" in out and "0.5455" not in out


@pytest.mark.parametrize("fmt, needle", [("markdown", "| player |"), ("latex", r"\begin{tabular}")])
def test_other_formats(capsys: pytest.CaptureFixture[str], fmt: str, needle: str) -> None:
    code, out, _ = run(capsys, "analyze", str(EXAMPLE), "-f", fmt)
    assert code == 0 and needle in out


def test_output_is_byte_identical_across_runs(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {
        run(capsys, "analyze", str(EXAMPLE), "-f", f)[1] for f in ("json",) for _ in range(2)
    }
    assert len(outputs) == 1


def test_bundled_case_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "analyze", "example", "-f", "json")
    assert code == 0 and json.loads(out)["case"] == "example"


def test_unknown_format_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "analyze", str(EXAMPLE), "-f", "jsno")
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert "did you mean 'json'" in err


def test_broken_case_file_gives_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[case]\nid = "x"\nplayers = ["A", "B"]\ndiscount = 2\n[[domains]]\nid = "d"\n'
        "payoffs.A = {C=1, D=2, N=0}\npayoffs.B = {C=1, D=2, N=0}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "linkage", "analyze", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{bad}:4 at 'case.discount'" in proc.stderr


def test_check_reports_each_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[case]\n")
    code, out, err = run(capsys, "check", str(EXAMPLE), str(bad))
    assert code == 1
    assert "ok" in out and "example" in out
    assert str(bad) in err
