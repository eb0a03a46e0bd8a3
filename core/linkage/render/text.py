"""Plain-text analysis report: the verdict first, at a glance, then the details a reader checks.

Layout: the verdict per hypothesis (does the package hold, does linkage help, the linked δ* of
each player, the common δ on which linkage helps) and which domains hold alone; then the case
(players, punishment, discount factors); then the structured conditions
(:mod:`linkage.render.formulas`): per-domain temptations and stakes, each at the calibration and
in closed form, the separate thresholds, and under each hypothesis each player's binding
constraint with its aggregates and δ*; last the grim slack per domain.
"""

from __future__ import annotations

import sympy

from linkage.decimals import decimal
from linkage.engine.analysis import Analysis, Interval
from linkage.escape import plain
from linkage.render.findings import section_text
from linkage.render.formulas import TEXT_NAMES, Aggregate, Formula, aggregate_names, cleared, rule
from linkage.render.report import CaseReport, count, fmt_threshold, threshold_number, yes
from linkage.render.stagegame import caption, matrix, stage_games


def table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Rows as left-aligned columns (the first row is the header)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in rows
    ]


def interval_text(interval: Interval | None, digits: int) -> str:
    """The common δ on which linkage helps, as decimals: ``[0.3129, 1)`` or ``none``."""
    if interval is None:
        return "none"
    return f"[{_number(interval.low, digits)}, {_number(interval.high, digits)})"


def _number(x: sympy.Expr, digits: int) -> str:
    return decimal(x, digits) if x.is_number else sympy.sstr(x)


def holds(a: Analysis, player: str) -> bool | None:
    """Whether ``player``'s linked constraints hold at their δ (``None``: undecided)."""
    t = a.linked_thresholds[player]
    d = a.game.discount.of(player)
    if t.status == "always":
        return True
    if t.status == "never":
        return False
    if t.is_symbolic or not d.is_number or t.status != "threshold":
        return None
    return t.holds_at(d)


def verdict(report: CaseReport) -> list[str]:
    """The verdict lines: one row per hypothesis, then the domains that hold alone."""
    case, a, digits = report.case, report.primary, report.digits
    g = a.game
    deltas = ", ".join(f"{plain(p)} {_number(g.discount.of(p), digits)}" for p in g.players)
    lines = [f"Verdict at the calibration ({g.strategy.describe()}; δ: {deltas})"]
    rows = [
        [
            "hypothesis",
            "package holds",
            "linkage helps",
            *(f"δ* {plain(p)}" for p in g.players),
            "helps for a common δ in",
        ]
    ]
    for h in report.hypotheses:
        ah = report.analyses[h.id]
        rows.append(
            [
                plain(h.id),
                yes(ah.linked_sustainable),
                yes(ah.helps),
                *(threshold_number(ah.linked_thresholds[p], digits) for p in g.players),
                interval_text(ah.helps_interval, digits),
            ]
        )
    lines += table(rows)
    held = [k for k, v in a.separate_sustainable.items() if v]
    failed = [k for k, v in a.separate_sustainable.items() if v is False]
    open_ = [k for k, v in a.separate_sustainable.items() if v is None]
    alone = [f"holds in {', '.join(held)}" if held else "holds in none"]
    if failed:
        alone.append(f"fails in {', '.join(failed)}")
    if open_:
        alone.append(f"undecided in {', '.join(open_)}")
    lines.append("  Each domain alone (separate enforcement): " + "; ".join(alone))
    if len(report.hypotheses) < len(case.hypotheses):
        lines.append(
            f"  (reporting {count(len(report.hypotheses), 'hypothesis', 'hypotheses')} of "
            f"{len(case.hypotheses)})"
        )
    return lines


def _aggregate(agg: Aggregate, digits: int) -> str:
    """``g = g[f98] + g[aid] = 0.0106`` (or the unnamed total)."""
    value = _number(agg.value, digits)
    if not agg.kind:
        return value
    name = TEXT_NAMES[agg.kind]
    if not agg.parts:
        return f"{name} = 0"
    parts = " + ".join(f"{name}[{p.domain}]" for p in agg.parts)
    return f"{name} = {parts} = {value}"


def formula_lines(f: Formula, report: CaseReport, indent: str) -> list[str]:
    """A constraint: its aggregates, then δ* = rule = exact value."""
    lines = []
    if f.named:
        lines.append(
            f"{indent}{_aggregate(f.gain, report.digits)}; {_aggregate(f.stake, report.digits)}"
        )
    else:
        lines.append(
            f"{indent}gain a = {_number(f.gain.value, report.digits)}; "
            f"stake b = {_number(f.stake.value, report.digits)}"
        )
    label = "" if f.label in ("grim",) else f" [{f.label}]"
    lines.append(f"{indent}δ*{label} = {rule(f)} = {fmt_threshold(f.threshold, report.notation)}")
    return lines


def _sets(f: Formula) -> str:
    """The deviation, at which state, and its punishment."""
    once = f" once {{{', '.join(f.state)}}} is punished" if f.state else ""
    return f"deviate in {{{', '.join(f.deviation)}}}{once}, punished in {{{', '.join(f.punished)}}}"


def parts_lines(report: CaseReport) -> list[str]:
    """Per player and domain, each aggregate at the calibration and in closed form."""
    case, a = report.case, report.primary
    book = report.formulas
    kinds = book.kinds()
    names = ", ".join(f"{TEXT_NAMES[k]}[k]" for k in kinds)
    lines = [
        f"Per domain: {names} at the calibration" + (" = closed form" if _symbolic(report) else "")
    ]
    from linkage.render.formulas import KINDS

    for k in kinds:
        lines.append(f"  {TEXT_NAMES[k]}[k] = {KINDS[k][1]} in domain k ({KINDS[k][0]})")
    rows: list[list[str]] = []
    for p in case.players:
        first = True
        for k in case.domain_ids:
            for kind, (expr, value) in book.domain_parts(a, p, k).items():
                shown = _number(value, report.digits)
                closed = "" if expr.is_number else report.notation.text(expr)
                rows.append(
                    [
                        plain(p) if first else "",
                        k,
                        f"{TEXT_NAMES[kind]} = {shown}",
                        f"= {closed}" if closed else "",
                    ]
                )
                first = False
    lines += table(
        [["player", "domain", "value", "closed form" if _symbolic(report) else ""], *rows]
    )
    return lines


def _symbolic(report: CaseReport) -> bool:
    return bool(report.case.game.free_symbols)


def render_text(report: CaseReport) -> str:
    case, a = report.case, report.primary
    g = a.game
    book = report.formulas
    title = (
        f"{plain(case.title)} [{plain(case.id)}]"
        if case.title and case.title != case.id
        else f"Case {plain(case.id)}"
    )
    lines = [title, ""]
    lines += verdict(report)
    lines += [
        "",
        "Details",
        f"Players: {', '.join(map(plain, case.players))}; domains: {', '.join(case.domain_ids)}",
    ]
    ordinal = [k for k, info in case.domains.items() if info.kind == "ordinal"]
    if ordinal:
        lines.append(f"Ordinal domains (ranks, not money): {', '.join(ordinal)}")
    lines.append(f"Punishment: {plain(g.strategy.describe())}")
    discount = case.game.discount
    lines.append(
        "Discount factors: "
        + ", ".join(
            f"{plain(p)} {_number(g.discount.of(p), report.digits)}"
            + (f" ({report.notation.text(discount.of(p))})" if not discount.of(p).is_number else "")
            for p in g.players
        )
    )
    for k, d in stage_games(case):
        lines.append(plain(caption(k, d)))
        head, rows = matrix(d, plain, report.notation.text)
        lines += table([head, *rows])
    first = book.formulas(a, next(iter(a.separate_constraints[g.players[0]].values())))[0]
    gain, stake = aggregate_names(first)
    lines += [
        "",
        f"How to read: a constraint {cleared(first)} holds for δ ≥ δ*; {gain} sums the temptations "
        f"over the domains deviated in, {stake} the stakes over the domains punished.",
        "",
    ]
    lines += parts_lines(report)
    lines += ["", "Separate enforcement (a deviation is punished only in its own domain)"]
    rows = [["player", "domain", "δ*", "holds at the player's δ"]]
    for p in g.players:
        for k, formulas in book.separate(a, p).items():
            for f in formulas:
                label = "" if f.label == "grim" else f" [{f.label}]"
                rows.append(
                    [
                        plain(p),
                        k + label,
                        fmt_threshold(f.threshold, report.notation),
                        yes(_holds(f, a)),
                    ]
                )
    lines += table(rows)
    for h in report.hypotheses:
        ah = report.analyses[h.id]
        lines += [
            "",
            f"Linked enforcement under '{plain(h.id)}': {plain(h.structure.describe())}",
        ]
        if h.title:
            lines.append(
                f"  {plain(h.title)}" + (f" (source: {plain(h.source)})" if h.source else "")
            )
        for p in g.players:
            constraints = book.linked(ah, p)
            binding = constraints[0]
            lines.append(
                f"  {plain(p)}: binding constraint: {_sets(binding[0])}; "
                f"holds at δ = {_number(g.discount.of(p), report.digits)}: {yes(holds(ah, p))}"
            )
            for f in binding:
                lines += formula_lines(f, report, "      ")
            on_path = getattr(ah, "on_path_thresholds", {}).get(p)
            if on_path is not None and on_path != ah.linked_thresholds[p]:
                lines.append(
                    "      on the path only (deviations from full cooperation): δ* = "
                    + fmt_threshold(on_path, report.notation)
                )
            others = [f for fs in constraints[1:] for f in fs]
            if others:
                lines.append(f"    other constraints of {plain(p)} ({len(others)}):")
                for f in others:
                    lines.append(
                        f"      {_sets(f)}: δ* = {threshold_number(f.threshold, report.digits)}"
                    )
        lines.append(
            f"  package of all domains holds: {yes(ah.linked_sustainable)}; linkage helps: "
            f"{yes(ah.helps)}; helps for a common δ in {interval_text(ah.helps_interval, report.digits)}"
        )
        extra = []
        if ah.vulnerable:
            extra.append(f"vulnerable side (highest linked δ*): {plain(ah.vulnerable)}")
        if ah.best_package is not None:
            extra.append(
                f"best self-enforcing package: {', '.join(ah.best_package.domains) or 'none'}"
            )
        if extra:
            lines.append("  " + "; ".join(extra))
    lines += [
        "",
        "Grim-trigger slack s(δ) = δ(C − N) − (1 − δ)(D − C)⁺ per domain at each player's δ",
    ]
    for p in g.players:
        parts = ", ".join(f"{k} {_number(v, report.digits)}" for k, v in a.slack[p].items())
        lever = a.lever[p]
        lines.append(
            f"  {plain(p)}: {parts}" + (f"; lever (largest donor): {lever}" if lever else "")
        )
    for section in report.findings:
        lines += ["", *section_text(section, report.notation)]
    return "\n".join(lines) + "\n"


def _holds(f: Formula, a: Analysis) -> bool | None:
    t = f.threshold
    d = a.game.discount.of(f.player)
    if t.status in ("always", "never"):
        return t.status == "always"
    if t.status != "threshold" or t.is_symbolic or not d.is_number:
        return None
    return t.holds_at(d)
