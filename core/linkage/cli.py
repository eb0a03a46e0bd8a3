"""The ``linkage`` command line.

User mistakes (a broken case file, an unknown model, a failed plugin that the command needs) end
in one clear message on standard error and a non-zero exit status, never in a traceback.
Subcommands live in :mod:`linkage.commands`, one module each.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from linkage import guard
from linkage._version import __version__
from linkage.atomic import check_target
from linkage.commands import EXIT_USER_ERROR, Parser, load_commands
from linkage.commands._common import say
from linkage.errors import CaseErrors, LinkageError
from linkage.limits import NAMES, OutOfTime, budget, parse, raised


def build_parser() -> argparse.ArgumentParser:
    commands = load_commands()
    parser = Parser(
        prog="linkage",
        description="Exact enforcement conditions for issue linkage in repeated games.",
    )
    parser.add_argument("--version", action="version", version=f"linkage {__version__}")
    plugins = parser.add_argument_group("plugins")
    plugins.add_argument("--no-plugins", action="store_true", help="load no third-party plugins")
    plugins.add_argument(
        "--plugins", metavar="NAMES", help="load only these plugins (comma-separated)"
    )
    plugins.add_argument(
        "--disable-plugins", metavar="NAMES", help="never load these plugins (comma-separated)"
    )
    plugins.add_argument(
        "--trace-plugins", action="store_true", help="print every hook call to stderr"
    )
    plugins.add_argument(
        "--plugin-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="time limit of one call into a plugin (default "
        f"{guard.DEFAULT_TIMEOUT:g}; 0: none; env {guard.TIMEOUT_ENV})",
    )
    plugins.add_argument(
        "--debug",
        action="store_true",
        help=f"print the traceback of a plugin's failure on stderr (env {guard.DEBUG_ENV})",
    )
    bounds = parser.add_argument_group("limits (docs/reference/limits.md)")
    bounds.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=N",
        help="raise (or lower) a limit on the work a case or command may ask for, e.g. "
        "periods=500; repeatable; names: " + ", ".join(NAMES),
    )
    bounds.add_argument(
        "--max-seconds",
        type=float,
        metavar="S",
        help="stop the command after S seconds of wall time with exit status 1, writing nothing",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add) in commands.items():
        add(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def _seconds(text: str) -> str:
    try:
        ok = 0 <= float(text) < float("inf")
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return text


def _configure_plugins(ns: argparse.Namespace) -> None:
    if ns.no_plugins:
        os.environ["LINKAGE_LOAD_PLUGINS"] = ""
    elif ns.plugins is not None:
        os.environ["LINKAGE_LOAD_PLUGINS"] = ns.plugins
    if ns.disable_plugins:
        os.environ["LINKAGE_DISABLE_PLUGINS"] = ns.disable_plugins
    if ns.trace_plugins:
        os.environ["LINKAGE_TRACE_PLUGINS"] = "1"
    if ns.plugin_timeout is not None:
        os.environ[guard.TIMEOUT_ENV] = ns.plugin_timeout
    if ns.debug:
        os.environ[guard.DEBUG_ENV] = "1"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    if not ns.command:
        parser.print_help()
        return 0
    _configure_plugins(ns)
    try:
        for option in ("output", "tornado", "histogram"):  # files a command will write
            if getattr(ns, option, None):
                check_target(getattr(ns, option))
        chosen = dict(parse(text) for text in ns.limit)
        with raised(**chosen), budget(ns.max_seconds):
            return int(ns.func(ns) or 0)
    except CaseErrors as exc:
        for error in exc.errors:
            say(f"linkage: error: {error}", sys.stderr)
        return EXIT_USER_ERROR
    except LinkageError as exc:
        say(f"linkage: error: {exc}", sys.stderr)
        return EXIT_USER_ERROR
    except OutOfTime as exc:
        say(f"linkage: error: {exc}", sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("linkage: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
