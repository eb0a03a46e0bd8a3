r"""Enforcement conditions in a structured form a reader can check: named aggregates, then the
threshold in them.

A deviation by player :math:`i` in the domains :math:`S`, punished in :math:`M`, is deterred under
grim trigger when :math:`(1-\delta)\,g \le \delta\, s` with

* the **temptation** :math:`g = \sum_{k\in S} g_k`, :math:`g_k = (D_k - C_k)^+`, and
* the **stake** :math:`s = \sum_{k\in M} s_k`, :math:`s_k = C_k - N_k`,

so that :math:`\delta^* = g/(g+s)`. Rather than one unreadable closed form per player (a maximum
of rational functions of every parameter), a :class:`Formula` names the per-domain parts
:math:`g_k, s_k` (each a short closed form in the case's parameters, simplified), their sums, and
the rule that gives :math:`\delta^*` from them. Stick-and-carrot adds the stick loss
:math:`\ell_k = C_k - P_k` and the stick temptation :math:`h_k = (D^P_k - P_k)^+`; T-period
reversion uses :math:`g` and :math:`s` with :math:`\sum_{t=1}^T \delta^t = g/s`.

No symbolic analysis is needed: the parts come from the case's payoffs and the deviation sets
from the calibrated analysis, so building formulas is cheap. A condition whose gain or stake is
not such a sum (a plugin's own strategy) keeps its total as one unnamed part.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import sympy

from linkage.cases.case import Case
from linkage.engine.analysis import Analysis
from linkage.engine.constraints import DeviationConstraint
from linkage.engine.threshold import Threshold
from linkage.model.payoffs import StagePayoffs, positive_part
from linkage.render.maths import Notation

KINDS: dict[str, tuple[str, str, Callable[[StagePayoffs], sympy.Expr | None]]] = {
    "g": ("temptation", "(D − C)⁺", lambda p: p.temptation),
    "s": ("stake", "C − N", lambda p: p.stake),
    "l": ("stick loss", "C − P", lambda p: None if p.P is None else p.C - p.P),
    "h": (
        "stick temptation",
        "(D_P − P)⁺",
        lambda p: None if p.P is None or p.DP is None else positive_part(p.DP - p.P),
    ),
}
"""Per aggregate name: what it is, its per-domain formula, and how to get it from payoffs."""

KIND_LATEX = {"g": "(D_k - C_k)^+", "s": "C_k - N_k", "l": "C_k - P_k", "h": "(D^P_k - P_k)^+"}
"""The per-domain formula of each aggregate kind in LaTeX."""

LATEX_NAMES = {"g": "g", "s": "s", "l": r"\ell", "h": "h"}
TEXT_NAMES = {"g": "g", "s": "s", "l": "ℓ", "h": "h"}

# (gain, stake) aggregates per condition form and label; the sets they sum over
_SHAPES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "grim": (("g", "deviation"), ("s", "punished")),
    "t_period": (("g", "deviation"), ("s", "punished")),
    "carrot": (("g", "deviation"), ("l", "punished")),
    "stick": (("h", "punished"), ("l", "punished")),
}


def tidy(expr: sympy.Expr) -> sympy.Expr:
    """A closed form simplified for reading: the shortest (as printed) of the expression, its
    expansion, its factorisation and its common factors pulled out over one denominator
    (``max(x, 0)`` keeps its shape with ``x`` tidied). Cheap: no general ``simplify``."""
    if expr.is_number or expr.is_Atom:  # a symbol: every rewrite gives it back
        return expr
    if isinstance(expr, sympy.Max | sympy.Min):
        args = tuple(tidy(a) for a in expr.args)
        return expr if args == expr.args else type(expr)(*args)
    candidates = [expr]
    for rewrite in (
        sympy.expand,
        sympy.factor,
        lambda e: sympy.factor_terms(sympy.together(e)),
    ):
        try:
            e = rewrite(expr)
        except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
            continue
        if e not in candidates:  # an equal one prints the same and comes later: it never wins
            candidates.append(e)
    # the first of the shortest as printed (short decimals count as written), then of the fewest
    # operations
    text = Notation().text
    lengths = [len(text(e)) for e in candidates]
    shortest = [e for e, n in zip(candidates, lengths, strict=True) if n == min(lengths)]
    return shortest[0] if len(shortest) == 1 else min(shortest, key=sympy.count_ops)


@attrs.frozen
class Part:
    """One domain's share of an aggregate: its closed form and its value at the calibration."""

    domain: str
    expr: sympy.Expr
    value: sympy.Expr


@attrs.frozen
class Aggregate:
    """A named sum over domains (``kind`` in :data:`KINDS`), or an unnamed total (``kind = ""``)."""

    kind: str
    parts: tuple[Part, ...]
    value: sympy.Expr


@attrs.frozen
class Formula:
    """One constraint of ``player``: deviating in ``deviation`` at the state where ``state`` is
    already punished (empty: on the cooperative path), punished afresh in ``punished``;
    ``threshold`` is its critical δ at the calibration, ``gain`` and ``stake`` its aggregates."""

    player: str
    label: str
    form: str
    periods: int | None
    deviation: tuple[str, ...]
    punished: tuple[str, ...]
    gain: Aggregate
    stake: Aggregate
    threshold: Threshold
    state: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        return bool(self.gain.kind and self.stake.kind)


class Formulas:
    """The formulas of one case: per-domain parts (closed forms computed once) and constraints."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self._parts: dict[tuple[str, str, str], sympy.Expr | None] = {}

    def part(self, kind: str, player: str, domain: str) -> sympy.Expr | None:
        """The closed form of aggregate ``kind`` for ``player`` in ``domain`` (tidied, cached)."""
        key = (kind, player, domain)
        if key not in self._parts:
            raw = KINDS[kind][2](self.case.game.domain(domain).payoffs[player])
            self._parts[key] = None if raw is None else tidy(raw)
        return self._parts[key]

    def domain_parts(
        self, a: Analysis, player: str, domain: str
    ) -> dict[str, tuple[sympy.Expr, sympy.Expr]]:
        """Per kind of :meth:`kinds` that applies in ``domain``: ``player``'s closed form and its
        value at ``a``'s calibration."""
        out = {}
        for kind in self.kinds():
            expr = self.part(kind, player, domain)
            value = KINDS[kind][2](a.game.domain(domain).payoffs[player])
            if expr is not None and value is not None:
                out[kind] = (expr, value)
        return out

    def _aggregate(
        self, kind: str, player: str, domains: tuple[str, ...], total: sympy.Expr, a: Analysis
    ) -> Aggregate:
        values = [KINDS[kind][2](a.game.domain(k).payoffs[player]) for k in domains]
        if all(v is not None for v in values) and sympy.Add(*values) == total:
            parts = []
            for k, v in zip(domains, values, strict=True):
                expr = self.part(kind, player, k)
                assert v is not None and expr is not None
                parts.append(Part(k, expr, v))
            return Aggregate(kind, tuple(parts), total)
        return Aggregate("", (), total)

    def formulas(self, a: Analysis, c: DeviationConstraint) -> list[Formula]:
        """The formulas of one deviation constraint of the calibrated analysis ``a``."""
        order = self.case.domain_ids
        sets = {
            "deviation": tuple(k for k in order if k in c.deviation),
            "punished": tuple(k for k in order if k in c.punished),
        }
        out = []
        for cond in c.conditions:
            shape = _SHAPES.get(cond.label, _SHAPES.get(cond.form))
            if shape is None:
                gain, stake = Aggregate("", (), cond.gain), Aggregate("", (), cond.stake)
            else:
                (gk, gs), (sk, ss) = shape
                gain = self._aggregate(gk, c.player, sets[gs], cond.gain, a)
                stake = self._aggregate(sk, c.player, sets[ss], cond.stake, a)
            out.append(
                Formula(
                    c.player,
                    cond.label,
                    cond.form,
                    cond.periods,
                    sets["deviation"],
                    sets["punished"],
                    gain,
                    stake,
                    cond.threshold,
                    tuple(k for k in order if k in getattr(c, "state", ())),
                )
            )
        return out

    def separate(self, a: Analysis, player: str) -> dict[str, list[Formula]]:
        """Per domain, the formulas of ``player``'s separate constraint."""
        return {k: self.formulas(a, c) for k, c in a.separate_constraints[player].items()}

    def linked(self, a: Analysis, player: str) -> list[list[Formula]]:
        """The formulas of each of ``player``'s linked constraints, binding one first."""
        binding = a.linked_binding[player]
        constraints = [binding] + [c for c in a.linked_constraints[player] if c != binding]
        return [self.formulas(a, c) for c in constraints]

    def kinds(self) -> list[str]:
        """The aggregate kinds the case's strategy uses, in display order."""
        return ["g", "s", "l", "h"] if self.case.game.strategy.needs_stick else ["g", "s"]


# -- the rule of each form ----------------------------------------------------------------------
def aggregate_names(f: Formula, style: str = "text") -> tuple[str, str]:
    """The names of the formula's gain and stake aggregates (``a`` and ``b`` when unnamed)."""
    names = TEXT_NAMES if style == "text" else LATEX_NAMES
    return names.get(f.gain.kind, "a"), names.get(f.stake.kind, "b")


def rule(f: Formula, style: str = "text") -> str:
    """How δ* follows from the aggregates: ``g/(g + s)``, ``g/s``, or the T-period root."""
    a, b = aggregate_names(f, style)
    if style == "text":
        if f.form == "grim":
            return f"{a}/({a} + {b})"
        if f.form == "linear":
            return f"{a}/{b}"
        if f.form == "t_period":
            return f"the root in (0, 1) of δ + … + δ^{f.periods} = {a}/{b}"
        return "from the cleared constraint"
    if f.form == "grim":
        return rf"\frac{{{a}}}{{{a} + {b}}}"
    if f.form == "linear":
        return rf"\frac{{{a}}}{{{b}}}"
    if f.form == "t_period":
        return rf"\text{{root in }}(0,1)\text{{ of }}\textstyle\sum_{{t=1}}^{{{f.periods}}}\delta^t = \frac{{{a}}}{{{b}}}"
    return r"\text{from the cleared constraint}"


def cleared(f: Formula, style: str = "text") -> str:
    """The cleared constraint in the aggregates: ``(1 − δ) g ≤ δ s`` and the like."""
    a, b = aggregate_names(f, style)
    if style == "text":
        return {
            "grim": f"(1 − δ)·{a} ≤ δ·{b}",
            "linear": f"{a} ≤ δ·{b}",
            "t_period": f"(1 − δ)·{a} ≤ (δ − δ^{(f.periods or 0) + 1})·{b}",
        }.get(f.form, "")
    return {
        "grim": rf"(1-\delta)\,{a} \le \delta\,{b}",
        "linear": rf"{a} \le \delta\,{b}",
        "t_period": rf"(1-\delta)\,{a} \le (\delta-\delta^{{{(f.periods or 0) + 1}}})\,{b}",
    }.get(f.form, "")


__all__ = [
    "KINDS",
    "Aggregate",
    "Formula",
    "Formulas",
    "Part",
    "aggregate_names",
    "cleared",
    "rule",
    "tidy",
]
