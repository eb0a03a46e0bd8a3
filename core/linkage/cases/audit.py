"""Warnings about a loaded case that are not errors: the case runs, but a reader should know.

``linkage check`` prints them. Every observation of the record should carry a source (a ``cite``
key or a ``source`` in words, on the observation or its event) or be tagged ``estimate = true``;
a record without an ``end`` date scores its last period as one unit of its resolution; a source
in the bibliography that nothing cites is probably a slip.
"""

from __future__ import annotations

import attrs

from linkage.cases.case import Case
from linkage.errors import Location


@attrs.frozen
class CaseWarning:
    """A located warning about a case file."""

    message: str
    location: Location = attrs.field(factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


def citations(case: Case) -> dict[str, list[str]]:
    """Per bibliography key, the key paths of everything that cites it, in file order."""
    out: dict[str, list[str]] = {}

    def add(keys: tuple[str, ...], where: str) -> None:
        for key in keys:
            out.setdefault(key, []).append(where)

    add(case.cite, "case")
    for name, p in case.parameters.items():
        add(p.cite, f"parameters.{name}")
    for k, info in case.domains.items():
        add(info.cite, f"domains.{k}")
    for h in case.hypotheses:
        add(h.cite, f"hypotheses.{h.id}")
    for i, e in enumerate(case.timeline):
        add(e.cite, f"timeline[{i}]")
        for k, o in e.observed.items():
            add(o.cite, f"timeline[{i}].observed.{k}")
    return out


def case_warnings(case: Case) -> list[CaseWarning]:
    """The warnings about ``case`` (see the module docstring), in file order."""
    out: list[CaseWarning] = []
    for i, e in enumerate(case.timeline):
        for k, o in e.observed.items():
            if not e.evidence(k):
                out.append(
                    CaseWarning(
                        f"observation of '{k}' ({o.state}) without a source: cite a source "
                        "(cite = [...] or source = ...) on the observation or its event, or mark "
                        "it estimate = true",
                        Location(case.path, f"timeline[{i}].observed.{k}", o.line or e.line),
                    )
                )
    if case.timeline and case.end is None:
        out.append(
            CaseWarning(
                f"no end date: the last period of the record is scored as one "
                f"{case.scoring.resolution}; set [case] end",
                Location(case.path, "case"),
            )
        )
    cited = citations(case)
    for key in case.bibliography:
        if key not in cited:
            out.append(
                CaseWarning(f"source '{key}' is never cited", Location(case.path, f"sources.{key}"))
            )
    return out


__all__ = ["CaseWarning", "case_warnings", "citations"]
