"""Plain-text analysis report: what a person reads at a glance in a terminal."""

from __future__ import annotations

import sympy

from linkage.engine.threshold import Threshold
from linkage.render.report import (
    SYMBOLIC_LIMIT,
    CaseReport,
    closed_form,
    fmt,
    fmt_threshold,
    yes,
)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def render_text(report: CaseReport) -> str:
    case = report.case
    a = report.primary
    g = a.game
    lines = [
        f"{case.title} [{case.id}]" if case.title and case.title != case.id else f"Case {case.id}"
    ]
    lines.append(f"Players: {', '.join(case.players)}; domains: {', '.join(case.domain_ids)}")
    ordinal = [k for k, info in case.domains.items() if info.kind == "ordinal"]
    if ordinal:
        lines.append(f"Ordinal domains (ranks, not money): {', '.join(ordinal)}")
    lines.append(f"Punishment: {g.strategy.describe()}")
    if g.discount.is_common:
        lines.append(f"Discount factor: delta = {fmt(g.discount.of(g.players[0]))}")
    else:
        lines.append(
            "Discount factors: " + ", ".join(f"{p} {fmt(g.discount.of(p))}" for p in g.players)
        )
    lines += ["", "Separate enforcement (a deviation is punished only in its own domain)"]
    rows = [["player", "domain", "constraint (cleared form)", "critical delta", "holds"]]
    for p in g.players:
        for k, c in a.separate_constraints[p].items():
            for cond in c.conditions:
                holds = (
                    cond.threshold.holds_at(g.discount.of(p))
                    if not cond.threshold.is_symbolic
                    else None
                )
                rows.append(
                    [p, k, sympy.sstr(cond.cleared), fmt_threshold(cond.threshold), yes(holds)]
                )
    lines += _table(rows)
    lines.append(
        "  sustainable alone: "
        + ", ".join(f"{k} {yes(v)}" for k, v in a.separate_sustainable.items())
    )
    for h in case.hypotheses:
        ah = report.analyses[h.id]
        lines += ["", f"Linked enforcement, hypothesis '{h.id}': {h.structure.describe()}"]
        if h.title:
            lines.append(f"  {h.title}" + (f" (source: {h.source})" if h.source else ""))
        for p in g.players:
            c = ah.linked_binding[p]
            dev = ", ".join(k for k in case.domain_ids if k in c.deviation)
            pun = ", ".join(k for k in case.domain_ids if k in c.punished)
            state = ", ".join(k for k in case.domain_ids if k in c.state)
            where = f" (once {{{state}}} is punished)" if state else ""
            conds = "; ".join(sympy.sstr(k.cleared) for k in c.conditions)
            t, on_path = ah.linked_thresholds[p], ah.on_path_thresholds[p]
            lines.append(
                f"  {p}: worst deviation in {{{dev}}}{where}, punished in {{{pun}}}: {conds}"
                f" -> critical delta {fmt_threshold(t)}; holds: {yes(_holds(t, g.discount.of(p)))}"
            )
            if on_path != t:
                lines.append(
                    f"      on the path only (deviations from full cooperation): {fmt_threshold(on_path)}"
                )
            st = report.closed_form(h.id, p)
            sym = closed_form(st)
            if sym and len(sym) <= SYMBOLIC_LIMIT:
                valid = ", ".join(sympy.sstr(a) for a in st.assumptions)
                lines.append(
                    f"      closed form: {sym}" + (f"  (valid if {valid})" if valid else "")
                )
        interval = ah.helps_interval
        lines.append(
            f"  package of all domains sustainable: {yes(ah.linked_sustainable)}; "
            f"linkage helps here: {yes(ah.helps)}"
        )
        lines.append(
            "  linkage helps for a common delta in "
            + (str(interval) if interval is not None else "no interval")
        )
        if ah.vulnerable:
            lines.append(f"  vulnerable side (highest linked threshold): {ah.vulnerable}")
        if ah.best_package is not None:
            lines.append(
                f"  best self-enforcing package: {', '.join(ah.best_package.domains) or 'none'}"
            )
    lines += [
        "",
        "Grim-trigger slack s(delta) = delta(C-N) - (1-delta)(D-C)^+ per domain at each player's delta",
    ]
    for p in g.players:
        parts = ", ".join(f"{k} {fmt(v)}" for k, v in a.slack[p].items())
        lever = a.lever[p]
        lines.append(f"  {p}: {parts}" + (f"; lever (largest donor): {lever}" if lever else ""))
    return "\n".join(lines) + "\n"


def _holds(t: object, d: sympy.Expr) -> bool | None:
    assert isinstance(t, Threshold)
    if t.is_symbolic or not d.is_number:
        return None
    return t.holds_at(d)
