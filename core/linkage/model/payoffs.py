r"""Stage payoffs of one player in one domain (issue area).

Notation of the theory primer (§1): in domain :math:`k` player :math:`i` gets per period

* ``C`` under mutual cooperation,
* ``D`` from the best one-shot deviation while the other cooperates,
* ``N`` at the stage Nash equilibrium used as punishment,
* and, for stick-and-carrot punishments (Abreu), ``P`` in the stick period and ``DP`` from the best
  deviation from the stick.

Payoffs are *separable*: a player's stage payoff is the sum over domains. Values are sympy
expressions: exact numbers (``Integer``, ``Rational``, radicals) or named symbols. A well-formed
prisoner's dilemma has ``D >= C > N``, but the engine accepts the other cases on purpose: no
temptation (``D <= C``), pure concessions (``C < N``) and ``C = N``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import sympy

from linkage.errors import ModelError
from linkage.model.discount import Discount
from linkage.values import exact, frozen_dict, positive_part, substitute

__all__ = ["PAYOFF_NAMES", "Domain", "StagePayoffs", "exact", "frozen_dict", "positive_part"]

PAYOFF_NAMES = ("C", "D", "N", "P", "DP")


def _optional_exact(value: Any) -> sympy.Expr | None:
    return None if value is None else exact(value)


def _real(
    instance: object, attribute: attrs.Attribute[sympy.Expr | None], value: sympy.Expr | None
) -> None:
    if value is not None and value.is_real is False:
        raise ModelError(f"payoff {attribute.name} must be real, got {value}")


@attrs.frozen
class StagePayoffs:
    """One player's per-period payoffs in one domain: ``C``, ``D``, ``N`` and optional ``P``, ``DP``.

    >>> StagePayoffs(C=3, D=4, N=1).temptation
    1
    """

    C: sympy.Expr = attrs.field(converter=exact, validator=_real)
    D: sympy.Expr = attrs.field(converter=exact, validator=_real)
    N: sympy.Expr = attrs.field(converter=exact, validator=_real)
    P: sympy.Expr | None = attrs.field(default=None, converter=_optional_exact, validator=_real)
    DP: sympy.Expr | None = attrs.field(default=None, converter=_optional_exact, validator=_real)

    def __attrs_post_init__(self) -> None:
        if (self.P is None) != (self.DP is None):
            raise ModelError("stick payoffs come in pairs: give both P and DP, or neither")

    @property
    def temptation(self) -> sympy.Expr:
        """The one-shot gain from deviating, clamped at zero: ``(D - C)^+ = max(D - C, 0)``."""
        return positive_part(self.D - self.C)

    @property
    def stake(self) -> sympy.Expr:
        """The per-period loss from punishment, ``C - N`` (negative for a pure concession)."""
        return self.C - self.N

    @property
    def has_stick(self) -> bool:
        return self.P is not None

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        values = [v for v in (self.C, self.D, self.N, self.P, self.DP) if v is not None]
        return set().union(*(v.free_symbols for v in values))

    def subs(self, values: Mapping[sympy.Symbol, Any]) -> StagePayoffs:
        """The payoffs with symbols replaced by ``values``."""

        def sub(v: sympy.Expr | None) -> sympy.Expr | None:
            return None if v is None else substitute(v, values)

        return StagePayoffs(
            C=sub(self.C), D=sub(self.D), N=sub(self.N), P=sub(self.P), DP=sub(self.DP)
        )

    def scaled(self, weight: sympy.Expr) -> StagePayoffs:
        """Payoffs in political utility: every value multiplied by a salience ``weight``."""

        def mul(v: sympy.Expr | None) -> sympy.Expr | None:
            return None if v is None else v * weight

        return StagePayoffs(
            C=mul(self.C), D=mul(self.D), N=mul(self.N), P=mul(self.P), DP=mul(self.DP)
        )

    def as_dict(self) -> dict[str, sympy.Expr]:
        return {k: getattr(self, k) for k in PAYOFF_NAMES if getattr(self, k) is not None}


def _payoff_map(
    value: Mapping[str, StagePayoffs | Mapping[str, Any]],
) -> Mapping[str, StagePayoffs]:
    out = {}
    for player, p in dict(value).items():
        out[str(player)] = p if isinstance(p, StagePayoffs) else StagePayoffs(**p)
    return frozen_dict(out)


def _optional_discount(value: Any) -> Discount | None:
    return value if value is None or isinstance(value, Discount) else Discount(value)


@attrs.frozen
class Domain:
    r"""An issue area: an id and each player's stage payoffs in it.

    ``kind`` is ``"cardinal"`` (money or utility) or ``"ordinal"`` (ranks only, e.g. territory
    talks; labelled as such in every report). ``discount``, when given, is the domain's own
    discount factor (common or per player), for a domain played at another frequency or horizon
    than the rest: a number in [0, 1), a parameter, or an expression in the players' ``delta``
    (``delta**2`` for a domain played every other period). Its stakes are then discounted with it
    (primer §4.7, TV10: the pooled condition weights each domain by its own
    :math:`\beta_k = \delta_k/(1-\delta_k)`).
    """

    id: str = attrs.field(validator=attrs.validators.matches_re(r"^[A-Za-z_][A-Za-z0-9_\-]*$"))
    payoffs: Mapping[str, StagePayoffs] = attrs.field(converter=_payoff_map)
    title: str = ""
    kind: str = attrs.field(
        default="cardinal", validator=attrs.validators.in_(("cardinal", "ordinal"))
    )
    discount: Discount | None = attrs.field(default=None, converter=_optional_discount)

    @payoffs.validator
    def _check(
        self,
        attribute: attrs.Attribute[Mapping[str, StagePayoffs]],
        value: Mapping[str, StagePayoffs],
    ) -> None:
        if not value:
            raise ModelError(f"domain {self.id!r} has no payoffs")

    def __getitem__(self, player: str) -> StagePayoffs:
        return self.payoffs[player]
