"""``linkage check CASE...``: validate case files without analysing them."""

from __future__ import annotations

import argparse
import sys

from linkage.commands import command
from linkage.commands._common import load
from linkage.errors import CaseErrors, LinkageError


def run(ns: argparse.Namespace) -> int:
    from linkage.cases.audit import case_warnings

    failed = 0
    for name in ns.cases:
        try:
            case = load(name)
        except CaseErrors as exc:
            failed += 1
            for e in exc.errors:
                print(f"linkage: error: {e}", file=sys.stderr)
            continue
        except LinkageError as exc:
            failed += 1
            print(f"linkage: error: {exc}", file=sys.stderr)
            continue
        print(
            f"ok  {name}: case {case.id!r}, {len(case.players)} players, {len(case.domain_ids)} domains, "
            f"{len(case.parameters)} parameters, {len(case.hypotheses)} hypotheses, "
            f"{len(case.timeline)} events"
        )
        for warning in case_warnings(case):
            print(f"linkage: warning: {warning}", file=sys.stderr)
    return 1 if failed else 0


@command("check", "validate case files without analysing them")
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("cases", nargs="+", help="case files or bundled case ids")
    p.set_defaults(func=run)
