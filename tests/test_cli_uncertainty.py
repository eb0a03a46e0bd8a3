"""``linkage sensitivity``, ``linkage sweep`` and ``report --sensitivity`` on the command line:
the JSON contract, the formats, the plots, and one clear line for each bad input with nothing
written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from linkage.cases.loader import load_case
from linkage.cli import main
from linkage.render.frames import to_pandas
from linkage.uncertainty.montecarlo import sensitivity
from linkage.uncertainty.sweep import Axis, sweep


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "sensitivity", "china_norway", "--draws", "300", "--seed", "3", "-f", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert list(data)[:3] == ["draws", "seed", "verdicts"]
    assert data["draws"] == 300 and data["seed"] == 3
    names = [v["name"] for v in data["verdicts"]]
    assert all(list(v) == ["name", "probability", "stderr"] for v in data["verdicts"])
    assert len(names) == len(set(names))
    prefixes = {n.split(".")[0] for n in names}
    assert prefixes == {
        "separate",
        "linked",
        "on_path",
        "helps",
        "best_package",
        "in_package",
        "posterior",
    }
    for v in data["verdicts"]:
        p = v["probability"]
        assert 0 <= p <= 1 and v["stderr"] == pytest.approx((p * (1 - p) / 300) ** 0.5)
    again = run(capsys, "sensitivity", "china_norway", "-n", "300", "--seed", "3", "-f", "json")
    assert again[1] == out


def test_text_csv_parquet_and_plots(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "sensitivity",
        "iceland_uk",
        "-n",
        "400",
        "--tornado",
        str(tmp_path / "t.svg"),
        "--histogram",
        str(tmp_path / "h.png"),
    )
    assert code == 0
    assert "Verdicts (share of draws" in out and "method: partial rank correlation" in out
    assert (tmp_path / "t.svg").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
    assert (
        run(
            capsys,
            "sensitivity",
            "iceland_uk",
            "-n",
            "200",
            "-f",
            "csv",
            "-o",
            str(tmp_path / "s.csv"),
        )[0]
        == 0
    )
    frame = pd.read_csv(tmp_path / "s.csv")
    assert set(frame["kind"]) == {"verdict", "posterior", "threshold"}
    target = tmp_path / "s.parquet"
    assert (
        run(capsys, "sensitivity", "iceland_uk", "-n", "200", "-f", "parquet", "-o", str(target))[0]
        == 0
    )
    assert len(pd.read_parquet(target)) == len(frame)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "0"], "--draws must be at least 1, got 0"),
        (["--hypothesis", "nope"], "has no hypothesis 'nope'"),
        (["--vary", "salmon_pricee"], "has no parameter 'salmon_pricee'"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--tornado", "t.txt"], "must end in .png, .svg or .pdf"),
        (["--at", "2020-13-01"], "2020-13-01"),
        (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler needs --backend dask"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "out.json"
    code, out, err = run(
        capsys, "sensitivity", "china_norway", "-n", "50", "-f", "json", "-o", str(target), *args
    )
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("linkage: error:") and message in lines[0], err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_parquet_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sensitivity", "china_norway", "-n", "5", "-f", "parquet")
    assert code == 1 and out == "" and "give the file with -o FILE" in err


def test_unreachable_scheduler(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("dask.distributed")
    from linkage.uncertainty import backends

    monkeypatch.setattr(backends, "CONNECT_TIMEOUT", 0.5)
    code, _, err = run(
        capsys,
        "sensitivity",
        "china_norway",
        "-n",
        "50",
        "--backend",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert code == 1
    assert err.strip().splitlines() == [
        "linkage: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 "
        "(no answer within 0.5 s: OSError)"
    ]


def test_sweep_over_delta_matches_the_exact_threshold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = load_case("cases/example.toml")
    result = sweep(case, [Axis("delta", 0.0, 0.99, 100)])
    grid = result.axes[0].values
    for p in case.players:
        exact = case.analysis().linked_thresholds[p].value
        assert exact is not None
        away = abs(grid - exact) > 1e-9  # 0.6 is B's threshold 3/5 up to rounding: a boundary
        holds = result.verdicts[f"linked.linkage.{p}"]
        assert (holds == (grid >= exact))[away].all()
    code, out, _ = run(capsys, "sweep", "example", "--param", "delta=0:0.99:100")
    assert code == 0 and "holds for delta in" in out and "linked.linkage.B" in out
    code, _, _ = run(
        capsys, "sweep", "example", "-p", "delta=0:0.99:50", "-o", str(tmp_path / "s.svg")
    )
    assert code == 0 and (tmp_path / "s.svg").exists()
    code, out, _ = run(
        capsys,
        "sweep",
        "china_norway",
        "-p",
        "delta=0.3:0.95:20",
        "-p",
        "no_rank=0.01:0.5:10",
        "-f",
        "csv",
    )
    assert code == 0 and out.count("\n") == 201


def test_sweep_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sweep", "example", "--param", "delta=0.9:0.1:5")
    assert code == 1 and "LOW must be below HIGH" in err
    code, _, err = run(capsys, "sweep", "china_norway", "--param", "salmon=0:1:5")
    assert code == 1 and "has no parameter 'salmon'" in err


def test_to_pandas_and_report_section(
    cases_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = load_case(cases_dir / "iceland_uk.toml")
    result = sensitivity(case, 200, 1)
    assert len(to_pandas(result, table="draws")) == 200
    assert set(to_pandas(result, table="tornado").columns) == {
        "threshold",
        "parameter",
        "prcc",
        "low",
        "high",
    }
    code, _, _ = run(
        capsys, "report", "iceland_uk", "--sensitivity", "200", "-o", str(tmp_path / "r.html")
    )
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code == 0 and "Robustness over the declared uncertainty" in page
