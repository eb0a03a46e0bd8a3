"""Hostile free text in every output, read back by the program that consumes it (issue 14: LaTeX
injection, ``$...$`` in plots, CSV formulas, raw HTML in Markdown, terminal escapes, anchors).

Random names, ids and titles made of TeX specials, ``^^`` sequences, ``\\input``, ``\\write18``,
newlines, ``%``, ``$...$``, HTML, Markdown links, CSV formula prefixes, ESC/CSI/OSC, NUL and
bidirectional controls go into a case file; each output is then read by its real consumer: a TeX
engine (``pdflatex -no-shell-escape``, what it read from disk and the text of the PDF), a Markdown
renderer (markdown-it, raw HTML allowed, so that the escaping is what stops it), Python's ``csv``
reader with a spreadsheet's formula rule, a terminal's view of the bytes (no control character
reaches it), and matplotlib. Part of the fuzz suite: ``LINKAGE_FUZZ_EXAMPLES`` sets the number of
examples (default 25); the CI profile of ``conftest.py`` derandomizes them.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from linkage import escape
from linkage.cases import load_case_text
from linkage.cli import main
from linkage.errors import CaseError, CaseErrors
from linkage.render.html import anchor

EXAMPLES = int(os.environ.get("LINKAGE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

FAST_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
"""The tests that run the command line do not shrink (minutes per failure); the failing example
is printed as found."""

# -- hostile text ------------------------------------------------------------------------------
PIECES = [
    "\\input{/etc/hostname}",
    "\\immediate\\write18{touch /tmp/linkage-pwned}",
    "A^^5cinput{/etc/hostname}",
    "^^5c",
    "^^M",
    "\\def\\x{y}",
    "\\catcode`\\@=0",
    "\\end{document}",
    "%",
    "$x^$",
    "$\\frac{$",
    "$a$",
    "{",
    "}",
    "#1",
    "&",
    "~",
    "_",
    "\n",
    "\r",
    "\t",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    '<img src=x onerror="alert(1)">',
    "&lt;b&gt;",
    "&#60;",
    "[link](javascript:alert(1))",
    "![img](http://x/y.png)",
    "<http://evil.example>",
    "*em*",
    "**strong**",
    "_u_",
    "~~s~~",
    "`code`",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "   # indented heading",
    "  2) item",
    "| cell |",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x1b]8;;http://x\x1b\\",
    "\x9b31m",
    "\x00",
    "\x7f",
    "\u202e",
    "\u2066",
    "\u200f",
    "\u2028",
    "δ≥½",
    "x",
    " ",
]

hostile = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), min_size=1, max_size=6
).map("".join)

CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def case_text(case_id: str, title: str, a: str, b: str, hyp_title: str, source: str) -> str:
    """A small case whose every free-text field is hostile."""
    A, B = toml_string(a), toml_string(b)
    return f"""\
[case]
id = {toml_string(case_id)}
title = {toml_string(title)}
players = [{A}, {B}]
discount = 0.6

[[domains]]
id = "d1"
payoffs.{A} = {{ C = 3, D = 4, N = 1 }}
payoffs.{B} = {{ C = 3, D = 4, N = 1 }}

[[domains]]
id = "d2"
payoffs.{A} = {{ C = 3, D = 6, N = "1/2" }}
payoffs.{B} = {{ C = 3, D = 6, N = 1 }}

[[hypotheses]]
id = {toml_string(case_id + "_h")}
title = {toml_string(hyp_title)}
source = {toml_string(source)}
mode = "full"
"""


def write_case(tmp: Path, *fields: str) -> Path | None:
    """The case file, or ``None`` when the loader refuses the names (that is its business)."""
    text = case_text(*fields)
    try:
        load_case_text(text, file="hostile.toml")
    except (CaseError, CaseErrors):
        return None
    path = tmp / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


fields = st.tuples(hostile, hostile, hostile, hostile, hostile, hostile).map(
    lambda f: f if f[2] != f[3] else (*f[:3], f[3] + "2", *f[4:])
)


# -- escape functions against their consumers ----------------------------------------------------
md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _inline_children(text: str) -> list:
    tokens = md.parse(text)
    return [c for t in tokens if t.type == "inline" for c in (t.children or [])]


@FUZZ
@given(hostile)
def test_markdown_shows_text_literally(text: str) -> None:
    """Rendered as a paragraph (and as a heading and a list item), the escaped text is one run of
    text equal to the input with its controls visible: no HTML, link, image or emphasis."""
    for prefix in ("", "# ", "- "):
        children = _inline_children(prefix + escape.markdown(text, line_start=prefix != "# "))
        assert {c.type for c in children} <= {"text", "softbreak"}, children
        shown = "".join(c.content for c in children)
        assert _spaced(shown) == _spaced(escape.plain(text))


@FUZZ
@given(hostile)
def test_markdown_code_span_shows_text_literally(text: str) -> None:
    assume(escape.plain(text).strip(" "))
    children = _inline_children("x " + escape.markdown_code(text))
    codes = [c for c in children if c.type == "code_inline"]
    assert len(codes) == 1 and codes[0].content == escape.plain(text)


@FUZZ
@given(hostile)
def test_plain_and_terminal_leave_no_control_character(text: str) -> None:
    assert not CONTROLS.search(escape.plain(text)) and "\n" not in escape.plain(text)
    assert not CONTROLS.search(escape.terminal(text))
    assert escape.terminal(text).count("\n") == text.count("\n")


def test_terminal_escapes_are_json_escapes() -> None:
    """A JSON document made visible for a terminal is the same JSON."""
    data = {"name": "a\x9b31m\u202eb\x7f\u2028", "nested": ["\x1b[2J"]}
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(escape.terminal(text)) == data
    assert not CONTROLS.search(escape.terminal(text))


@FUZZ
@given(st.one_of(hostile, st.sampled_from(["-0.5", "-1/2", "+3", "-1e-3", "-inf", "=1+1"])))
def test_csv_cell_is_never_a_formula(text: str) -> None:
    cell = escape.csv_cell(text)
    assert cell == text or cell == "'" + text
    assert not cell.startswith(escape.FORMULA_START) or re.fullmatch(
        r"[+-]?[\d.]+(e[+-]?\d+)?(/\d+)?|[+-]?inf", cell
    )


def test_sensitivity_and_sweep_csv_cells_are_never_formulas() -> None:
    from linkage.render.uncertainty import records_csv

    text = records_csv([{"name": "=1+1", "value": -0.5, "exact": "-1/2", "note": "@x"}])
    assert list(csv.reader(io.StringIO(text)))[1] == ["'=1+1", "-0.5", "-1/2", "'@x"]


def test_csv_numbers_are_unchanged() -> None:
    for number in ("-0.5", "-1/2", "+3", "-1e-3", "-inf", "0", 0.25, -1, None):
        assert escape.csv_cell(number) == number
    assert escape.csv_cell("=1+1") == "'=1+1"
    assert escape.csv_cell("-x") == "'-x"


def _balanced(text: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}%#&$_]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@FUZZ
@given(hostile)
def test_bibtex_fields_cannot_end_early(text: str) -> None:
    """``linkage sources --format bibtex``: a field's braces stay balanced (BibTeX reads a field
    to its matching brace), no line break, and the header comment cannot start an entry."""
    for field in (escape.bibtex(text), escape.bibtex_url(text)):
        assert _balanced(field) and "\n" not in field and not CONTROLS.search(field)
    assert "@" not in escape.bibtex_comment(text) and "\n" not in escape.bibtex_comment(text)


def test_distinct_case_ids_have_distinct_anchors() -> None:
    ids = ["a b", "a-b", "a.b", "a:b", "a.20.b", "ä", "a\nb", "a_b", "a--b", "a", "A"]
    anchors = [anchor(i) for i in ids]
    assert len(set(anchors)) == len(ids)
    assert anchor("japan_russia") == "case-japan_russia"  # ordinary ids keep their anchor


# -- every output of a hostile case ---------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


MARKDOWN_TAGS = {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
MARKDOWN_TAGS |= {"strong", "code", "br"}


@settings(FUZZ, max_examples=max(3, EXAMPLES // 3), phases=FAST_PHASES)
@given(fields)
@example(  # the findings of issue 14: 9 (svg in Markdown, escapes), 8 (formulas), 1 (LaTeX)
    (
        "c\n\\input{/etc/hostname}",
        "\x1b]0;pwned\x07$x^$ \u202eevil",
        "<svg onload=alert(1)>",
        "=cmd|' /C calc'!A0",
        "[x](javascript:alert(1))",
        "@SUM(A1)",
    )
)
def test_every_text_output_of_a_hostile_case(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], f: tuple
) -> None:
    """analyze (text, Markdown, LaTeX, JSON) and compare (text, Markdown, CSV, JSON): exit 0, no
    control character on standard output or error, Markdown renders with our tags only and shows
    the names, CSV cells are never formulas, JSON gives the names back unchanged."""
    path = write_case(tmp_path_factory.mktemp("hostile"), *f)
    assume(path is not None)
    title, a, b = f[1:4]
    for command, formats in (
        ("analyze", ("text", "markdown", "latex", "json")),
        ("compare", ("text", "markdown", "csv", "json", "latex")),
    ):
        for fmt in formats:
            args = [command, str(path), "-f", fmt]
            if command == "compare":
                args += ["--columns", "all"]
            code, out, err = run(args, capsys)
            assert code == 0, err
            assert not CONTROLS.search(out) and not CONTROLS.search(err), (fmt, out)
            if fmt == "markdown":
                parser = _Tags()
                parser.feed(md.render(out))
                assert {t for t, _ in parser.tags} <= MARKDOWN_TAGS, parser.tags
                assert all(k == "style" for _, attrs in parser.tags for k, _v in attrs)
                shown = "".join(parser.text)  # character references decoded
                for name in (a, b) if command == "compare" else (title, a, b):
                    assert escape.plain(name).strip() in shown
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(out)))
                for cell in (c for row in rows for c in row):
                    assert not cell.startswith(escape.FORMULA_START) or re.fullmatch(
                        r"[+-]?[\d.]+(e[+-]?\d+)?(/\d+)?|[+-]?(inf|nan)", cell
                    ), cell
                players = {row[2] for row in rows[1:]}
                assert players == {escape.terminal(escape.csv_cell(x)) for x in (a, b)}
            if fmt == "json":
                data = json.loads(out)
                text = json.dumps(data, ensure_ascii=False)
                assert json.dumps(a, ensure_ascii=False)[1:-1] in text


def test_error_messages_reach_the_terminal_without_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 9: a file name and a key holding escape sequences are shown, not obeyed."""
    name = "\x1b[2J\x1b]0;pwned\x07\u202eevil.toml"
    code, out, err = run(["analyze", str(tmp_path / name)], capsys)
    assert code != 0 and err
    assert not CONTROLS.search(err + out)
    (tmp_path / "bad.toml").write_text(
        case_text("x", "t", "A", "B", "h", "s").replace("discount = 0.6", 'discount = "\x1b[31m"'),
        encoding="utf-8",
    )
    code, out, err = run(["check", str(tmp_path / "bad.toml")], capsys)
    assert code != 0 and not CONTROLS.search(err + out)


# -- LaTeX, compiled ------------------------------------------------------------------------------
LIGATURES = {"˜": "~", "ˆ": "^", "\u2013": "--", "\u2014": "---", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff"}


TEX_OPTIONS = ("-no-shell-escape", "-recorder", "-interaction=nonstopmode", "-halt-on-error")
"""No shell escape, even where a TeX installation allows it; ``-recorder`` lists every file read."""


def compile_latex(body: str, tmp: Path) -> tuple[str, str, str]:
    """Compile ``body`` with the documented preambles (analysis and comparison) and ``-no-shell-escape``; return the log,
    the files TeX opened (``-recorder``) and the text of the PDF (``""`` without pdftotext)."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.fail("pdflatex is required (scripts/test.sh installs texlive)")
    (tmp / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,booktabs,longtable}\n\\begin{document}\n"
        + body
        + "\n\\end{document}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [pdflatex, *TEX_OPTIONS, "doc.tex"],
        cwd=tmp,
        capture_output=True,
        timeout=300,
    )
    log = (tmp / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log[-3000:]
    opened = (tmp / "doc.fls").read_text(encoding="utf-8", errors="replace")
    text = ""
    if shutil.which("pdftotext"):
        subprocess.run(["pdftotext", "-raw", "doc.pdf", "doc.txt"], cwd=tmp, check=True)
        text = (tmp / "doc.txt").read_text(encoding="utf-8", errors="replace")
    return log, opened, text


def _squeezed(text: str) -> str:
    """Text as pdftotext gives it back, without spaces; ``_`` is a rule in LaTeX's default font
    encoding (OT1), not a glyph, so it is left out."""
    for glyph, chars in LIGATURES.items():
        text = text.replace(glyph, chars)
    return re.sub(r"[\s_]+", "", text)


LATEX_LITERAL = st.lists(
    st.sampled_from(
        [
            *("\\input{SECRET}", "A^^5cinput{SECRET}", "\\write18{touch PWNED}", "$x^$", "%"),
            *("#", "&", "_", "{", "}", "~", "^", "<", ">", "|", "\\", "\x1b[31m", "\n", "Zz", "9"),
        ]
    ),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=max(2, EXAMPLES // 8), deadline=None, phases=FAST_PHASES)
@given(st.tuples(LATEX_LITERAL, LATEX_LITERAL, LATEX_LITERAL, LATEX_LITERAL))
@example(("x\n\\input{SECRET}", "t", "A^^5cinput{SECRET}", "\\write18{touch PWNED}"))
def test_latex_output_compiles_reads_no_file_and_shows_the_names(
    tmp_path_factory: pytest.TempPathFactory, names: tuple[str, str, str, str]
) -> None:
    """Finding 1: the case id (also in a ``%`` comment), the title and the players of a case go
    through pdflatex: it compiles, opens no file the text names, runs nothing, and the PDF shows
    every name as written (controls as ``\\u001b``, ``\\n``)."""
    case_id, title, a, b = names
    assume(a != b)
    tmp = tmp_path_factory.mktemp("tex")
    (tmp / "SECRET.tex").write_text("LEAKED", encoding="utf-8")
    path = write_case(tmp, case_id, title, "Player " + a, "Player " + b, "hyp", "src")
    assume(path is not None)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        parts = []
        for args in (["analyze", str(path), "-f", "latex"], ["compare", str(path), "-f", "latex"]):
            buffer = io.StringIO()
            mp.setattr("sys.stdout", buffer)
            assert main(args) == 0
            parts.append(buffer.getvalue())
    log, opened, text = compile_latex("\n\\clearpage\n".join(parts), tmp)
    assert "SECRET" not in opened and "LEAKED" not in text
    assert "runsystem" not in log and not (tmp / "PWNED").exists()
    if text:
        shown = _squeezed(text)
        for name in (title, "Player " + a, "Player " + b):
            assert _squeezed(escape.plain(name)) in shown, (name, text)


# -- plots ----------------------------------------------------------------------------------------
MATHTEXT = ["$x^$", "$\\frac{$", "$a$", "$$", "\\$", "$\\input{x}$", "$_$", "${}$"]


@pytest.mark.parametrize("kind", ["plot", "report"])
def test_mathtext_in_names_is_drawn_as_written(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 6: ``$...$`` in a title or a name neither crashes ``plot`` nor the multi-case
    ``report``, and the SVG shows the text as written."""
    path = write_case(tmp_path, "c1", " ".join(MATHTEXT), "$x^$ A", "B $\\frac{$", "$h$", "$s$")
    assert path is not None
    if kind == "plot":
        code, _, err = run(["plot", "thresholds", str(path), "-o", str(tmp_path / "t.svg")], capsys)
        assert code == 0, err
        svg = (tmp_path / "t.svg").read_text(encoding="utf-8")
        assert html.escape("$x^$ A", quote=False) in svg
        assert html.escape("B $\\frac{$", quote=False) in svg
    else:
        other = tmp_path / "other"
        other.mkdir()
        second = write_case(other, "c2", "$x^$ again", "$x^$ A", "B", "$h$", "$s$")
        assert second is not None
        out = tmp_path / "r.html"
        code, _, err = run(["report", str(path), str(second), "-o", str(out)], capsys)
        assert code == 0, err
        page = out.read_text(encoding="utf-8")
        assert "$x^$ again" in html.unescape(page)


def test_report_sections_of_distinct_ids_have_distinct_anchors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 9: ``a b`` and ``a-b`` (and a repeated id) get their own section and link."""
    paths = []
    for n, case_id in enumerate(["a b", "a-b", "a-b", "a:b"]):
        folder = tmp_path / str(n)
        folder.mkdir()
        path = write_case(folder, case_id, f"title {n}", "A", "B", "h", "s")
        assert path is not None
        paths.append(str(path))
    out = tmp_path / "r.html"
    code, _, err = run(["report", *paths, "--no-plots", "-o", str(out)], capsys)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    ids = re.findall(r'<section class="case" id="([^"]+)"', page)
    assert len(ids) == 4 and len(set(ids)) == 4, ids
    assert set(re.findall(r'<li><a href="#([^"]+)"', page)) == set(ids)
