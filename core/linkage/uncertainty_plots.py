r"""Plots of uncertainty results, drawn with matplotlib (the ``plot`` extra) like
:mod:`linkage.plots` (same canvas, reproducible and atomic saving, ``gid`` on artists):

:func:`plot_tornado`
    per threshold (one panel each, up to :data:`MAX_PANELS`, the thresholds that move), the
    parameters' partial rank correlation coefficients as horizontal bars, largest first (the
    tornado's method, :mod:`linkage.uncertainty.tornado`), those within sampling noise counted,
    not drawn (:meth:`~linkage.uncertainty.montecarlo.Sensitivity.moving`);
:func:`plot_histogram`
    per threshold, the histogram of the critical :math:`\delta` over the draws, with the share of
    draws where it is ``never`` as a hatched bar at the right and the calibrated value as a line;
:func:`plot_sweep`
    where each verdict holds on a sweep's grid: strips along the axis for one parameter, one
    panel per verdict for two.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import numpy as np

from linkage.errors import LinkageError
from linkage.escape import plain
from linkage.plots import PLOT_RC, _finish, _matplotlib, new_figure, save
from linkage.uncertainty.montecarlo import Sensitivity
from linkage.uncertainty.sweep import Sweep

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_histogram", "plot_sweep", "plot_tornado", "save"]

MAX_PANELS = 12
"""Most panels in one figure (thresholds or verdicts beyond it are left out, and named in the
title)."""

TOP = 8
"""Parameters per tornado panel."""

BINS = 40


def _chosen(names: list[str], wanted: list[str] | None) -> list[str]:
    if wanted:
        unknown = [n for n in wanted if n not in names]
        if unknown:
            raise LinkageError(
                f"no threshold {unknown[0]!r} (thresholds: {', '.join(names) or 'none'})"
            )
        names = list(wanted)
    if not names:
        raise LinkageError("nothing to plot: no threshold moves over the draws")
    return names


def _grid(n: int) -> tuple[int, int]:
    cols = min(n, 3)
    return math.ceil(n / cols), cols


def plot_tornado(
    result: Sensitivity,
    path: str | os.PathLike[str] | None = None,
    *,
    thresholds: list[str] | None = None,
) -> Figure:
    """Partial rank correlations of the parameters with each threshold (see the module
    docstring)."""
    matplotlib = _matplotlib()
    names = _chosen(result.varying, thresholds)
    shown = names[:MAX_PANELS]
    rows, cols = _grid(len(shown))
    fig = new_figure(3.6 * cols + 0.4, 0.35 + rows * (0.3 + 0.22 * TOP) + 0.4)
    with matplotlib.rc_context(PLOT_RC):
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax, name in zip(axes.flat, shown, strict=False):
            moving = result.moving(name)
            bars = moving[:TOP][::-1]
            still = len(result.tornado[name]) - len(moving)
            if still:
                ax.text(
                    0.99,
                    0.01,
                    f"{still} without a detectable effect",
                    transform=ax.transAxes,
                    ha="right",
                    va="bottom",
                    fontsize=6,
                    color="#555555",
                )
            values = [b.prcc or 0.0 for b in bars]
            ax.barh(
                range(len(bars)),
                values,
                color=["#D55E00" if v > 0 else "#0072B2" for v in values],
                gid=f"tornado/{name}",
            )
            ax.set_yticks(range(len(bars)), [b.parameter for b in bars], fontsize=7)
            ax.set_xlim(-1, 1)
            ax.axvline(0, color="#333333", linewidth=0.6)
            ax.set_title(name, fontsize=8)
            ax.tick_params(axis="x", labelsize=7)
        for ax in list(axes.flat)[len(shown) :]:
            ax.set_visible(False)
        more = f" ({len(names) - len(shown)} more left out)" if len(names) > len(shown) else ""
        fig.suptitle(
            f"{result.title or result.case}\nPRCC of each parameter with the critical δ "
            f"({result.draws} draws){more}",
            fontsize=9,
        )
        fig.supxlabel("partial rank correlation (method: PRCC)", fontsize=8)
    return _finish(fig, path)


def plot_histogram(
    result: Sensitivity,
    path: str | os.PathLike[str] | None = None,
    *,
    thresholds: list[str] | None = None,
) -> Figure:
    """The distribution of each threshold over the draws (see the module docstring)."""
    matplotlib = _matplotlib()
    names = _chosen(result.varying, thresholds)
    shown = names[:MAX_PANELS]
    index = {t.name: j for j, t in enumerate(result.thresholds)}
    rows, cols = _grid(len(shown))
    fig = new_figure(3.4 * cols + 0.4, 2.4 * rows + 0.7)
    with matplotlib.rc_context(PLOT_RC):
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax, name in zip(axes.flat, shown, strict=False):
            column = result.threshold_values[:, index[name]]
            finite = column[~np.isnan(column)]
            weights = np.full(finite.shape, 1 / len(column))
            ax.hist(
                finite,
                bins=BINS,
                range=(0, 1),
                weights=weights,
                color="#4c72b0",
                gid=f"histogram/{name}",
            )
            never = float(np.isnan(column).mean())
            if never:
                ax.bar(
                    1.05,
                    never,
                    width=0.06,
                    color="#ffffff",
                    edgecolor="#4c72b0",
                    hatch="//",
                    gid=f"never/{name}",
                )
                ax.text(1.05, never, "never", ha="center", va="bottom", fontsize=7)
            calibration = result.thresholds[index[name]].calibration
            if not math.isnan(calibration):
                ax.axvline(
                    calibration,
                    color="#D55E00",
                    linestyle="--",
                    linewidth=1,
                    gid=f"calibration/{name}",
                )
            ax.set_xlim(-0.02, 1.1)
            ax.set_title(name, fontsize=8)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(shown) :]:
            ax.set_visible(False)
        more = f" ({len(names) - len(shown)} more left out)" if len(names) > len(shown) else ""
        fig.suptitle(
            f"{result.title or result.case}\ncritical δ over {result.draws} draws "
            f"(share of draws; dashed: the calibration){more}",
            fontsize=9,
        )
    return _finish(fig, path)


def plot_sweep(
    result: Sweep, path: str | os.PathLike[str] | None = None, *, verdicts: list[str] | None = None
) -> Figure:
    """Where each verdict holds on the grid (see the module docstring); verdicts that hold
    everywhere or nowhere are left out unless named in ``verdicts``."""
    matplotlib = _matplotlib()
    names = list(result.verdicts)
    if verdicts:
        unknown = [n for n in verdicts if n not in result.verdicts]
        if unknown:
            raise LinkageError(f"no verdict {unknown[0]!r} (verdicts: {', '.join(names)})")
        names = list(verdicts)
    else:
        names = [n for n in names if result.verdicts[n].any() and not result.verdicts[n].all()]
    if not names:
        raise LinkageError("nothing to plot: every verdict holds everywhere or nowhere on the grid")
    title = plain(f"{result.title or result.case}: where each verdict holds")
    if len(result.axes) == 1:
        axis = result.axes[0]
        x = axis.values
        fig = new_figure(7.0, 0.9 + 0.28 * len(names))
        with matplotlib.rc_context(PLOT_RC):
            ax = fig.subplots()
            step = (x[1] - x[0]) if len(x) > 1 else 1.0
            for i, n in enumerate(names):
                holds = result.verdicts[n]
                ax.broken_barh(
                    [(xi - step / 2, step) for xi in x[holds]],
                    (i - 0.35, 0.7),
                    color="#009E73",
                    gid=f"sweep/{n}",
                )
            ax.set_yticks(range(len(names)), names, fontsize=7)
            ax.set_xlim(x[0] - step / 2, x[-1] + step / 2)
            ax.set_ylim(-0.6, len(names) - 0.4)
            ax.invert_yaxis()
            ax.set_xlabel(axis.name)
            ax.set_title(title + " (green)", fontsize=9)
        return _finish(fig, path)
    xa, ya = result.axes
    shown = names[:MAX_PANELS]
    rows, cols = _grid(len(shown))
    fig = new_figure(3.2 * cols + 0.5, 2.8 * rows + 0.7)
    with matplotlib.rc_context(PLOT_RC):
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
        colours = matplotlib.colors.ListedColormap(["#F0F0F0", "#009E73"])
        for ax, n in zip(axes.flat, shown, strict=False):
            ax.imshow(
                result.verdicts[n].astype(float),
                origin="lower",
                aspect="auto",
                extent=(xa.low, xa.high, ya.low, ya.high),
                cmap=colours,
                vmin=0,
                vmax=1,
                interpolation="nearest",
                gid=f"sweep/{n}",
            )
            ax.set_title(n, fontsize=8)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(shown) :]:
            ax.set_visible(False)
        more = f" ({len(names) - len(shown)} more left out)" if len(names) > len(shown) else ""
        fig.suptitle(title + f" (green){more}", fontsize=9)
        fig.supxlabel(xa.name, fontsize=8)
        fig.supylabel(ya.name, fontsize=8)
    return _finish(fig, path)
