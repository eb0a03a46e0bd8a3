"""Uncertainty over the calibration: the case-file keys and their errors, sampling (normal
quantiles, marginals, rank correlations, chunked streams), and results that do not depend on the
backend or the number of workers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import sympy

from linkage.cases.distributions import Distribution
from linkage.cases.loader import load_case, load_case_text
from linkage.errors import CaseError, CaseErrors, LinkageError
from linkage.uncertainty import backends
from linkage.uncertainty.montecarlo import sensitivity
from linkage.uncertainty.sampling import (
    CHUNK_SIZE,
    Uncertainty,
    chunk_generator,
    draw_marginal,
    normal_cdf,
    normal_ppf,
)
from linkage.uncertainty.tornado import prcc, rank_columns, rankdata

HEAD = """
[case]
id = "u"
players = ["A", "B"]
discount = "d"

[parameters.d]
value = 0.6
low = 0.5
high = 0.9
{d}

[parameters.g]
value = 2
low = 1
high = 3
{g}

[parameters.s]
value = 1
low = 0.5
high = 2
{s}

[[domains]]
id = "x"
payoffs.A = {{ C = 3, D = "3 + g", N = 1 }}
payoffs.B = {{ C = 3, D = "3 + g", N = 1 }}

[[domains]]
id = "y"
payoffs.A = {{ C = "1 + s", D = 4, N = 1 }}
payoffs.B = {{ C = "1 + s", D = 4, N = 1 }}
"""


def case_text(d: str = "", g: str = "", s: str = "", tail: str = "") -> str:
    return HEAD.format(d=d, g=g, s=s) + tail


def errors(text: str) -> list[str]:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(text, file="u.toml")
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, CaseErrors) else [str(exc)]


# -- case files ---------------------------------------------------------------------------------
def test_distributions_load_with_defaults_and_format_2_files_are_unchanged() -> None:
    case = load_case_text(
        case_text(
            d='dist = "triangular"',
            g='dist = "truncnormal"\nsd = 0.5',
            s='dist = "beta"\nalpha = 2\nbeta = 3',
        )
    )
    d, g, s = (case.parameters[n].distribution for n in "dgs")
    assert (
        d is not None and d.kind == "triangular" and d.shape["mode"] == case.parameters["d"].value
    )
    assert g is not None and g.shape == {"mean": 2, "sd": sympy.Rational(1, 2)} and g.explicit
    assert s is not None and s.describe() == "beta(1/2, 2, alpha=2, beta=3)"
    plain = load_case_text(case_text())
    assert all(p.dist is None for p in plain.parameters.values())
    assert plain.parameters["g"].distribution == Distribution("uniform", 1, 3, explicit=False)
    assert plain.correlations == ()


def test_bundled_cases_load_without_uncertainty_keys(cases_dir: Path) -> None:
    for path in sorted(cases_dir.glob("*.toml")):
        case = load_case(path)
        assert all(p.dist is None for p in case.parameters.values()), path
        assert case.correlations == ()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            {"d": 'dist = "triangular"\nmode = 0.95'},
            "u.toml:12 at 'parameters.d.mode': mode outside",
        ),
        ({"d": 'dist = "uniforn"'}, "unknown distribution; expected one of uniform, triangular"),
        ({"d": 'dist = "uniforn"'}, "did you mean 'uniform'?"),
        ({"g": "mode = 2"}, "at 'parameters.g.mode': 'mode' without 'dist'"),
        ({"g": 'dist = "triangular"\nsd = 1'}, "'sd' does not shape a triangular distribution"),
        ({"g": 'dist = "truncnormal"'}, "a truncnormal distribution needs 'sd'"),
        ({"g": 'dist = "truncnormal"\nsd = -1'}, "a standard deviation must be positive"),
        ({"g": 'dist = "beta"\nalpha = 0\nbeta = 1'}, "alpha must be positive"),
    ],
)
def test_distribution_errors_are_located(edit: dict[str, str], expected: str) -> None:
    found = errors(case_text(**edit))
    assert len(found) == 1 and expected in found[0], found


def test_a_distribution_needs_a_range_and_log_uniform_a_positive_one() -> None:
    text = case_text(d='dist = "uniform"').replace("low = 0.5\nhigh = 0.9\n", "")
    assert "a uniform distribution needs a range" in errors(text)[0]
    text = case_text(s='dist = "loguniform"').replace("low = 0.5", "low = 0")
    assert "a log-uniform range must be positive" in errors(text)[0]


CORRELATED = """
[[correlations]]
between = ["d", "g"]
rank = {dg}

[[correlations]]
between = ["g", "s"]
rank = {gs}

[[correlations]]
between = ["d", "s"]
rank = {ds}
"""


def test_correlations_load_and_are_checked() -> None:
    case = load_case_text(case_text(tail=CORRELATED.format(dg=0.5, gs=0.3, ds=0.2)))
    assert [(c.a, c.b, c.rank) for c in case.correlations] == [
        ("d", "g", 0.5),
        ("g", "s", 0.3),
        ("d", "s", 0.2),
    ]
    found = errors(case_text(tail=CORRELATED.format(dg=0.9, gs=0.9, ds=-0.9)))
    assert len(found) == 1
    assert "the rank correlations of d, g, s are not positive definite" in found[0]
    assert "u.toml:" in found[0] and "at 'correlations[0]'" in found[0]
    bad = '\n[[correlations]]\nbetween = ["d", "gg"]\nrank = 0.5\n'
    assert "unknown parameter" in errors(case_text(tail=bad))[0]
    assert "did you mean 'g'?" in errors(case_text(tail=bad))[0]
    out_of_range = '\n[[correlations]]\nbetween = ["d", "g"]\nrank = 1\n'
    assert "strictly between -1 and 1" in errors(case_text(tail=out_of_range))[0]


def test_a_distribution_on_a_parameter_used_nowhere_is_a_warning() -> None:
    text = case_text() + '\n[parameters.unused]\nvalue = 1\nlow = 0\nhigh = 2\ndist = "uniform"\n'
    case = load_case_text(text)
    assert any("appears in no payoff" in str(w) for w in case.warnings)


# -- sampling -----------------------------------------------------------------------------------
def test_normal_quantiles_invert_the_cdf_to_machine_precision() -> None:
    p = np.concatenate([np.logspace(-300, -1, 200), np.linspace(0.01, 0.99, 99)])
    z = normal_ppf(p)
    back = np.array([normal_cdf(x) for x in z])
    # z accurate to about 1e-16 relative: p then to 1e-16 * z^2 relative (the tail's slope)
    assert np.all(np.abs(back - p) <= 1e-15 * (1 + z**2) * p)
    assert normal_ppf(np.array([0.975]))[0] == pytest.approx(1.959963984540054, abs=1e-15)
    assert np.allclose(normal_ppf(1 - p[-99:]), -normal_ppf(p[-99:]), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    ("dist", "mean"),
    [
        (Distribution("uniform", 1, 3), 2.0),
        (Distribution("triangular", 0, 3, {"mode": 2}), 5 / 3),
        (Distribution("loguniform", 1, 100), 99 / math.log(100)),
        (Distribution("beta", 0, 10, {"alpha": 2, "beta": 3}), 4.0),
        (Distribution("truncnormal", -1, 1, {"mean": 0, "sd": 1}), 0.0),
        (Distribution("truncnormal", 30, 31, {"mean": 0, "sd": 1}), 30 + 1 / 30),
    ],
)
def test_marginals_stay_in_range_with_the_right_mean(dist: Distribution, mean: float) -> None:
    x = draw_marginal(dist, 200_000, np.random.default_rng(1))
    assert x.min() >= float(dist.low) and x.max() <= float(dist.high)
    assert x.mean() == pytest.approx(mean, abs=0.02 * (float(dist.high) - float(dist.low)))


def test_iman_conover_gives_the_rank_correlations_and_keeps_the_marginals() -> None:
    case = load_case_text(case_text(tail=CORRELATED.format(dg=0.6, gs=-0.4, ds=0.0)))
    u = Uncertainty.from_case(case)
    x = u.draw(CHUNK_SIZE, np.random.default_rng(3))
    ranks = rank_columns(x)
    spearman = np.corrcoef(ranks, rowvar=False)
    assert spearman[0, 1] == pytest.approx(0.6, abs=0.02)
    assert spearman[1, 2] == pytest.approx(-0.4, abs=0.02)
    assert spearman[0, 2] == pytest.approx(0.0, abs=0.02)
    independent = Uncertainty.from_case(load_case_text(case_text()))
    y = independent.draw(CHUNK_SIZE, np.random.default_rng(3))
    assert np.array_equal(np.sort(x[:, 0]), np.sort(y[:, 0]))  # reordered, not redrawn


def test_each_chunk_has_its_own_stream_whatever_the_number_of_chunks() -> None:
    for n in (3, 10):
        spawned = np.random.SeedSequence(7).spawn(n)[2]
        assert np.array_equal(
            np.random.default_rng(spawned).random(5), chunk_generator(7, 2).random(5)
        )


def test_ranks_and_partial_rank_correlations() -> None:
    assert rankdata(np.array([3.0, 1.0, 3.0, np.inf])).tolist() == [2.5, 1.0, 2.5, 4.0]
    rng = np.random.default_rng(0)
    x = rng.random((5000, 3))
    y = np.exp(3 * x[:, 0]) - x[:, 1]  # monotone in x0 (up), x1 (down); x2 does nothing
    r = prcc(rank_columns(x), y)
    assert r[0] is not None and r[0] > 0.9
    assert r[1] is not None and r[1] < -0.5
    assert r[2] is not None and abs(r[2]) < 0.05
    assert prcc(rank_columns(x), np.ones(5000)) == [None, None, None]


# -- runs ---------------------------------------------------------------------------------------
def test_zero_draws_and_unknown_names_are_clear_errors(cases_dir: Path) -> None:
    case = load_case(cases_dir / "china_norway.toml")
    with pytest.raises(LinkageError, match="at least 1"):
        sensitivity(case, 0)
    with pytest.raises(LinkageError, match="did you mean"):
        sensitivity(case, 10, vary=["salmon_pricee"])
    with pytest.raises(LinkageError, match="no hypothesis"):
        sensitivity(case, 10, hypotheses=["nope"])
    with pytest.raises(LinkageError, match="declares no uncertain parameter"):
        sensitivity(load_case(cases_dir / "example.toml"), 10)


def test_the_same_seed_gives_the_same_bytes_for_any_number_of_workers(cases_dir: Path) -> None:
    case = load_case(cases_dir / "china_norway.toml")
    draws = CHUNK_SIZE + 50  # two chunks
    one = json.dumps(sensitivity(case, draws, 5).as_json())
    two = json.dumps(sensitivity(case, draws, 5, workers=2).as_json())
    assert one == two
    other = json.dumps(sensitivity(case, draws, 6).as_json())
    assert other != one


def test_dask_gives_the_same_bytes_as_local(cases_dir: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    case = load_case(cases_dir / "china_norway.toml")
    draws = CHUNK_SIZE + 50
    local = json.dumps(sensitivity(case, draws, 5).as_json())
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = sensitivity(case, draws, 5, backend="dask", scheduler=cluster.scheduler_address)
    assert json.dumps(remote.as_json()) == local


def test_dask_errors_are_one_line(cases_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = load_case(cases_dir / "china_norway.toml")
    monkeypatch.setattr(backends, "CONNECT_TIMEOUT", 0.5)
    with pytest.raises(
        LinkageError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        sensitivity(case, 10, backend="dask", scheduler="tcp://127.0.0.1:9")
    monkeypatch.setattr(backends, "_module", lambda name: None)
    with pytest.raises(LinkageError, match=r"pip install 'issue-linkage\[dask\]'"):
        sensitivity(case, 10, backend="dask")
