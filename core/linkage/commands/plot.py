"""``linkage plot KIND CASE... -o FILE``: draw a case's thresholds, region or timeline, or the
linkage gain across cases, as PNG, SVG or PDF (chosen by the output file's suffix)."""

from __future__ import annotations

import argparse

from linkage.commands import command, did_you_mean
from linkage.commands._common import add_at_argument, analysing, load
from linkage.errors import LinkageError

KINDS = ("thresholds", "region", "timeline", "gain")
SUFFIXES = (".png", ".svg", ".pdf")


def region_params(ns: argparse.Namespace, known: list[str], case_id: str) -> list[str]:
    """The parameters of a region plot from ``--params A,B`` and ``--parameter`` (did-you-mean)."""
    names = list(ns.parameter or [])
    if ns.params:
        names += [p.strip() for p in ns.params.split(",") if p.strip()]
    if not names:
        raise LinkageError(
            f"'plot region' needs --params NAME[,NAME] "
            f"(parameters of {case_id!r}: {', '.join(known) or 'none'})"
        )
    for name in names:
        if name not in known:
            raise LinkageError(
                f"case {case_id!r} has no parameter {name!r}{did_you_mean(name, known)}; "
                f"parameters: {', '.join(known) or 'none'}"
            )
    return list(dict.fromkeys(names))


def run(ns: argparse.Namespace) -> int:
    from linkage import plots
    from linkage.compare import compare, expand

    if not ns.output.lower().endswith(SUFFIXES):
        raise LinkageError(f"the output file must end in .png, .svg or .pdf, got {ns.output!r}")
    if ns.kind == "gain":
        result = compare(ns.cases)
        if result.failures:  # a plot with silently missing cases would mislead
            raise LinkageError("; ".join(str(f) for f in result.failures))
        plots.plot_linkage_gain(result, path=ns.output)
        return 0
    names = expand(ns.cases)
    if len(names) != 1:
        raise LinkageError(f"'plot {ns.kind}' draws one case, got {len(names)}: {', '.join(names)}")
    case = load(names[0]).as_of(ns.at)
    with analysing(case):  # drawn, then written: a write error does not name the case
        if ns.kind == "thresholds":
            fig = plots.plot_thresholds(case, ns.hypothesis)
        elif ns.kind == "region":
            params = region_params(ns, list(case.parameters), case.id)
            fig = plots.plot_region(case, params, ns.hypothesis, points=ns.points)
        else:
            fig = plots.plot_timeline(case)
    plots.save(fig, ns.output)
    return 0


@command(
    "plot",
    "plot thresholds, the enforceable region, the timeline, or the linkage gain across cases",
)
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=KINDS, help="what to draw")
    p.add_argument(
        "cases",
        nargs="+",
        metavar="CASE",
        help="a case file or bundled id (several, or directories, for 'gain')",
    )
    p.add_argument("--output", "-o", required=True, help="the figure file: .png, .svg or .pdf")
    p.add_argument(
        "--params",
        metavar="A,B",
        help="region: the parameters on the x axes, one panel each (comma-separated)",
    )
    p.add_argument(
        "--parameter", "-p", action="append", help="region: a parameter on an x axis (repeatable)"
    )
    p.add_argument("--hypothesis", help="the linkage hypothesis (default: the case's first)")
    p.add_argument(
        "--points", type=int, default=200, help="grid points of the region plot (default 200)"
    )
    add_at_argument(p, "the file's values; the timeline plot follows the record")
    p.set_defaults(func=run)
