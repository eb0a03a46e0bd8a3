"""``linkage new-plugin NAME``: scaffold an installable domain-pack plugin."""

from __future__ import annotations

import argparse
from pathlib import Path

from linkage.commands import command


def run(ns: argparse.Namespace) -> int:
    from linkage.scaffold import scaffold

    root = scaffold(ns.name, Path(ns.dir))
    print(f"created {root}")
    print(f"next: cd {root} && pip install -e '.[test]' && linkage plugins && pytest")
    return 0


@command("new-plugin", "scaffold an installable domain-pack plugin package")
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the pack's name, e.g. rare_earths (lower case, digits, _)")
    p.add_argument("--dir", default=".", help="where to create linkage-NAME/ (default: here)")
    p.set_defaults(func=run)
