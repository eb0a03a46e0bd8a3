"""``linkage plot KIND CASE... -o FILE``: draw a case's thresholds, region or timeline, or the
linkage gain across cases, as PNG or SVG (chosen by the output file's suffix)."""

from __future__ import annotations

import argparse

from linkage.commands import command
from linkage.commands._common import add_at_argument, load
from linkage.errors import LinkageError

KINDS = ("thresholds", "region", "timeline", "gain")


def run(ns: argparse.Namespace) -> int:
    from linkage import plots
    from linkage.compare import compare, expand

    if not ns.output.lower().endswith((".png", ".svg")):
        raise LinkageError(f"the output file must end in .png or .svg, got {ns.output!r}")
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
    if ns.kind == "thresholds":
        plots.plot_thresholds(case, ns.hypothesis, path=ns.output)
    elif ns.kind == "region":
        if not ns.parameter:
            known = ", ".join(case.parameters) or "none"
            raise LinkageError(
                f"'plot region' needs --parameter NAME (parameters of {case.id!r}: {known})"
            )
        plots.plot_region(case, ns.parameter, ns.hypothesis, points=ns.points, path=ns.output)
    else:
        plots.plot_timeline(case, path=ns.output)
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
    p.add_argument("--output", "-o", required=True, help="the image file: .png or .svg")
    p.add_argument("--parameter", "-p", help="the parameter on the x axis (region)")
    p.add_argument("--hypothesis", help="the linkage hypothesis (default: the case's first)")
    p.add_argument(
        "--points", type=int, default=200, help="grid points of the region plot (default 200)"
    )
    add_at_argument(p, "the file's values; the timeline plot follows the record")
    p.set_defaults(func=run)
