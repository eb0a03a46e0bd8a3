r"""Discount factors: one common :math:`\delta`, or one :math:`\delta_i` per player (primer §4.7).

With player-specific discount factors there is no single scalar critical value: each player's
incentive constraints are judged against that player's own :math:`\delta_i`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import sympy

from linkage.errors import ModelError
from linkage.symbols import delta
from linkage.values import exact, frozen_dict, substitute

__all__ = ["Discount", "delta"]


def _check_unit_interval(name: str, value: sympy.Expr) -> None:
    if value.is_number and not (value.is_real and value >= 0 and value < 1):
        raise ModelError(f"discount factor {name} must lie in [0, 1), got {value}")


def _convert(value: Any) -> sympy.Expr | Mapping[str, sympy.Expr]:
    if isinstance(value, Mapping):
        return frozen_dict({str(k): exact(v) for k, v in value.items()})
    return exact(value)


@attrs.frozen
class Discount:
    """A common discount factor ``Discount(1/2)`` or per-player ``Discount({"A": 0.6, "B": 0.7})``.

    Values are exact (floats are read as decimals: ``0.9`` is ``9/10``) and must lie in ``[0, 1)``;
    they may also be symbols.
    """

    value: sympy.Expr | Mapping[str, sympy.Expr] = attrs.field(converter=_convert)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.value, Mapping):
            for player, v in self.value.items():
                _check_unit_interval(f"of {player}", v)
        else:
            _check_unit_interval("delta", self.value)

    @property
    def is_common(self) -> bool:
        return not isinstance(self.value, Mapping)

    def of(self, player: str) -> sympy.Expr:
        """Player ``player``'s discount factor."""
        if isinstance(self.value, Mapping):
            try:
                return self.value[player]
            except KeyError:
                raise ModelError(f"no discount factor given for player {player!r}") from None
        return self.value

    def subs(self, values: Mapping[sympy.Symbol, Any]) -> Discount:
        if isinstance(self.value, Mapping):
            return Discount({k: substitute(v, values) for k, v in self.value.items()})
        return Discount(substitute(self.value, values))

    def as_json(self) -> object:
        if isinstance(self.value, Mapping):
            return {k: float(v) if v.is_number else str(v) for k, v in self.value.items()}
        return float(self.value) if self.value.is_number else str(self.value)
