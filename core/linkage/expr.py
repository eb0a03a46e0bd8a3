"""Safe, whitelist-based parser for arithmetic expressions from untrusted text.

Case files (TOML) may contain numbers or short formulas such as
``"fee_jpy / fx"`` or ``"min(a, b) * 0.25"``.  This module turns them into
exact sympy expressions **without executing anything**: the text is only
tokenised and parsed by :func:`ast.parse` (``mode="eval"``, which builds a
syntax tree and never runs code), then the tree is checked node by node
against an explicit whitelist and converted bottom-up with sympy operators.
``eval``, ``exec``, ``compile``, ``sympify`` and ``parse_expr`` are never used.

Accepted grammar (a strict subset of Python expression syntax)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | power
    power      := atom ["**" unary]                  # right-associative
    atom       := NUMBER | NAME | call | "(" expression ")"
    call       := FUNCTION "(" expression ("," expression)* [","] ")"
    FUNCTION   := "abs" | "exp" | "log" | "max" | "min" | "sqrt"
                  # max/min take >= 1 argument, the others exactly 1
    NUMBER     := Python int or float literal: 3, 1_000, 0.25, .5, 1e-3, 0x1F
                  # at most MAX_DIGITS significant digits; floats are exact
                  # decimals ("0.1" is 1/10); no complex, bool, str, None
    NAME       := ASCII identifier that does not start with "_"

Semantics and limits:

* A NAME found in ``names`` is replaced by its value.  Otherwise it becomes
  ``sympy.Symbol(name, real=True)`` when ``allow_symbols`` is true, or is
  rejected with a did-you-mean hint.  Function names are not valid as names.
* Input is stripped; it must be non-empty, at most MAX_LENGTH characters,
  ASCII, and printable (tab/CR/LF count as spaces).
* At most MAX_NODES syntax nodes (operators and load contexts not counted).
* ``**``: a numeric exponent must satisfy ``|exponent| <= MAX_EXPONENT`` (this
  is checked on the computed value, so ``9**9**9`` is rejected); the exponent
  sub-expression may have at most 16 nodes; ``0 ** negative`` is rejected.
* Function calls and ``**`` may be nested at most 8 levels deep: sympy's
  numeric evaluation of deeply nested transcendental terms (used for its
  comparisons and zero tests) takes time exponential in the depth.
* Every numeric (symbol-free) intermediate result must be real: ``sqrt(-1)``
  and ``log(-2)`` are rejected.
* ``exp(arg)``: a numeric argument must satisfy ``|arg| <= 1000`` (otherwise
  nested exponentials make numeric comparisons arbitrarily slow).
* Any intermediate result containing a rational whose numerator or denominator
  has more than 200 digits is rejected ("number too large"); any result that
  is ``zoo``, ``nan``, ``oo`` or ``-oo`` is rejected ("division by zero" for
  ``/`` and ``**``).
* A symbol-free result is classified by :func:`linkage.constants.classify`: it is returned in
  canonical form (``log(8)`` as ``3*log(2)``) once proved real and finite with a certified sign,
  and rejected otherwise (``log(8) - 3*log(2)`` is ``0``; ``(-2)**sqrt(2)`` is complex;
  ``1/(log(8) - 3*log(2))`` is a division by zero).
* Every rejection raises :class:`ExpressionError` (a :class:`ValueError`) with a
  one-line human readable reason and, where known, a 1-based column.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, NoReturn

import sympy

from linkage.constants import Unclassifiable, classify

__all__ = [
    "ALLOWED_FUNCTIONS",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "ExpressionError",
    "parse_expression",
    "to_exact",
]

MAX_LENGTH: Final[int] = 500
"""Maximum number of characters of an expression (after stripping)."""

MAX_NODES: Final[int] = 200
"""Maximum number of syntax nodes (operator/context marker nodes not counted)."""

MAX_EXPONENT: Final[int] = 64
"""Maximum ``|exponent|`` of ``**`` whenever the exponent is numeric."""

MAX_DIGITS: Final[int] = 40
"""Maximum number of significant digits of a numeric literal."""

ALLOWED_FUNCTIONS: Final[Mapping[str, Callable[..., sympy.Expr]]] = MappingProxyType(
    {
        "abs": sympy.Abs,
        "exp": sympy.exp,
        "log": sympy.log,
        "max": sympy.Max,
        "min": sympy.Min,
        "sqrt": sympy.sqrt,
    }
)

# (minimum, maximum) number of positional arguments; None = unbounded.
_ARITY: Final[Mapping[str, tuple[int, int | None]]] = MappingProxyType(
    {
        "abs": (1, 1),
        "exp": (1, 1),
        "log": (1, 1),
        "max": (1, None),
        "min": (1, None),
        "sqrt": (1, 1),
    }
)

_FUNCTION_LIST: Final[str] = ", ".join(sorted(ALLOWED_FUNCTIONS))
_MAX_RESULT_DIGITS: Final[int] = 200
_RESULT_LIMIT: Final[int] = 10**_MAX_RESULT_DIGITS
_MAX_EXPONENT_NODES: Final[int] = 16
_MAX_EXP_ARGUMENT: Final[int] = 1000
_MAX_NESTING: Final[int] = 8
_MAX_DECIMAL_EXPONENT: Final[int] = _MAX_RESULT_DIGITS + MAX_DIGITS
_SHOWN_TEXT: Final[int] = 60
_SHOWN_DETAIL: Final[int] = 120
_WHITESPACE: Final[Mapping[int, int]] = {
    ord("\t"): ord(" "),
    ord("\n"): ord(" "),
    ord("\r"): ord(" "),
}
_DECIMAL_RE: Final[re.Pattern[str]] = re.compile(
    r"(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?"
)
_PERCENT_RE: Final[re.Pattern[str]] = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<number>[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)\s*%"
    r"(?=\s*(?:$|[-)+*/,]))"  # followed by nothing an operand could start: not "7 % 2"
)
_UNDEFINED: Final[tuple[sympy.Expr, ...]] = (
    sympy.S.ComplexInfinity,
    sympy.S.NaN,
    sympy.S.Infinity,
    sympy.S.NegativeInfinity,
)

# Syntax node / operator types and the message used when they are found.
_FORBIDDEN_NODES: Final[Mapping[type[ast.AST], str]] = MappingProxyType(
    {
        ast.Attribute: "attribute access is not allowed",
        ast.Subscript: "subscripts/indexing are not allowed",
        ast.Slice: "slices are not allowed",
        ast.Lambda: "lambda expressions are not allowed",
        ast.ListComp: "list comprehensions are not allowed",
        ast.SetComp: "set comprehensions are not allowed",
        ast.DictComp: "dict comprehensions are not allowed",
        ast.GeneratorExp: "generator expressions are not allowed",
        ast.Compare: "comparisons are not allowed",
        ast.BoolOp: "boolean operators ('and'/'or') are not allowed",
        ast.IfExp: "conditional expressions ('x if c else y') are not allowed",
        ast.Starred: "star expressions are not allowed",
        ast.JoinedStr: "f-strings are not allowed",
        ast.FormattedValue: "f-strings are not allowed",
        ast.Await: "'await' is not allowed",
        ast.Yield: "'yield' is not allowed",
        ast.YieldFrom: "'yield from' is not allowed",
        ast.NamedExpr: "assignment expressions (':=') are not allowed",
        ast.List: "lists are not allowed",
        ast.Tuple: "tuples are not allowed",
        ast.Set: "sets are not allowed",
        ast.Dict: "dicts are not allowed",
    }
)

_ALLOWED_BINOPS: Final[tuple[type[ast.operator], ...]] = (
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
)

_OPERATOR_SYMBOLS: Final[Mapping[type[ast.AST], str]] = MappingProxyType(
    {
        ast.Mod: "%",
        ast.FloorDiv: "//",
        ast.MatMult: "@",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.BitAnd: "&",
        ast.Not: "not",
        ast.Invert: "~",
    }
)

# Pure marker nodes that are not counted towards MAX_NODES.
_MARKER_NODES: Final[tuple[type[ast.AST], ...]] = (
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)


class ExpressionError(ValueError):
    """Raised for any rejected expression.

    Attributes:
        text: the text (or ``repr`` of the value) that was rejected.
        reason: a one-line, human-readable explanation.
        column: 1-based column in ``text`` where the problem was found, or None.
    """

    text: str
    reason: str
    column: int | None

    def __init__(self, text: str, reason: str, column: int | None = None) -> None:
        self.text = text
        self.reason = _one_line(reason)
        self.column = column
        super().__init__(text, self.reason, column)

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= _SHOWN_TEXT else self.text[: _SHOWN_TEXT - 3] + "..."
        where = f" at column {self.column}" if self.column is not None else ""
        return f"invalid expression {shown!r}{where}: {self.reason}"


def parse_expression(
    text: str | int | float,
    names: Mapping[str, sympy.Expr] | None = None,
    *,
    allow_symbols: bool = False,
) -> sympy.Expr:
    """Parse ``text`` (or convert a TOML number) into an exact sympy expression.

    ``names`` maps identifiers to their values (sympy expressions; plain ints and
    floats are converted exactly).  Unknown identifiers become real symbols when
    ``allow_symbols`` is true and are rejected otherwise.  Raises
    :class:`ExpressionError` for anything outside the grammar in the module
    docstring.
    """
    if isinstance(text, bool):
        raise ExpressionError(repr(text), "boolean values are not numbers")
    if isinstance(text, int):
        return _exact_int(text)
    if isinstance(text, float):
        return _exact_float(text)
    if not isinstance(text, str):
        raise ExpressionError(
            _safe_repr(text),
            f"expected a number or an expression string, got {type(text).__name__}",
        )
    return _parse_text(text, names if names is not None else {}, allow_symbols)


def to_exact(value: int | float | str) -> sympy.Expr:
    """Convert a number exactly: int -> Integer, float -> decimal Rational.

    ``0.1`` becomes ``Rational(1, 10)`` (via ``repr``), not the binary
    approximation.  Strings are parsed with :func:`parse_expression` (no names,
    no symbols).  bool, nan and infinities are rejected.
    """
    return parse_expression(value)


# --------------------------------------------------------------------------- #
# numbers


def _safe_repr(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return f"<int with {value.bit_length()} bits>"
    try:
        shown = repr(value)
    except Exception:  # a hostile __repr__ must not escape as another exception
        shown = f"<{type(value).__name__}>"
    return _one_line(shown)[:_SHOWN_DETAIL]


def _digit_count(value: int) -> int:
    value = abs(value)
    if value.bit_length() > 4 * _RESULT_LIMIT.bit_length():
        # Huge anyway; estimate instead of hitting Python's int->str digit limit.
        return int(value.bit_length() * math.log10(2)) + 1
    return len(str(value))


def _too_large(number: sympy.Rational) -> bool:
    return abs(int(number.p)) >= _RESULT_LIMIT or int(number.q) >= _RESULT_LIMIT


def _size_reason() -> str:
    return f"number too large (numerator or denominator has more than {_MAX_RESULT_DIGITS} digits)"


def _exact_int(value: int) -> sympy.Integer:
    digits = _digit_count(value)
    if digits > MAX_DIGITS:
        raise ExpressionError(
            _safe_repr(value), f"integer has {digits} digits (limit {MAX_DIGITS})"
        )
    return sympy.Integer(int(value))


def _exact_float(value: float) -> sympy.Rational:
    text = repr(value)
    if not math.isfinite(value):
        raise ExpressionError(text, "nan and infinity are not allowed")
    fraction = Fraction(text)  # exact decimal value of the shortest repr
    result = sympy.Rational(fraction.numerator, fraction.denominator)
    if _too_large(result):
        raise ExpressionError(text, _size_reason())
    return result


def _decimal_literal(literal: str) -> sympy.Rational | str:
    """Exact value of a decimal float literal, or the reason it is rejected."""
    match = _DECIMAL_RE.fullmatch(literal.replace("_", ""))
    if match is None:
        return f"unsupported numeric literal {literal[:_SHOWN_DETAIL]!r}"
    int_part = match.group("int") or ""
    frac_part = match.group("frac") or ""
    digits = int_part + frac_part
    if not digits:
        return f"unsupported numeric literal {literal[:_SHOWN_DETAIL]!r}"
    significant = len(digits.lstrip("0")) or 1
    if significant > MAX_DIGITS:
        return f"numeric literal has {significant} digits (limit {MAX_DIGITS})"
    mantissa = int(digits)
    if mantissa == 0:
        return sympy.Integer(0)
    exponent = int(match.group("exp") or "0") - len(frac_part)
    if abs(exponent) > _MAX_DECIMAL_EXPONENT:
        return _size_reason()
    if exponent >= 0:
        result: sympy.Rational = sympy.Integer(mantissa * 10**exponent)
    else:
        result = sympy.Rational(mantissa, 10**-exponent)
    if _too_large(result):
        return _size_reason()
    return result


# --------------------------------------------------------------------------- #
# text


def _plain_decimal(value: Decimal) -> str:
    """A decimal in positional notation without trailing zeros (``0.3``, ``12.5``)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _brief(exc: BaseException) -> str:
    detail = _one_line(str(exc)) or type(exc).__name__
    if len(detail) > _SHOWN_DETAIL:
        detail = detail[: _SHOWN_DETAIL - 3] + "..."
    return detail


def _parse_text(text: str, names: Mapping[str, sympy.Expr], allow_symbols: bool) -> sympy.Expr:
    source = text.strip()
    lead = len(text) - len(text.lstrip())
    if not source:
        raise ExpressionError(text, "empty expression")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            text, f"expression is too long ({len(source)} characters, limit {MAX_LENGTH})"
        )
    for index, char in enumerate(source):
        if char in "\t\n\r":
            continue
        if char == "\x00":
            raise ExpressionError(text, "NUL character is not allowed", lead + index + 1)
        if not char.isascii():
            raise ExpressionError(
                text, f"non-ASCII character U+{ord(char):04X} is not allowed", lead + index + 1
            )
        if not char.isprintable():
            raise ExpressionError(
                text, f"non-printable character U+{ord(char):04X} is not allowed", lead + index + 1
            )
    percent = _PERCENT_RE.search(source)
    if percent is not None:  # "30%": a percentage, not Python's remainder operator
        number = percent.group("number").replace("_", "")
        share = _plain_decimal(Decimal(number).scaleb(-2))
        raise ExpressionError(
            text,
            f"{number}% is a percentage: write {share} (percent signs are not allowed)",
            lead + percent.start() + 1,
        )
    # Single line, pure ASCII: AST column offsets are character offsets.
    cleaned = source.translate(_WHITESPACE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for "1(2)"
            tree = ast.parse(cleaned, mode="eval")
    except SyntaxError as exc:
        column = exc.offset if isinstance(exc.offset, int) and exc.offset >= 1 else None
        if column is not None:
            column = min(column, len(cleaned) + 1) + lead
        raise ExpressionError(text, f"syntax error: {exc.msg}", column) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise ExpressionError(text, f"cannot parse expression: {_brief(exc)}") from None

    count = 0
    for node in ast.walk(tree.body):
        if not isinstance(node, _MARKER_NODES):
            count += 1
            if count > MAX_NODES:
                raise ExpressionError(
                    text, f"expression is too complex (more than {MAX_NODES} syntax nodes)"
                )

    builder = _Builder(text, cleaned, lead, names, allow_symbols)
    try:
        builder.check(tree.body)
        result = builder.build(tree.body)
    except RecursionError:
        raise ExpressionError(text, "expression is nested too deeply") from None
    if not isinstance(result, sympy.Expr):  # pragma: no cover - defensive
        raise ExpressionError(text, "expression does not evaluate to a number")
    try:
        return classify(result)
    except Unclassifiable as exc:
        raise ExpressionError(text, exc.reason) from None


def _count_nodes(node: ast.AST) -> int:
    return sum(1 for child in ast.walk(node) if not isinstance(child, _MARKER_NODES))


def _close_match(word: str, candidates: list[str]) -> str:
    matches = difflib.get_close_matches(word, candidates, n=1)
    return f"did you mean {matches[0]!r}?" if matches else ""


class _Builder:
    """Checks a parsed tree against the whitelist, then builds the sympy value."""

    def __init__(
        self,
        text: str,
        source: str,
        lead: int,
        names: Mapping[str, sympy.Expr],
        allow_symbols: bool,
    ) -> None:
        self.text = text
        self.source = source
        self.lead = lead
        self.names = names
        self.allow_symbols = allow_symbols
        self.resolved: dict[str, sympy.Expr] = {}

    def fail(self, node: ast.AST | None, reason: str) -> NoReturn:
        column: int | None = None
        offset = getattr(node, "col_offset", None)
        if isinstance(offset, int):
            column = self.lead + offset + 1
        raise ExpressionError(self.text, reason, column)

    # ----------------------------------------------------------------- check

    def check(self, node: ast.AST, depth: int = 0) -> None:
        """Structural whitelist check (pre-order, so outer problems come first).

        ``depth`` counts the enclosing function calls and powers.
        """
        if isinstance(node, ast.Constant):
            self._check_constant(node)
        elif isinstance(node, ast.Name):
            self._check_name(node)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.UAdd, ast.USub)):
                self._fail_operator(node, node.op)
            self.check(node.operand, depth)
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, _ALLOWED_BINOPS):
                self._fail_operator(node, node.op)
            if isinstance(node.op, ast.Pow) and _count_nodes(node.right) > _MAX_EXPONENT_NODES:
                self.fail(
                    node.right,
                    f"exponent expression is too complex (limit {_MAX_EXPONENT_NODES} nodes)",
                )
            if isinstance(node.op, ast.Pow):
                depth = self._nest(node, depth)
            self.check(node.left, depth)
            self.check(node.right, depth)
        elif isinstance(node, ast.Call):
            self._check_call(node, depth)
        else:
            message = _FORBIDDEN_NODES.get(type(node))
            self.fail(node, message or f"{type(node).__name__} is not allowed")

    def _fail_operator(self, node: ast.AST, op: ast.AST) -> NoReturn:
        symbol = _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
        hint = " (use ** for powers)" if isinstance(op, ast.BitXor) else ""
        self.fail(node, f"operator {symbol!r} is not allowed{hint}; allowed: + - * / **")

    def _check_constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.fail(node, "boolean values (True/False) are not allowed")
        if isinstance(value, int):
            digits = _digit_count(value)
            if digits > MAX_DIGITS:
                self.fail(node, f"numeric literal has {digits} digits (limit {MAX_DIGITS})")
            return
        if isinstance(value, float):
            literal = self._float_literal(node)
            if isinstance(literal, str):
                self.fail(node, literal)
            return
        if value is None:
            self.fail(node, "None is not allowed")
        if value is Ellipsis:
            self.fail(node, "'...' is not allowed")
        kinds: dict[type[object], str] = {
            str: "string literals are not allowed",
            bytes: "bytes literals are not allowed",
            complex: "complex numbers are not allowed",
        }
        self.fail(
            node, kinds.get(type(value), f"constant of type {type(value).__name__} is not allowed")
        )

    def _float_literal(self, node: ast.Constant) -> sympy.Rational | str:
        """Exact value of a float literal from its source text (not the rounded float)."""
        # The source is a single ASCII line, so column offsets index it directly.
        end = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return _decimal_literal(self.source[node.col_offset : end])

    def _known_names(self) -> list[str]:
        known = [key for key in self.names if isinstance(key, str) and not key.startswith("_")]
        return sorted(known) + sorted(ALLOWED_FUNCTIONS)

    def _check_name(self, node: ast.Name) -> None:
        name = node.id
        if name.startswith("_"):
            self.fail(node, f"name {name!r} is not allowed (names must not start with '_')")
        if name in self.names:
            self.resolved[name] = self._name_value(node)
            return
        if name in ALLOWED_FUNCTIONS:
            self.fail(node, f"{name!r} is a function; call it like {name}(...)")
        if self.allow_symbols:
            return
        hint = _close_match(name, self._known_names())
        self.fail(node, f"unknown name {name!r}" + (f" ({hint})" if hint else ""))

    def _nest(self, node: ast.AST, depth: int) -> int:
        depth += 1
        if depth > _MAX_NESTING:
            self.fail(
                node,
                f"functions and powers are nested too deeply (limit {_MAX_NESTING} levels)",
            )
        return depth

    def _check_call(self, node: ast.Call, depth: int) -> None:
        func = node.func
        if not isinstance(func, ast.Name):
            self.check(func, depth)  # reports attribute access, lambdas, ... first
            self.fail(node, f"only the allowed functions can be called ({_FUNCTION_LIST})")
        name = func.id
        if name.startswith("_"):
            self.fail(func, f"name {name!r} is not allowed (names must not start with '_')")
        if name not in ALLOWED_FUNCTIONS:
            hint = _close_match(name, sorted(ALLOWED_FUNCTIONS))
            suffix = f"; {hint}" if hint else ""
            self.fail(func, f"unknown function {name!r} (allowed: {_FUNCTION_LIST}{suffix})")
        if node.keywords:
            self.fail(node.keywords[0], f"keyword arguments are not allowed in {name}()")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail(arg, f"star arguments are not allowed in {name}()")
        low, high = _ARITY[name]
        given = len(node.args)
        if given < low:
            self.fail(node, f"{name}() needs at least {low} argument (0 given)")
        if high is not None and given > high:
            self.fail(node, f"{name}() takes exactly {high} argument ({given} given)")
        depth = self._nest(node, depth)
        for arg in node.args:
            self.check(arg, depth)

    # ----------------------------------------------------------------- build

    def build(self, node: ast.expr) -> sympy.Expr:
        """Build the value of a checked node bottom-up, with result guards."""
        try:
            value = self._build_node(node)
            self._check_result(node, value)
        except ExpressionError:
            raise
        except RecursionError:
            self.fail(node, "expression is nested too deeply")
        except Exception as exc:  # sympy may raise many things (ValueError, OverflowError, ...)
            self.fail(node, f"cannot evaluate: {_brief(exc)}")
        return value

    def _build_node(self, node: ast.expr) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, float):
                literal = self._float_literal(node)
                if isinstance(literal, str):  # pragma: no cover - rejected by check()
                    self.fail(node, literal)
                return literal
            return sympy.Integer(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.resolved:
                return self.resolved[node.id]
            return sympy.Symbol(node.id, real=True)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left = self.build(node.left)
            right = self._classified(node.right, self.build(node.right))
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                if right == 0 or right.is_zero is True:
                    self.fail(node, "division by zero")
                return left / right
            return self._power(node, left, right)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):  # pragma: no cover - rejected by check()
                self.fail(node, "only the allowed functions can be called")
            name = node.func.id
            # numeric arguments in canonical form, their signs certified: max(x, log(8) - 3*log(2))
            # compares x with 0, and log() or sqrt() of a zero in disguise is seen as such
            args = [self._classified(arg, self.build(arg)) for arg in node.args]
            if name == "exp" and args[0].is_number:
                # exp of a huge argument makes later numeric evaluation (comparisons in
                # max/min, zero tests) arbitrarily slow, e.g. exp(exp(exp(15))).
                too_big, shown = self._exceeds(node.args[0], args[0], _MAX_EXP_ARGUMENT, "argument")
                if too_big:
                    self.fail(
                        node.args[0],
                        f"exp() argument {shown} is too large "
                        f"(|argument| must be at most {_MAX_EXP_ARGUMENT})",
                    )
            return ALLOWED_FUNCTIONS[name](*args)
        self.fail(node, f"{type(node).__name__} is not allowed")  # pragma: no cover

    def _classified(self, node: ast.expr, value: sympy.Expr) -> sympy.Expr:
        """``value`` classified (:func:`linkage.constants.classify`), or rejected at ``node``."""
        try:
            return classify(value)
        except Unclassifiable as exc:
            self.fail(node, exc.reason)

    def _name_value(self, node: ast.Name) -> sympy.Expr:
        """Value of a name from ``names``; a bad value is a caller bug (TypeError)."""
        name = node.id
        value: object = self.names[name]
        if isinstance(value, sympy.Expr):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(
                f"names[{name!r}] must be a sympy expression, int or float, "
                f"not {type(value).__name__}"
            )
        try:
            return _exact_int(value) if isinstance(value, int) else _exact_float(value)
        except ExpressionError as exc:
            self.fail(node, f"value of {name!r}: {exc.reason}")

    def _power(self, node: ast.BinOp, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        if exponent.is_number:
            too_big, shown = self._exceeds(node.right, exponent, MAX_EXPONENT, "exponent")
            if too_big:
                self.fail(
                    node.right,
                    f"exponent {shown} is too large (|exponent| must be at most {MAX_EXPONENT})",
                )
            if base.is_zero is True and exponent.is_extended_negative is True:
                self.fail(node, "division by zero (zero raised to a negative power)")
        return base**exponent

    def _exceeds(self, node: ast.AST, value: sympy.Expr, limit: int, what: str) -> tuple[bool, str]:
        """Whether the numeric ``value`` has ``|value| > limit``; also a short display."""
        if isinstance(value, sympy.Rational):
            too_big, shown = bool(abs(value) > limit), str(value)
        else:
            magnitude = sympy.Abs(value.evalf(30))
            if not (magnitude.is_Number and magnitude.is_finite):
                self.fail(node, f"{what} cannot be evaluated numerically")
            too_big, shown = bool(magnitude > limit), str(magnitude.evalf(6))
        if len(shown) > 30:
            shown = shown[:27] + "..."
        return too_big, shown

    def _check_result(self, node: ast.expr, value: sympy.Expr) -> None:
        if not isinstance(value, sympy.Expr):
            self.fail(node, "expression does not evaluate to a number")
        if value.has(*_UNDEFINED):
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Pow)):
                self.fail(node, "division by zero")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                self.fail(node, f"{node.func.id}() result is infinite or undefined")
            self.fail(node, "result is infinite or undefined")
        for number in value.atoms(sympy.Rational):
            if _too_large(number):
                self.fail(node, _size_reason())
        if value.is_number and value.is_extended_real is False:
            self.fail(node, "result is not a real number (e.g. sqrt or log of a negative number)")
