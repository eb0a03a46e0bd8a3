"""A :class:`~linkage.timeline.TimelineAnalysis` as text or Markdown."""

from __future__ import annotations

from linkage.render.report import yes
from linkage.timeline import TimelineAnalysis, linked_holds


def render_timeline_text(t: TimelineAnalysis) -> str:
    """Each period under each hypothesis, then the fit, for the terminal."""
    lines = [f"Timeline of {t.case.title or t.case.id}", ""]
    ids = t.case.domain_ids
    for p in t.periods:
        if p.hypothesis == t.case.hypotheses[0].id:
            lines.append(f"{p.start} .. {p.end or 'now'}: {p.event}")
            lines.append(
                "    observed: "
                + (", ".join(f"{k} {p.observed[k]}" for k in ids if k in p.observed) or "-")
            )
        pred = ", ".join(f"{k} {'coop' if p.predicted[k] else 'break'}" for k in ids)
        match = "".join("✓" if p.scored[k] else "✗" for k in ids if k in p.scored)
        holds = ", ".join(
            f"{pl} {yes(linked_holds(p.analysis, pl))}" for pl in p.analysis.game.players
        )
        lines.append(
            f"    [{p.hypothesis}] predicted: {pred}; linked constraints hold: {holds}; fit {match or '-'}"
        )
    lines += ["", "Fit (observed domain-states each hypothesis predicts):"]
    for hid, f in t.fit.items():
        share = "n/a" if f["share"] is None else f"{100 * f['share']:.0f}%"
        lines.append(f"  {hid}: {f['matched']}/{f['scored']} ({share})")
    return "\n".join(lines) + "\n"


def render_timeline_markdown(t: TimelineAnalysis) -> str:
    """One Markdown table row per period and hypothesis, then the fit."""
    ids = t.case.domain_ids
    head = ["period", "event", "hypothesis", *ids, "fit"]
    lines = [
        f"# Timeline: {t.case.title or t.case.id}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for p in t.periods:
        cells = [f"{p.start} – {p.end or 'now'}", p.event.replace("|", "\\|"), p.hypothesis]
        for k in ids:
            pred = "coop" if p.predicted[k] else "break"
            obs = p.observed.get(k, "")
            mark = "" if k not in p.scored else (" ✓" if p.scored[k] else " ✗")
            cells.append(f"{pred} / {obs or '–'}{mark}")
        cells.append(f"{sum(p.scored.values())}/{len(p.scored)}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| hypothesis | matched | scored | share |", "|---|---|---|---|"]
    for hid, f in t.fit.items():
        share = "n/a" if f["share"] is None else f"{100 * f['share']:.0f}%"
        lines.append(f"| {hid} | {f['matched']} | {f['scored']} | {share} |")
    return "\n".join(lines) + "\n"
