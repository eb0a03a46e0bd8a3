"""The subcommands of ``linkage``, one module each."""

import importlib

MODULES = ("analyze", "check", "new_plugin", "plugins", "timeline")


def load_commands() -> None:
    for name in MODULES:
        importlib.import_module(f"linkage.commands.{name}")
