"""A loaded case study: the dyad, its calibrated parameters, competing linkage hypotheses and the
timeline of what happened. Payoffs stay symbolic in the case's parameters; a calibration (the
parameter values, possibly changed by timeline events) turns them into numbers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.engine.analysis import Analysis
from linkage.errors import ModelError
from linkage.model.game import Game
from linkage.model.structure import LinkageStructure
from linkage.values import exact

OBSERVED_STATES = ("cooperating", "restructured", "partial", "suspended", "defected", "unknown")
"""The observed state of a domain after an event. ``cooperating`` and ``restructured`` count as
cooperation, ``suspended`` and ``defected`` as its breakdown; ``partial`` and ``unknown`` are not
scored when a hypothesis is compared with the record."""

COOPERATIVE_STATES = frozenset({"cooperating", "restructured"})
BROKEN_STATES = frozenset({"suspended", "defected"})


@attrs.frozen
class ParameterValue:
    """A named, sourced quantity: value, optional range, unit, source and note."""

    name: str
    value: sympy.Expr
    low: sympy.Expr | None = None
    high: sympy.Expr | None = None
    unit: str = ""
    source: str = ""
    note: str = ""

    @property
    def symbol(self) -> sympy.Symbol:
        return parameter_symbol(self.name, self.low)


def parameter_symbol(name: str, lower_bound: sympy.Expr | None = None) -> sympy.Symbol:
    """The sympy symbol of a case parameter: positive, non-negative or real by its lower bound."""
    if lower_bound is not None and lower_bound.is_number and lower_bound > 0:
        return sympy.Symbol(name, positive=True)
    if lower_bound is not None and lower_bound.is_number and lower_bound >= 0:
        return sympy.Symbol(name, nonnegative=True)
    return sympy.Symbol(name, real=True)


@attrs.frozen
class Hypothesis:
    """A named linkage structure that someone claims governs the dyad, with its source."""

    id: str
    structure: LinkageStructure
    title: str = ""
    source: str = ""
    note: str = ""


@attrs.frozen
class Event:
    """A dated event: parameter changes and the observed state of domains afterwards."""

    date: str
    title: str
    set: Mapping[str, sympy.Expr] = attrs.field(factory=dict)
    observed: Mapping[str, str] = attrs.field(factory=dict)
    source: str = ""
    note: str = ""


@attrs.frozen
class DomainInfo:
    """What a case file says about a domain beyond its payoffs."""

    id: str
    title: str = ""
    kind: str = "cardinal"
    model: str | None = None
    salience: Mapping[str, sympy.Expr] = attrs.field(factory=dict)
    source: str = ""
    note: str = ""


@attrs.frozen(eq=False)
class Case:
    """A case study. ``game`` has payoffs in the parameters' symbols and the first hypothesis'
    linkage structure; :meth:`analysis` evaluates it at the calibration."""

    id: str
    players: tuple[str, ...]
    game: Game
    title: str = ""
    path: str | None = None
    description: str = ""
    sources: tuple[str, ...] = ()
    parameters: Mapping[str, ParameterValue] = attrs.field(factory=dict)
    hypotheses: tuple[Hypothesis, ...] = ()
    timeline: tuple[Event, ...] = ()
    domains: Mapping[str, DomainInfo] = attrs.field(factory=dict)

    @property
    def domain_ids(self) -> tuple[str, ...]:
        return self.game.domain_ids

    @property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {name: p.symbol for name, p in self.parameters.items()}

    def calibration(
        self, changes: Mapping[str, sympy.Expr] | None = None
    ) -> dict[sympy.Symbol, sympy.Expr]:
        """Parameter values by symbol: the file's values updated by ``changes`` (by name)."""
        values = {p.symbol: p.value for p in self.parameters.values()}
        for name, value in (changes or {}).items():
            if name not in self.parameters:
                raise ModelError(f"case {self.id} has no parameter {name!r}")
            # a change may refer to other parameters: evaluate it at the values in force
            values[self.parameters[name].symbol] = exact(value).subs(values)
        return values

    def hypothesis(self, hypothesis_id: str | None = None) -> Hypothesis:
        if hypothesis_id is None:
            return self.hypotheses[0]
        for h in self.hypotheses:
            if h.id == hypothesis_id:
                return h
        known = ", ".join(h.id for h in self.hypotheses)
        raise ModelError(f"case {self.id} has no hypothesis {hypothesis_id!r} (known: {known})")

    @cached_property
    def _analyses(self) -> dict[tuple[object, ...], Analysis]:
        return {}

    def symbolic_analysis(self, hypothesis_id: str | None = None) -> Analysis:
        """The analysis in closed form in the case's parameters (computed once per hypothesis)."""
        h = self.hypothesis(hypothesis_id)
        key: tuple[object, ...] = ("symbolic", h.id)
        if key not in self._analyses:
            self._analyses[key] = Analysis(self.game.with_linkage(h.structure))
        return self._analyses[key]

    def analysis(
        self, hypothesis_id: str | None = None, changes: Mapping[str, sympy.Expr] | None = None
    ) -> Analysis:
        """The analysis at the calibration (the file's values, updated by ``changes``); computed
        once per hypothesis and set of changes (analyses are immutable)."""
        h = self.hypothesis(hypothesis_id)
        key = ("calibrated", h.id, tuple((k, sympy.srepr(v)) for k, v in (changes or {}).items()))
        if key not in self._analyses:
            self._analyses[key] = self.symbolic_analysis(h.id).at(self.calibration(changes))
        return self._analyses[key]

    @cached_property
    def periods(self) -> list[tuple[str, str | None, dict[str, sympy.Expr], Event | None]]:
        """Timeline periods: (start, end, parameter changes in force, the event that opened it)."""
        out: list[tuple[str, str | None, dict[str, sympy.Expr], Event | None]] = []
        changes: dict[str, sympy.Expr] = {}
        events = list(self.timeline)
        for i, event in enumerate(events):
            changes = {**changes, **event.set}
            end = events[i + 1].date if i + 1 < len(events) else None
            out.append((event.date, end, dict(changes), event))
        return out

    def with_values(self, **values: Any) -> Case:
        """A copy with some parameter values replaced (exact numbers)."""
        params = dict(self.parameters)
        for name, value in values.items():
            params[name] = attrs.evolve(params[name], value=exact(value))
        return attrs.evolve(self, parameters=params)
