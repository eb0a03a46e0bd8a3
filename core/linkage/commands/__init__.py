"""The subcommands of ``linkage``, one module each."""

import importlib

MODULES = ("analyze", "check", "compare", "new_plugin", "plugins", "plot", "report", "timeline")


def load_commands() -> None:
    for name in MODULES:
        importlib.import_module(f"linkage.commands.{name}")
