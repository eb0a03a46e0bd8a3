""":mod:`linkage.plots` and ``linkage plot``: the data behind every artist; reproducible files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

from linkage import plots
from linkage.cases.case import Case
from linkage.cases.loader import load_case, load_case_text
from linkage.cli import main
from linkage.compare import compare
from linkage.engine.threshold import combine
from linkage.errors import LinkageError
from linkage.timeline import TimelineAnalysis

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "cases" / "example.toml"

CASE_TOML = """
[case]
id = "plotted"
players = ["J", "R"]
discount = "d"

[parameters]
d = { value = "3/5", low = "1/2", high = "9/10" }
g = { value = 2, low = 1, high = 4, unit = "USD bn" }
k = 3

[[domains]]
id = "fish"
payoffs.J = { C = 3, D = "3+g", N = 1 }
payoffs.R = { C = 3, D = 4, N = 1 }

[[domains]]
id = "lng"
payoffs.J = { C = 5, D = 5, N = 0 }
payoffs.R = { C = "k+1", D = "k+2", N = 0 }

[[domains]]
id = "talks"
payoffs.J = { C = 1, D = 2, N = 1 }
payoffs.R = { C = 1, D = 1, N = 0 }

[[hypotheses]]
id = "full"
mode = "full"

[[hypotheses]]
id = "separate"
mode = "separate"

[[timeline]]
date = "2020-01"
title = "Start"
observed = { fish = "cooperating", lng = "cooperating" }

[[timeline]]
date = "2021"
title = "Talks fail"
observed = { talks = "defected" }

[[timeline]]
date = "2022-06"
title = "Shock"
set = { g = 4 }
observed = { fish = "suspended" }
"""


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    path = tmp_path_factory.mktemp("plots") / "plotted.toml"
    path.write_text(CASE_TOML, encoding="utf-8")
    return load_case(path)


def by_gid(fig: Any, gid: str) -> list[Any]:
    return [a for a in fig.findobj() if a.get_gid() == gid]


def one(fig: Any, gid: str) -> Any:
    found = by_gid(fig, gid)
    assert len(found) == 1, (gid, found)
    return found[0]


# -- thresholds ---------------------------------------------------------------------------------
def test_threshold_bars_are_the_exact_thresholds(case: Case) -> None:
    fig = plots.plot_thresholds(case)
    a = case.analysis("full")
    for p in case.players:
        for k in case.domain_ids:
            t = a.separate_thresholds[p][k]
            bar = one(fig, f"separate/{p}/{k}")
            expected = {"never": 1.0, "always": 0.0}.get(t.status, t.value)
            assert bar.get_height() == expected, (p, k)
            assert (bar.get_hatch() == "//") == (t.status == "never")
        linked = one(fig, f"linked/{p}")
        assert set(linked.get_ydata()) == {a.linked_thresholds[p].value}
        calibrated = one(fig, f"delta/{p}")
        assert set(calibrated.get_ydata()) == {0.6}
    # the fish bar of J is g/(g+2) = 1/2; talks is 'never' for J (no stake) and 'always' for R
    assert one(fig, "separate/J/fish").get_height() == 0.5
    assert a.separate_thresholds["J"]["talks"].status == "never"
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {"never", "always", "0.500"} <= texts
    assert [ax.get_title() for ax in fig.axes] == ["J", "R"]


def test_thresholds_of_another_hypothesis(case: Case) -> None:
    fig = plots.plot_thresholds(case, "separate")
    a = case.analysis("separate")
    assert set(one(fig, "linked/J").get_ydata()) == {1.0}  # never under 'separate' (talks)
    assert a.linked_thresholds["J"].status == "never"
    assert "'separate'" in fig.get_suptitle()  # the title names the hypothesis


# -- region -------------------------------------------------------------------------------------
def _at(line: Any, x: float) -> float:
    xs, ys = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    (i,) = np.flatnonzero(xs == x)
    return float(ys[i])


def test_region_boundary_matches_the_exact_analysis(case: Case) -> None:
    fig = plots.plot_region(case, "g", points=101)
    linked, separate = one(fig, "linked-boundary"), one(fig, "separate-boundary")
    xs = np.asarray(linked.get_xdata())
    assert xs[0] == pytest.approx(0.7) and xs[-1] == pytest.approx(4.3)  # [1, 4] padded by 10%
    assert 2.0 in xs and len(xs) == 102  # the calibrated value is a grid point
    a = case.analysis("full")
    assert abs(_at(linked, 2.0) - combine(a.linked_thresholds.values()).value) < 1e-9
    # 'separate' includes J's talks domain, never enforceable: nan everywhere
    assert np.isnan(np.asarray(separate.get_ydata())).all()
    # elsewhere on the grid the boundary is the exact analysis at that value of g
    x = float(xs[80])
    exact = case.analysis("full", {"g": sympy.nsimplify(x, rational=True)})
    assert abs(_at(linked, x) - combine(exact.linked_thresholds.values()).value) < 1e-9
    vline = one(fig, "calibrated")
    assert set(vline.get_xdata()) == {2.0}
    assert set(one(fig, "delta/J").get_ydata()) == {0.6}
    span = one(fig, "range")
    extent = span.get_path().get_extents(span.get_patch_transform())
    assert (extent.x0, extent.x1) == pytest.approx((1.0, 4.0))
    assert fig.axes[0].get_xlabel() == "g (USD bn)"


def test_region_without_range_spans_half_the_value(case: Case) -> None:
    fig = plots.plot_region(case, "k", hypothesis="separate", points=11)
    line = one(fig, "linked-boundary")
    xs = np.asarray(line.get_xdata())
    assert (xs[0], xs[-1]) == pytest.approx((1.5, 4.5)) and 3.0 in xs
    assert by_gid(fig, "range") == []
    # under 'separate', R's lng threshold is 1/(k+2); J's talks is never: linked is nan
    assert np.isnan(_at(line, 3.0))
    lo, hi, shaded = plots.parameter_range(case, "k")
    assert (lo, hi, shaded) == (1.5, 4.5, None)


def test_region_boundary_without_never(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(
        CASE_TOML.split('[[domains]]\nid = "talks"')[0]
        + '[[hypotheses]]\nid = "full"\nmode = "full"\n',
        encoding="utf-8",
    )
    two = load_case(path)
    fig = plots.plot_region(two, "g", points=50)
    a = two.analysis()
    separate = combine(t for per in a.separate_thresholds.values() for t in per.values())
    assert abs(_at(one(fig, "separate-boundary"), 2.0) - separate.value) < 1e-9
    assert (
        abs(_at(one(fig, "linked-boundary"), 2.0) - combine(a.linked_thresholds.values()).value)
        < 1e-9
    )


def test_region_errors(case: Case) -> None:
    with pytest.raises(LinkageError, match=r"no parameter 'nope' \(parameters: d, g, k\)"):
        plots.plot_region(case, "nope")
    with pytest.raises(LinkageError, match="at least 2 points"):
        plots.plot_region(case, "g", points=1)


# -- timeline -----------------------------------------------------------------------------------
def test_timeline_strips_show_observed_and_predicted_states(case: Case) -> None:
    from matplotlib.colors import to_hex

    fig = plots.plot_timeline(case)
    t = TimelineAnalysis(case)
    colours = plots.STATE_COLOURS
    assert [p.start for p in t.periods] == ["2020-01", "2021", "2022-06"]
    for i, p in enumerate(t.periods):
        for k in case.domain_ids:
            cell = one(fig, f"observed/{k}/{i}")
            assert to_hex(cell.get_facecolor()) == colours[p.observed.get(k, "")].lower()
            for h, per in p.predicted.items():
                bar = one(fig, f"predicted/{h}/{k}/{i}")
                assert to_hex(bar.get_facecolor()) == colours[per[k].state].lower()
                assert bool(bar.get_hatch()) == per[k].punished
                mismatch = by_gid(fig, f"mismatch/{h}/{k}/{i}")
                assert len(mismatch) == (p.matches(h).get(k) is False)
    # fish is observed suspended from 2022-06; states carry forward between events
    assert to_hex(one(fig, "observed/fish/2").get_facecolor()) == colours["suspended"].lower()
    assert to_hex(one(fig, "observed/fish/1").get_facecolor()) == colours["cooperating"].lower()
    assert "posterior full" in fig.axes[0].get_title()


def test_timeline_widths_are_proportional_to_time(case: Case) -> None:
    fig = plots.plot_timeline(case)
    t = TimelineAnalysis(case)
    widths = [one(fig, f"observed/fish/{i}").get_width() for i in range(len(t.periods))]
    # 2020-01 to 2021: one year; 2021 to 2022-06: 17 months; the last period: one year (no end)
    assert widths[0] == pytest.approx(1.0)
    assert widths[1] == pytest.approx(1 + 5 / 12, abs=0.01)
    assert widths[2] == pytest.approx(1.0, abs=0.01)
    for p, w in zip(t.periods, widths, strict=True):
        assert w == pytest.approx(p.length, rel=0.01)


def test_timeline_colours_are_distinct_and_labels_do_not_overlap() -> None:
    colours = [c.lower() for c in plots.STATE_COLOURS.values()]
    assert len(set(colours)) == len(colours)
    assert plots.STATE_COLOURS["partial"] != plots.STATE_COLOURS["suspended"]
    # five events within a month: the numbered labels go to separate lanes
    events = "\n".join(
        f'[[timeline]]\ndate = 2022-06-{day:02d}\ntitle = "e{day}"\nobserved = {{ d1 = "cooperating" }}'
        for day in (1, 4, 8, 15, 29)
    )
    text = EXAMPLE.read_text(encoding="utf-8") + "\n" + events + "\n"
    busy = load_case_text(text.replace("[case]\n", "[case]\nend = 2024-01-01\n", 1))
    fig = plots.plot_timeline(busy)
    renderer = fig.canvas.get_renderer()
    boxes = [one(fig, f"event-label/{n}").get_window_extent(renderer) for n in range(5)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    keys = [one(fig, f"event-key/{n}").get_window_extent(renderer) for n in range(5)]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            assert not a.overlaps(b)


def test_timeline_needs_events() -> None:
    with pytest.raises(LinkageError, match="no \\[\\[timeline\\]\\] events"):
        plots.plot_timeline(load_case(EXAMPLE))


# -- gain ---------------------------------------------------------------------------------------
def test_gain_bars(case: Case) -> None:
    result = compare([case, EXAMPLE])
    fig = plots.plot_linkage_gain(result)
    for r in result.rows:
        bar = one(fig, f"gain/{r.case}/{r.hypothesis}")
        if r.gain is None:
            assert bar.get_width() == 0.0 and bar.get_hatch() == "//"
        else:
            assert bar.get_width() == pytest.approx(float(r.gain), abs=1e-12)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [f"{r.case}: {r.hypothesis}" for r in result.rows]
    # J's talks domain is never separately: the gain is 1 - max linked
    full = next(r for r in result.rows if (r.case, r.hypothesis) == ("plotted", "full"))
    assert one(fig, "gain/plotted/full").get_width() == pytest.approx(
        1 - combine(full.linked.values()).value
    )


def _overlaps(texts: list[Any], renderer: Any) -> list[tuple[str, str]]:
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text()]
    return [
        (a, b)
        for i, (a, box) in enumerate(boxes)
        for b, other in boxes[i + 1 :]
        if box.overlaps(other)
    ]


def test_gain_labels_do_not_overlap() -> None:
    """All bundled cases and hypotheses: no two labels (or value notes) overlap, and every label
    lies inside the figure."""
    result = compare([ROOT / "cases"])
    fig = plots.plot_linkage_gain(result)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = list(ax.get_yticklabels())
    assert len(labels) == len(result.rows) > 10
    assert _overlaps(labels, renderer) == []
    assert _overlaps([t for t in ax.texts], renderer) == []
    figure_box = fig.bbox
    for label in labels:
        box = label.get_window_extent(renderer)
        assert box.x0 >= figure_box.x0 and box.x1 <= figure_box.x1


# -- files --------------------------------------------------------------------------------------
def test_svg_and_png_are_reproducible(case: Case, tmp_path: Path) -> None:
    first = plots.plot_region(case, "g", points=30, path=tmp_path / "a.svg")
    plots.plot_region(case, "g", points=30, path=tmp_path / "b.svg")
    plots.save(first, tmp_path / "c.svg")
    a, b, c = ((tmp_path / n).read_bytes() for n in ("a.svg", "b.svg", "c.svg"))
    assert a == b == c and a.startswith(b"<?xml") and b"<dc:date>" not in a
    plots.plot_thresholds(case, path=tmp_path / "a.png")
    plots.plot_thresholds(case, path=tmp_path / "b.png")
    png = (tmp_path / "a.png").read_bytes()
    assert png == (tmp_path / "b.png").read_bytes() and png.startswith(b"\x89PNG")
    with pytest.raises(LinkageError, match=r"must end in \.png, \.svg or \.pdf"):
        plots.save(first, tmp_path / "x.jpg")


def test_every_figure_saves_as_pdf(case: Case, tmp_path: Path) -> None:
    figures = {
        "thresholds": lambda: plots.plot_thresholds(case),
        "region": lambda: plots.plot_region(case, ["g", "k"], points=20),
        "timeline": lambda: plots.plot_timeline(case),
        "gain": lambda: plots.plot_linkage_gain(compare([case])),
    }
    for name, draw in figures.items():
        a, b = tmp_path / f"{name}-a.pdf", tmp_path / f"{name}-b.pdf"
        plots.save(draw(), a)
        plots.save(draw(), b)
        assert a.read_bytes().startswith(b"%PDF") and a.read_bytes() == b.read_bytes(), name
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


def test_region_panels_and_params_option(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fig = plots.plot_region(case, ["g", "k"], points=20)
    assert [ax.get_xlabel().split()[0] for ax in fig.axes] == ["g", "k"]
    assert len(by_gid(fig, "linked-boundary")) == 2
    assert case.path is not None
    out = tmp_path / "r.pdf"
    assert main(["plot", "region", case.path, "--params", "g,k", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["plot", "region", case.path, "--params", "g,kk", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no parameter 'kk'" in err and "did you mean 'k'?" in err


def test_plot_cli(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert case.path is not None
    out = tmp_path / "r.svg"
    assert (
        main(["plot", "region", case.path, "--parameter", "g", "--points", "20", "-o", str(out)])
        == 0
    )
    first = out.read_bytes()
    assert (
        main(["plot", "region", case.path, "--parameter", "g", "--points", "20", "-o", str(out)])
        == 0
    )
    assert out.read_bytes() == first and b'id="linked-boundary"' in first
    for kind in ("thresholds", "timeline"):
        target = tmp_path / f"{kind}.png"
        assert main(["plot", kind, case.path, "-o", str(target), "--hypothesis", "separate"]) == 0
        assert target.read_bytes().startswith(b"\x89PNG")
    assert main(["plot", "gain", case.path, str(EXAMPLE), "-o", str(tmp_path / "g.svg")]) == 0
    assert b'id="gain/example/linkage"' in (tmp_path / "g.svg").read_bytes()
    capsys.readouterr()
    assert main(["plot", "region", case.path, "-o", str(out)]) == 1
    assert (
        "needs --params NAME[,NAME] (parameters of 'plotted': d, g, k)" in capsys.readouterr().err
    )
    assert main(["plot", "thresholds", case.path, str(EXAMPLE), "-o", str(out)]) == 1
    assert "draws one case, got 2" in capsys.readouterr().err
    assert main(["plot", "thresholds", case.path, "-o", str(tmp_path / "x.jpg")]) == 1
    assert "must end in .png, .svg or .pdf" in capsys.readouterr().err
    assert main(["plot", "gain", case.path, str(tmp_path / "missing.toml"), "-o", str(out)]) == 1
    assert "missing.toml" in capsys.readouterr().err
