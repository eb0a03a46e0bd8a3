r"""A case's verdicts compiled once and evaluated over many parameter values at a time.

The closed forms come from the symbolic analysis of each hypothesis
(:meth:`linkage.cases.case.Case.symbolic_analysis`): every incentive constraint, in the case's
parameters, that the exact engine checks at some calibration (subgame perfect: every reachable
state; the symbolic constraint set contains the calibrated one, and each of its constraints is a
true constraint at every calibration). A constraint holds at a player's discount factor
:math:`\delta_i` when its **margin**

.. math:: m(\delta_i) = \sum_j b_j\,W_j(\delta_i) - a \;\ge\; 0

(:mod:`linkage.engine.condition`). Every distinct margin of the case, over every hypothesis and
every package, is compiled into **one** numpy function (common subexpressions shared) by
:func:`linkage.engine.numeric.compile_expression`; a verdict is then an ``and`` over rows of the
matrix of margins :math:`\ge 0`:

* ``separate.{player}.{domain}``: the player's constraints in that domain alone hold;
* ``linked.{hypothesis}.{player}`` (subgame perfect) and ``on_path.{hypothesis}.{player}``;
* ``helps.{hypothesis}``: every player's linked constraints hold and not every domain holds on
  its own (:attr:`linkage.engine.analysis.Analysis.helps`);
* the **best package** (:mod:`linkage.engine.packages`): per component of the linkage structure,
  every subset's feasibility (the linked constraints of the restricted game), and per draw the
  feasible subset with the highest joint surplus; ties (surpluses within :data:`TIE` of each
  other, relative to the sum of their magnitudes) go to more domains, then to the package holding
  the earliest domain where two differ, as in the engine;
* the **posterior** over hypotheses on the record (:mod:`linkage.record`): each hypothesis'
  automaton predicts, per segment, the punished domains (which do not depend on parameters) and
  the best package of the rest at the parameters in force then; the days it mismatches the
  record give its likelihood, the case's prior its posterior, all per draw.

Critical discount factors (the distributions of :math:`\delta^*`) are the lower ends of
:func:`linkage.engine.numeric.compile_region`: ``nan`` where the constraints never hold.

**Parameters in force.** Values are drawn for the case file's parameters; the timeline's changes
then apply as in :meth:`~linkage.cases.case.Case.calibration`: a change written as a number
replaces the drawn value, a change written in other parameters (``delta_japan =
"delta_japan_war"``) takes their drawn values. ``delta`` (a sweep's common discount factor)
replaces every player's discount factor at every date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from itertools import combinations
from typing import Any

import attrs
import numpy as np
import sympy

from linkage.cases.case import Case
from linkage.cases.dates import units
from linkage.engine.analysis import Analysis
from linkage.engine.condition import Condition
from linkage.engine.numeric import compile_expression, compile_regions
from linkage.engine.packages import surplus
from linkage.engine.states import Masks, bits
from linkage.errors import TooLargeError
from linkage.model.game import Game
from linkage.record.automaton import punished, segments
from linkage.symbols import delta
from linkage.values import exact

MAX_COMPONENT_DOMAINS = 10
"""Largest linked component whose 2^n packages the compiled best-package search enumerates."""

TIE = 1e-12
"""Relative difference below which two packages' surpluses count as equal."""

Values = Mapping[str, Any]
"""Parameter values by name: numbers or arrays of one common length (broadcast together)."""


def overridden(changes: Mapping[str, sympy.Expr], name: str) -> bool:
    """Whether timeline ``changes`` replace parameter ``name`` by a value that does not depend on
    it (its own value then no longer matters)."""
    return name in changes and name not in {s.name for s in changes[name].free_symbols}


def _margin(c: Condition, d: sympy.Symbol) -> sympy.Expr:
    """The margin of a condition at the discount factor ``d`` (see the module docstring)."""
    return sympy.Add(*(t.stake * t.weight for t in c.terms)).xreplace({delta: d}) - c.gain


@attrs.frozen
class Subset:
    """A package of domains (bits over the case's domains) and the margins that must all hold."""

    mask: int
    rows: np.ndarray


@attrs.frozen(eq=False)
class Kernel:
    """The compiled verdicts of ``case`` at the calibration in force at ``at`` (``None``: the
    file's values) for ``hypotheses`` (default: all), and with ``record`` the posterior over every
    hypothesis on the case's record."""

    case: Case
    at: str | None = None
    hypotheses: tuple[str, ...] = ()
    record: bool = True

    def __attrs_post_init__(self) -> None:
        if not self.hypotheses:
            object.__setattr__(self, "hypotheses", tuple(h.id for h in self.case.hypotheses))
        for h in self.hypotheses:
            self.case.hypothesis(h)  # a clear error for an unknown id

    # -- the pieces -------------------------------------------------------------------------
    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(self.case.parameters)

    @cached_property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(self.case.parameters[n].symbol for n in self.names)

    @cached_property
    def players(self) -> tuple[str, ...]:
        return self.case.players

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return self.case.domain_ids

    @cached_property
    def _deltas(self) -> tuple[sympy.Symbol, ...]:
        return tuple(sympy.Dummy(f"delta_{i}") for i in range(len(self.players)))

    @cached_property
    def _rows(self) -> dict[tuple[Condition, str], int]:
        return {}

    def _register(self, conditions: Sequence[tuple[Condition, str]]) -> np.ndarray:
        rows = self._rows
        for key in conditions:
            rows.setdefault(key, len(rows))
        return np.array(sorted({rows[k] for k in conditions}), dtype=np.intp)

    def _game(self, hypothesis: str) -> Game:
        return self.case.symbolic_analysis(hypothesis).game

    @cached_property
    def separate(self) -> dict[tuple[str, str], np.ndarray]:
        """Rows of each player's separate constraints per domain."""
        a = self.case.symbolic_analysis(self.hypotheses[0])
        return {
            (p, k): self._register([(c, p) for c in dc.conditions])
            for p, per in a.separate_constraints.items()
            for k, dc in per.items()
        }

    @cached_property
    def linked(self) -> dict[tuple[str, str, bool], np.ndarray]:
        """Rows of each player's linked constraints per hypothesis, subgame perfect (``False``)
        and on the path only (``True``)."""
        out = {}
        for h in self.hypotheses:
            a = self.case.symbolic_analysis(h)
            for p in self.players:
                for on_path, found in (
                    (False, a.linked_constraints),
                    (True, a.on_path_constraints),
                ):
                    conds = [(c, p) for dc in found[p] for c in dc.conditions]
                    out[(h, p, on_path)] = self._register(conds)
        return out

    def _subsets(self, hypothesis: str, domains: frozenset[str]) -> list[list[Subset]]:
        """Per component of the game restricted to ``domains``, its packages in the engine's
        structural order (more domains first, then the one holding the earliest domain where two
        differ), the empty package last."""
        key = (hypothesis, domains)
        if key in self._subset_cache:
            return self._subset_cache[key]
        game = self._game(hypothesis)
        game = game.restricted(tuple(k for k in self.ids if k in domains))
        masks = Masks(game)
        index = {k: i for i, k in enumerate(self.ids)}
        out = []
        for component in masks.components:
            members = [masks.ids[i] for i in bits(component)]
            if len(members) > MAX_COMPONENT_DOMAINS:
                raise TooLargeError(
                    f"{len(members)} domains tied together under hypothesis {hypothesis!r}: the "
                    f"compiled search for the best package enumerates their 2^{len(members)} "
                    f"packages (limit {MAX_COMPONENT_DOMAINS})"
                )
            subsets = [s for n in range(len(members), -1, -1) for s in combinations(members, n)]
            subsets.sort(key=lambda s: (-len(s), tuple(0 if k in s else 1 for k in members)))
            found = []
            for s in subsets:
                mask = sum(1 << index[k] for k in s)
                if not s:
                    found.append(Subset(0, np.array([], dtype=np.intp)))
                    continue
                a = Analysis(
                    self._game(hypothesis).restricted(tuple(k for k in self.ids if k in s))
                )
                conds = [
                    (c, p)
                    for p in self.players
                    for dc in a.linked_constraints[p]
                    for c in dc.conditions
                ]
                found.append(Subset(mask, self._register(conds)))
            out.append(found)
        self._subset_cache[key] = out
        return out

    @cached_property
    def _subset_cache(self) -> dict[tuple[str, frozenset[str]], list[list[Subset]]]:
        return {}

    @cached_property
    def packages(self) -> dict[str, list[list[Subset]]]:
        """The subsets searched for each hypothesis' best package at the date."""
        return {h: self._subsets(h, frozenset(self.ids)) for h in self.hypotheses}

    # -- the record -------------------------------------------------------------------------
    @cached_property
    def segments(self) -> list[Any]:
        return segments(self.case) if self.record else []

    @cached_property
    def timeline(self) -> dict[str, list[tuple[int, frozenset[str], frozenset[str]]]]:
        """Per hypothesis and segment: the stage (index into :attr:`stages`), the punished
        domains and the open domains that are not punished."""
        out = {}
        for h in self.case.hypotheses:
            gone = punished(self.case, h, self.segments)
            rows = []
            for seg, g in zip(self.segments, gone, strict=True):
                if seg.open - g:
                    self._subsets(h.id, seg.open - g)
                rows.append((self._stage(seg.changes), g, seg.open - g))
            out[h.id] = rows
        return out

    @cached_property
    def scored(self) -> list[list[tuple[int, str, bool]]]:
        """Per segment, the scored observations: (days, domain, recorded cooperation)."""
        return [
            [
                (seg.end - seg.start, k, o.cooperative)
                for k, (_i, o) in seg.observed.items()
                if o.cooperative is not None
            ]
            for seg in self.segments
        ]

    # -- stages: the parameters in force --------------------------------------------------------
    @cached_property
    def stages(self) -> list[tuple[tuple[str, Callable[..., Any]], ...]]:
        """The distinct sets of timeline changes used, each as compiled changes in order."""
        return []

    @cached_property
    def _stage_keys(self) -> dict[tuple[tuple[str, str], ...], int]:
        return {}

    def _stage(self, changes: Mapping[str, sympy.Expr]) -> int:
        key = tuple((k, sympy.srepr(v)) for k, v in changes.items())
        if key not in self._stage_keys:
            compiled = tuple(
                (name, compile_expression(exact(v), self.symbols)) for name, v in changes.items()
            )
            self._stage_keys[key] = len(self.stages)
            self.stages.append(compiled)
        return self._stage_keys[key]

    @cached_property
    def date_stage(self) -> int:
        return self._stage(self.case.changes_at(self.at) if self.at is not None else {})

    @cached_property
    def discounts(self) -> Callable[..., Any]:
        return compile_expression(
            [self.case.game.discount.of(p) for p in self.players], self.symbols
        )

    @cached_property
    def surpluses(self) -> Callable[..., Any]:
        game = self.case.game
        return compile_expression([surplus(game, k) for k in self.ids], self.symbols)

    # -- compiling ------------------------------------------------------------------------------
    def compile(self) -> Kernel:
        """Derive and compile everything (done on first use; call it to time it apart)."""
        _ = (self.margins, self.regions)
        return self

    @cached_property
    def margins(self) -> Callable[..., Any]:
        """Every registered margin, as one function of the players' discount factors and the
        parameters."""
        _ = (self.separate, self.linked, self.packages, self.timeline, self.date_stage)
        d = dict(zip(self.players, self._deltas, strict=True))
        exprs = [_margin(c, d[p]) for (c, p) in self._rows]
        return compile_expression(exprs, [*self._deltas, *self.symbols])

    @cached_property
    def thresholds(self) -> dict[str, tuple[Condition, ...]]:
        """The constraints of each critical discount factor, by name: ``separate.{p}.{k}``,
        ``linked.{h}.{p}``, ``on_path.{h}.{p}``."""
        out: dict[str, tuple[Condition, ...]] = {}
        a0 = self.case.symbolic_analysis(self.hypotheses[0])
        for p in self.players:
            for k, dc in a0.separate_constraints[p].items():
                out[f"separate.{p}.{k}"] = dc.conditions
        for h in self.hypotheses:
            a = self.case.symbolic_analysis(h)
            for p in self.players:
                for kind, found in (
                    ("linked", a.linked_constraints),
                    ("on_path", a.on_path_constraints),
                ):
                    out[f"{kind}.{h}.{p}"] = tuple(c for dc in found[p] for c in dc.conditions)
        return out

    @cached_property
    def distinct(self) -> tuple[Condition, ...]:
        """The distinct constraints of :attr:`thresholds`."""
        return tuple(dict.fromkeys(c for cs in self.thresholds.values() for c in cs))

    @cached_property
    def regions(self) -> Callable[..., list[tuple[np.ndarray, np.ndarray]]]:
        """Every constraint of :attr:`distinct`, compiled together by
        :func:`~linkage.engine.numeric.compile_regions`."""
        return compile_regions(self.distinct, self.symbols)

    # -- evaluating ------------------------------------------------------------------------------
    def arguments(self, values: Values, stage: int) -> list[Any]:
        """The parameters in force at a stage, in :attr:`symbols` order."""
        args = [
            values[n] if n in values else float(self.case.parameters[n].value) for n in self.names
        ]
        index = {n: i for i, n in enumerate(self.names)}
        for name, f in self.stages[stage]:
            args[index[name]] = f(*args)
        return args

    def evaluate(self, values: Values, size: int, common_delta: Any = None) -> Evaluation:
        """Every verdict, best package, threshold and (with a record) posterior at ``size``
        points whose parameters are ``values`` (missing names: the file's values);
        ``common_delta`` replaces every player's discount factor."""
        run = _Run(self, values, size, common_delta)
        H = run.holds(self.date_stage)
        verdicts: dict[str, np.ndarray] = {}
        per_domain: dict[str, np.ndarray] = {}
        for (p, k), rows in self.separate.items():
            ok = H[rows].all(axis=0)
            verdicts[f"separate.{p}.{k}"] = ok
            per_domain[k] = per_domain.get(k, np.ones(size, dtype=bool)) & ok
        all_separate = np.logical_and.reduce(list(per_domain.values()))
        packages: dict[str, np.ndarray] = {}
        for h in self.hypotheses:
            linked = np.ones(size, dtype=bool)
            for p in self.players:
                ok = H[self.linked[(h, p, False)]].all(axis=0)
                verdicts[f"linked.{h}.{p}"] = ok
                verdicts[f"on_path.{h}.{p}"] = H[self.linked[(h, p, True)]].all(axis=0)
                linked &= ok
            verdicts[f"helps.{h}"] = linked & ~all_separate
            packages[h] = run.best(h, frozenset(self.ids), self.date_stage)
        date_args = run.arguments(self.date_stage)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            regions = {
                c: (_full(low, size), _full(high, size))
                for c, (low, high) in zip(self.distinct, self.regions(*date_args), strict=True)
            }
        thresholds = {
            name: _intersection([regions[c] for c in cs], size)
            for name, cs in self.thresholds.items()
        }
        posterior = self._posterior(run) if self.segments else None
        return Evaluation(verdicts, packages, thresholds, posterior)

    def _posterior(self, run: _Run) -> np.ndarray:
        """Per point and hypothesis (in the case's order), the posterior on the record."""
        case, size = self.case, run.size
        resolution = case.scoring.resolution
        eps = case.scoring.error_rate
        bit = {k: i for i, k in enumerate(self.ids)}
        total = sum(days for obs in self.scored for days, _k, _c in obs)
        z = sum(h.prior for h in case.hypotheses)
        logs = []
        for h in case.hypotheses:
            mismatched = np.zeros(size)
            for (stage, _gone, rest), observed in zip(
                self.timeline[h.id], self.scored, strict=True
            ):
                if not observed:
                    continue
                mask = run.best(h.id, rest, stage)
                for days, k, coop in observed:  # a punished domain is in no package
                    mismatched += days * (((mask >> bit[k]) & 1 == 1) != coop)
            matched = total - mismatched
            ll = (matched * np.log1p(-eps) + mismatched * np.log(eps)) * units(1, resolution)
            logs.append(ll + np.log(h.prior / z))
        L = np.stack(logs, axis=1)
        L -= L.max(axis=1, keepdims=True)
        w = np.exp(L)
        out: np.ndarray = w / w.sum(axis=1, keepdims=True)
        return out


def _intersection(
    regions: Sequence[tuple[np.ndarray, np.ndarray]], size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where constraints all hold, from where each does (as in
    :func:`~linkage.engine.numeric.compile_region`): ``low`` nan where never."""
    low, high = np.zeros(size), np.ones(size)
    for lo, hi in regions:
        low = np.maximum(low, lo)  # nan propagates: never
        high = np.minimum(high, hi)
    return np.where(high < low, np.nan, low), high


def _full(x: Any, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=float), (size,))


class _Run:
    """One evaluation: the parameters, margins, surpluses and best packages per stage, each
    computed once."""

    def __init__(self, kernel: Kernel, values: Values, size: int, common_delta: Any) -> None:
        self.kernel, self.values, self.size, self.common_delta = kernel, values, size, common_delta
        self._args: dict[int, list[np.ndarray]] = {}
        self._holds: dict[int, np.ndarray] = {}
        self._surplus: dict[int, np.ndarray] = {}
        self._best: dict[tuple[str, frozenset[str], int], np.ndarray] = {}

    def arguments(self, stage: int) -> list[np.ndarray]:
        if stage not in self._args:
            self._args[stage] = [
                _full(a, self.size) for a in self.kernel.arguments(self.values, stage)
            ]
        return self._args[stage]

    def holds(self, stage: int) -> np.ndarray:
        """Rows: margins; columns: points; ``True`` where the margin is non-negative."""
        if stage not in self._holds:
            k, size = self.kernel, self.size
            args = self.arguments(stage)
            if self.common_delta is None:
                ds = [_full(x, size) for x in k.discounts(*args)]
            else:
                ds = [_full(self.common_delta, size)] * len(k.players)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                m = k.margins(*ds, *args)
            self._holds[stage] = np.stack([_full(x, size) >= 0 for x in m])
        return self._holds[stage]

    def surplus(self, stage: int) -> np.ndarray:
        if stage not in self._surplus:
            per = self.kernel.surpluses(*self.arguments(stage))
            self._surplus[stage] = np.stack([_full(x, self.size) for x in per])
        return self._surplus[stage]

    def best(self, hypothesis: str, domains: frozenset[str], stage: int) -> np.ndarray:
        """Per point, the mask of the best package of the game on ``domains`` (see the module
        docstring)."""
        key = (hypothesis, domains, stage)
        if key in self._best:
            return self._best[key]
        size = self.size
        out = np.zeros(size, dtype=np.int64)
        if not domains:
            self._best[key] = out
            return out
        H, per_domain = self.holds(stage), self.surplus(stage)
        for subsets in self.kernel._subsets(hypothesis, domains):
            value = np.empty((len(subsets), size))
            scale = np.zeros(size)
            for i, s in enumerate(subsets):
                if not s.mask:
                    value[i] = 0.0
                    continue
                rows = list(bits(s.mask))
                total = per_domain[rows].sum(axis=0)
                scale = np.maximum(scale, np.abs(per_domain[rows]).sum(axis=0))
                value[i] = np.where(H[s.rows].all(axis=0), total, -np.inf)
            top = value.max(axis=0)
            chosen = np.argmax(value >= top - TIE * scale, axis=0)
            out |= np.array([s.mask for s in subsets], dtype=np.int64)[chosen]
        self._best[key] = out
        return out


@attrs.frozen(eq=False)
class Evaluation:
    """What a kernel gives at many points: boolean verdicts by name, each hypothesis' best
    package as a bit mask over the case's domains, thresholds ``(low, high)`` by name, and the
    posterior per point and hypothesis (``None`` without a record)."""

    verdicts: dict[str, np.ndarray]
    packages: dict[str, np.ndarray]
    thresholds: dict[str, tuple[np.ndarray, np.ndarray]]
    posterior: np.ndarray | None

    def leaders(self) -> np.ndarray | None:
        """Per point and hypothesis: is its posterior the highest (ties: every one tied)?"""
        if self.posterior is None:
            return None
        out: np.ndarray = self.posterior >= self.posterior.max(axis=1, keepdims=True)
        return out
