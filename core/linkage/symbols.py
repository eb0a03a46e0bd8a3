r"""The symbols shared by every module: the discount factor :math:`\delta`."""

import sympy

delta = sympy.Symbol("delta", positive=True)
"""The discount factor as a sympy symbol, used in every cleared-form constraint."""
