"""``linkage sensitivity CASE``: how often each verdict holds over the case's declared uncertainty
(Monte Carlo on compiled kernels, locally or on Dask), with the critical δ's distributions and a
tornado of the parameters that move them.

Bad input (zero draws, an unknown hypothesis or parameter, a file format the output cannot take,
no Dask installed, a scheduler that does not answer) is one line on standard error before any
file is written; outputs are written atomically.
"""

from __future__ import annotations

import argparse

from linkage.commands import command
from linkage.commands._common import (
    add_at_argument,
    add_case_argument,
    add_hypothesis_argument,
    add_output_argument,
    analysing,
    load,
    write,
)
from linkage.errors import LinkageError

FORMATS = ("text", "json", "csv", "parquet")
BACKENDS = ("local", "dask")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def check_plot_path(path: str | None, option: str) -> None:
    if path is not None and not path.lower().endswith(PLOT_SUFFIXES):
        raise LinkageError(
            f"{option}: the figure file must end in .png, .svg or .pdf, got {path!r}"
        )


def needs(module: str, extra: str, what: str) -> None:
    """A one-line error before any work when an optional library is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise LinkageError(f"{what} needs {module}: pip install 'issue-linkage[{extra}]'")


def run(ns: argparse.Namespace) -> int:
    import json

    if ns.format == "parquet":
        if not ns.output:
            raise LinkageError("parquet is a binary format: give the file with -o FILE")
        needs("pyarrow", "data", "parquet output")
        needs("pandas", "data", "parquet output")
    check_plot_path(ns.tornado, "--tornado")
    check_plot_path(ns.histogram, "--histogram")
    if ns.tornado or ns.histogram:
        needs("matplotlib", "plot", "plotting")
    if ns.draws < 1:
        raise LinkageError(f"--draws must be at least 1, got {ns.draws}")
    if ns.workers is not None and ns.workers < 1:
        raise LinkageError(f"--workers must be at least 1, got {ns.workers}")
    from linkage.render import uncertainty as render
    from linkage.render.frames import records_parquet, sensitivity_records
    from linkage.uncertainty.montecarlo import sensitivity

    case = load(ns.case)
    with analysing(case):
        result = sensitivity(
            case,
            ns.draws,
            ns.seed,
            at=ns.at,
            hypotheses=ns.hypothesis,
            vary=ns.vary,
            record=not ns.no_record,
            backend=ns.backend,
            workers=ns.workers,
            scheduler=ns.scheduler,
            progress=True,
        )
        if ns.format == "json":
            data: str | bytes = json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"
        elif ns.format == "csv":
            data = render.records_csv(sensitivity_records(result))
        elif ns.format == "parquet":
            data = records_parquet(sensitivity_records(result))
        else:
            data = render.sensitivity_text(result, ns.digits)
    figures = []  # every figure drawn before any file is written
    if ns.tornado or ns.histogram:
        from linkage import uncertainty_plots as plots

        if ns.tornado:
            figures.append((plots.plot_tornado(result, thresholds=ns.threshold), ns.tornado))
        if ns.histogram:
            figures.append((plots.plot_histogram(result, thresholds=ns.threshold), ns.histogram))
        for fig, path in figures:
            plots.save(fig, path)
    write(data, ns.output)
    return 0


@command(
    "sensitivity",
    "how often each verdict holds over the case's declared uncertainty (Monte Carlo)",
)
def add_arguments(p: argparse.ArgumentParser) -> None:
    add_case_argument(p)
    p.add_argument(
        "--draws", "-n", type=int, default=1000, metavar="N", help="draws (default 1000)"
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="the random seed (default 0)")
    add_at_argument(p, "the file's values")
    add_hypothesis_argument(
        p,
        "report only this hypothesis' verdicts (repeatable; default all; the posterior always "
        "covers all)",
    )
    p.add_argument(
        "--vary",
        action="append",
        metavar="NAME",
        help="draw only this parameter (repeatable; default: every parameter with a range)",
    )
    p.add_argument("--no-record", action="store_true", help="leave out the posterior on the record")
    p.add_argument("--backend", choices=BACKENDS, default="local", help="where draws run")
    p.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="a Dask scheduler's address, e.g. tcp://host:8786 (default: a LocalCluster)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="threads (local, default 1) or LocalCluster processes (dask, default 2); the "
        "results do not depend on it",
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="text", help="output format")
    p.add_argument("--digits", type=int, default=3, metavar="N", help="decimals in text (3)")
    add_output_argument(p)
    p.add_argument("--tornado", metavar="FILE", help="also draw the tornado (.png, .svg, .pdf)")
    p.add_argument(
        "--histogram", metavar="FILE", help="also draw the critical δ histograms (.png, .svg, .pdf)"
    )
    p.add_argument(
        "--threshold",
        action="append",
        metavar="NAME",
        help="plot only this threshold (repeatable; default: those that move, up to 12)",
    )
    p.set_defaults(func=run)
