r"""Expressions as text, LaTeX and presentation MathML, written the way a reader expects.

A :class:`Notation` carries what the printers need beyond the expression:

* the LaTeX symbol each parameter declared (``symbol = "g_T"`` in a case file,
  ``Parameter(latex="g_T")`` in a domain model). Every other name is typeset **upright as a whole
  word** (:math:`\mathrm{turkey\_roe\_gain}`), never split into nested subscripts at its
  underscores; a one-letter name stays an italic variable and ``delta`` is :math:`\delta`;
* the number of significant digits of decimals (:data:`linkage.decimals.DIGITS` by default).

Exact rationals with a short decimal expansion, the numbers a case file writes as decimals, are
printed as decimals (``0.00028·x``, not ``7x/25000``); other rationals stay fractions, so a
closed form is always exact. ``max(x, 0)`` is printed as the positive part :math:`(x)^+` in
MathML, and as :math:`\max(x, 0)` in LaTeX (where TeX may break it across lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.dom.minidom import Element

import attrs
import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from linkage.decimals import DIGITS, EXACT_DIGITS, decimal, is_short_decimal
from linkage.models import GREEK

GREEK_UNICODE: dict[str, str] = {
    name: chr(code)
    for name, code in zip(
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "omicron",
            "pi",
            "rho",
            "varsigma",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
        ],
        range(0x3B1, 0x3CA),
        strict=True,
    )
}
GREEK_UNICODE |= {
    "varepsilon": "ε",
    "vartheta": "ϑ",
    "varphi": "φ",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Upsilon": "Υ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
assert set(GREEK) <= set(GREEK_UNICODE)

ACCENT_MARKS = {"bar": "¯", "hat": "^", "tilde": "~"}
_TOKEN = re.compile(r"\\([A-Za-z]+)|([A-Za-z0-9,'])")


def _exact(x: sympy.Rational) -> str:
    """A short-decimal rational written exactly (never rounded: closed forms are exact)."""
    return decimal(x, EXACT_DIGITS)


def _decimal_coefficient(expr: sympy.Expr) -> tuple[sympy.Rational, sympy.Expr] | None:
    """``(c, rest)`` when ``expr = c·rest`` with ``c`` a short-decimal, non-integer rational."""
    c, rest = expr.as_coeff_Mul()
    if c.is_Rational and not c.is_Integer and rest is not sympy.S.One and is_short_decimal(c):
        return c, rest
    return None


def _positive_part(expr: sympy.Basic) -> sympy.Expr | None:
    """``x`` when ``expr`` is ``max(x, 0)``."""
    if isinstance(expr, sympy.Max) and len(expr.args) == 2 and sympy.S.Zero in expr.args:
        return next(a for a in expr.args if a != 0)
    return None


# -- text ---------------------------------------------------------------------------------------
class _Decimals:
    """Short decimals printed as written (0.32656, not 2041/6250), in both printers;
    ``times`` joins a decimal coefficient to the rest of a product."""

    times = "*"

    def _print_Rational(self, expr: sympy.Rational) -> str:
        if is_short_decimal(expr):
            return _exact(expr)
        return str(super()._print_Rational(expr))  # type: ignore[misc]

    def _print_Mul(self, expr: sympy.Expr) -> str:
        split = _decimal_coefficient(expr)
        if split is None:
            return str(super()._print_Mul(expr))  # type: ignore[misc]
        c, rest = split
        body = str(self.parenthesize(rest, PRECEDENCE["Mul"], strict=True))  # type: ignore[attr-defined]
        return ("-" if c < 0 else "") + _exact(abs(c)) + self.times + body


class _Text(_Decimals, StrPrinter):  # type: ignore[misc]
    def __init__(self, notation: Notation) -> None:
        super().__init__({"order": None})
        self.notation = notation

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return "δ" if expr.name == "delta" else expr.name

    def _print_Max(self, expr: sympy.Expr) -> str:
        x = _positive_part(expr)
        if x is None:
            return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"
        return f"max({self._print(x)}, 0)"

    def _print_Min(self, expr: sympy.Expr) -> str:
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"


# -- LaTeX --------------------------------------------------------------------------------------
def latex_name(name: str, declared: str = "") -> str:
    r"""A parameter's LaTeX: its declared symbol, or the name upright as one word (``\mathrm{x\_y}``);
    one-letter names stay italic and ``delta`` is ``\delta``."""
    if declared:
        return declared
    if name == "delta":
        return r"\delta"
    if len(name) == 1:
        return name
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


class _Latex(_Decimals, LatexPrinter):  # type: ignore[misc]
    times = r"\,"

    def __init__(self, notation: Notation) -> None:
        super().__init__({"mul_symbol": None, "long_frac_ratio": 2})
        self.notation = notation

    # plain parentheses: TeX may break a long sum inside them (not inside \left...\right)
    def _add_parens(self, s: str) -> str:
        return f"({s})"

    def _add_parens_lspace(self, s: str) -> str:
        return f"({s})"

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        return latex_name(expr.name, self.notation.symbols.get(expr.name, ""))

    def _print_Max(self, expr: sympy.Expr, exp: str | None = None) -> str:
        x = _positive_part(expr)
        if x is None:
            return str(super()._print_Max(expr, exp))
        # \max(x, 0) rather than (x)^+: TeX cannot break a line inside a superscripted group
        out = r"\max(" + self._print(x) + r",\, 0)"
        return rf"{out}^{{{exp}}}" if exp else out


# -- MathML -------------------------------------------------------------------------------------
class _MathML(MathMLPresentationPrinter):  # type: ignore[misc]
    def __init__(self, notation: Notation) -> None:
        super().__init__({"mul_symbol": None})
        self.notation = notation

    def _element(self, tag: str, text: str | None = None, **attributes: str) -> Element:
        element: Element = self.dom.createElement(tag)
        for key, value in attributes.items():
            element.setAttribute(key, value)
        if text is not None:
            element.appendChild(self.dom.createTextNode(text))
        return element

    def _tokens(self, text: str) -> Element:
        """A script (``T``, ``{jp}``, ``{\\gamma,2}``) as one ``<mi>``/``<mn>``."""
        chars = "".join(
            GREEK_UNICODE.get(m.group(1), m.group(1)) if m.group(1) else m.group(2)
            for m in _TOKEN.finditer(text)
        )
        return self._element("mn" if chars.isdigit() else "mi", chars)

    def _declared(self, latex: str) -> Element:
        """Presentation MathML of a declared symbol (grammar: :data:`linkage.models.LATEX_SYMBOL`)."""
        prime = latex.endswith("'")
        latex = latex.removesuffix("'")
        accent = re.match(r"\\(bar|hat|tilde)\{(.+?)\}", latex)
        if accent:
            base_text, rest = accent.group(2), latex[accent.end() :]
        else:
            m = re.match(r"\\[A-Za-z]+|[A-Za-z]", latex)
            assert m is not None
            base_text, rest = m.group(0), latex[m.end() :]
        base = self._tokens(base_text)
        if accent:
            over = self._element("mover", accent="true")
            over.appendChild(base)
            over.appendChild(self._element("mo", ACCENT_MARKS[accent.group(1)]))
            base = over
        scripts = dict(re.findall(r"([_^])(\{[^}]*\}|\\[A-Za-z]+|.)", rest))
        sub, sup = scripts.get("_"), scripts.get("^")
        if prime:
            sup = (sup or "") + "′"
        if sub is None and sup is None:
            return base
        tag = "msubsup" if sub is not None and sup is not None else ("msub" if sub else "msup")
        out = self._element(tag)
        out.appendChild(base)
        for script in (sub, sup):
            if script is not None:
                out.appendChild(self._element("mo", "′") if script == "′" else self._tokens(script))
        return out

    def _print_Symbol(self, sym: sympy.Symbol, style: str = "plain") -> Element:
        declared = self.notation.symbols.get(sym.name, "")
        if declared:
            return self._declared(declared)
        if sym.name == "delta":
            return self._element("mi", "δ")
        if len(sym.name) == 1:
            return self._element("mi", sym.name)
        return self._element("mi", sym.name, mathvariant="normal")

    def _print_Rational(self, expr: sympy.Rational) -> Element:
        if is_short_decimal(expr):
            if expr < 0:
                row = self._element("mrow")
                row.appendChild(self._element("mo", "-"))
                row.appendChild(self._element("mn", _exact(-expr)))
                return row
            return self._element("mn", _exact(expr))
        element: Element = super()._print_Rational(expr)
        return element

    def _print_Mul(self, expr: sympy.Expr) -> Element:
        split = _decimal_coefficient(expr)
        if split is None:
            element: Element = super()._print_Mul(expr)
            return element
        c, rest = split
        row = self._element("mrow")
        if c < 0:
            row.appendChild(self._element("mo", "-"))
        row.appendChild(self._element("mn", _exact(abs(c))))
        row.appendChild(self._element("mo", "\u2062"))  # invisible times
        row.appendChild(self.parenthesize(rest, PRECEDENCE["Mul"], strict=True))
        return row

    def _print_Max(self, expr: sympy.Expr) -> Element:
        x = _positive_part(expr)
        if x is None:
            element: Element = super()._print_Max(expr)
            return element
        sup = self._element("msup")
        fenced = self._element("mrow")
        fenced.appendChild(self._element("mo", "("))
        fenced.appendChild(self._print(x))
        fenced.appendChild(self._element("mo", ")"))
        sup.appendChild(fenced)
        sup.appendChild(self._element("mo", "+"))
        return sup


# -- the notation -------------------------------------------------------------------------------
@attrs.frozen
class Notation:
    """How to write expressions: declared LaTeX symbols by parameter name, and decimal digits."""

    symbols: Mapping[str, str] = attrs.field(factory=dict)
    digits: int = DIGITS

    @classmethod
    def of(cls, parameters: Iterable[Any], digits: int = DIGITS) -> Notation:
        """From case parameters (:class:`~linkage.cases.case.ParameterValue`) or model parameters
        (:class:`~linkage.models.Parameter`): their declared ``latex`` symbols."""
        return cls({p.name: p.latex for p in parameters if getattr(p, "latex", "")}, digits)

    def text(self, expr: sympy.Basic) -> str:
        """``expr`` as text: names as written, ``δ``, short decimals, ``max(x, 0)``."""
        return str(_Text(self).doprint(expr))

    def latex(self, expr: sympy.Basic) -> str:
        """``expr`` in LaTeX (math mode), with plain parentheses so that TeX may break a long
        sum inside them."""
        text = str(_Latex(self).doprint(expr))
        return text.replace(r"\left(", "(").replace(r"\right)", ")")

    def mathml(self, expr: sympy.Basic) -> str:
        """``expr`` as presentation MathML (the content of a ``<math>`` element)."""
        printer = _MathML(self)
        return str(printer._print(expr).toxml())

    def name_latex(self, name: str) -> str:
        """The LaTeX of a parameter name (its declared symbol or the upright word)."""
        return latex_name(name, self.symbols.get(name, ""))

    def number(self, value: Any) -> str:
        """A value as a decimal with this notation's digits."""
        return decimal(value, self.digits)


__all__ = ["Notation", "latex_name"]
