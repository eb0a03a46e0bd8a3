"""What plugins contribute, and the registry that validates each contribution as it arrives.

Every contribution has an id; a second registration of the same id is an error naming both plugins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs

from linkage.analyses import AnalysisKind
from linkage.errors import PluginError
from linkage.model.strategies import Strategy
from linkage.models import DomainModel

_ID = re.compile(r"^[a-z][a-z0-9_.\-]*$")


@attrs.frozen
class StrategyType:
    """A punishment strategy a case file can name in ``[strategy] kind = ...``.

    ``build`` receives the other keys of the ``[strategy]`` table (e.g. ``periods``) and returns the
    :class:`~linkage.model.strategies.Strategy`; ``options`` documents those keys.
    """

    kind: str = attrs.field(validator=attrs.validators.matches_re(_ID))
    title: str
    build: Callable[[Mapping[str, Any]], Strategy] = attrs.field(repr=False)
    options: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def id(self) -> str:
        return self.kind


@attrs.frozen
class BundledCase:
    """A case file shipped by a package, found by id (``linkage analyze japan_russia``)."""

    id: str = attrs.field(validator=attrs.validators.matches_re(_ID))
    path: Path = attrs.field(converter=Path)
    title: str = ""


@attrs.frozen
class OutputFormat:
    """A report format for ``linkage analyze --format NAME``: ``render(report) -> str``."""

    name: str = attrs.field(validator=attrs.validators.matches_re(_ID))
    title: str
    render: Callable[[Any], str] = attrs.field(repr=False)
    suffix: str = ".txt"

    @property
    def id(self) -> str:
        return self.name


T = TypeVar("T")


@attrs.define
class Entry(Generic[T]):
    item: T
    plugin: str


class Registry:
    """The contributions of every loaded plugin, by kind and id."""

    KINDS: Mapping[str, type[Any]] = {
        "domain_models": DomainModel,
        "strategies": StrategyType,
        "cases": BundledCase,
        "output_formats": OutputFormat,
        "analysis_kinds": AnalysisKind,
    }

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, Entry[Any]]] = {k: {} for k in self.KINDS}

    def add(self, kind: str, item: Any, plugin: str) -> None:
        expected = self.KINDS[kind]
        if not isinstance(item, expected):
            raise PluginError(
                f"plugin {plugin!r} registered {item!r} as {kind}; expected a {expected.__name__}"
            )
        key: str = item.id  # every registrable kind has an id
        existing = self._entries[kind].get(key)
        if existing is not None:
            raise PluginError(
                f"{kind[:-1].replace('_', ' ')} {key!r} is registered twice: "
                f"by plugin {existing.plugin!r} and by plugin {plugin!r}"
            )
        self._entries[kind][key] = Entry(item, plugin)

    def remove_plugin(self, plugin: str) -> None:
        for table in self._entries.values():
            for key in [k for k, e in table.items() if e.plugin == plugin]:
                del table[key]

    def get(self, kind: str, key: str) -> Any:
        return self._entries[kind][key].item

    def owner(self, kind: str, key: str) -> str:
        return self._entries[kind][key].plugin

    def ids(self, kind: str) -> list[str]:
        return sorted(self._entries[kind])

    def items(self, kind: str) -> list[Any]:
        return [self._entries[kind][k].item for k in self.ids(kind)]

    def by_plugin(self, plugin: str) -> dict[str, list[str]]:
        return {
            kind: sorted(k for k, e in table.items() if e.plugin == plugin)
            for kind, table in self._entries.items()
            if any(e.plugin == plugin for e in table.values())
        }

    def __contains__(self, pair: tuple[str, str]) -> bool:
        kind, key = pair
        return key in self._entries[kind]
