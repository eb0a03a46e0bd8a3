"""The faster paths give the same results as the plain ones they replace.

* :func:`linkage.values.substitute` is ``expr.subs(values)``: the same expression, for numbers,
  partial calibrations and symbolic values alike;
* :func:`linkage.render.formulas.tidy` picks the same form as trying every rewrite (the
  reference below is the implementation it replaced);
* a bundled case's title read from its ``[case]`` table is the one in the whole file;
* the timeline strips of :func:`linkage.plots.plot_timeline` draw the same bytes as
  ``Axes.barh``.

Speed itself is measured in ``benchmarks/``, never here.
"""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.builtins.cases import bundled_case_files, case_title
from linkage.cases.loader import load_case
from linkage.render.formulas import KINDS, tidy
from linkage.render.maths import Notation
from linkage.values import positive_part, substitute

SYMBOLS = (
    sympy.Symbol("a", positive=True),
    sympy.Symbol("b", nonnegative=True),
    sympy.Symbol("c", real=True),
    sympy.Symbol("d", real=True),
)
NUMBERS = st.fractions(min_value=-5, max_value=5, max_denominator=6).map(sympy.Rational)


@st.composite
def expressions(draw: st.DrawFn, depth: int = 3) -> sympy.Expr:
    """Payoff-like expressions: sums, products, quotients and positive parts of symbols and
    numbers (quotients only by a positive symbol, so that nothing divides by zero)."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.one_of(st.sampled_from(SYMBOLS), NUMBERS))
    a, b = draw(expressions(depth - 1)), draw(expressions(depth - 1))
    op = draw(st.sampled_from(("add", "sub", "mul", "div", "max")))
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / (SYMBOLS[0] + 1)
    return positive_part(a - b)


def _fits(symbol: sympy.Symbol, value: sympy.Expr) -> bool:
    """``value`` meets the symbol's assumptions (a positive ``a``, a non-negative ``b``)."""
    return not (symbol.is_positive and value <= 0) and not (symbol.is_nonnegative and value < 0)


@given(expressions(), st.data())
@settings(max_examples=300, deadline=None)
def test_substitute_is_subs(expr: sympy.Expr, data: st.DataObject) -> None:
    keys = data.draw(st.lists(st.sampled_from(SYMBOLS), unique=True))
    values = {k: data.draw(NUMBERS.filter(lambda v, k=k: _fits(k, v))) for k in keys}
    if keys and data.draw(st.booleans()):  # a symbolic value: plain subs
        values[keys[0]] = SYMBOLS[1] + 1
    assert substitute(expr, values) == expr.subs(values)
    assert substitute(expr, values) == expr.subs(values)  # a remembered result too


def reference_tidy(expr: sympy.Expr) -> sympy.Expr:
    """The implementation :func:`tidy` replaced: every rewrite, the shortest as printed."""
    if expr.is_number:
        return expr
    if isinstance(expr, sympy.Max | sympy.Min):
        return type(expr)(*(reference_tidy(a) for a in expr.args))
    candidates = [expr]
    for rewrite in (
        sympy.expand,
        sympy.factor,
        lambda e: sympy.factor_terms(sympy.together(e)),
    ):
        try:
            candidates.append(rewrite(expr))
        except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError):
            continue
    text = Notation().text
    return min(candidates, key=lambda e: (len(text(e)), sympy.count_ops(e)))


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return a == b and Notation().text(a) == Notation().text(b)


@given(expressions())
@settings(max_examples=150, deadline=None)
def test_tidy_picks_what_every_rewrite_picks(expr: sympy.Expr) -> None:
    assert _same(tidy(expr), reference_tidy(expr))


def test_tidy_of_every_bundled_part() -> None:
    for path in bundled_case_files():
        case = load_case(path)
        for kind, (_what, _formula, part) in KINDS.items():
            for domain in case.game.domains:
                for payoffs in domain.payoffs.values():
                    raw = part(payoffs)
                    if raw is not None:
                        assert _same(tidy(raw), reference_tidy(raw)), (case.id, kind, raw)


def test_bundled_titles_read_from_the_case_table() -> None:
    import tomllib

    for path in bundled_case_files():
        text = path.read_text(encoding="utf-8")
        assert case_title(text) == tomllib.loads(text)["case"].get("title", "")


def test_case_title_falls_back_to_the_whole_file() -> None:
    # the [case] table alone does not parse (a string runs on past the next header line)
    text = '[case]\nid = "x"\ndescription = """\n[not a table]\n"""\ntitle = "T"\n'
    assert case_title(text) == "T"
    assert case_title('format = 2\n[case]\nid = "x"\n[[domains]]\nid = "d"\n') == ""
    assert case_title('[case] # the case\ntitle = "T"\n[parameters.a]\nvalue = 1\n') == "T"


def test_timeline_strips_draw_what_barh_draws() -> None:
    from linkage import plots

    def draw(strips: bool) -> bytes:
        fig = plots.new_figure(4, 2)
        ax = fig.subplots()
        strip = plots._Strips(ax)
        for y, (left, width, colour, hatch) in enumerate(
            [(2000.0, 1.5, "#009E73", None), (2001.5, 0.25, "#CC79A7", "////")]
        ):
            if strips:
                strip(y, width, left, colour, f"s/{y}", hatch=hatch)
                strip(y + 0.36, width, left, "black", f"m/{y}", height=0.14, edgecolor=None, lw=0)
            else:
                style = {"height": 0.8, "edgecolor": "white", "lw": 0.3}
                ax.barh(y, width, left=left, color=colour, hatch=hatch, gid=f"s/{y}", **style)
                ax.barh(y + 0.36, width, left=left, height=0.14, color="black", lw=0, gid=f"m/{y}")
        ax.set_xlim(1999.5, 2002)
        ax.set_ylim(2, -1)
        return plots.figure_bytes(fig, "svg")

    assert draw(strips=True) == draw(strips=False)
