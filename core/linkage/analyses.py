"""Analysis kinds: results beyond the reduced-form C/D/N engine, declared in a case file.

A kind (continuous cooperation levels, non-separable objectives, bargaining, transfers, ...) is
registered by a plugin through ``register_analysis_kinds`` and used by a case file::

    [[analyses]]
    kind = "levels"
    id = "tariffs"           # optional: default the kind, numbered when repeated
    title = "Tariff cuts"    # optional
    # ... the kind's own keys

``read(table, keys)`` checks the kind's keys and returns its specification (errors go through
``keys`` with their key paths, so they are located like every other error of the file);
``solve(spec, case)`` returns a :class:`~linkage.findings.Section` that every output format renders.
``solve`` raises :class:`~linkage.errors.ModelError` for an input that is well-formed but
impossible; the command names the case and the analysis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import sympy

from linkage.errors import LinkageError, ModelError
from linkage.findings import Section

if TYPE_CHECKING:
    from linkage.cases.case import Case

_ID = re.compile(r"^[a-z][a-z0-9_.\-]*$")

COMMON_KEYS = ("kind", "id", "title")
"""The keys every ``[[analyses]]`` table may have besides the kind's own."""


class Keys(Protocol):
    """What ``read`` gets to check its table: located errors and the case's parameters.

    Paths are relative to the table (``"gain"``, ``"domains[1].t"``); the loader prefixes
    ``analyses[i].`` and finds the line."""

    @property
    def parameters(self) -> Mapping[str, sympy.Symbol]:
        """The case's parameter symbols by name."""
        ...

    def error(self, path: str, message: str, *, hint: str | None = None) -> None:
        """Report a problem at ``path``; ``read`` then returns ``None`` (or goes on checking)."""
        ...

    def allowed(self, table: Mapping[str, Any], allowed: tuple[str, ...], path: str = "") -> None:
        """Report every key of ``table`` not in ``allowed`` (and not a common key)."""
        ...

    def expression(
        self, value: Any, path: str, extra: Mapping[str, sympy.Symbol] | None = None
    ) -> sympy.Expr | None:
        """A number or quoted expression in the case's parameters (and ``extra`` symbols, such
        as a level ``x``), exact; ``None`` after reporting an error."""
        ...

    def string(self, value: Any, path: str) -> str | None:
        """A string, or ``None`` after reporting an error."""
        ...

    def table(self, value: Any, path: str) -> Mapping[str, Any] | None:
        """A table, or ``None`` after reporting an error."""
        ...


@attrs.frozen
class AnalysisKind:
    """A registered analysis: ``read(table, keys) -> spec | None``, ``solve(spec, case) ->
    Section``. ``keys_help`` documents the kind's keys for ``linkage plugins`` and errors."""

    id: str = attrs.field(validator=attrs.validators.matches_re(_ID))
    title: str
    read: Callable[[Mapping[str, Any], Keys], Any] = attrs.field(repr=False)
    solve: Callable[[Any, Case], Section] = attrs.field(repr=False)
    description: str = ""
    keys_help: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class AnalysisSpec:
    """One ``[[analyses]]`` table of a case file, read: its kind, id, title and specification."""

    kind: AnalysisKind
    id: str
    title: str
    spec: Any
    path: str = ""
    line: int | None = None

    def solve(self, case: Case) -> Section:
        """The kind's result for ``case``; a failure names the case and the analysis."""
        try:
            section = self.kind.solve(self.spec, case)
        except LinkageError as exc:
            where = f" at {self.path!r}" + (f" (line {self.line})" if self.line else "")
            raise ModelError(
                f"case {case.id}, analysis {self.id!r} ({self.kind.id}){where}: {exc}"
            ) from exc
        if not isinstance(section, Section):
            raise ModelError(
                f"case {case.id}, analysis {self.id!r}: kind {self.kind.id!r} returned "
                f"{type(section).__name__}, not a Section"
            )
        return attrs.evolve(section, title=self.title or section.title or self.kind.title)
