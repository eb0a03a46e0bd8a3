"""The analysis report of a case: one document, rendered by every output format.

:class:`CaseReport` evaluates the case at its calibration under each linkage hypothesis (all of
them, or those chosen), builds the structured formulas of :mod:`linkage.render.formulas` on
demand, and exposes :meth:`CaseReport.as_json` (the JSON schema documented in
``docs/reference/json-output.md``). Closed forms of whole thresholds in the case's parameters
(``symbolic``) are computed only for the JSON output, which is the one format that shows them.

Numbers follow one rule (:mod:`linkage.decimals`): values are decimals (as the case file wrote
them, else ``digits`` significant digits); critical discount factors, where exactness is the
point, are exact with a decimal after ``≈``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import attrs
import sympy

from linkage.cases.case import Case, Hypothesis
from linkage.decimals import DIGITS, decimal, is_short_decimal
from linkage.engine.analysis import Analysis
from linkage.engine.constraints import DeviationConstraint
from linkage.engine.threshold import Threshold
from linkage.errors import ModelError
from linkage.findings import Section
from linkage.render.findings import section_json
from linkage.render.formulas import Formulas
from linkage.render.maths import Notation


def exact_text(expr: sympy.Expr, notation: Notation) -> str:
    """An exact number: a short decimal as such (exact), else its exact form ``≈`` a decimal."""
    if is_short_decimal(expr):
        return decimal(expr)
    text = notation.text(expr)
    approx = notation.number(expr)
    return f"{text} ≈ {approx}" if len(text) <= 40 else f"≈ {approx}"


def fmt_threshold(t: Threshold, notation: Notation | None = None) -> str:
    """A critical δ as text: ``never``, ``always (0)``, or its exact value ``≈`` a decimal;
    a status this renderer does not know is shown as the threshold's own text."""
    notation = notation or Notation()
    if t.status == "never":
        return "never"
    if t.status == "always":
        return "always (0)"
    if t.status == "bounded" and t.upper is not None:
        upper = f"δ ≤ {exact_text(t.upper, notation)}"
        if t.exact is None or t.exact == 0:
            return upper
        return f"{exact_text(t.exact, notation)} ≤ δ, {upper}"
    if t.status != "threshold" or t.exact is None or not t.exact.is_number:
        return str(t)
    return exact_text(t.exact, notation)


def threshold_number(t: Threshold, digits: int = DIGITS) -> str:
    """A critical δ as a decimal for tables: ``never``, ``always`` (0), or its value; a bounded
    region as ``≤ upper`` (from ``lower``)."""
    if t.status == "never":
        return "never"
    if t.status == "always":
        return "always"
    if t.status == "bounded" and t.upper is not None and t.upper.is_number:
        low = "" if t.exact is None or t.exact == 0 else f"{decimal(t.exact, digits)} to "
        return f"{low}≤ {decimal(t.upper, digits)}"
    if t.status != "threshold" or t.exact is None or not t.exact.is_number:
        return str(t)
    return decimal(t.exact, digits)


def yes(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "undecided"}[value]


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 hypothesis``, ``2 hypotheses``."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


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


def _ids(value: Sequence[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(eq=False)
class CaseReport:
    """Everything an output format needs to render ``case``.

    ``hypotheses``: the ids of the hypotheses to report (default: all, in the file's order; an
    unknown id is a :class:`~linkage.errors.ModelError` naming the known ones). ``digits``: the
    significant digits of decimals.
    """

    case: Case
    chosen: tuple[str, ...] = attrs.field(default=None, converter=_ids, alias="hypotheses")
    digits: int = DIGITS

    def __attrs_post_init__(self) -> None:
        if self.digits < 1:
            raise ModelError(f"digits must be at least 1, got {self.digits}")
        for h in self.chosen:
            self.case.hypothesis(h)  # an unknown id fails here, naming the known ones

    @cached_property
    def hypotheses(self) -> tuple[Hypothesis, ...]:
        """The reported hypotheses: those chosen, or all of the case's."""
        if not self.chosen:
            return self.case.hypotheses
        return tuple(self.case.hypothesis(h) for h in dict.fromkeys(self.chosen))

    @cached_property
    def notation(self) -> Notation:
        """Declared LaTeX symbols of the case's parameters, and the digits."""
        return Notation.of(self.case.parameters.values(), self.digits)

    @cached_property
    def formulas(self) -> Formulas:
        """The structured formulas (per-domain parts computed once)."""
        return Formulas(self.case)

    @cached_property
    def analyses(self) -> dict[str, Analysis]:
        """Per hypothesis id, the analysis at the calibration."""
        return {h.id: self.case.analysis(h.id) for h in self.hypotheses}

    @cached_property
    def symbolic(self) -> dict[str, Analysis]:
        """Per hypothesis id, the analysis in closed form in the case's parameters (JSON only)."""
        return {h.id: self.case.symbolic_analysis(h.id) for h in self.hypotheses}

    @cached_property
    def calibration(self) -> dict[sympy.Symbol, sympy.Expr]:
        return self.case.calibration()

    def closed_form(self, hypothesis: str, player: str) -> Threshold:
        """A player's linked threshold in closed form, in the branch that applies at the
        calibration (see :meth:`Analysis.closed_form`)."""
        return self.symbolic[hypothesis].closed_form(
            player, self.calibration, self.analyses[hypothesis]
        )

    @cached_property
    def findings(self) -> tuple[Section, ...]:
        """The results of the case's ``[[analyses]]`` (:mod:`linkage.analyses`)."""
        return self.case.findings()

    @property
    def primary(self) -> Analysis:
        """The analysis under the first reported hypothesis."""
        return self.analyses[self.hypotheses[0].id]

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
        first = self.hypotheses[0].id
        s = self.symbolic[first]
        out: dict[str, Any] = {
            "case": case.id,
            "title": case.title,
            "players": list(case.players),
            "domains": list(case.domain_ids),
            "at": case.at,
            "strategy": case.game.strategy.kind,
            "strategy_options": case.game.strategy.as_json(),
            "discount": case.calibrated_game().discount.as_json(),
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
            "linked": self.linked_json(first),
            "hypotheses": {h.id: self.linked_json(h.id) for h in self.hypotheses},
        }
        if self.findings:
            out["analyses"] = {
                spec.id: section_json(s)
                for spec, s in zip(self.case.analyses, self.findings, strict=True)
            }
        if self.has_parameters:
            out["separate"]["closed_form"] = {
                p: {k: closed_form(s.separate_closed_form(p, k, self.calibration)) for k in per}
                for p, per in s.separate_thresholds.items()
            }
            out["parameters"] = {
                name: {
                    "value": sympy.sstr(p.value),
                    "written": p.written(),
                    "unit": p.unit,
                    "source": p.source,
                }
                for name, p in case.parameters.items()
            }
        return out
