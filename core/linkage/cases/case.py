"""A loaded case study: the dyad, its calibrated parameters, competing linkage hypotheses, the
timeline of what happened and the bibliography it cites. Payoffs stay symbolic in the case's
parameters; a calibration (the parameter values, possibly changed by timeline events) turns them
into numbers.

The record (``[[timeline]]``) holds dated events: parameter changes, the observed state of domains
(each observation with its evidence), recorded deviations (who deviated where: the triggers of
punishment), settlements (which end the punishment phases of the deviations they settle) and
domains that open or close. :mod:`linkage.record` turns it into what each hypothesis predicts and
how well that matches."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.analyses import AnalysisSpec
from linkage.cases.dates import add_unit, day, iso
from linkage.cases.distributions import Correlation, Distribution
from linkage.decimals import DIGITS, decimal, is_short_decimal
from linkage.engine.analysis import Analysis
from linkage.errors import CaseWarning, ModelError
from linkage.findings import Section
from linkage.model.game import Game
from linkage.model.structure import LinkageStructure
from linkage.theory.stagegame import Derivation
from linkage.values import exact, substitute

OBSERVED_STATES = ("cooperating", "restructured", "partial", "suspended", "defected", "unknown")
"""The observed state of a domain after an event. ``cooperating`` and ``restructured`` count as
cooperation, ``suspended`` and ``defected`` as its breakdown; ``partial`` and ``unknown`` are not
scored when a hypothesis is compared with the record."""

COOPERATIVE_STATES = frozenset({"cooperating", "restructured"})
BROKEN_STATES = frozenset({"suspended", "defected"})

RESOLUTIONS = ("day", "week", "month", "quarter", "year")
"""The resolutions a record can be coded at (see :mod:`linkage.cases.dates`)."""

SOURCE_TYPES = ("article", "book", "chapter", "report", "news", "web", "document", "dataset")
"""Kinds of bibliography entries (``document``: a treaty, decree or official statement)."""


def _keys(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class Source:
    """A bibliography entry of a case, cited by its ``key`` from parameters, domains, hypotheses,
    events and observations (``cite = ["key"]``)."""

    key: str
    title: str
    type: str = attrs.field(default="web", validator=attrs.validators.in_(SOURCE_TYPES))
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    doi: str = ""
    note: str = ""


@attrs.frozen
class Scoring:
    """How the record is scored: the resolution it is coded at, the error rate ε of the coding
    (the chance that one unit of one domain's record is coded wrongly) and the range of ε shown."""

    resolution: str = attrs.field(default="year", validator=attrs.validators.in_(RESOLUTIONS))
    error_rate: float = 0.1
    error_rates: tuple[float, ...] = attrs.field(
        default=(0.01, 0.05, 0.1, 0.2, 0.3), converter=tuple
    )

    def __attrs_post_init__(self) -> None:
        for eps in (self.error_rate, *self.error_rates):
            if not 0 < eps < 0.5:
                raise ModelError(f"an error rate must lie strictly between 0 and 1/2, got {eps}")


@attrs.frozen
class ParameterValue:
    """A named, sourced quantity: value, optional range, unit, source and note.

    ``value``, ``low`` and ``high`` are exact; ``text``, ``low_text`` and ``high_text`` keep them
    as the case file wrote them (``"0.95"``, ``"fee_jpy / fx"``), so that outputs and messages
    show the user's own numbers. ``latex`` is the LaTeX symbol declared with ``symbol = "g_T"``
    (empty: the name is typeset upright as a whole word). ``dist`` is the distribution the file
    declares over the range (``None``: uniform, see :attr:`distribution`).
    """

    name: str
    value: sympy.Expr
    low: sympy.Expr | None = None
    high: sympy.Expr | None = None
    unit: str = ""
    source: str = ""
    note: str = ""
    cite: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    text: str = ""
    low_text: str = ""
    high_text: str = ""
    latex: str = ""
    dist: Distribution | None = None

    @property
    def symbol(self) -> sympy.Symbol:
        return parameter_symbol(self.name, self.low)

    @property
    def distribution(self) -> Distribution | None:
        """How the parameter is uncertain: the declared distribution, else uniform over a range
        of two numbers with ``low < high``; ``None`` for a fixed parameter."""
        if self.dist is not None:
            return self.dist
        lo, hi = self.low, self.high
        if lo is None or hi is None or not (lo.is_number and hi.is_number) or not lo < hi:
            return None
        return Distribution("uniform", lo, hi, explicit=False)

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
    """A named linkage structure that someone claims governs the dyad, with its source and its
    prior weight (relative: the weights of a case's hypotheses are normalised)."""

    id: str
    structure: LinkageStructure
    title: str = ""
    source: str = ""
    note: str = ""
    prior: float = 1.0
    cite: tuple[str, ...] = attrs.field(default=(), converter=_keys)


@attrs.frozen
class Observation:
    """The recorded state of one domain from an event on, with its evidence.

    ``by`` names the player who took the action, where the record says (who suspended what);
    ``estimate`` tags a state coded without a source (an assumption of the case's author)."""

    state: str = attrs.field(validator=attrs.validators.in_(OBSERVED_STATES))
    by: str | None = None
    cite: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    source: str = ""
    note: str = ""
    estimate: bool = False
    line: int | None = attrs.field(default=None, eq=False)

    @property
    def cooperative(self) -> bool | None:
        """Cooperation (``True``), its breakdown (``False``) or not scored (``None``)."""
        if self.state in COOPERATIVE_STATES:
            return True
        if self.state in BROKEN_STATES:
            return False
        return None


def _observations(value: Mapping[str, Observation | str]) -> Mapping[str, Observation]:
    return {
        str(k): v if isinstance(v, Observation) else Observation(str(v)) for k, v in value.items()
    }


@attrs.frozen
class Deviation:
    r"""A recorded deviation: ``player`` deviated in ``domains``. Each hypothesis punishes it in
    :math:`L_i(S) = \bigcup_{k \in S} L_i(k)`, for as long as the case's strategy says."""

    player: str
    domains: tuple[str, ...] = attrs.field(converter=_keys)
    note: str = ""


@attrs.frozen
class Settlement:
    """A recorded settlement: it ends the punishment phases of the deviations it settles, those by
    ``player`` (``None``: anyone) in any of ``domains`` (empty: in any domain)."""

    player: str | None = None
    domains: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    note: str = ""

    def settles(self, deviation: Deviation) -> bool:
        return (self.player is None or self.player == deviation.player) and (
            not self.domains or bool(set(self.domains) & set(deviation.domains))
        )


def _deviation_tuple(value: Iterable[Deviation]) -> tuple[Deviation, ...]:
    return tuple(value)


def _settlement_tuple(value: Iterable[Settlement]) -> tuple[Settlement, ...]:
    return tuple(value)


@attrs.frozen
class Event:
    """A dated event of the record: parameter changes, the observed state of domains afterwards,
    deviations, settlements, and domains that open or close. Within an event, parameters change
    first, then domains open or close, then settlements end punishment phases, then deviations
    start new ones."""

    date: str
    title: str
    set: Mapping[str, sympy.Expr] = attrs.field(factory=dict)
    observed: Mapping[str, Observation] = attrs.field(factory=dict, converter=_observations)
    source: str = ""
    note: str = ""
    cite: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    estimate: bool = False
    deviations: tuple[Deviation, ...] = attrs.field(default=(), converter=_deviation_tuple)
    settlements: tuple[Settlement, ...] = attrs.field(default=(), converter=_settlement_tuple)
    opens: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    closes: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    line: int | None = attrs.field(default=None, eq=False)

    @property
    def day(self) -> int:
        """The day the event stands for (the first day of a coarse date), as an ordinal."""
        return day(self.date)

    @property
    def states(self) -> dict[str, str]:
        """The observed state of each domain the event records."""
        return {k: o.state for k, o in self.observed.items()}

    def evidence(self, domain: str) -> str:
        """How the observation of ``domain`` is supported: ``"cited"`` (a bibliography key),
        ``"source"`` (a source in words), ``"estimate"`` (tagged as the author's estimate) or
        ``""`` (nothing: ``linkage check`` warns)."""
        o = self.observed[domain]
        if o.cite or self.cite:
            return "cited"
        if o.source or self.source:
            return "source"
        if o.estimate or self.estimate:
            return "estimate"
        return ""


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
    cite: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    stage_game: Derivation | None = attrs.field(default=None, eq=False)
    """For a domain given as a stage game (``game = {...}``): the game and what was read off it."""


@attrs.frozen(eq=False)
class Case:
    """A case study. ``game`` has payoffs in the parameters' symbols and the first hypothesis'
    linkage structure; :meth:`analysis` evaluates it at the calibration.

    The calibration is the file's parameter values, or, for a case taken :meth:`as_of` a date,
    the values in force at that date (the file's values changed by every event up to it).
    ``focal`` is the date the case is judged at by default in comparisons and reports; ``end``
    the last day of the record."""

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
    focal: str | None = None
    end: str | None = None
    scoring: Scoring = Scoring()
    bibliography: Mapping[str, Source] = attrs.field(factory=dict)
    cite: tuple[str, ...] = attrs.field(default=(), converter=_keys)
    at: str | None = None
    warnings: tuple[CaseWarning, ...] = ()
    """Likely slips found while loading (a concession ``C < N``, ``C`` and ``N`` swapped, ...):
    the case is valid, and the commands print these on standard error."""
    correlations: tuple[Correlation, ...] = ()
    """Rank correlations between uncertain parameters (``[[correlations]]``)."""
    analyses: tuple[AnalysisSpec, ...] = ()
    """The file's ``[[analyses]]``: results beyond the reduced form (:mod:`linkage.analyses`)."""

    @property
    def domain_ids(self) -> tuple[str, ...]:
        return self.game.domain_ids

    @property
    def end_day(self) -> int | None:
        """The record's last day: ``end``, or without it one unit of the resolution after the last
        event (``None`` without a timeline)."""
        if self.end is not None:
            return day(self.end)
        if not self.timeline:
            return None
        return add_unit(self.timeline[-1].day, self.scoring.resolution)

    def changes_at(self, date: str) -> dict[str, sympy.Expr]:
        """The parameter changes in force at ``date``: those of every event up to that day."""
        limit = day(date)
        changes: dict[str, sympy.Expr] = {}
        for event in self.timeline:
            if event.day <= limit:
                changes = {**changes, **event.set}
        return changes

    def as_of(self, date: str | None) -> Case:
        """This case calibrated at the values in force at ``date`` (``None``: the file's values).
        The timeline is unchanged: its periods keep their own calibrations."""
        if date is not None:
            day(date)  # a clear error for a malformed date
        return attrs.evolve(self, at=date)

    def _changes(self, changes: Mapping[str, sympy.Expr] | None) -> Mapping[str, sympy.Expr]:
        if changes is not None:
            return changes
        return self.changes_at(self.at) if self.at is not None else {}

    @property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {name: p.symbol for name, p in self.parameters.items()}

    def calibration(
        self, changes: Mapping[str, sympy.Expr] | None = None
    ) -> dict[sympy.Symbol, sympy.Expr]:
        """Parameter values by symbol: the file's values updated by ``changes`` (by name; ``None``:
        the changes in force at the case's date, none for a case not taken :meth:`as_of` a date)."""
        values = {p.symbol: p.value for p in self.parameters.values()}
        for name, value in self._changes(changes).items():
            if name not in self.parameters:
                raise ModelError(f"case {self.id} has no parameter {name!r}")
            # a change may refer to other parameters: evaluate it at the values in force
            values[self.parameters[name].symbol] = substitute(exact(value), values)
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

    @cached_property
    def _findings(self) -> dict[str | None, tuple[Section, ...]]:
        return {}

    def findings(self) -> tuple[Section, ...]:
        """The result of each of the file's ``[[analyses]]`` at the case's calibration (computed
        once per date)."""
        if self.at not in self._findings:
            self._findings[self.at] = tuple(spec.solve(self) for spec in self.analyses)
        return self._findings[self.at]

    def symbolic_analysis(self, hypothesis_id: str | None = None) -> Analysis:
        """The analysis in closed form in the case's parameters (computed once per hypothesis)."""
        h = self.hypothesis(hypothesis_id)
        key: tuple[object, ...] = ("symbolic", h.id)
        if key not in self._analyses:
            self._analyses[key] = Analysis(self.game.with_linkage(h.structure))
        return self._analyses[key]

    def calibrated_game(self, changes: Mapping[str, sympy.Expr] | None = None) -> Game:
        """The game at the calibration (see :meth:`calibration`), with the primary hypothesis'
        linkage; computed once per set of changes and shared by every hypothesis."""
        changes = self._changes(changes)
        key = ("game", tuple((k, sympy.srepr(v)) for k, v in changes.items()))
        if key not in self._games:
            self._games[key] = self.game.subs(self.calibration(changes))
        return self._games[key]

    @cached_property
    def _games(self) -> dict[tuple[object, ...], Game]:
        return {}

    def analysis(
        self, hypothesis_id: str | None = None, changes: Mapping[str, sympy.Expr] | None = None
    ) -> Analysis:
        """The analysis at the calibration (see :meth:`calibration`); computed once per hypothesis
        and set of changes (analyses are immutable)."""
        h = self.hypothesis(hypothesis_id)
        changes = self._changes(changes)
        key = ("calibrated", h.id, tuple((k, sympy.srepr(v)) for k, v in changes.items()))
        if key not in self._analyses:
            self._analyses[key] = Analysis(self.calibrated_game(changes).with_linkage(h.structure))
        return self._analyses[key]

    @cached_property
    def periods(self) -> list[tuple[str, str, dict[str, sympy.Expr], Event]]:
        """Timeline periods: (start, end, parameter changes in force, the event that opened it).
        The last period ends on :attr:`end_day`."""
        out: list[tuple[str, str, dict[str, sympy.Expr], Event]] = []
        changes: dict[str, sympy.Expr] = {}
        events = list(self.timeline)
        for i, event in enumerate(events):
            changes = {**changes, **event.set}
            if i + 1 < len(events):
                end = events[i + 1].date
            else:
                end_day = self.end_day
                assert end_day is not None
                end = self.end if self.end is not None else iso(end_day)
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
