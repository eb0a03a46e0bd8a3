"""Markdown analysis report (GitHub-flavoured tables): the verdict first, then the structured
conditions of :mod:`linkage.render.formulas` (closed forms as inline code)."""

from __future__ import annotations

from linkage.escape import markdown, markdown_code
from linkage.render.findings import section_markdown
from linkage.render.formulas import KINDS, TEXT_NAMES, Formula, cleared, rule
from linkage.render.report import CaseReport, fmt_threshold, threshold_number, yes
from linkage.render.stagegame import caption, matrix, stage_games
from linkage.render.text import _aggregate, _number, _sets, holds, interval_text


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows)]


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _formula(f: Formula, report: CaseReport) -> str:
    label = "" if f.label == "grim" else f" [{f.label}]"
    aggregates = (
        f"{_code(_aggregate(f.gain, report.digits))}, {_code(_aggregate(f.stake, report.digits))}"
        if f.named
        else f"gain {_number(f.gain.value, report.digits)}, stake {_number(f.stake.value, report.digits)}"
    )
    return f"{aggregates}: δ*{label} = {_code(rule(f))} = {fmt_threshold(f.threshold, report.notation)}"


def render_markdown(report: CaseReport) -> str:
    case, a = report.case, report.primary
    g = a.game
    book = report.formulas
    digits = report.digits
    out = [f"# {markdown(case.title or case.id)}", ""]
    deltas = ", ".join(f"{markdown(p)} {_number(g.discount.of(p), digits)}" for p in g.players)
    out += [
        "## Verdict at the calibration",
        "",
        f"{markdown(g.strategy.describe(), line_start=True)}; δ: {deltas}.",
        "",
    ]
    out += _table(
        [
            "hypothesis",
            "package holds",
            "linkage helps",
            *(f"δ* {markdown(p)}" for p in g.players),
            "helps for δ in",
        ],
        [
            [
                markdown(h.id),
                yes(report.analyses[h.id].linked_sustainable),
                yes(report.analyses[h.id].helps),
                *(
                    threshold_number(report.analyses[h.id].linked_thresholds[p], digits)
                    for p in g.players
                ),
                interval_text(report.analyses[h.id].helps_interval, digits),
            ]
            for h in report.hypotheses
        ],
    )
    held = [k for k, v in a.separate_sustainable.items() if v]
    for k, d in stage_games(case):
        out += ["", markdown(caption(k, d)) + ".", ""]
        out += _table(*matrix(d, markdown, report.notation.text))
    out += [
        "",
        "Each domain alone (separate enforcement) holds in: "
        + markdown(", ".join(held) or "none")
        + ".",
        "",
        "## Temptations and stakes per domain",
        "",
    ]
    first = book.formulas(a, next(iter(a.separate_constraints[g.players[0]].values())))[0]
    kinds = book.kinds()
    out.append(
        f"A constraint `{cleared(first)}` holds for δ ≥ δ*. "
        + "; ".join(f"`{TEXT_NAMES[k]}[k] = {KINDS[k][1]}` ({KINDS[k][0]})" for k in kinds)
        + ": summed over the domains deviated in (temptations) or punished (stakes)."
    )
    out.append("")
    rows = []
    for p in case.players:
        for k in case.domain_ids:
            for kind, (expr, value) in book.domain_parts(a, p, k).items():
                rows.append(
                    [
                        markdown(p),
                        markdown(k),
                        TEXT_NAMES[kind],
                        _number(value, digits),
                        "" if expr.is_number else _code(report.notation.text(expr)),
                    ]
                )
    out += _table(["player", "domain", "part", "value", "closed form"], rows)
    out += ["", "## Separate enforcement", ""]
    rows = []
    for p in g.players:
        for k, formulas in book.separate(a, p).items():
            rows += [
                [
                    markdown(p),
                    markdown(k + ("" if f.label == "grim" else f" [{f.label}]")),
                    fmt_threshold(f.threshold, report.notation),
                ]
                for f in formulas
            ]
    out += _table(["player", "domain", "δ*"], rows)
    for h in report.hypotheses:
        ah = report.analyses[h.id]
        out += [
            "",
            f"## Linked under {markdown_code(h.id)}",
            "",
            markdown(h.structure.describe(), line_start=True) + ".",
        ]
        if h.title:
            out.append(
                markdown(h.title, line_start=True)
                + (f" (source: {markdown(h.source)})" if h.source else "")
            )
        out.append("")
        for p in g.players:
            constraints = book.linked(ah, p)
            out.append(
                f"- **{markdown(p)}** (holds: {yes(holds(ah, p))}), "
                f"binding: {markdown(_sets(constraints[0][0]))}"
            )
            out += [f"  - {_formula(f, report)}" for f in constraints[0]]
            others = [f for fs in constraints[1:] for f in fs]
            if others:
                out.append(
                    "  - other constraints: "
                    + "; ".join(
                        f"{markdown(_sets(f))}: δ* = {threshold_number(f.threshold, digits)}"
                        for f in others
                    )
                )
        best = ah.best_package
        out.append(
            "- best self-enforcing package: "
            + markdown((", ".join(best.domains) or "none") if best else "-")
            + f"; vulnerable: {markdown(ah.vulnerable or '-')}"
        )
    if report.findings:
        out += ["", "## Further analyses", ""]
        for section in report.findings:
            out += section_markdown(section, report.notation)
    return "\n".join(out).rstrip("\n") + "\n"
