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
    assert "1 - delta <= 2*delta" in out
    assert "critical delta 6/11" in out and "once {d1} is punished" in out
    assert "on the path only (deviations from full cooperation): 8/17" in out
    assert "sustainable alone: d1 yes, d2 no" in out


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
