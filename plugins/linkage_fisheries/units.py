"""The yen-to-dollar conversion shared by the fisheries models.

Money parameters are entered as the sources give them (JPY m per year, JPY per tonne) and the
payoffs are reported in USD bn per year: JPY m / (1000 fx) = USD bn.
"""

from __future__ import annotations

from linkage.models import Parameter


def fx_parameter(default: int, source: str) -> Parameter:
    """The exchange-rate parameter ``fx`` (JPY per USD) with a model's default and its source."""
    return Parameter(
        "fx",
        "Exchange rate used to convert the yen amounts into the payoff unit (USD bn/yr). It must "
        "be positive; thresholds do not depend on it.",
        "JPY per USD",
        default,
        low=1,
        source=source,
    )
