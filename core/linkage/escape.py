r"""Free text in every output format, escaped in one place per format.

Case files and plugins are written by people outside this project, so every name, id, title,
note, source and unit that reaches an output passes through the function of that output's format
here, and nowhere else. Each function makes its consumer show the text literally:

* :func:`plain` (plain text, terminals): control characters (C0 but newline and tab where a
  document has its own lines, DEL, C1), bidirectional overrides and isolates, and the Unicode
  line and paragraph separators are written as escapes (``\n``, ``\u001b``, ``\u202e``), so no
  escape sequence reaches a terminal, no text is reordered and a name cannot fake a line of
  output. :func:`terminal` is the same for a whole document or message, whose own newlines and
  tabs stay. ``\uXXXX`` is also a valid JSON escape, so :func:`terminal` over a JSON
  document is still the same JSON.
* :func:`latex`: TeX's special characters (``\ { } $ & # ^ _ ~ %``, and ``< > |`` which the
  default font encoding shows as other glyphs) become commands that print them, and controls are
  made visible first, so neither ``^^5c`` nor a newline can reach TeX's input processor.
* :func:`bibtex`, :func:`bibtex_url`, :func:`bibtex_comment`: braces stay balanced, so no text
  ends a field or starts an entry.
* :func:`markdown` and :func:`markdown_code`: the punctuation that would make markup is
  backslash-escaped (no raw HTML, links, images, emphasis, math or table cells from the text);
  code spans use a fence longer than any run of backticks in the text.
* :func:`csv_cell`: a text cell that a spreadsheet would read as a formula (it starts with
  ``= + - @``, a tab or a carriage return) gets a leading apostrophe ``'``; numbers are unchanged
  (``-0.5`` stays a number).
* Plots: matplotlib's mathtext is off for every text (``text.parse_math`` in
  :data:`linkage.plots.PLOT_RC`), so ``$...$`` is drawn as written.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_FIELD = re.compile(f"[\n\t{_CONTROLS}]")
_DOCUMENT = re.compile(f"[{_CONTROLS}]")
_NAMED = {"\n": r"\n", "\t": r"\t", "\r": r"\r"}


def _show(m: re.Match[str]) -> str:
    ch = m.group(0)
    return _NAMED.get(ch) or f"\\u{ord(ch):04x}"


def plain(text: str) -> str:
    r"""One field (a name, id, title) as plain text on one line: every control, bidirectional and
    line-separator character written as an escape (``\n``, ``\u001b``)."""
    return _FIELD.sub(_show, text)


def terminal(text: str) -> str:
    r"""A whole document or message for a terminal or a text file: as :func:`plain`, but the
    newlines and tabs of its layout are kept."""
    return _DOCUMENT.sub(_show, text)


# -- LaTeX ---------------------------------------------------------------------------------------
LATEX: dict[str, str] = {
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
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "≈": r"$\approx$",
    "δ": r"$\delta$",
    "→": r"$\to$",
    "↔": r"$\leftrightarrow$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "−": r"$-$",
    "×": r"$\times$",
    "÷": r"$\div$",
    "³": r"\textsuperscript{3}",
    "²": r"\textsuperscript{2}",
    "¥": r"\textyen{}",
    "€": r"\texteuro{}",
    "£": r"\pounds{}",
    "§": r"\S{}",
    "…": r"\dots{}",
    "✓": "yes",
    "✗": "no",
    "⁺": r"\textsuperscript{+}",
}
"""Characters escaped or mapped for pdflatex; other characters beyond Latin-1 become ``?``."""

_LONG_WORD = re.compile(r"\S{24,}")


def latex(text: str) -> str:
    """Text safe in a LaTeX paragraph, heading or table cell, shown as written (controls as in
    :func:`plain`); long words (URLs) may break after ``/ . _ -``."""

    def one(ch: str) -> str:
        if ch in LATEX:
            return LATEX[ch]
        return ch if ord(ch) < 0x250 or ch in "–—‘’“”" else "?"

    def word(m: re.Match[str]) -> str:
        return "".join(one(ch) + (r"\allowbreak{}" if ch in "/._-" else "") for ch in m.group(0))

    text = plain(text)
    out = []
    last = 0
    for m in _LONG_WORD.finditer(text):
        out.append("".join(one(ch) for ch in text[last : m.start()]))
        out.append(word(m))
        last = m.end()
    out.append("".join(one(ch) for ch in text[last:]))
    return "".join(out)


def latex_comment(text: str) -> str:
    """Text after a ``%`` on one line: TeX skips it to the end of the line, which :func:`plain`
    guarantees is the end of the comment."""
    return plain(text)


# -- BibTeX --------------------------------------------------------------------------------------
_BIBTEX = {c: "\\" + c for c in "&%$#_{}"} | {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile(r"[&%$#_{}\\~^]")
_URL_UNSAFE = re.compile(f"[{{}}\\\\\\s{_CONTROLS}]")


def bibtex(text: str) -> str:
    r"""Text for a BibTeX field: ``& % $ # _ { }`` escaped, ``~ ^ \`` spelled out, controls as
    in :func:`plain`, so braces stay balanced and nothing ends the field."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group(0)], plain(text))


def bibtex_url(url: str) -> str:
    """A URL for the ``url`` field (read verbatim by ``\\url``): braces, backslashes, spaces and
    controls percent-encoded (the same URL), then ``%`` and ``#`` escaped."""
    url = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), url)
    return url.replace("%", r"\%").replace("#", r"\#")


def bibtex_comment(text: str) -> str:
    """Text in the comment before the entries: one line, and no ``@`` (which would start an
    entry: written ``(at)``)."""
    return plain(text).replace("@", "(at)")


# -- Markdown ------------------------------------------------------------------------------------
_MARKDOWN = re.compile(
    r"[\\`*<~$]|&(?=#?\w+;)|#(?=[# ]*$)|\](?=\()|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
)
_BLOCK_START = re.compile(r"^ {0,3}([#+\-=>]|\d+(?=[.)]))")


def markdown(text: str, line_start: bool = False) -> str:
    r"""Text in a Markdown paragraph, heading, list item or table cell, shown as written: no raw
    HTML, autolink, link, image, emphasis, strikethrough or entity from the text (``\ ` * < ~ $``
    always backslash-escaped; ``_`` where it could start or end emphasis, not inside a word;
    ``&`` before an entity; ``]`` before ``(``; ``#`` at the end, which would close a heading);
    controls as in :func:`plain`. ``line_start``: the text starts a line, so a block marker there
    (``#``, ``-``, ``>``, ``1.``) is escaped too. Table rows escape ``|`` themselves (also inside
    code spans, GitHub's rule)."""
    out = _MARKDOWN.sub(lambda m: "\\" + m.group(0), plain(text))
    return _BLOCK_START.sub(_block_marker, out) if line_start else out


def _block_marker(m: re.Match[str]) -> str:
    lead, marker = m.group(0)[: m.start(1) - m.start(0)], m.group(1)
    return lead + (marker + "\\" if marker[0].isdigit() else "\\" + marker)


def markdown_code(text: str) -> str:
    """``text`` as an inline code span (where Markdown shows everything literally): a fence of one
    backtick more than the longest run of backticks inside, padded with a space where Markdown
    would take one off; empty text is empty."""
    text = plain(text)
    if not text:
        return ""
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    edges = text[0] + text[-1]
    pad = " " if "`" in edges or (edges == "  " and text.strip(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# -- CSV -----------------------------------------------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a text cell."""

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?|[+-]?(inf|nan)")


def csv_cell(value: Any) -> Any:
    """A CSV cell: text that starts like a formula gets a leading ``'`` (so a spreadsheet shows
    it as text), unless it is a number (``-0.5``, ``-1/2``, ``-inf``); other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
