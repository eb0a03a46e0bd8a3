"""Uncertainty over a case's calibration: draws of its declared uncertainty
(:mod:`~linkage.uncertainty.sampling`), its verdicts compiled once
(:mod:`~linkage.uncertainty.kernel`), Monte Carlo with standard errors and a tornado
(:mod:`~linkage.uncertainty.montecarlo`), grids over one or two parameters
(:mod:`~linkage.uncertainty.sweep`), run locally or on Dask (:mod:`~linkage.uncertainty.backends`).

>>> from linkage.cases import load_case
>>> from linkage.uncertainty import sensitivity
>>> result = sensitivity(load_case("cases/iceland_uk.toml"), 500, seed=1)
>>> result.draws, result.verdicts[0].name
(500, 'separate.Iceland.fish')
"""

from linkage.uncertainty.kernel import Kernel
from linkage.uncertainty.montecarlo import Sensitivity, sensitivity
from linkage.uncertainty.sampling import Uncertainty
from linkage.uncertainty.sweep import Axis, Sweep, sweep

__all__ = ["Axis", "Kernel", "Sensitivity", "Sweep", "Uncertainty", "sensitivity", "sweep"]
