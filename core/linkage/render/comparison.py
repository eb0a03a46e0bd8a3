r"""A :class:`~linkage.compare.Comparison` as a terminal table, Markdown, LaTeX, CSV, Parquet or
JSON.

Values are decimals with ``digits`` significant digits (:mod:`linkage.decimals`); exact values are
in the JSON output (the data of :meth:`Comparison.as_json <linkage.compare.Comparison.as_json>`).
Per-player values stand one player per line.

* The **terminal table** fits ``width`` characters (100 by default): cells wrap inside their
  column, and columns that still do not fit go to a further block of the table that repeats the
  ``case`` and ``hypothesis`` columns. Nothing is cut.
* **LaTeX** is a booktabs ``longtable`` in ``\small`` whose per-player cells are stacked.
* **CSV** and **Parquet** are tidy data: one row per case, hypothesis and *player*, numbers as
  numbers (``nan`` for ``never``, with a ``*_status`` column), exact values as text in ``*_exact``
  columns (:func:`linkage.render.frames.comparison_records`).
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence

import sympy

from linkage.compare import COLUMNS, DEFAULT_COLUMNS, Comparison, ComparisonRow, parse_columns
from linkage.decimals import DIGITS, decimal
from linkage.engine.threshold import Threshold
from linkage.errors import LinkageError
from linkage.escape import csv_cell, latex, markdown, plain
from linkage.render.frames import comparison_records, record_columns
from linkage.render.report import threshold_number, yes

HEADERS: dict[str, str] = {
    "case": "case",
    "title": "title",
    "hypothesis": "hypothesis",
    "players": "players",
    "domains": "domains",
    "delta": "δ",
    "separate": "δ* separate",
    "linked": "δ* linked",
    "helps_interval": "linkage helps on",
    "gain": "gain",
    "vulnerable": "vulnerable",
    "lever": "lever",
    "linked_holds": "linked holds",
    "separate_holds": "separate holds",
    "helps": "helps",
    "fit": "posterior",
}
"""Every column's header in the terminal and Markdown tables."""

LATEX_HEADERS: dict[str, str] = {
    **HEADERS,
    "delta": r"$\delta$",
    "separate": r"$\delta^*$ separate",
    "linked": r"$\delta^*$ linked",
}

FORMATS = ("text", "markdown", "latex", "csv", "parquet", "json")
"""The output formats of :func:`render_comparison` (``parquet`` is binary: see
:func:`comparison_bytes`)."""

WIDTH = 100
"""Characters per line of the terminal table."""


def _number(x: sympy.Expr, digits: int) -> str:
    return decimal(x, digits) if x.is_number else sympy.sstr(x)


def threshold_text(t: Threshold, digits: int = DIGITS) -> str:
    """A threshold in a table cell: a decimal, ``always`` (0) or ``never``."""
    return threshold_number(t, digits)


def _per_player(values: dict[str, str]) -> str:
    return "\n".join(f"{plain(p)} {v}" for p, v in values.items())


def cell(row: ComparisonRow, column: str, digits: int = DIGITS) -> str:
    """The cell of ``column`` in ``row`` as text; per-player values one per line (names and
    titles as :func:`~linkage.escape.plain` text, so a line break is always the layout's)."""
    if column in ("case", "title", "hypothesis"):
        return plain(str(getattr(row, column)))
    if column in ("players", "domains"):
        return ", ".join(plain(x) for x in getattr(row, column))
    if column == "delta":
        values = {p: _number(d, digits) for p, d in row.delta.items()}
        distinct = set(values.values())
        return distinct.pop() if len(distinct) == 1 else _per_player(values)
    if column == "separate":
        return _per_player({p: threshold_text(t, digits) for p, t in row.separate.items()})
    if column == "linked":
        return _per_player({p: threshold_text(t, digits) for p, t in row.linked.items()})
    if column == "helps_interval":
        i = row.helps_interval
        if i is None:
            return "-"
        return f"[{_number(i.low, digits)}, {_number(i.high, digits)})"
    if column == "gain":
        g = row.gain
        return "-" if g is None else _number(g, digits)
    if column == "vulnerable":
        return plain(row.vulnerable or "-")
    if column == "lever":
        return plain(row.lever or "-")
    if column == "linked_holds":
        return yes(row.linked_holds)
    if column == "separate_holds":
        held = [k for k, v in row.separate_holds.items() if v]
        open_ = [f"{k}?" for k, v in row.separate_holds.items() if v is None]
        return ", ".join(held + open_) or "none"
    if column == "helps":
        return yes(row.helps)
    if column == "fit":
        f = row.fit
        if f is None or f["share"] is None:
            return "n/a"
        return f"{f['posterior']:.2f} ({100 * f['share']:.0f}%)"
    raise LinkageError(f"unknown column {column!r}; valid columns: {', '.join(COLUMNS)}")


def cells(result: Comparison, columns: Sequence[str], digits: int = DIGITS) -> list[list[str]]:
    return [[cell(r, c, digits) for c in columns] for r in result.rows]


# -- terminal -----------------------------------------------------------------------------------
_KEEP = "\u00a0"  # joins what must not wrap apart: a player and their value, an interval


def _glued(column: str, text: str) -> str:
    if column in ("delta", "separate", "linked", "helps_interval"):
        return "\n".join(line.replace(" ", _KEEP) for line in text.split("\n"))
    return text


def _widths(head: list[str], body: list[list[str]], width: int) -> tuple[list[int], list[int]]:
    """Natural and narrowest widths of each column (the narrowest: its longest word)."""
    n = len(head)
    texts = [[head[i]] + [r[i] for r in body] for i in range(n)]
    natural = [max(len(line) for t in col for line in t.split("\n")) for col in texts]
    narrow = [
        max(len(w) for t in col for line in t.split("\n") for w in line.split(" ")) for col in texts
    ]
    return natural, narrow


def _fit(natural: list[int], narrow: list[int], width: int) -> list[int]:
    """Shrink the columns with the most room to wrap until the table fits ``width``."""
    widths = list(natural)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        room = [w - m for w, m in zip(widths, narrow, strict=True)]
        i = max(range(len(widths)), key=lambda j: (room[j], widths[j]))
        if room[i] <= 0:
            break
        widths[i] -= 1
    return widths


def _blocks(columns: Sequence[str], narrow: list[int], width: int) -> list[list[int]]:
    """Column indices per block: as many as fit at their narrowest, keys repeated in each."""
    if sum(narrow) + 2 * (len(columns) - 1) <= width:
        return [list(range(len(columns)))]
    keys = [i for i, c in enumerate(columns) if c in ("case", "hypothesis")]
    blocks: list[list[int]] = []
    current = list(keys)
    for i in range(len(columns)):
        if i in keys:
            continue
        trial = [*current, i]
        if (
            len(current) > len(keys)
            and sum(narrow[j] for j in trial) + 2 * (len(trial) - 1) > width
        ):
            blocks.append(current)
            current = [*keys, i]
        else:
            current = trial
    blocks.append(current)
    return blocks


def _lines(head: list[str], body: list[list[str]], widths: list[int]) -> list[str]:
    def wrap(text: str, w: int) -> list[str]:
        out = []
        for line in text.split("\n"):
            out += textwrap.wrap(line, w, break_long_words=False, break_on_hyphens=False) or [""]
        return out

    def row_lines(row: list[str]) -> list[str]:
        wrapped = [wrap(c, w) for c, w in zip(row, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        return [
            "  ".join(
                (w[k] if k < len(w) else "").ljust(width)
                for w, width in zip(wrapped, widths, strict=True)
            )
            .rstrip()
            .replace(_KEEP, " ")
            for k in range(height)
        ]

    out = [*row_lines(head), "  ".join("-" * w for w in widths)]
    rows = [row_lines(r) for r in body]
    spaced = any(len(r) > 1 for r in rows)
    for i, r in enumerate(rows):
        if spaced and i:
            out.append("")
        out += r
    return out


def render_text(
    result: Comparison,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    digits: int = DIGITS,
    width: int = WIDTH,
) -> str:
    """A table for the terminal, at most ``width`` characters wide where words allow."""
    head = [HEADERS[c] for c in columns]
    body = [
        [_glued(c, x) for c, x in zip(columns, r, strict=True)]
        for r in cells(result, columns, digits)
    ]
    natural, narrow = _widths(head, body, width)
    out: list[str] = []
    for block in _blocks(columns, narrow, width):
        bhead = [head[i] for i in block]
        bbody = [[r[i] for i in block] for r in body]
        widths = _fit([natural[i] for i in block], [narrow[i] for i in block], width)
        if out:
            out.append("")
        out += _lines(bhead, bbody, widths)
    if not result.rows:
        out.append("(no cases)")
    return "\n".join(out + dates(result)) + "\n"


def dates(result: Comparison) -> list[str]:
    """A note saying at which date's calibration each case is judged, when not all at the
    file's values (``compare`` and ``report`` use a case's focal date unless told)."""
    at = {r.case: r.at for r in result.rows}
    if not any(at.values()):
        return []
    parts = [f"{case} at {date or 'the file values'}" for case, date in at.items()]
    note = "Calibrated at: " + "; ".join(parts) + " (--at DATE to choose)."
    return ["", *textwrap.wrap(note, WIDTH, break_on_hyphens=False)]


# -- other text formats -------------------------------------------------------------------------
def _markdown_cell(text: str) -> str:
    return "; ".join(markdown(line) for line in text.split("\n")).replace("|", "\\|")


def render_markdown(
    result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS, digits: int = DIGITS
) -> str:
    """A Markdown (GitHub) table."""
    lines = ["| " + " | ".join(HEADERS[c] for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += [
        "| " + " | ".join(_markdown_cell(x) for x in row) + " |"
        for row in cells(result, columns, digits)
    ]
    return "\n".join(lines + dates(result)) + "\n"


def _latex_cell(text: str) -> str:
    lines = [latex(t) for t in text.split("\n")]
    if len(lines) == 1:
        return lines[0]
    return r"\begin{tabular}[t]{@{}l@{}}" + r" \\ ".join(lines) + r"\end{tabular}"


def render_latex(
    result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS, digits: int = DIGITS
) -> str:
    """A booktabs ``longtable`` ready to paste (needs ``\\usepackage{booktabs,longtable}``; it
    breaks across pages, so any number of cases fits). With the ``case``
    column first and a ``hypothesis`` column, each case is a heading row over its hypotheses
    (the table is then a column narrower)."""
    grouped = bool(columns) and columns[0] == "case" and "hypothesis" in columns
    shown = list(columns[1:] if grouped else columns)
    lines = [
        f"% linkage compare: {len(result.cases)} case(s), {len(result.rows)} row(s); "
        "needs booktabs and longtable",
        r"{\small\setlength{\tabcolsep}{4pt}",
        r"\begin{longtable}{@{}" + "l" * len(shown) + "@{}}",
        r"\toprule",
        " & ".join(LATEX_HEADERS[c] for c in shown) + r" \\",
    ]
    current = None
    for row, texts in zip(result.rows, cells(result, columns, digits), strict=True):
        if grouped and row.case != current:
            current = row.case
            lines.append(r"\midrule" if len(lines) == 5 else r"\addlinespace")
            lines.append(
                rf"\multicolumn{{{len(shown)}}}{{@{{}}l}}{{\emph{{{latex(row.case)}}}}} \\"
            )
        elif not grouped and len(lines) == 5:
            lines.append(r"\midrule")
        values = texts[1:] if grouped else texts
        lines.append(" & ".join(_latex_cell(x) for x in values) + r" \\")
    lines += [r"\bottomrule", r"\end{longtable}}"]
    return "\n".join(lines) + "\n"


def render_csv(
    result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS, digits: int = DIGITS
) -> str:
    """Tidy CSV: one row per case, hypothesis and player (see the module docstring)."""
    records = comparison_records(result, columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, record_columns(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {k: ("" if v is None else csv_cell(v)) for k, v in record.items()} for record in records
    )
    return buffer.getvalue()


def render_json(
    result: Comparison, columns: Sequence[str] = DEFAULT_COLUMNS, digits: int = DIGITS
) -> str:
    return json.dumps(result.as_json(columns), indent=2, ensure_ascii=False) + "\n"


RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "latex": render_latex,
    "csv": render_csv,
    "json": render_json,
}


def render_comparison(
    result: Comparison,
    fmt: str = "text",
    columns: str | Sequence[str] | None = None,
    digits: int = DIGITS,
) -> str:
    """``result`` in the text format ``fmt`` with the chosen columns (``"all"``: every column)."""
    cols = parse_columns(columns)
    if fmt == "parquet":
        raise LinkageError("parquet is binary: use comparison_bytes() or write it with -o FILE")
    if fmt not in RENDERERS:
        raise LinkageError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return RENDERERS[fmt](result, cols, digits)


def comparison_bytes(
    result: Comparison,
    fmt: str = "parquet",
    columns: str | Sequence[str] | None = None,
    digits: int = DIGITS,
) -> bytes:
    """``result`` as a file's bytes: Parquet (needs the ``data`` extra) or any text format."""
    if fmt != "parquet":
        return render_comparison(result, fmt, columns, digits).encode("utf-8")
    from linkage.render.frames import to_pandas

    frame = to_pandas(result, columns=parse_columns(columns))
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
