"""The subcommands of ``linkage``, one module each.

A command module defines ``add_arguments(parser)`` decorated with :func:`command`, which sets
``func`` on the parser. Command modules import only what building the parser needs; the heavy
modules (the engine, sympy, renderers) are imported inside ``run`` so that ``linkage --help`` and
``linkage --version`` start fast.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import re
from collections.abc import Callable, Iterable
from typing import NoReturn

MODULES = (
    "analyze",
    "check",
    "compare",
    "new_plugin",
    "plugins",
    "plot",
    "report",
    "sensitivity",
    "sources",
    "sweep",
    "timeline",
)

EXIT_USER_ERROR = 1
"""The exit status of a command that failed because of the user's input."""

Run = Callable[[argparse.Namespace], int]
AddArguments = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, AddArguments]] = {}
"""Every subcommand by name: its one-line help and the function adding its arguments."""


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the option closest to ``name``, or ``""``."""
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Parser(argparse.ArgumentParser):
    """An argument parser whose "invalid choice" errors suggest the closest valid name."""

    def error(self, message: str) -> NoReturn:
        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if match:
            options = re.findall(r"'([^']*)'", match.group(2))
            message += did_you_mean(match.group(1), options)
        super().error(message)


def command(name: str, help: str) -> Callable[[AddArguments], AddArguments]:
    """Decorate an ``add_arguments(parser)`` function whose parser sets ``func``."""

    def wrap(add: AddArguments) -> AddArguments:
        COMMANDS[name] = (help, add)
        return add

    return wrap


def load_commands() -> dict[str, tuple[str, AddArguments]]:
    """Import every command module (registering it) and return :data:`COMMANDS`."""
    for name in MODULES:
        importlib.import_module(f"linkage.commands.{name}")
    return COMMANDS
