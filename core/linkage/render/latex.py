"""LaTeX analysis report: the cleared constraints and a booktabs table of thresholds."""

from __future__ import annotations

import sympy

from linkage.engine.threshold import Threshold
from linkage.render.report import CaseReport
from linkage.symbols import delta


def latex_threshold(t: Threshold) -> str:
    """A threshold in LaTeX: its exact value, ``0`` for always, ``\text{never}``, or the implicit root."""
    if t.status == "never":
        return r"\text{never}"
    if t.status == "always":
        return "0"
    if t.status in ("piecewise", "max", "implicit"):
        return r"\text{" + latex_escape(str(t)) + "}"
    if t.status == "bounded":
        assert t.upper is not None
        return r"\delta \le " + str(sympy.latex(t.upper))
    if t.exact is None:
        return r"\text{root of }" + str(sympy.latex(t.polynomial))
    return str(sympy.latex(t.exact))


def latex_escape(text: str) -> str:
    """Text safe inside LaTeX (a table cell, ``\\text{...}``)."""
    table = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    return "".join(table.get(ch, ch) for ch in text)


def render_latex(report: CaseReport) -> str:
    case, a = report.case, report.primary
    g = a.game
    sym = report.symbolic[case.hypotheses[0].id]
    lines = [f"% linkage analysis of case {case.id}", r"\begin{align*}"]
    rows = []
    for p in g.players:
        for k, c in sym.separate_constraints[p].items():
            for cond in c.conditions:
                rows.append(
                    sympy.latex(cond.lhs, symbol_names={delta: r"\delta"})
                    + r" &\le "
                    + sympy.latex(cond.rhs, symbol_names={delta: r"\delta"})
                    + rf" && \text{{{latex_escape(p)}, {latex_escape(k)}}}"
                )
    lines.append(" \\\\\n".join(rows))
    lines += [
        r"\end{align*}",
        "",
        r"\begin{tabular}{l" + "c" * (len(case.domain_ids) + len(case.hypotheses)) + "}",
        r"\toprule",
    ]
    head = [
        "player",
        *(latex_escape(k) for k in case.domain_ids),
        *(f"linked ({latex_escape(h.id)})" for h in case.hypotheses),
    ]
    lines.append(" & ".join(head) + r" \\")
    lines.append(r"\midrule")
    for p in g.players:
        cells = [latex_escape(p)]
        cells += [f"${latex_threshold(a.separate_thresholds[p][k])}$" for k in case.domain_ids]
        cells += [
            f"${latex_threshold(report.analyses[h.id].linked_thresholds[p])}$"
            for h in case.hypotheses
        ]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"
