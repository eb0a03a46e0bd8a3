"""Markdown analysis report (GitHub-flavoured tables)."""

from __future__ import annotations

from linkage.render.report import CaseReport, fmt, fmt_threshold, yes


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def render_markdown(report: CaseReport) -> str:
    case, a = report.case, report.primary
    g = a.game
    out = [f"# {case.title or case.id}", ""]
    out.append(f"Players: {', '.join(case.players)}. Punishment: {g.strategy.describe()}.")
    out += ["", "## Critical discount factors", ""]
    header = ["player", *case.domain_ids, *(f"linked: {h.id}" for h in case.hypotheses), "delta"]
    out += [_row(header), _row(["---"] * len(header))]
    for p in g.players:
        cells = [p]
        cells += [fmt_threshold(a.separate_thresholds[p][k]) for k in case.domain_ids]
        cells += [
            fmt_threshold(report.analyses[h.id].linked_thresholds[p]) for h in case.hypotheses
        ]
        cells.append(fmt(g.discount.of(p)))
        out.append(_row(cells))
    out += ["", "## Verdicts at the calibrated discount factors", ""]
    out += [
        _row(["structure", "sustainable", "linkage helps", "helps for delta in", "best package"]),
        _row(["---"] * 5),
    ]
    out.append(
        _row(
            [
                "separate",
                ", ".join(f"{k}: {yes(v)}" for k, v in a.separate_sustainable.items()),
                "-",
                "-",
                "-",
            ]
        )
    )
    for h in case.hypotheses:
        ah = report.analyses[h.id]
        best = ah.best_package
        out.append(
            _row(
                [
                    h.id,
                    yes(ah.linked_sustainable),
                    yes(ah.helps),
                    str(ah.helps_interval) if ah.helps_interval else "none",
                    ", ".join(best.domains) if best else "-",
                ]
            )
        )
    return "\n".join(out) + "\n"
