"""Limits on the work a case or a command asks for (docs/reference/limits.md), the time budget of a
command, and the exact root of a long T-period punishment (:func:`linkage.roots.period_root`)."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import oracle
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import limits
from linkage.cases import load_case_text
from linkage.engine.condition import critical_delta
from linkage.engine.threshold import is_ge
from linkage.errors import CaseError, CaseErrors, LinkageError, TooLargeError
from linkage.model import Domain, Game, LinkageStructure, TPeriodReversion
from linkage.roots import IsolatedRoot, period_root
from linkage.symbols import delta

ROOT = Path(__file__).resolve().parent.parent
HANG = 300  # seconds: a generous guard against hangs, not a measurement


def case_text(
    players: int = 2, domains: int = 2, hypotheses: int = 0, events: int = 0, periods: int = 3
) -> str:
    """A valid case of the given sizes (T-period punishment of ``periods``)."""
    names = [f"P{i}" for i in range(players)]
    out = [
        "[case]",
        'id = "sized"',
        "players = [" + ", ".join(f'"{p}"' for p in names) + "]",
        "discount = 0.8",
        "[strategy]",
        'kind = "t_period"',
        f"periods = {periods}",
    ]
    for k in range(domains):
        out += ["[[domains]]", f'id = "d{k}"']
        out += [f"payoffs.{p} = {{ C = 3, D = 4, N = 1 }}" for p in names]
    for h in range(hypotheses):
        out += ["[[hypotheses]]", f'id = "h{h}"', 'mode = "full"']
    for e in range(events):
        out += ["[[timeline]]", f"date = {2000 + e // 12}-{e % 12 + 1:02d}-01", f'title = "e{e}"']
        out += ['observed = { d0 = "cooperating" }']
    return "\n".join(out) + "\n"


def errors_of(text: str) -> list[CaseError]:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(text, file="sized.toml")
    exc = info.value
    return exc.errors if isinstance(exc, CaseErrors) else [exc]


SIZES = {
    "players": ("players", "case.players"),
    "domains": ("domains", "domains"),
    "hypotheses": ("hypotheses", "hypotheses"),
    "events": ("events", "timeline"),
    "periods": ("periods", "strategy.periods"),
}


@pytest.mark.parametrize("name", sorted(SIZES))
def test_each_limit_is_refused_with_its_key_path_value_and_remedy(name: str) -> None:
    limit = getattr(limits.current(), name)
    keyword, path = SIZES[name]
    # one over the limit (the [linkage]-less file's hypotheses are all [[hypotheses]])
    (error,) = errors_of(case_text(**{keyword: limit + 1}))
    text = str(error)
    assert error.location.key_path == path
    assert f"{limit + 1} {limits.WHAT[name]}, above the limit of {limit}" in text
    assert f"--limit {name}=N" in text and "docs/reference/limits.md" in text
    # at the limit it loads, and a raised limit lets the larger file in
    with limits.raised(**{name: limit + 1}):
        load_case_text(case_text(**{keyword: limit + 1}), file="sized.toml")


def test_every_size_over_its_limit_is_reported_at_once() -> None:
    errors = errors_of(case_text(players=9, domains=25, periods=101))
    assert [e.location.key_path for e in errors] == ["case.players", "domains", "strategy.periods"]


def test_linkage_table_counts_as_a_hypothesis() -> None:
    text = case_text(hypotheses=20) + '[linkage]\nmode = "separate"\n'
    (error,) = errors_of(text)
    assert "21 hypotheses" in str(error)


def test_the_python_api_enforces_the_periods_limit() -> None:
    with pytest.raises(TooLargeError, match="--limit periods=N"):
        TPeriodReversion(10**12)
    with limits.raised(periods=10**12):
        assert TPeriodReversion(10**12).periods == 10**12


def test_limit_options_are_validated() -> None:
    assert limits.parse("periods=500") == ("periods", 500)
    assert limits.parse("sweep-points = 1_000") == ("sweep_points", 1000)
    for bad in ("bogus=1", "periods=0", "periods=x", "periods"):
        with pytest.raises(LinkageError):
            limits.parse(bad)
    with pytest.raises(LinkageError, match="unknown limit"), limits.raised(bogus=1):
        pass  # pragma: no cover


# -- the exact root of a T-period punishment --------------------------------------------------------
def sturm_root(r: sympy.Rational, T: int) -> sympy.Expr:
    """The root in (0, 1) of delta + ... + delta**T - r the old way: real roots counted below 0 by
    Sturm sequences, then sympy's ``CRootOf`` (factoring and isolating)."""
    poly = sympy.Poly(sum(delta**t for t in range(1, T + 1)) - r, delta)
    return sympy.CRootOf(poly.as_expr(), poly.count_roots(None, 0))


def same_root(x: sympy.Expr, y: sympy.Expr, r: sympy.Rational, T: int) -> bool:
    """Exactly whether two roots of delta + ... + delta**T - r are the same: both isolating
    intervals hold a root, and their hull holds only one (Sturm count)."""
    if x.is_Rational or y.is_Rational:
        return bool(x == y)
    poly = sympy.Poly(sum(delta**t for t in range(1, T + 1)) - r, delta)
    a, b = sympy.Rational(str(x.low)), sympy.Rational(str(x.high))
    interval = y._get_interval()
    c, d = sympy.Rational(interval.a), sympy.Rational(interval.b)
    return bool(poly.count_roots(min(a, c), max(b, d)) == 1 and poly.count_roots(a, b) == 1)


ratios = st.fractions(min_value=Fraction(1, 50), max_value=Fraction(12), max_denominator=60)


@settings(max_examples=60)
@given(ratios, st.integers(3, 12))
def test_period_root_equals_the_sturm_root_exactly(ratio: Fraction, T: int) -> None:
    r = sympy.Rational(ratio.numerator, ratio.denominator)
    if not 0 < r < T:
        with pytest.raises(ValueError):
            period_root(r, T, delta)
        return
    root = period_root(r, T, delta)
    assert same_root(root, sturm_root(r, T), r, T)
    if isinstance(root, IsolatedRoot):  # printed as CRootOf of the three-term polynomial
        assert len(root.poly.terms()) == 3
        assert same_root(root, sympy.CRootOf(root.expr, root.index), r, T)  # as sympy reads it


@given(st.integers(1, 9), st.integers(2, 9), st.integers(2, 12))
def test_a_rational_root_comes_out_rational(u: int, v: int, T: int) -> None:
    x = Fraction(min(u, v - 1), v)
    r = sum(x**t for t in range(1, T + 1))
    assert period_root(sympy.Rational(r.numerator, r.denominator), T, delta) == sympy.Rational(
        x.numerator, x.denominator
    )


def test_long_punishments_are_exact_and_cheap() -> None:
    """T = 10**4 (degree 10**4 + 1): no factoring, the index from the parity of T, the root just
    above its grim limit r/(1+r) (the gap is about (6/11)**T, far below any float)."""
    r = sympy.Rational(6, 5)
    root = period_root(r, 10**4, delta)
    assert isinstance(root, IsolatedRoot) and root.index == 1
    assert period_root(r, 10**4 + 1, delta).index == 0
    grim = r / (1 + r)
    assert is_ge(root, grim) and not is_ge(grim, root)
    low, high = root.interval(80)
    assert high - low <= Fraction(1, 2**80) and abs(float(low) - 6 / 11) < 1e-15


def test_roots_closer_than_floats_are_ordered_exactly() -> None:
    r = sympy.Rational(6, 5)
    short, long = period_root(r, 50, delta), period_root(r, 51, delta)
    assert abs(float(short) - float(long)) < 1e-12  # the gap is about 1e-14
    assert is_ge(short, long) and not is_ge(long, short)


def single_domain(C: int, D: int, N: int, T: int) -> Game:
    domain = Domain("d", {p: {"C": C, "D": D, "N": N} for p in ("A", "B")})
    return Game(
        ("A", "B"), [domain], sympy.Rational(1, 2), TPeriodReversion(T), LinkageStructure("full")
    )


@settings(max_examples=40)
@given(
    st.integers(1, 6),
    st.integers(1, 30),
    st.integers(0, 5),
    st.integers(3, 7),
    st.fractions(Fraction(1, 20), Fraction(19, 20), max_denominator=40),
)
def test_the_threshold_agrees_with_the_brute_force_oracle(
    stake: int, gain: int, N: int, T: int, d: Fraction
) -> None:
    """The engine's threshold against the automaton walked with exact fractions."""
    C = N + stake
    game = single_domain(C, C + gain, N, T)
    threshold = critical_delta("t_period", sympy.Integer(gain), sympy.Integer(stake), T)
    judged = oracle.check(game, sympy.Rational(d.numerator, d.denominator))
    assert threshold.holds_at(sympy.Rational(d.numerator, d.denominator)) == judged.holds["A"]


# -- the command line ------------------------------------------------------------------------------
def linkage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkage", *args],
        capture_output=True,
        text=True,
        timeout=HANG,
        cwd=ROOT,
    )


def test_cli_refuses_then_accepts_with_a_raised_limit(tmp_path: Path) -> None:
    case = tmp_path / "long.toml"
    case.write_text(case_text(periods=150))
    refused = linkage("check", str(case))
    assert refused.returncode == 1
    assert "150 periods, above the limit of 100" in refused.stderr
    assert "Traceback" not in refused.stderr
    accepted = linkage("--limit", "periods=150", "analyze", str(case))
    assert accepted.returncode == 0, accepted.stderr
    assert "150-period Nash reversion" in accepted.stdout


def test_cli_draws_and_grid_points_are_limited() -> None:
    draws = linkage("sensitivity", "example", "--draws", "2000000")
    assert draws.returncode != 0 and "2000000 draws, above the limit of 1000000" in draws.stderr
    grid = linkage("sweep", "example", "--param", "delta=0.1:0.9:2000000")
    assert grid.returncode != 0 and "2000000 grid points" in grid.stderr
    for result in (draws, grid):
        assert "--limit" in result.stderr and "Traceback" not in result.stderr


def test_budget_stops_the_command_and_writes_nothing(tmp_path: Path) -> None:
    slow = tmp_path / "slow.toml"
    text = (ROOT / "cases" / "japan_russia.toml").read_text()
    slow.write_text(
        text.replace("[scoring]", '[strategy]\nkind = "t_period"\nperiods = 3000\n\n[scoring]', 1)
    )
    report = tmp_path / "report.html"
    report.write_text("the good old report")
    result = linkage(
        "--limit",
        "periods=3000",
        "--max-seconds",
        "0.5",
        "report",
        "--no-plots",
        "-o",
        str(report),
        str(slow),
    )
    assert result.returncode == 1
    assert "--max-seconds" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert report.read_text() == "the good old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "slow.toml"]


def test_budget_must_be_positive() -> None:
    result = linkage("--max-seconds", "0", "check", "example")
    assert result.returncode == 1 and "--max-seconds must be a positive" in result.stderr


@pytest.mark.parametrize("seconds", ["1", "2", "4"])
def test_budget_stops_a_multi_case_report_wherever_it_lands(tmp_path: Path, seconds: str) -> None:
    """Out of time is not one case's failure (the report would go on without it and be written),
    nor an error a library's ``except Exception`` can swallow mid-import (a traceback later)."""
    report = tmp_path / "report.html"
    report.write_text("the good old report")
    result = linkage("--max-seconds", seconds, "report", "-o", str(report), str(ROOT / "cases"))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("--max-seconds") == 1
    assert report.read_text() == "the good old report"
