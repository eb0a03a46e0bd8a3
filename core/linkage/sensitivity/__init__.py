"""How robust a case's conclusions are to what had to be estimated: break-even values of single
parameters (:mod:`linkage.sensitivity.breakeven`)."""

from linkage.sensitivity.breakeven import breakeven

__all__ = ["breakeven"]
