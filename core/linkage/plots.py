r"""Plots of a case's enforcement conditions, drawn with matplotlib (the ``plot`` extra).

Every function returns the :class:`matplotlib.figure.Figure` it drew, so the data behind each artist
can be read back, and saves it as PNG, SVG or PDF (by the suffix of ``path``) when given one. The
data of each figure is prepared first (exact thresholds, vectorised boundaries) and the figure is
drawn once, at save time:

:func:`plot_thresholds`
    per player (one panel each) and domain, the separate :math:`\delta_{ik}` as bars, the linked
    :math:`\delta_i^L` as a horizontal segment and the calibrated :math:`\delta_i` as a dashed line.
    ``always`` is a bar of height 0; ``never`` is a hatched bar up to 1 labelled "never".
:func:`plot_region`
    the enforceable region in the plane of a parameter (x) and :math:`\delta` (y), one panel per
    parameter when given several (``--params a,b``): above the
    separate boundary :math:`\max_{i,k}\delta_{ik}(x)` and above the linked boundary
    :math:`\max_i\delta_i^L(x)`, computed with the vectorised
    :func:`~linkage.engine.numeric.compile_conditions` from the closed forms (every other parameter
    at its calibrated value). The x axis spans the parameter's ``[low, high]`` range (shaded),
    padded by 10% of its width on each side (never below 0 for a non-negative parameter), or
    :math:`\pm 50\%` of its value when it has no range; the calibrated value is a vertical line and
    is always one of the grid points.
:func:`plot_timeline`
    the state of every domain over time, recorded and predicted by each hypothesis, as strips
    whose widths are proportional to time (punishment phases hatched, mismatches ticked, events
    numbered and keyed below).
:func:`plot_linkage_gain`
    across cases and hypotheses, the linkage gain :math:`\max_{i,k}\delta_{ik} - \max_i\delta_i^L`
    (see :mod:`linkage.compare`) as horizontal bars, one labelled row each (labels never overlap,
    however many cases).

Artists carry a ``gid`` naming what they show (``separate/<player>/<domain>``, ``linked/<player>``,
``delta/<player>``, ``linked-boundary``, ...). matplotlib is imported only when a plot is drawn,
with the Agg canvas and no pyplot state. Saved files are byte-for-byte reproducible: the SVG hash
salt is fixed and no date is written. SVG keeps text as text (compact, searchable; fonts from a
generic family stack), PDF embeds its fonts.
"""

from __future__ import annotations

import functools
import io
import os
import re
import textwrap
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy

from linkage.atomic import write_atomic
from linkage.cases.case import Case
from linkage.compare import Comparison, compare
from linkage.engine.analysis import Analysis
from linkage.engine.condition import Condition
from linkage.engine.numeric import compile_conditions, compile_expression
from linkage.engine.threshold import Threshold
from linkage.errors import LinkageError
from linkage.escape import plain
from linkage.timeline import TimelineAnalysis
from linkage.values import to_float

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SVG_HASH_SALT = "linkage"
"""Fixed salt of the ids matplotlib writes into SVG files, so the bytes are reproducible."""

PLOT_RC: dict[str, Any] = {
    "svg.hashsalt": SVG_HASH_SALT,
    "svg.fonttype": "none",
    "font.size": 9,
    "font.family": ["DejaVu Sans", "sans-serif"],
    "pdf.fonttype": 42,
    "text.parse_math": False,  # text from case files is drawn as written: "$x$" is not mathtext
}

FORMATS = ("png", "svg", "pdf")
"""The file formats a figure is saved in, by the output file's suffix."""

STATE_COLOURS: dict[str, str] = {
    "cooperating": "#009E73",
    "restructured": "#56B4E9",
    "partial": "#F0E442",
    "suspended": "#E69F00",
    "defected": "#D55E00",
    "unknown": "#BBBBBB",
    "breakdown": "#CC79A7",
    "": "#FFFFFF",
}
"""Colours of domain states in :func:`plot_timeline`, from the Okabe–Ito palette (distinct under
the common colour-vision deficiencies): the recorded states, ``breakdown`` (a hypothesis'
prediction) and ``""`` (nothing recorded)."""

NEVER_HEIGHT = 1.0
"""Height of the hatched bar that shows a ``never`` threshold."""


TITLE_WIDTH = 70
"""Characters per line of a plot title; long case titles wrap instead of running off the figure."""


def _title(case: Case, what: str) -> str:
    return "\n".join(textwrap.wrap(plain(f"{case.title or case.id}: {what}"), TITLE_WIDTH))


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - the test extras install matplotlib
        raise LinkageError("plotting needs matplotlib: pip install 'issue-linkage[plot]'") from None
    return matplotlib


def new_figure(
    width: float, height: float, margins: tuple[float, float, float, float] | None = None
) -> Figure:
    """An empty figure on the Agg canvas (no pyplot, no global state).

    ``margins`` (left, right, top, bottom, in inches) place the axes directly, so the figure is
    drawn once when saved; without them matplotlib's constrained layout measures it first."""
    matplotlib = _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(PLOT_RC):
        if margins is None:
            fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
        else:
            left, right, top, bottom = margins
            fig = Figure(figsize=(width, height), dpi=100)
            fig.subplots_adjust(
                left=left / width,
                right=1 - right / width,
                top=1 - top / height,
                bottom=bottom / height,
                wspace=0.08,
            )
    FigureCanvasAgg(fig)
    return fig


def _text_inches(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` at font ``size`` points, in inches."""
    return 0.6 * size / 72 * max((len(line) for line in text.split("\n")), default=0)


def save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Save ``fig`` as PNG, SVG or PDF (by the file's suffix), reproducibly and atomically (a
    temporary file in the same directory, then :func:`os.replace`)."""
    out = Path(path)
    kind = out.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise LinkageError(
            f"cannot save a plot as {out.name!r}: the file must end in .png, .svg or .pdf"
        )
    return write_atomic(figure_bytes(fig, kind), out)


def figure_bytes(fig: Figure, kind: str = "svg") -> bytes:
    """The figure as PNG, SVG or PDF bytes (identical for identical figures)."""
    matplotlib = _matplotlib()
    metadata: dict[str, Any] = {
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None},
    }.get(kind, {"Software": None})
    buffer = io.BytesIO()
    with matplotlib.rc_context(PLOT_RC):
        fig.savefig(buffer, format=kind, metadata=metadata)
    data = buffer.getvalue()
    return compact_svg(data) if kind == "svg" else data


_PATH_DATA = re.compile(rb' d="([^"]*)"')
_COMMAND = re.compile(rb"([A-Za-z])([^A-Za-z]*)")
_DECIMAL = re.compile(rb"-?\d+(?:\.\d+)?")


def _tenth(number: bytes) -> bytes:
    text = b"%.1f" % float(number)
    text = text[:-2] if text.endswith(b".0") else text
    return b"0" if text == b"-0" else text


def _polyline(points: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Drop the inner points of horizontal and vertical runs (they change nothing drawn)."""
    out: list[tuple[bytes, bytes]] = []
    for point in points:
        if len(out) >= 2 and (
            out[-2][0] == out[-1][0] == point[0] or out[-2][1] == out[-1][1] == point[1]
        ):
            out[-1] = point
        else:
            out.append(point)
    return out


def _path(d: bytes) -> bytes:
    """Path data with coordinates to a tenth of a point, straight runs merged and repeated
    ``L`` commands left implicit (after ``M`` or ``L``, further pairs are line-tos)."""
    out: list[bytes] = []
    run: list[tuple[bytes, bytes]] = []
    start = b"M"  # the command that opened the current run: M, or L after a curve

    def flush() -> None:
        if run:
            pts = _polyline(run) if start == b"M" else run
            out.append(start + b" ".join(x + b" " + y for x, y in pts))
            run.clear()

    for command, args in _COMMAND.findall(d):
        numbers = [_tenth(n) for n in _DECIMAL.findall(args)]
        if command in (b"M", b"L") and len(numbers) == 2:
            if command == b"M" or not run:
                flush()
                start = command
            run.append((numbers[0], numbers[1]))
            continue
        flush()
        out.append(command + b" ".join(numbers))
    flush()
    return b"".join(out)


_BETWEEN_TAGS = re.compile(rb">\s+<")
_STYLE = re.compile(rb' style="([^"]*)"')


def compact_svg(svg: bytes) -> bytes:
    """``svg`` made compact without changing what it draws: path coordinates rounded to a tenth
    of a point (a 720th of an inch, below what a screen or a printer shows), straight runs merged,
    implicit line-tos, no indentation between tags, no spaces in styles."""
    svg = _PATH_DATA.sub(lambda m: b' d="' + _path(m.group(1)) + b'"', svg)
    svg = _STYLE.sub(
        lambda m: b' style="' + re.sub(rb"\s*([:;])\s*", rb"\1", m.group(1)) + b'"', svg
    )
    return _BETWEEN_TAGS.sub(b"><", _style_classes(svg))


def _style_classes(svg: bytes) -> bytes:
    """Styles used three times or more become classes of one ``<style>`` element (in order of
    first use, so the bytes stay reproducible)."""
    counts: dict[bytes, int] = {}
    for style in _STYLE.findall(svg):
        counts[style] = counts.get(style, 0) + 1
    shared = [style for style, n in counts.items() if n >= 3 and b"}" not in style]
    if not shared or b"</defs>" not in svg:
        return svg
    names = {style: b"s%d" % i for i, style in enumerate(shared)}
    svg = _STYLE.sub(
        lambda m: b' class="' + names[m.group(1)] + b'"' if m.group(1) in names else m.group(0), svg
    )
    rules = b"".join(b"." + names[style] + b"{" + style + b"}" for style in shared)
    return svg.replace(b"<defs>", b"<defs><style>" + rules + b"</style>", 1)


def _finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure:
    if path is not None:
        save(fig, path)
    return fig


def bar_height(t: Threshold) -> float:
    """The height that shows a threshold: its value, 0 for ``always``, 1 for ``never``."""
    if t.status == "never":
        return NEVER_HEIGHT
    if t.status == "always":
        return 0.0
    if t.value is None:
        raise LinkageError(f"threshold {t} has no numeric value at the calibration")
    return t.value


def _float(expr: sympy.Expr) -> float:
    return to_float(expr)


# -- thresholds ---------------------------------------------------------------------------------
def plot_thresholds(
    case: Case,
    hypothesis: str | None = None,
    path: str | os.PathLike[str] | None = None,
    *,
    analysis: Analysis | None = None,
) -> Figure:
    """Separate and linked critical discount factors of every player, with the calibrated δ.

    ``analysis``: the hypothesis' analysis at the calibration, if already computed."""
    matplotlib = _matplotlib()
    hyp = case.hypothesis(hypothesis)
    a = analysis if analysis is not None else case.analysis(hyp.id)
    players, domains = case.players, case.domain_ids
    width = max(4.0, 1.2 + len(players) * (0.9 + 0.55 * len(domains)))
    rotated = len(domains) > 3
    bottom = 0.45 + (_text_inches(max(domains, key=len), 9) * 0.5 if rotated else 0.0)
    title_lines = _title(case, f"critical δ under {hyp.id!r}").count("\n") + 1
    fig = new_figure(width, 3.4 + bottom - 0.45, (0.6, 0.15, 0.45 + 0.17 * title_lines, bottom))
    with matplotlib.rc_context(PLOT_RC):
        axes = fig.subplots(1, len(players), sharey=True, squeeze=False)[0]
        for ax, p in zip(axes, players, strict=True):
            for i, k in enumerate(domains):
                t = a.separate_thresholds[p][k]
                never = t.status == "never"
                ax.bar(
                    i,
                    bar_height(t),
                    width=0.7,
                    color="#ffffff" if never else "#4c72b0",
                    edgecolor="#4c72b0",
                    hatch="//" if never else None,
                    gid=f"separate/{p}/{k}",
                    label="separate δ*" if i == 0 else None,
                )
                text = (
                    "never" if never else ("always" if t.status == "always" else f"{t.value:.3f}")
                )
                ax.text(
                    i, min(bar_height(t), 1.0) + 0.02, text, ha="center", va="bottom", fontsize=7
                )
            linked = a.linked_thresholds[p]
            ax.plot(
                [-0.45, len(domains) - 0.55],
                [bar_height(linked)] * 2,
                color="#dd8452",
                lw=2.5,
                solid_capstyle="butt",
                gid=f"linked/{p}",
                label="linked δ*" + (" (never)" if linked.status == "never" else ""),
            )
            ax.axhline(
                _float(a.game.discount.of(p)),
                color="black",
                ls="--",
                lw=1,
                gid=f"delta/{p}",
                label="calibrated δ",
            )
            ax.set_xticks(
                range(len(domains)),
                domains,
                rotation=30 if rotated else 0,
                ha="right" if rotated else "center",
                rotation_mode="anchor",
            )
            ax.set_xlim(-0.6, len(domains) - 0.4)
            ax.set_ylim(0, 1.1)
            ax.set_title(plain(p))
        axes[0].set_ylabel("critical δ")
        axes[-1].legend(loc="upper right", fontsize=7, framealpha=0.9)
        fig.suptitle(_title(case, f"critical δ under {hyp.id!r}"))
    return _finish(fig, path)


# -- region -------------------------------------------------------------------------------------
def parameter_range(case: Case, parameter: str) -> tuple[float, float, tuple[float, float] | None]:
    """The x range of :func:`plot_region` for ``parameter`` and its shaded ``[low, high]``."""
    if parameter not in case.parameters:
        known = ", ".join(case.parameters) or "none"
        raise LinkageError(f"case {case.id!r} has no parameter {parameter!r} (parameters: {known})")
    pv = case.parameters[parameter]
    value = _float(case.calibration()[pv.symbol])  # the value in force at the case's date
    nonnegative = bool(pv.symbol.is_nonnegative)
    low = _float(pv.low) if pv.low is not None and pv.low.is_number else None
    high = _float(pv.high) if pv.high is not None and pv.high.is_number else None
    half = 0.5 * abs(value) if value != 0 else 1.0
    if low is None and high is None:
        lo, hi, shaded = value - half, value + half, None
    else:
        lo = low if low is not None else min(value - half, high if high is not None else value)
        hi = high if high is not None else max(value + half, lo)
        shaded = (lo, hi)
        pad = 0.1 * (hi - lo) if hi > lo else half
        lo, hi = lo - pad, hi + pad
    if nonnegative:
        lo = max(lo, 0.0)
    return lo, hi, shaded


_COMPILED: weakref.WeakKeyDictionary[Analysis, tuple[Any, Any]] = weakref.WeakKeyDictionary()


def _distinct(conditions: list[Condition]) -> list[Condition]:
    """The conditions with the same gain and terms compiled once: a boundary is their maximum
    critical δ, which a repeated condition does not change."""
    first: dict[tuple[object, ...], Condition] = {}
    for c in conditions:
        first.setdefault((c.gain, c.terms), c)
    return list(first.values())


def _compiled_boundaries(case: Case, s: Analysis) -> tuple[Any, Any]:
    """The separate and linked boundaries of ``s`` compiled once in every parameter of ``case``
    (a panel then evaluates them with its parameter varying and the others fixed)."""
    if s not in _COMPILED:
        symbols = [p.symbol for p in case.parameters.values()]
        separate = [
            c
            for per in s.separate_constraints.values()
            for dc in per.values()
            for c in dc.conditions
        ]
        linked = [c for cs in s.linked_constraints.values() for dc in cs for c in dc.conditions]
        _COMPILED[s] = (
            compile_conditions(_distinct(separate), symbols),
            compile_conditions(_distinct(linked), symbols),
        )
    return _COMPILED[s]


def region_boundaries(
    case: Case,
    parameter: str,
    grid: Any,
    hypothesis: str | None = None,
    *,
    symbolic: Analysis | None = None,
) -> tuple[Any, Any]:
    """The separate and linked boundaries (max critical δ, ``nan`` for never) over ``grid``,
    every other parameter at its calibrated value.

    ``symbolic`` is the hypothesis' closed-form analysis when the caller already has it."""
    import numpy as np

    s = symbolic if symbolic is not None else case.symbolic_analysis(case.hypothesis(hypothesis).id)
    separate, linked = _compiled_boundaries(case, s)
    x = np.asarray(grid, dtype=float)
    args = [x if name == parameter else _float(p.value) for name, p in case.parameters.items()]
    return (
        np.broadcast_to(separate(*args), x.shape),
        np.broadcast_to(linked(*args), x.shape),
    )


def plot_region(
    case: Case,
    parameter: str | Sequence[str],
    hypothesis: str | None = None,
    points: int = 200,
    path: str | os.PathLike[str] | None = None,
    *,
    symbolic: Analysis | None = None,
) -> Figure:
    """Where cooperation is enforceable in the (parameter, δ) plane, separately and linked; one
    panel per parameter when ``parameter`` is a list (sharing the δ axis and one legend).

    ``symbolic``: the hypothesis' closed-form analysis, if already computed (it is reused)."""
    matplotlib = _matplotlib()
    hyp = case.hypothesis(hypothesis)
    names = [parameter] if isinstance(parameter, str) else list(dict.fromkeys(parameter))
    if not names:
        raise LinkageError("a region plot needs at least one parameter")
    if points < 2:
        raise LinkageError(f"a region plot needs at least 2 points, got {points}")
    s = symbolic if symbolic is not None else case.symbolic_analysis(hyp.id)
    panels = [_region_data(case, name, points, s) for name in names]  # all data before drawing
    title_lines = _title(case, f"enforceable region under {hyp.id!r}").count("\n") + 1
    fig = new_figure(
        6.0 if len(names) == 1 else 1.0 + 3.4 * len(names),
        4.0,
        (0.6, 0.15, 0.25 + 0.17 * title_lines, 0.5),
    )
    with matplotlib.rc_context(PLOT_RC):
        axes = fig.subplots(1, len(names), sharey=True, squeeze=False)[0]
        for ax, name, data in zip(axes, names, panels, strict=True):
            _region_panel(ax, case, name, *data)
        axes[0].set_ylabel("δ")
        if len(names) == 1:
            axes[0].set_title(_title(case, f"enforceable region under {hyp.id!r}"))
            axes[0].legend(loc="lower right", fontsize=7, framealpha=0.9)
        else:
            fig.suptitle(_title(case, f"enforceable region under {hyp.id!r}"))
            handles, labels = axes[0].get_legend_handles_labels()
            keep = [
                i for i, lab in enumerate(labels) if not lab.startswith(("calibrated ", names[0]))
            ]
            axes[-1].legend(
                [handles[i] for i in keep],
                [labels[i] for i in keep],
                loc="lower right",
                fontsize=7,
                framealpha=0.9,
            )
    return _finish(fig, path)


def _region_data(case: Case, parameter: str, points: int, symbolic: Analysis) -> tuple[Any, ...]:
    """The x range, shaded range, grid and both boundaries of one region panel."""
    import numpy as np

    lo, hi, shaded = parameter_range(case, parameter)
    value = _float(case.parameters[parameter].value)
    grid = np.union1d(np.linspace(lo, hi, points), [value])
    separate, linked = region_boundaries(case, parameter, grid, symbolic=symbolic)
    return lo, hi, shaded, value, grid, separate, linked


def _region_panel(
    ax: Axes,
    case: Case,
    parameter: str,
    lo: float,
    hi: float,
    shaded: tuple[float, float] | None,
    value: float,
    grid: Any,
    separate: Any,
    linked: Any,
) -> None:
    import numpy as np

    pv = case.parameters[parameter]
    if shaded is not None:
        ax.axvspan(*shaded, color="#f0f0f0", zorder=0, gid="range", label=f"{parameter} range")
    ax.fill_between(
        grid,
        np.where(np.isnan(linked), 1.0, linked),
        1.0,
        where=~np.isnan(linked),
        color="#dd8452",
        alpha=0.3,
        lw=0,
        gid="linked-region",
        label="enforceable linked",
    )
    ax.fill_between(
        grid,
        np.where(np.isnan(separate), 1.0, separate),
        1.0,
        where=~np.isnan(separate),
        facecolor="none",
        edgecolor="#4c72b0",
        hatch="///",
        lw=0,
        alpha=0.6,
        gid="separate-region",
        label="enforceable separately",
    )
    ax.plot(grid, linked, color="#dd8452", lw=2, gid="linked-boundary", label="linked: max δ*ᵢ")
    ax.plot(
        grid,
        separate,
        color="#4c72b0",
        lw=2,
        gid="separate-boundary",
        label="separate: max δ*ᵢₖ",
    )
    ax.axvline(
        value,
        color="black",
        ls=":",
        lw=1.2,
        gid="calibrated",
        label=f"calibrated {parameter} = {value:g}",
    )
    _discount_lines(ax, case, parameter, grid)
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 1)
    unit = f" ({pv.unit})" if pv.unit else ""
    ax.set_xlabel(plain(parameter + unit))


def _discount_lines(ax: Axes, case: Case, parameter: str, grid: Any) -> None:
    """The calibrated δ of each player: a horizontal line, or a curve if it depends on x."""
    import numpy as np

    symbol = case.parameters[parameter].symbol
    others = {s: v for s, v in case.calibration().items() if s != symbol}
    drawn: dict[str, str] = {}
    for i, p in enumerate(case.players):
        d = case.game.discount.of(p).subs(others)
        key = sympy.sstr(d)
        if key in drawn:  # a common discount factor is drawn once
            continue
        drawn[key] = p
        label = "calibrated δ" if case.game.discount.is_common else f"calibrated δ of {p}"
        style: dict[str, Any] = {
            "color": "black",
            "ls": "--",
            "lw": 1,
            "gid": f"delta/{p}",
            "label": label,
            "alpha": max(0.4, 1.0 - 0.25 * i),
        }
        if symbol in d.free_symbols:
            ax.plot(
                grid, np.broadcast_to(compile_expression(d, [symbol])(grid), grid.shape), **style
            )
        else:
            ax.axhline(_float(d), **style)


# -- timeline -----------------------------------------------------------------------------------
def decimal_year(ordinal: int) -> float:
    """A day as a decimal year (1 July 2022 ≈ 2022.5), the x axis of :func:`plot_timeline`."""
    import datetime as dt

    d = dt.date.fromordinal(ordinal)
    start = dt.date(d.year, 1, 1).toordinal()
    return d.year + (ordinal - start) / (dt.date(d.year + 1, 1, 1).toordinal() - start)


def label_lanes(xs: Sequence[float], gap: float) -> list[int]:
    """A lane (row) for each label at ``xs`` (in increasing order) so that labels in one lane are
    at least ``gap`` apart: the first lane where it fits."""
    ends: list[float] = []
    lanes = []
    for x in xs:
        for lane, last in enumerate(ends):
            if x - last >= gap:
                ends[lane] = x
                lanes.append(lane)
                break
        else:
            ends.append(x)
            lanes.append(len(ends) - 1)
    return lanes


TIMELINE_WIDTH = 10.0
"""Width of the timeline figure, in inches."""


class _Strips:
    """Horizontal bars of one axes, drawn as ``Axes.barh`` draws them (the same patches, so the
    same file) without its per-call overhead: no units, colours converted once per colour, and
    no data limits (the caller sets both axis limits)."""

    def __init__(self, ax: Axes) -> None:
        import numpy as np
        from matplotlib.colors import to_rgba
        from matplotlib.patches import Rectangle

        self.np = np
        self.ax = ax
        self.rectangle = Rectangle
        self.rgba = functools.cache(to_rgba)

    def __call__(
        self,
        y: float,
        width: float,
        left: float,
        color: str,
        gid: str,
        *,
        height: float = 0.8,
        edgecolor: str | None = "white",
        lw: float = 0.3,
        hatch: str | None = None,
    ) -> None:
        r = self.rectangle(
            xy=(left, y - height / 2),
            width=width,
            height=height,
            facecolor=self.rgba(color),
            edgecolor=None if edgecolor is None else self.rgba(edgecolor),
            linewidth=lw,
            label="_nolegend_",
            # a numpy string, as from barh: its repr goes into the id of the SVG hatch pattern
            hatch=None if hatch is None else self.np.str_(hatch),
        )
        r.set_gid(gid)
        r.get_path()._interpolation_steps = 100  # type: ignore[attr-defined]  # as barh
        r.sticky_edges.x.append(left)
        self.ax.add_artist(r)


def plot_timeline(
    case: Case,
    path: str | os.PathLike[str] | None = None,
    *,
    timeline: TimelineAnalysis | None = None,
) -> Figure:
    """Observed and predicted domain states over time, as strips whose widths are proportional to
    time; every event is a numbered marker, keyed below the strips.

    Per domain, one strip for the record and one per hypothesis. Predicted breakdowns in a
    punishment phase are hatched; a black tick under a prediction marks time in which it differs
    from the record. ``timeline``: the case's :class:`~linkage.timeline.TimelineAnalysis`, if
    already computed."""
    import textwrap

    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    matplotlib = _matplotlib()
    if not case.timeline:
        raise LinkageError(f"case {case.id!r} has no [[timeline]] events to plot")
    t = timeline if timeline is not None else TimelineAnalysis(case)
    hyps = list(t.hypotheses)
    segs = t.segments
    x0, x1 = decimal_year(segs[0].start), decimal_year(segs[-1].end)
    rows: list[tuple[str, str, str | None]] = []  # (label, domain, hypothesis or None = observed)
    for k in case.domain_ids:
        rows.append((f"{k}: record", k, None))
        rows += [(f"{k}: {h}", k, h) for h in hyps]
    events = [(i, e) for i, e in enumerate(case.timeline)]
    key_lines = [
        textwrap.shorten(plain(f"{n + 1}  {e.date}  {e.title}"), 62, placeholder="…")
        for n, (_i, e) in enumerate(events)
    ]
    half = (len(key_lines) + 1) // 2
    strip_height = 0.9 + 0.26 * len(rows)
    key_height = 0.2 + 0.16 * half
    fig = new_figure(TIMELINE_WIDTH, strip_height + key_height + 0.6)
    with matplotlib.rc_context(PLOT_RC):
        ax, key = fig.subplots(2, 1, height_ratios=[strip_height, key_height])
        ax.set_facecolor("white")
        strip = _Strips(ax)
        for y, (_label, k, h) in enumerate(rows):
            for i, (seg, period) in enumerate(zip(segs, t.periods, strict=True)):
                if k not in seg.open:
                    continue
                left, width = (
                    decimal_year(seg.start),
                    decimal_year(seg.end) - decimal_year(seg.start),
                )
                if h is None:
                    state = period.observed.get(k, "")
                    strip(y, width, left, STATE_COLOURS[state], f"observed/{k}/{i}")
                    continue
                pred = period.predicted[h][k]
                strip(
                    y,
                    width,
                    left,
                    STATE_COLOURS[pred.state],
                    f"predicted/{h}/{k}/{i}",
                    hatch="////" if pred.punished else None,
                )
                if period.matches(h).get(k) is False:
                    strip(
                        y + 0.36,
                        width,
                        left,
                        "black",
                        f"mismatch/{h}/{k}/{i}",
                        height=0.14,
                        edgecolor=None,
                        lw=0,
                    )
        axes_width = 0.72 * TIMELINE_WIDTH  # inches, about
        gap = 0.2 * (x1 - x0) / axes_width  # two digits at 7 pt are under 0.2 in wide
        xs = [decimal_year(e.day) for _i, e in events]
        lanes = label_lanes(xs, gap)
        for n, (x, lane) in enumerate(zip(xs, lanes, strict=True)):
            ax.axvline(x, color="#555555", lw=0.4, ls=":", zorder=0, gid=f"event/{n}")
            ax.text(
                x,
                -0.9 - 0.55 * lane,
                str(n + 1),
                ha="center",
                va="bottom",
                fontsize=7,
                gid=f"event-label/{n}",
            )
        ax.set_yticks(range(len(rows)), [label for label, _k, _h in rows], fontsize=7)
        ax.set_ylim(len(rows) - 0.5, -1.0 - 0.55 * (max(lanes) + 1))
        ax.set_xlim(x0, x1)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(axis="both", length=0)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        for j in range(1, len(case.domain_ids)):
            ax.axhline(j * (len(hyps) + 1) - 0.5, color="#999999", lw=0.6)
        post = t.posterior()
        ax.set_title(
            _title(
                case,
                "record and predictions; posterior "
                + ", ".join(f"{h} {post[h]:.2f}" for h in hyps),
            )
        )
        used = ["cooperating", "breakdown"] + [
            s
            for s in ("restructured", "partial", "suspended", "defected", "unknown", "")
            if any(s == p.observed.get(k, "") for p in t.periods for k in p.open)
        ]
        handles: list[Any] = [
            Patch(facecolor=STATE_COLOURS[s], edgecolor="#999999", label=s or "not recorded")
            for s in used
        ]
        handles += [
            Patch(
                facecolor=STATE_COLOURS["breakdown"],
                hatch="////",
                edgecolor="white",
                label="punishment phase",
            ),
            Line2D([], [], color="black", lw=3, label="prediction ≠ record"),
        ]
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False
        )
        key.axis("off")
        for j, line in enumerate(key_lines):
            col, row = divmod(j, half)
            key.text(
                0.5 * col,
                1.0 - row / max(half, 1),
                line,
                fontsize=7,
                va="top",
                transform=key.transAxes,
                gid=f"event-key/{j}",
            )
    return _finish(fig, path)


# -- linkage gain -------------------------------------------------------------------------------
def plot_linkage_gain(
    cases: Sequence[Case | str | os.PathLike[str]] | Comparison,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """The linkage gain of every case and hypothesis, one labelled horizontal bar each.

    Each bar has its own row and its label (``case: hypothesis``) on the y axis, so labels never
    overlap however many cases; the value is written at the end of the bar."""
    matplotlib = _matplotlib()
    result = cases if isinstance(cases, Comparison) else compare(cases)
    if not result.rows:
        raise LinkageError("no case to plot")
    gains = [None if r.gain is None else _float(r.gain) for r in result.rows]
    labels = [plain(f"{r.case}: {r.hypothesis}") for r in result.rows]
    known = [g for g in gains if g is not None]
    low, high = min([0.0, *known]), max([0.1, *known])
    span = high - low
    left = 0.2 + _text_inches(max(labels, key=len), 7)
    fig = new_figure(left + 4.5, 1.0 + 0.24 * len(result.rows), (left, 0.15, 0.35, 0.55))
    colours: dict[str, str] = {}
    with matplotlib.rc_context(PLOT_RC):
        ax = fig.subplots()
        for i, (row, gain) in enumerate(zip(result.rows, gains, strict=True)):
            colour = colours.setdefault(row.case, f"C{len(colours) % 10}")
            width = 0.0 if gain is None else gain
            ax.barh(
                i,
                width,
                height=0.7,
                color=colour,
                gid=f"gain/{row.case}/{row.hypothesis}",
                hatch="//" if gain is None else None,
            )
            note = "linked never" if gain is None else f"{width:.3f}"
            ax.text(max(width, 0.0) + 0.01 * span, i, note, ha="left", va="center", fontsize=7)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xlim(low - 0.05 * span if low < 0 else 0, high + 0.25 * span)
        ax.set_xlabel("max δ*ᵢₖ separate − max δ*ᵢ linked")
        ax.set_title("Linkage gain: width of the δ interval where linkage helps")
    return _finish(fig, path)
