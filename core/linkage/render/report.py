"""The analysis report of a case: one document, rendered by every output format.

:class:`CaseReport` evaluates the case at its calibration under each linkage hypothesis, keeps the
closed forms in the case's parameters, and exposes :meth:`CaseReport.as_json` (the JSON schema
documented in ``docs/reference/json-output.md``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.cases.case import Case
from linkage.engine.analysis import Analysis
from linkage.engine.constraints import DeviationConstraint
from linkage.engine.threshold import Threshold

SYMBOLIC_LIMIT = 400
"""Closed forms longer than this (as text) are left out of text and Markdown output."""


def fmt(expr: sympy.Expr | None) -> str:
    """An exact value as text, with a decimal approximation when it is not an integer."""
    if expr is None:
        return "-"
    text: str = sympy.sstr(expr)
    if expr.is_number and not expr.is_Integer:
        return (
            f"{text} ≈ {float(sympy.N(expr, 20)):.4f}"
            if len(text) < 60
            else f"≈ {float(sympy.N(expr, 20)):.4f}"
        )
    return text


def fmt_threshold(t: Threshold) -> str:
    if t.status == "never":
        return "never"
    if t.status == "always":
        return "always (0)"
    if t.status == "bounded":
        return f"delta <= {fmt(t.upper)}" + ("" if t.exact == 0 else f" and >= {fmt(t.exact)}")
    if t.status in ("piecewise", "max", "implicit") or t.exact is None:
        return str(t)
    return fmt(t.exact)


def yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "undecided"}[value]


def closed_form(t: Threshold) -> str | None:
    """The closed form of a symbolic threshold as text (``None`` for a number)."""
    if t.status not in ("threshold", "bounded"):
        return None if t.is_numeric else str(t)
    value = t.exact if t.status == "threshold" else t.upper
    if value is None:
        return None if t.polynomial is None else f"root in (0, 1) of {sympy.sstr(t.polynomial)}"
    return None if value.is_number else str(sympy.sstr(value))


def _set(names: frozenset[str], order: tuple[str, ...]) -> list[str]:
    return [k for k in order if k in names]


@attrs.frozen(eq=False)
class CaseReport:
    """Everything an output format needs to render ``case``."""

    case: Case

    @cached_property
    def analyses(self) -> dict[str, Analysis]:
        """Per hypothesis id, the analysis at the calibration."""
        return {h.id: self.case.analysis(h.id) for h in self.case.hypotheses}

    @cached_property
    def symbolic(self) -> dict[str, Analysis]:
        """Per hypothesis id, the analysis in closed form in the case's parameters."""
        return {h.id: self.case.symbolic_analysis(h.id) for h in self.case.hypotheses}

    @cached_property
    def calibration(self) -> dict[sympy.Symbol, sympy.Expr]:
        return self.case.calibration()

    def closed_form(self, hypothesis: str, player: str) -> Threshold:
        """A player's linked threshold in closed form, in the branch that applies at the
        calibration (see :meth:`Analysis.closed_form`)."""
        return self.symbolic[hypothesis].closed_form(
            player, self.calibration, self.analyses[hypothesis]
        )

    @property
    def primary(self) -> Analysis:
        return self.analyses[self.case.hypotheses[0].id]

    @property
    def has_parameters(self) -> bool:
        return bool(self.case.game.free_symbols)

    def constraint_json(self, c: DeviationConstraint, order: tuple[str, ...]) -> dict[str, Any]:
        return {
            "deviation": _set(c.deviation, order),
            "state": _set(c.state, order),
            "punished": _set(c.punished, order),
            "conditions": [
                {
                    "label": k.label,
                    "cleared": sympy.sstr(k.cleared),
                    "critical_delta": k.threshold.as_json(),
                }
                for k in c.conditions
            ],
        }

    def linked_json(self, hid: str) -> dict[str, Any]:
        a = self.analyses[hid]
        order = self.case.domain_ids
        hyp = self.case.hypothesis(hid)
        interval = a.helps_interval
        best = a.best_package
        out: dict[str, Any] = {
            "hypothesis": hid,
            "title": hyp.title,
            "source": hyp.source,
            "structure": hyp.structure.as_json(),
            "critical_delta": {p: t.as_json() for p, t in a.linked_thresholds.items()},
            "on_path_delta": {p: t.as_json() for p, t in a.on_path_thresholds.items()},
            "sustainable": a.linked_sustainable,
            "helps": a.helps,
            "helps_interval": None if interval is None else interval.as_json(),
            "binding": {p: self.constraint_json(c, order) for p, c in a.linked_binding.items()},
            "vulnerable": a.vulnerable,
            "best_package": None if best is None else list(best.domains),
        }
        if self.has_parameters:
            forms = {p: self.closed_form(hid, p) for p in self.case.players}
            out["closed_form"] = {p: closed_form(t) for p, t in forms.items()}
            out["closed_form_valid_if"] = {
                p: [sympy.sstr(a) for a in t.assumptions] for p, t in forms.items()
            }
        return out

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (keys are stable; more may be added)."""
        case, a = self.case, self.primary
        s = self.symbolic[case.hypotheses[0].id]
        out: dict[str, Any] = {
            "case": case.id,
            "title": case.title,
            "players": list(case.players),
            "domains": list(case.domain_ids),
            "at": case.at,
            "strategy": case.game.strategy.kind,
            "strategy_options": case.game.strategy.as_json(),
            "discount": case.game.subs(case.calibration()).discount.as_json(),
            "separate": {
                "critical_delta": {
                    p: {k: t.as_json() for k, t in per.items()}
                    for p, per in a.separate_thresholds.items()
                },
                "sustainable": a.separate_sustainable,
                "slack": {
                    p: {k: sympy.sstr(v) for k, v in per.items()} for p, per in a.slack.items()
                },
                "lever": a.lever,
            },
            "linked": self.linked_json(case.hypotheses[0].id),
            "hypotheses": {h.id: self.linked_json(h.id) for h in case.hypotheses},
        }
        if self.has_parameters:
            out["separate"]["closed_form"] = {
                p: {k: closed_form(s.separate_closed_form(p, k, self.calibration)) for k in per}
                for p, per in s.separate_thresholds.items()
            }
            out["parameters"] = {
                name: {"value": sympy.sstr(p.value), "unit": p.unit, "source": p.source}
                for name, p in case.parameters.items()
            }
        return out
