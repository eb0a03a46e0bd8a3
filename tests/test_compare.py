"""``linkage compare`` and :mod:`linkage.compare`: rows, columns, formats, failures, exit status."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import sympy
from helpers import shock_case

from linkage.cases.loader import load_case
from linkage.cli import main
from linkage.compare import COLUMNS, DEFAULT_COLUMNS, compare, parse_columns
from linkage.errors import LinkageError
from linkage.escape import latex as latex_escape
from linkage.render.comparison import cell, render_comparison
from linkage.render.notebook import comparison_html, comparison_latex

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "cases" / "example.toml"
DOC = ROOT / "docs" / "how-to" / "compare-cases.md"

RICH = shock_case(
    """
[case]
id = "rich_case"
title = "Rich 50% case"
players = ["J", "R"]
discount = "d"
"""
)

# A domain with no stake (C = N) can never be enforced alone; per-player discount factors.
NEVER = """
[case]
id = "aa_never"
players = ["A", "B"]
discount = { A = 0.6, B = 0.7 }

[[domains]]
id = "x"
payoffs.A = { C = 2, D = 3, N = 2 }
payoffs.B = { C = 2, D = 3, N = 1 }

[[domains]]
id = "y"
payoffs.A = { C = 6, D = 6, N = 0 }
payoffs.B = { C = 6, D = 6, N = 0 }
"""


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    path = tmp_path / "rich.toml"
    path.write_text(RICH, encoding="utf-8")
    return path


@pytest.fixture
def never(tmp_path: Path) -> Path:
    path = tmp_path / "never.toml"
    path.write_text(NEVER, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


# -- rows ---------------------------------------------------------------------------------------
def test_rows_hold_the_exact_analysis(rich: Path) -> None:
    result = compare([rich])
    assert [(r.case, r.hypothesis) for r in result.rows] == [
        ("rich_case", "full"),
        ("rich_case", "separate"),
    ]
    full, separate = result.rows
    half, third = sympy.Rational(1, 2), sympy.Rational(1, 3)
    assert {p: t.exact for p, t in full.separate.items()} == {"J": half, "R": third}
    assert full.separate_domains["J"]["lng"].status == "always"
    assert {p: t.exact for p, t in full.linked.items()} == {
        "J": sympy.Rational(2, 9),
        "R": sympy.Rational(1, 4),
    }
    assert full.helps_interval is not None
    assert (full.helps_interval.low, full.helps_interval.high) == (sympy.Rational(1, 4), half)
    assert full.gain == sympy.Rational(1, 4)
    assert full.vulnerable == "R" and separate.vulnerable == "J"
    # the lever is Analysis.lever of the vulnerable player: R's slack is 4/5 in fish, 2 in lng
    case = load_case(rich)
    assert full.lever == case.analysis("full").lever["R"] == "lng"
    assert full.linked_holds is True and full.helps is False
    assert full.separate_holds == {"fish": True, "lng": True}
    # fit: years matched and scored (2020-01 to 2022-06 both domains cooperate; from the shock on
    # fish is suspended, which 'full' does not predict, for the last year of the record)
    assert full.fit is not None and separate.fit is not None
    assert (full.fit["matched"], full.fit["scored"]) == (5.83, 6.83)
    assert (separate.fit["matched"], separate.fit["scored"], separate.fit["share"]) == (
        6.83,
        6.83,
        1,
    )
    # one year of mismatch at the default error rate 0.1: a Bayes factor of 9 for 'separate'
    assert separate.fit["posterior"] == pytest.approx(0.9, abs=1e-3)
    assert separate.gain == 0 and separate.helps_interval is None
    assert full.delta == {"J": sympy.Rational(3, 5), "R": sympy.Rational(3, 5)}


def test_rows_sorted_by_case_with_hypotheses_in_file_order(rich: Path, never: Path) -> None:
    a = compare([rich, EXAMPLE, never])
    b = compare([never, rich, EXAMPLE])
    order = [(r.case, r.hypothesis) for r in a.rows]
    assert order == [
        ("aa_never", "full"),
        ("example", "linkage"),
        ("rich_case", "full"),
        ("rich_case", "separate"),
    ]
    assert render_comparison(a, "json") == render_comparison(b, "json") and render_comparison(
        a
    ) == render_comparison(b)
    assert [(r.case, r.hypothesis) for r in a.primary().rows] == order[:3]
    assert a.cases == ("aa_never", "example", "rich_case")


def test_never_and_per_player_discount(never: Path) -> None:
    (row,) = compare([never]).rows
    assert row.separate["A"].status == "never" and cell(row, "separate") == "A never\nB 0.5"
    assert cell(row, "delta") == "A 0.6\nB 0.7"  # as written, one player per line
    # never separately counts as 1: gain = 1 - max linked (A: 1/7, B: 1/8)
    assert row.gain == 1 - sympy.Rational(1, 7)
    assert cell(row, "helps_interval") == "[0.1429, 1)"
    assert cell(row, "helps_interval", digits=2) == "[0.14, 1)"
    assert cell(row, "separate_holds") == "y" and cell(row, "helps") == "yes"
    data = row.json("separate")
    assert data["A"]["max"]["status"] == "never" and data["A"]["domains"]["x"]["value"] is None
    assert cell(row, "fit") == "n/a" and row.json("fit") is None


# -- columns ------------------------------------------------------------------------------------
def test_parse_columns() -> None:
    assert parse_columns(None) == DEFAULT_COLUMNS and "title" not in DEFAULT_COLUMNS
    assert parse_columns("gain, case") == ("gain", "case")
    with pytest.raises(LinkageError) as info:
        parse_columns("case,nope,vulnerabel")
    message = str(info.value)
    assert "'nope'" in message and "'vulnerabel'" in message
    assert "did you mean 'vulnerable'?" in message
    assert "valid columns: " + ", ".join(COLUMNS) in message
    assert parse_columns("all") == COLUMNS


def test_cli_columns_choose_and_order(rich: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["compare", str(rich), "--columns", "gain,case,fit"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["gain", "case", "posterior"]  # the fit: posterior (time matched)
    assert lines[2].split() == ["0.25", "rich_case", "0.10", "(85%)"]
    assert lines[3].split() == ["0", "rich_case", "0.90", "(100%)"]


def test_cli_unknown_column_is_a_clear_error(
    rich: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["compare", str(rich), "--columns", "case,bogus"], capsys)
    assert code == 1 and out == ""
    assert "unknown column 'bogus'" in err and "valid columns: case, title, hypothesis" in err


# -- formats ------------------------------------------------------------------------------------
def test_text_table_is_aligned_and_deterministic(
    rich: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["compare", str(rich), str(EXAMPLE)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 + 3 * 2 + 2  # two lines per row (one per player), blank between rows
    assert lines[0].startswith("case ") and set(lines[1]) == {"-", " "}
    starts = [m.start() for m in re.finditer(r"\S+", lines[1])]
    for line in lines[2:]:  # every cell starts in its column
        assert all(line[s - 1] == " " for s in starts[1:] if s < len(line))
    assert "[0.25, 0.5)" in out and "J 0.2222" in out and "R 0.25" in out
    code, again, _ = run(["compare", str(EXAMPLE), str(rich)], capsys)
    assert again == out


def test_markdown(rich: Path) -> None:
    text = render_comparison(compare([rich]), "markdown", "case,hypothesis,linked")
    lines = text.splitlines()
    assert lines == [
        "| case | hypothesis | δ* linked |",
        "|---|---|---|",
        "| rich_case | full | J 0.2222; R 0.25 |",
        "| rich_case | separate | J 0.5; R 0.3333 |",
    ]


def test_latex_is_booktabs_and_escaped(rich: Path) -> None:
    text = render_comparison(compare([rich]), "latex", "title,case,separate,fit")
    assert r"\begin{longtable}{@{}llll@{}}" in text and text.rstrip().endswith(r"\end{longtable}}")
    assert text.index(r"\toprule") < text.index(r"\midrule") < text.index(r"\bottomrule")
    assert r"title & case & $\delta^*$ separate & posterior \\" in text
    stacked = r"\begin{tabular}[t]{@{}l@{}}J 0.5 \\ R 0.3333\end{tabular}"
    assert rf"Rich 50\% case & rich\_case & {stacked} & 0.10 (85\%) \\" in text
    # case first: each case is a heading row over its hypotheses
    grouped = render_comparison(compare([rich]), "latex", "case,hypothesis,gain")
    assert r"\multicolumn{2}{@{}l}{\emph{rich\_case}} \\" in grouped
    assert r"hypothesis & gain \\" in grouped and "full & 0.25 \\\\" in grouped
    assert latex_escape(r"a_b&c%d$e#f{g}h~i^j\k") == (
        r"a\_b\&c\%d\$e\#f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k"
    )


def test_csv_round_trips(rich: Path, never: Path) -> None:
    text = render_comparison(compare([rich, never]), "csv", "all")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 * 3  # tidy: one row per case, hypothesis and player
    a = rows[0]
    assert (a["case"], a["hypothesis"], a["player"]) == ("aa_never", "full", "A")
    assert a["separate"] == "nan" and a["separate_status"] == "never" and a["separate_exact"] == ""
    assert float(a["linked"]) == pytest.approx(1 / 7) and a["linked_exact"] == "1/7"
    assert a["delta_exact"] == "3/5" and rows[2]["players"] == "J; R"
    assert float(rows[2]["fit_share"]) == pytest.approx(5.83 / 6.83, abs=1e-3)  # years matched
    assert rows[2]["fit_matched"] == "5.83" and rows[2]["fit_scored"] == "6.83"


def test_json_has_exact_values_and_per_domain_detail(rich: Path) -> None:
    data = json.loads(render_comparison(compare([rich]), "json", "all"))
    assert data["columns"] == list(COLUMNS) and data["failures"] == []
    full = data["rows"][0]
    assert full["separate"]["J"]["max"] == {"status": "threshold", "exact": "1/2", "value": 0.5}
    assert full["separate"]["J"]["domains"]["lng"]["status"] == "always"
    assert full["linked"]["J"]["exact"] == "2/9"
    assert full["helps_interval"]["low"] == "1/4" and full["helps_interval"]["high_value"] == 0.5
    assert full["gain"] == {"exact": "1/4", "value": 0.25}
    assert full["delta"]["R"] == {"exact": "3/5", "value": 0.6}
    assert full["fit"]["share"] == pytest.approx(5.828 / 6.828, abs=1e-3)
    assert full["lever"] == "lng" and full["vulnerable"] == "R"


def test_output_file(rich: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp.csv"
    code, stdout, _ = run(["compare", str(rich), "-f", "csv", "-o", str(out)], capsys)
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8").startswith("case,hypothesis,player,linked,")


# -- directories and failures -------------------------------------------------------------------
def test_directory_expands_and_failures_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = tmp_path / "cases"
    d.mkdir()
    (d / "b_rich.toml").write_text(RICH, encoding="utf-8")
    (d / "a_never.toml").write_text(NEVER, encoding="utf-8")
    (d / "c_broken.toml").write_text(
        "[case]\nid = 'broken'\nplayers = ['A']\ndiscount = 2\n", encoding="utf-8"
    )
    (d / "d_notes.txt").write_text("not a case", encoding="utf-8")
    (d / "e_bad_toml.toml").write_text("[case\n", encoding="utf-8")
    code, out, err = run(["compare", str(d), "--columns", "case,hypothesis"], capsys)
    assert code == 1
    assert [line.split() for line in out.splitlines()[2:]] == [
        ["aa_never", "full"],
        ["rich_case", "full"],
        ["rich_case", "separate"],
    ]
    errors = err.strip().splitlines()
    assert len(errors) == 2
    assert "c_broken.toml" in errors[0] and "e_bad_toml.toml" in errors[1]
    assert all(e.startswith("linkage: error: ") for e in errors)


def test_several_problems_in_one_file_stay_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[case]\nid = 'x'\nplayers = ['A', 'B']\ndiscount = 2\nbogus = 1\n", encoding="utf-8"
    )
    code, _, err = run(["compare", str(bad), str(EXAMPLE)], capsys)
    assert code == 1
    (line,) = err.strip().splitlines()
    assert str(bad) in line and "more problem" in line


def test_none_loads_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["compare", str(tmp_path / "missing.toml"), str(tmp_path)], capsys)
    assert code == 1 and out == ""
    assert (
        "missing.toml" in err
        and "no *.toml case files" in err
        and "no case could be compared" in err
    )


def test_bundled_cases_all_compare() -> None:
    files = sorted((ROOT / "cases").glob("*.toml"))
    result = compare([ROOT / "cases"])
    assert result.failures == ()
    assert set(result.cases) == {load_case(f).id for f in files}
    assert all(cell(r, c) for r in result.rows for c in COLUMNS)


# -- notebooks ----------------------------------------------------------------------------------
def test_comparison_displays_in_notebooks(rich: Path) -> None:
    result = compare([rich, EXAMPLE])
    html = comparison_html(result)
    assert html.count('<tr class="row"') == 3 and "<th>δ* linked</th>" in html
    latex = comparison_latex(result)
    assert latex.startswith("$$\\begin{array}") and "\\text{rich\\_case}" in latex
    assert latex.count("\\\\") == 3  # header + 3 rows, separated


def test_compare_does_not_import_matplotlib(rich: Path) -> None:
    code = (
        "import sys\nfrom linkage.cli import main\n"
        f"assert main(['compare', {str(rich)!r}]) == 0\n"
        "assert 'matplotlib' not in sys.modules, 'compare imported matplotlib'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "rich_case" in proc.stdout


# -- the how-to --------------------------------------------------------------------------------
def test_howto_shell_commands_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The how-to's ```sh commands (which write files, so tests/test_docs.py leaves them alone)
    run in a scratch directory holding its fishing.toml and a cases/ folder."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r">>> FISHING = '''\n(.*?)\n\.\.\. '''", text, flags=re.S)
    assert match is not None
    toml = "\n".join(line[4:] for line in match.group(1).splitlines())
    (tmp_path / "fishing.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "example.toml").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    commands = [
        line
        for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)
        for line in block.splitlines()
        if line.startswith("linkage ")
    ]
    assert len(commands) >= 8
    for command in commands:
        argv = shlex.split(command)[1:]
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 0 and err == "", (command, err)
        if "-o" in argv:
            assert (tmp_path / argv[argv.index("-o") + 1]).stat().st_size > 0, command
        else:
            assert "fishing" in out, command
    assert json.loads((tmp_path / "comparison.json").read_text())["rows"][0]["case"] == "fishing"
    # the last command reports cases/, which holds only example.toml here
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count('class="case-row"') == 1


def test_default_table_fits_100_columns_and_all_columns_wrap(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["compare", str(ROOT / "cases")], capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    assert out.splitlines()[0].split()[:2] == ["case", "hypothesis"]
    code, wide, _ = run(["compare", str(ROOT / "cases"), "--columns", "all"], capsys)
    assert code == 0 and max(len(line) for line in wide.splitlines()) <= 100
    for header in ("title", "vulnerable", "lever", "posterior"):  # wrapped, not cut
        assert header in wide.split()
    title = "Japan – Russia: Kuril fisheries, Sakhalin-2 LNG, sanctions and territory (1998–2025)"
    assert set(title.split()) <= set(wide.split())  # every word of the long title is there


def test_parquet_and_pandas(tmp_path: Path, rich: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pandas = pytest.importorskip("pandas")
    from linkage.render.frames import to_pandas

    out = tmp_path / "cmp.parquet"
    code, stdout, _ = run(["compare", str(rich), "-f", "parquet", "-o", str(out)], capsys)
    assert code == 0 and stdout == ""
    frame = pandas.read_parquet(out)
    assert list(frame["player"]) == ["J", "R", "J", "R"]
    assert frame["linked_exact"].tolist()[:2] == ["2/9", "1/4"]
    assert frame.equals(to_pandas(compare([rich])))
    code, _, err = run(["compare", str(rich), "-f", "parquet"], capsys)
    assert code == 1 and "-o FILE" in err
