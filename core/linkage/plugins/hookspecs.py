"""The hooks a plugin may implement. Each takes a ``register`` callback (the llm style), so the core
validates every contribution when it is registered and can name the plugin that made it.

A plugin is a module with ``@linkage.hookimpl`` functions, wired by one entry point::

    [project.entry-points.linkage]
    rare_earths = "linkage_rare_earths"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT = "linkage"
PLUGIN_API_VERSION = 1
"""Bumped when a hook changes incompatibly. A plugin may declare ``LINKAGE_PLUGIN_API = N``; a pack
built for a later API than this core's is refused with a message saying so."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

Register = Callable[[Any], None]


@hookspec
def register_domain_models(register: Register) -> None:
    """Register domain models (:class:`linkage.models.DomainModel`) that build stage payoffs."""


@hookspec
def register_strategies(register: Register) -> None:
    """Register punishment strategies (:class:`linkage.registry.StrategyType`)."""


@hookspec
def register_cases(register: Register) -> None:
    """Register case files shipped by a package (:class:`linkage.registry.BundledCase`)."""


@hookspec
def register_output_formats(register: Register) -> None:
    """Register output formats for reports (:class:`linkage.registry.OutputFormat`)."""


@hookspec
def register_analysis_kinds(register: Register) -> None:
    """Register analysis kinds (:class:`linkage.analyses.AnalysisKind`) a case file can use in
    ``[[analyses]]``: results beyond the reduced-form engine, rendered in every output format."""
