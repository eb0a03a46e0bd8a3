"""``linkage check CASE...``: validate case files without analysing them (the further analyses of
``[[analyses]]`` are solved, since some of their problems show only at the calibration).

Errors fail the check (exit status 1); warnings (likely slips in a valid file, such as a
concession ``C < N`` or ``C`` and ``N`` swapped) are printed on standard error and do not.
"""

from __future__ import annotations

import argparse
import sys

from linkage.commands import command
from linkage.commands._common import load, say
from linkage.errors import CaseErrors, LinkageError


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 hypothesis``, ``2 hypotheses``, ``0 events``."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def run(ns: argparse.Namespace) -> int:
    from linkage.cases.audit import case_warnings

    failed = 0
    for name in ns.cases:
        try:
            case = load(name)  # prints the case's warnings
        except CaseErrors as exc:
            failed += 1
            for e in exc.errors:
                say(f"linkage: error: {e}", sys.stderr)
            continue
        except LinkageError as exc:
            failed += 1
            say(f"linkage: error: {exc}", sys.stderr)
            continue
        try:  # an analysis kind finds some problems only at the calibration (a convex objective)
            case.findings()
        except LinkageError as exc:
            failed += 1
            say(f"linkage: error: {case.path or name}: {exc}", sys.stderr)
            continue
        audit = case_warnings(case)
        for warning in audit:
            say(f"linkage: warning: {warning}", sys.stderr)
        parts = [
            count(len(case.players), "player"),
            count(len(case.domain_ids), "domain"),
            count(len(case.parameters), "parameter"),
            count(len(case.hypotheses), "hypothesis", "hypotheses"),
            count(len(case.timeline), "event"),
        ]
        if case.analyses:
            parts.append(count(len(case.analyses), "further analysis", "further analyses"))
        if case.warnings or audit:
            parts.append(count(len(case.warnings) + len(audit), "warning"))
        say(f"ok  {name}: case {case.id!r}, " + ", ".join(parts))
    return 1 if failed else 0


@command("check", "validate case files without analysing them (warnings do not fail)")
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("cases", nargs="+", help="case files or bundled case ids")
    p.set_defaults(func=run)
