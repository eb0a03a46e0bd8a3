r"""Domain models: named, documented recipes that build each role's stage payoffs from parameters.

A plugin registers a :class:`DomainModel` through ``register_domain_models``. A case file then says
``model = "fisheries.access_for_payment"`` with ``params`` and ``roles`` instead of typing payoffs,
and every condition derived from it stays closed-form in the model's own parameters.

>>> m = DomainModel(
...     id="demo.pd", title="A prisoner's dilemma", roles=("row", "col"),
...     parameters=(Parameter("b", "benefit", "USD bn/yr", 3, low=0),
...                 Parameter("c", "cost", "USD bn/yr", 1, low=0)),
...     build=lambda p: {r: dict(C=p["b"] - p["c"], D=p["b"], N=0) for r in ("row", "col")})
>>> m.payoffs()["row"].C
2
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import sympy

from linkage.errors import ModelError
from linkage.model.payoffs import StagePayoffs, exact
from linkage.theory.stagegame import StageGame, StageGameSpec, derive

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_MODEL_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
]
"""The Greek letters a LaTeX symbol may use (``\\gamma``, ``\\Delta``)."""

ACCENTS = ("bar", "hat", "tilde")
"""The accents a LaTeX symbol may put on its base letter (``\\bar{D}``)."""

_LETTER = r"(?:[A-Za-z]|\\(?:" + "|".join(GREEK) + r")(?![A-Za-z]))"
_BASE = r"(?:" + _LETTER + r"|\\(?:" + "|".join(ACCENTS) + r")\{" + _LETTER + r"\})"
_SCRIPT = r"(?:[A-Za-z0-9]|" + _LETTER + r"|\{(?:[A-Za-z0-9,]|" + _LETTER + r")+\})"
LATEX_SYMBOL = re.compile(
    rf"^{_BASE}(?:_{_SCRIPT}(?:\^{_SCRIPT})?|\^{_SCRIPT}(?:_{_SCRIPT})?)?(?:')?$"
)
"""The LaTeX symbols a parameter may declare: a letter, a Greek letter or an accented letter,
with an optional subscript and superscript of letters, digits and commas (``g``, ``g_T``,
``b_{jp}``, ``\\gamma^{2}``, ``\\bar{D}_k``). Nothing else is passed on to LaTeX or MathML."""


def latex_symbol_problem(text: str) -> str | None:
    """Why ``text`` is not an accepted LaTeX symbol (see :data:`LATEX_SYMBOL`), or ``None``."""
    if LATEX_SYMBOL.match(text):
        return None
    return (
        "a symbol is a letter, a Greek letter (\\gamma) or an accented letter (\\bar{D}) with "
        "an optional _subscript and ^superscript"
    )


def _latex_symbol(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    problem = latex_symbol_problem(value) if value else None
    if problem:
        raise ModelError(f"parameter symbol {value!r} is not a valid LaTeX symbol: {problem}")


def _optional(value: Any) -> sympy.Expr | None:
    return None if value is None else exact(value)


@attrs.frozen
class Parameter:
    """A documented model parameter: name, meaning, unit, default, valid range and source.

    ``latex`` is an optional LaTeX symbol for reports (``"g_T"``; see :data:`LATEX_SYMBOL`);
    without one the name is typeset upright as a whole word.
    """

    name: str = attrs.field(validator=attrs.validators.matches_re(_IDENT))
    description: str = attrs.field(validator=attrs.validators.min_len(1))
    unit: str
    default: sympy.Expr = attrs.field(converter=exact)
    low: sympy.Expr | None = attrs.field(default=None, converter=_optional)
    high: sympy.Expr | None = attrs.field(default=None, converter=_optional)
    source: str = ""
    latex: str = attrs.field(default="", validator=_latex_symbol)

    def __attrs_post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ModelError(f"parameter {self.name}: low {self.low} > high {self.high}")
        if not self.in_range(self.default):
            raise ModelError(f"parameter {self.name}: default {self.default} outside its range")

    @property
    def symbol(self) -> sympy.Symbol:
        """The parameter as a sympy symbol: positive when its range starts above 0, non-negative
        when it starts at 0, real otherwise (so sympy can decide signs in closed forms)."""
        if self.low is not None and self.low > 0:
            return sympy.Symbol(self.name, positive=True)
        if self.low is not None and self.low >= 0:
            return sympy.Symbol(self.name, nonnegative=True)
        return sympy.Symbol(self.name, real=True)

    def in_range(self, value: sympy.Expr) -> bool:
        if not value.is_number:
            return True
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def _roles(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _parameters(value: Any) -> tuple[Parameter, ...]:
    return tuple(value)


@attrs.frozen
class DomainModel:
    """A domain model. ``build`` maps parameter values (by name) to each role's payoffs."""

    id: str = attrs.field(validator=attrs.validators.matches_re(_MODEL_ID))
    title: str
    roles: tuple[str, ...] = attrs.field(converter=_roles)
    parameters: tuple[Parameter, ...] = attrs.field(converter=_parameters)
    build: Callable[[Mapping[str, sympy.Expr]], Mapping[str, StagePayoffs | Mapping[str, Any]]] = (
        attrs.field(repr=False)
    )
    description: str = ""
    kind: str = "cardinal"

    def __attrs_post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise ModelError(f"model {self.id}: duplicate parameter names")
        if len(self.roles) < 2 or len(set(self.roles)) != len(self.roles):
            raise ModelError(f"model {self.id}: needs at least two distinct roles")

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ModelError(
            f"model {self.id} has no parameter {name!r}{_did_you_mean(name, self.names)}"
        )

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {p.name: p.symbol for p in self.parameters}

    def values(
        self, overrides: Mapping[str, Any] | None = None, *, symbolic: bool = False
    ) -> dict[str, sympy.Expr]:
        """Parameter values: defaults (or symbols if ``symbolic``) updated by ``overrides``."""
        values = dict(self.symbols) if symbolic else {p.name: p.default for p in self.parameters}
        for name, value in (overrides or {}).items():
            param = self.parameter(name)
            v = exact(value) if not isinstance(value, sympy.Basic) else value
            if not param.in_range(v):
                raise ModelError(
                    f"model {self.id}: parameter {name} = {v} is outside its valid range "
                    f"[{param.low}, {param.high}]"
                )
            values[name] = v
        return values

    def payoffs(
        self, overrides: Mapping[str, Any] | None = None, *, symbolic: bool = False
    ) -> dict[str, StagePayoffs]:
        """Each role's stage payoffs at the given parameter values (closed form if ``symbolic``)."""
        built = self.build(self.values(overrides, symbolic=symbolic))
        out = {}
        for role in self.roles:
            if role not in built:
                raise ModelError(f"model {self.id} built no payoffs for role {role!r}")
            p = built[role]
            out[role] = p if isinstance(p, StagePayoffs) else StagePayoffs(**p)
        return out


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def matrix_model(
    id: str,
    title: str,
    roles: tuple[str, ...],
    parameters: tuple[Parameter, ...],
    actions: Mapping[str, tuple[str, ...]],
    payoffs: Callable[[Mapping[str, sympy.Expr]], Mapping[str, Any]],
    cooperate: Mapping[str, str],
    *,
    punish: str = "nash",
    equilibrium: Any = None,
    stick: Any = None,
    description: str = "",
) -> DomainModel:
    """A :class:`DomainModel` whose payoffs are read off a stage game in matrix form.

    ``payoffs`` maps parameter values (by name) to each role's payoff array, indexed by the roles'
    actions in role order (rows: the first role's actions); ``cooperate``, ``punish``,
    ``equilibrium`` and ``stick`` say how ``C``, ``D``, ``N`` (and ``P``, ``DP``) follow, as in a
    case file's ``game`` table (:mod:`linkage.theory.stagegame`).

    >>> pd = matrix_model(
    ...     "demo.matrix_pd", "A prisoner's dilemma as a matrix", ("row", "col"),
    ...     (Parameter("t", "temptation", "", 1, low=0),),
    ...     {"row": ("c", "d"), "col": ("c", "d")},
    ...     lambda p: {"row": [[3, 0], [3 + p["t"], 1]], "col": [[3, 3 + p["t"]], [0, 1]]},
    ...     {"row": "c", "col": "c"})
    >>> pd.payoffs()["row"]
    StagePayoffs(C=3, D=4, N=1, P=None, DP=None)
    """

    def build(values: Mapping[str, sympy.Expr]) -> Mapping[str, StagePayoffs]:
        game = StageGame.from_matrices(roles, actions, payoffs(values))
        spec = StageGameSpec(game, cooperate, punish, equilibrium, stick)
        return derive(spec)[0]

    return DomainModel(id, title, roles, parameters, build, description=description)
