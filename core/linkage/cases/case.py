"""A loaded case study: the dyad, its calibrated parameters, competing linkage hypotheses and the
timeline of what happened. Payoffs stay symbolic in the case's parameters; a calibration (the
parameter values, possibly changed by timeline events) turns them into numbers."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.decimals import DIGITS, decimal, is_short_decimal
from linkage.engine.analysis import Analysis
from linkage.errors import CaseWarning, ModelError
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
    """A named, sourced quantity: value, optional range, unit, source and note.

    ``value``, ``low`` and ``high`` are exact; ``text``, ``low_text`` and ``high_text`` keep them
    as the case file wrote them (``"0.95"``, ``"fee_jpy / fx"``), so that outputs and messages
    show the user's own numbers. ``latex`` is the LaTeX symbol declared with ``symbol = "g_T"``
    (empty: the name is typeset upright as a whole word).
    """

    name: str
    value: sympy.Expr
    low: sympy.Expr | None = None
    high: sympy.Expr | None = None
    unit: str = ""
    source: str = ""
    note: str = ""
    text: str = ""
    low_text: str = ""
    high_text: str = ""
    latex: str = ""

    @property
    def symbol(self) -> sympy.Symbol:
        return parameter_symbol(self.name, self.low)

    def written(self, which: str = "value", digits: int = DIGITS) -> str:
        """``value``, ``low`` or ``high`` as written in the case file (a decimal if not known)."""
        text = {"value": self.text, "low": self.low_text, "high": self.high_text}[which]
        exact_value = getattr(self, which)
        if text or exact_value is None:
            return text
        return decimal(exact_value, digits) if exact_value.is_number else sympy.sstr(exact_value)


def written(value: Any) -> str:
    """A number or expression the way a user typed it: TOML ints and floats by their shortest
    representation (``0.95``), strings stripped, exact values as decimals where exact."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Fraction):
        return decimal(value) if is_short_decimal(value) else str(value)
    if isinstance(value, sympy.Basic):
        return decimal(value) if is_short_decimal(value) else sympy.sstr(value)
    return str(value)


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
    concessions: tuple[str, ...] = ()
    """Players for whom cooperating here is a concession on purpose (``C < N``): no warning."""
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
    warnings: tuple[CaseWarning, ...] = ()
    """Likely slips found while loading (a concession ``C < N``, ``C`` and ``N`` swapped, ...):
    the case is valid, and the commands print these on standard error."""

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
        ids = [h.id for h in self.hypotheses]
        close = difflib.get_close_matches(str(hypothesis_id), ids, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ModelError(
            f"case {self.id} has no hypothesis {hypothesis_id!r} ({hint}known: {', '.join(ids)})"
        )

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

    def with_values(self, values: Mapping[str, Any] | None = None, /, **more: Any) -> Case:
        """A copy with some parameter values replaced, given as a mapping and/or keywords.

        Values are exact numbers: ints, :class:`~fractions.Fraction`, floats (read as their
        shortest decimal, ``0.3`` is ``3/10``) or sympy numbers; text is refused (see
        :func:`linkage.values.exact`). The calibration, analyses and outputs of the copy use the
        new values; the range, unit and source of each parameter are kept.

        >>> from linkage.cases import load_case
        >>> case = load_case("cases/japan_russia.toml")
        >>> case.with_values({"delta_japan": 0.8}).parameters["delta_japan"].text
        '0.8'
        """
        changes = {**(values or {}), **more}
        params = dict(self.parameters)
        for name, value in changes.items():
            if name not in params:
                close = difflib.get_close_matches(str(name), list(params), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ModelError(f"case {self.id} has no parameter {name!r}{hint}")
            params[name] = attrs.evolve(params[name], value=exact(value), text=written(value))
        return attrs.evolve(self, parameters=params)
