"""A case's bibliography as BibTeX or as a reference list with what cites each source."""

from __future__ import annotations

from linkage.cases.audit import citations
from linkage.cases.case import Case, Source
from linkage.escape import bibtex, bibtex_comment, bibtex_url

BIBTEX_TYPES = {
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "news": "misc",
    "web": "misc",
    "document": "misc",
    "dataset": "misc",
}
"""The BibTeX entry type of each kind of source (classic BibTeX types, which biblatex reads)."""

CONTAINER_FIELD = {
    "article": "journal",
    "book": "publisher",
    "chapter": "booktitle",
    "report": "institution",
}
"""The BibTeX field that holds ``publisher`` for each kind of source (else ``howpublished``)."""

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex_entry(s: Source) -> str:
    """One BibTeX entry."""
    fields: list[tuple[str, str]] = []
    if s.author:
        # "Last, First and Last, First" is parsed into names; anything else is an organisation,
        # braced so that BibTeX keeps it whole
        personal = "," in s.author or " and " in s.author
        author = bibtex(s.author)
        fields.append(("author", author if personal else "{" + author + "}"))
    fields.append(("title", "{" + bibtex(s.title) + "}"))
    if s.publisher:
        fields.append((CONTAINER_FIELD.get(s.type, "howpublished"), bibtex(s.publisher)))
    if s.date:
        parts = s.date.split("-")
        fields.append(("year", parts[0]))
        if len(parts) > 1:
            fields.append(("month", MONTHS[int(parts[1]) - 1]))
    if s.doi:
        fields.append(("doi", bibtex(s.doi)))
    if s.url:
        fields.append(("url", bibtex_url(s.url)))
    if s.note:
        fields.append(("note", bibtex(s.note)))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{BIBTEX_TYPES[s.type]}{{{s.key},\n{body}\n}}"


def render_bibtex(case: Case) -> str:
    """The case's bibliography as BibTeX, entries in key order."""
    head = (
        f"% Bibliography of the case '{bibtex_comment(case.id)}' "
        f"({bibtex_comment(case.title or case.id)}); written by linkage.\n"
    )
    entries = [bibtex_entry(case.bibliography[k]) for k in sorted(case.bibliography)]
    return head + "\n" + "\n\n".join(entries) + "\n"


def reference(s: Source) -> str:
    """One source as a line of a reference list."""
    parts = [s.author] if s.author else []
    parts.append(f"({s.date})" if s.date else "(n.d.)")
    parts.append(f"'{s.title}'")
    if s.publisher:
        parts.append(s.publisher)
    line = " ".join(parts[:2]) + ". " + ". ".join(parts[2:]) + "."
    if s.doi:
        line += f" doi:{s.doi}"
    if s.url:
        line += f" {s.url}"
    if s.note:
        line += f" [{s.note}]"
    return line


def render_sources_text(case: Case) -> str:
    """The reference list, each entry with the parts of the case that cite it."""
    cited = citations(case)
    lines = [f"Sources of {case.title or case.id} ({len(case.bibliography)})", ""]
    for key in sorted(case.bibliography):
        lines.append(f"[{key}] {reference(case.bibliography[key])}")
        where = cited.get(key, [])
        lines.append("    cited by: " + (", ".join(where) if where else "nothing"))
    return "\n".join(lines) + "\n"
