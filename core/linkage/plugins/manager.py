"""Loading plugins: built-ins first, then every entry point of the ``linkage`` group, each in isolation.

A plugin that fails to import, declares a later plugin API, implements a hook the spec does not
know, raises (or calls ``sys.exit``, or hangs) in a hook, registers something invalid, or takes a
reserved name (:data:`RESERVED_NAMES`) is recorded as failed — with its distribution name, version
and the first line of the error — and every other plugin still loads. A command fails only when it
needs what the broken plugin would have provided.

Plugin code runs under :mod:`linkage.guard` (faults named and contained, its standard output sent
to standard error, a time limit), at load time and at run time: the registry stores each
contribution of a third-party plugin with its ``build`` or ``render`` wrapped.

Escape hatches (environment variables; the CLI has matching flags):

``LINKAGE_LOAD_PLUGINS``
    Comma-separated entry-point or distribution names to load; empty loads none (built-ins stay).
``LINKAGE_DISABLE_PLUGINS``
    Comma-separated names never to load.
``LINKAGE_TRACE_PLUGINS``
    Any non-empty value prints every hook call and registration to standard error.
``LINKAGE_PLUGIN_TIMEOUT``, ``LINKAGE_DEBUG``
    The time limit of one plugin call, and tracebacks of plugin faults (:mod:`linkage.guard`).

Nothing here opens a network connection or sends telemetry.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import attrs
import pluggy

from linkage import guard
from linkage.analyses import AnalysisKind
from linkage.errors import LinkageError, PluginError
from linkage.findings import Section
from linkage.model.strategies import Strategy
from linkage.models import DomainModel
from linkage.plugins import hookspecs
from linkage.registry import OutputFormat, Registry, StrategyType

DEFAULT_PLUGINS: tuple[str, ...] = (
    "linkage.builtins.strategies",
    "linkage.builtins.formats",
    "linkage.builtins.reduced_form",
    "linkage.builtins.cases",
    "linkage.builtins.coalition",
    "linkage.builtins.nonseparable",
    "linkage.builtins.bargaining",
    "linkage.builtins.levels",
    "linkage.builtins.transfers",
)
"""The core's own plugins, registered through the same hooks as third-party ones."""

CORE_DISTRIBUTION = "issue-linkage"
"""The core's distribution: its entry points (the bundled packs) may use reserved names."""

RESERVED_NAMES: tuple[str, ...] = (
    "bargaining",
    "cases",
    "coalition",
    "core",
    "fisheries",
    "formats",
    "levels",
    "linkage",
    "nonseparable",
    "reduced_form",
    "sakhalin2",
    "strategies",
    "transfers",
)
"""Plugin names taken by the core: its built-in plugins, its bundled packs, the ``core.`` model
namespace and ``linkage`` itself. A third-party entry point with one of these names is refused
(named with its distribution) and ``linkage new-plugin`` will not generate one."""

HOOKS: dict[str, str] = {
    "register_domain_models": "domain_models",
    "register_strategies": "strategies",
    "register_cases": "cases",
    "register_output_formats": "output_formats",
    "register_analysis_kinds": "analysis_kinds",
}


@attrs.define
class PluginRecord:
    """One plugin as ``linkage plugins`` shows it."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    status: str = "ok"  # ok | error | disabled
    builtin: bool = False
    error: str | None = None
    hooks: list[str] = attrs.field(factory=list)
    contributes: dict[str, list[str]] = attrs.field(factory=dict)

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def describe(self) -> str:
        who = self.distribution or self.module
        ver = f" {self.version}" if self.version else ""
        return f"plugin {self.name!r} ({who}{ver})"


def _names(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


class PluginHost:
    """A plugin manager and the registry it fills.

    ``autoload=False`` loads only the built-ins (and whatever is passed in ``plugins``), which is
    what tests want; ``load``/``disable`` default to the environment variables above.
    """

    def __init__(
        self,
        *,
        autoload: bool = True,
        load: Iterable[str] | None = None,
        disable: Iterable[str] | None = None,
        trace: bool | None = None,
        plugins: Iterable[tuple[str, object]] = (),
    ) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.registry = Registry()
        self.records: dict[str, PluginRecord] = {}
        env = os.environ
        self.load_only = set(load) if load is not None else _names(env.get("LINKAGE_LOAD_PLUGINS"))
        self.disabled = (
            set(disable)
            if disable is not None
            else (_names(env.get("LINKAGE_DISABLE_PLUGINS")) or set())
        )
        self.trace = bool(env.get("LINKAGE_TRACE_PLUGINS")) if trace is None else trace
        guard.timeout()  # a malformed LINKAGE_PLUGIN_TIMEOUT is an error here, not per plugin
        for module in DEFAULT_PLUGINS:
            self._add(module.rsplit(".", 1)[-1], importlib.import_module(module), builtin=True)
        if autoload:
            # by name, then distribution: which of two plugins with one name loads is stable
            found = entry_points(group=hookspecs.PROJECT)
            for ep in sorted(found, key=lambda e: (e.name, e.dist.name if e.dist else "")):
                self._load_entry_point(ep)
        for name, plugin in plugins:
            self.register(plugin, name)

    # -- loading ----------------------------------------------------------------------------
    def _load_entry_point(self, ep: EntryPoint) -> None:
        dist = getattr(ep, "dist", None)
        record = PluginRecord(
            name=ep.name,
            module=ep.value,
            distribution=dist.name if dist else None,
            version=dist.version if dist else None,
        )
        names = {ep.name, record.distribution or ""}
        if names & self.disabled or (self.load_only is not None and not names & self.load_only):
            record.status = "disabled"
            self.records[ep.name] = record
            return
        clash = self._name_clash(record)
        if clash:  # kept apart from the plugin that owns the name, which keeps working
            record.status, record.error = "error", clash
            self.records[f"{record.distribution}:{ep.name}"] = record
            return
        try:
            plugin = guard.run(ep.load, owner=record.describe(), what="import")
        except LinkageError as exc:
            record.status, record.error = "error", _detail(exc)
            self.records[ep.name] = record
            return
        self._add(ep.name, plugin, record=record)

    def _name_clash(self, record: PluginRecord) -> str | None:
        """Why an entry point may not have its name, or ``None``."""
        name = record.name
        if name in RESERVED_NAMES and record.distribution != CORE_DISTRIBUTION:
            return (
                f"the entry-point name {name!r} is reserved by linkage (reserved: "
                f"{', '.join(RESERVED_NAMES)}); rename the entry point in the plugin's "
                f"pyproject.toml, e.g. to '{name}_pack'"
            )
        taken = self.records.get(name)
        if taken is not None and taken.status != "disabled":
            return (
                f"the entry-point name {name!r} is already taken by {taken.describe()}; "
                "rename the entry point of one of them"
            )
        return None

    def register(self, plugin: object, name: str | None = None) -> PluginRecord:
        """Register a plugin object (a module or any object with hookimpls) and call its hooks."""
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        return self._add(name, plugin)

    def unregister(self, name: str) -> None:
        """Remove a plugin and everything it registered."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin, name=name)
        self.registry.remove_plugin(name)
        self.records.pop(name, None)

    def _add(
        self,
        name: str,
        plugin: object,
        *,
        builtin: bool = False,
        record: PluginRecord | None = None,
    ) -> PluginRecord:
        if name in self.records and self.records[name].status == "ok":
            raise PluginError(f"a plugin named {name!r} is already registered")
        record = record or PluginRecord(
            name=name, module=getattr(plugin, "__name__", type(plugin).__name__), builtin=builtin
        )
        self.records[name] = record
        try:
            self._check_api(plugin)
            self._check_hook_names(plugin)
            self.pm.register(plugin, name=name)
        except PluginError as exc:
            record.status, record.error = "error", str(exc)
            return record
        self._call_hooks(name, plugin, record)
        return record

    def _check_api(self, plugin: object) -> None:
        wanted = getattr(plugin, "LINKAGE_PLUGIN_API", hookspecs.PLUGIN_API_VERSION)
        if not isinstance(wanted, int) or wanted > hookspecs.PLUGIN_API_VERSION:
            raise PluginError(
                f"built for linkage plugin API {wanted}; this linkage provides API "
                f"{hookspecs.PLUGIN_API_VERSION} (upgrade issue-linkage)"
            )

    def _check_hook_names(self, plugin: object) -> None:
        attr = hookspecs.PROJECT + "_impl"
        for attr_name in dir(plugin):
            obj = getattr(plugin, attr_name, None)
            if callable(obj) and hasattr(obj, attr) and attr_name not in HOOKS:
                close = difflib.get_close_matches(attr_name, list(HOOKS), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise PluginError(f"implements unknown hook {attr_name!r}{hint}")

    def _call_hooks(self, name: str, plugin: object, record: PluginRecord) -> None:
        for hook_name, kind in HOOKS.items():
            impl = getattr(plugin, hook_name, None)
            if impl is None or not hasattr(impl, hookspecs.PROJECT + "_impl"):
                continue
            record.hooks.append(hook_name)
            if self.trace:
                print(f"linkage: calling {hook_name} of plugin {name!r}", file=sys.stderr)

            def register(item: Any, _kind: str = kind) -> None:
                if not record.builtin:
                    item = _guarded(item, record.describe())
                self.registry.add(_kind, item, name)
                if self.trace:
                    print(f"linkage:   {name!r} registered {_kind} {item.id!r}", file=sys.stderr)

            try:
                guard.run(impl, owner=record.describe(), what=hook_name, register=register)
            except LinkageError as exc:
                record.status, record.error = "error", f"in {hook_name}: {_detail(exc)}"
                self.registry.remove_plugin(name)
                self.pm.unregister(plugin, name=name)
                return
        record.contributes = self.registry.by_plugin(name)

    # -- queries ----------------------------------------------------------------------------
    @property
    def failures(self) -> list[PluginRecord]:
        return [r for r in self.records.values() if r.status == "error"]

    def lookup(self, kind: str, key: str) -> Any:
        """The contribution ``key`` of ``kind``, or a one-line :class:`PluginError` saying why not.

        When a failed plugin is the likely provider (its name is the id's prefix), the error names
        that plugin's distribution, version and error.
        """
        if (kind, key) in self.registry:
            return self.registry.get(kind, key)
        label = kind[:-1].replace("_", " ")
        prefix = key.split(".", 1)[0]
        for record in self.records.values():
            if record.status in ("error", "disabled") and record.name == prefix:
                why = (
                    f"failed to load: {record.error}" if record.status == "error" else "is disabled"
                )
                raise PluginError(f"{label} {key!r} is unavailable: {record.describe()} {why}")
        known = self.registry.ids(kind)
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise PluginError(
            f"unknown {label} {key!r}{hint} (known: {', '.join(known) or 'none'})"
            + self.failure_note()
        )

    def failure_note(self, shown: int = 3) -> str:
        """``; failed to load: plugin 'x' (linkage-x 1.0): ValueError: ...`` for an unknown name
        that a broken plugin may have provided, or ``""`` when every plugin loaded."""
        failed = self.failures
        if not failed:
            return ""
        named = "; ".join(f"{r.describe()}: {r.error}" for r in failed[:shown])
        more = f"; and {len(failed) - shown} more" if len(failed) > shown else ""
        return f"; failed to load: {named}{more} (see 'linkage plugins')"


def _detail(exc: LinkageError) -> str:
    """What ``linkage plugins`` shows of a plugin's failure to load."""
    return exc.detail if isinstance(exc, guard.PluginFault) else guard.first_line(exc)


def _guarded(item: Any, owner: str) -> Any:
    """A third-party contribution whose code runs under :mod:`linkage.guard`."""
    if isinstance(item, DomainModel):
        what = f"domain model {item.id!r} (build)"
        return attrs.evolve(item, build=guard.Guarded(item.build, owner, what, Mapping, "a dict"))
    if isinstance(item, StrategyType):
        what = f"strategy {item.kind!r} (build)"
        built = guard.Guarded(item.build, owner, what, Strategy, "a Strategy", claim=True)
        return attrs.evolve(item, build=built)
    if isinstance(item, OutputFormat):
        what = f"output format {item.name!r} (render)"
        return attrs.evolve(item, render=guard.Guarded(item.render, owner, what, str, "a str"))
    if isinstance(item, AnalysisKind):
        what = f"analysis kind {item.id!r}"
        return attrs.evolve(
            item,
            read=guard.Guarded(item.read, owner, f"{what} (read)"),
            solve=guard.Guarded(item.solve, owner, f"{what} (solve)", Section, "a Section"),
        )
    return item  # a bundled case is data; an invalid item is refused by the registry


_HOST: PluginHost | None = None


def get_host() -> PluginHost:
    """The process-wide plugin host, built on first use."""
    global _HOST
    if _HOST is None:
        _HOST = PluginHost()
    return _HOST


def set_host(host: PluginHost | None) -> PluginHost | None:
    """Replace the process-wide host (``None`` rebuilds it on next use); returns the old one."""
    global _HOST
    old, _HOST = _HOST, host
    return old
