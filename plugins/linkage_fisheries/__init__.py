r"""The fisheries domain pack: Japan–Russia fishing agreements as linkage domain models.

Two models, loaded through the ``linkage`` entry-point group exactly like a third-party pack:

``fisheries.access_for_payment``
    The shape of the 1998 Kuril "safe operation" agreement: a coastal state grants access to
    grounds it controls in return for a fee and in-kind equipment (:mod:`.access`).
``fisheries.reciprocal_quota``
    The 1984 reciprocal EEZ-quota agreement with the 1985 salmon arrangement: each side fishes a
    quota in the other's zone and one side pays a fee for the other's salmon (:mod:`.reciprocal`).

Both report stage payoffs in **USD bn per year** (the common calibration unit of the case research,
so the domains can be pooled with others), while the money parameters are entered in the
currency and scale of the sources (JPY m per year, JPY per tonne) and converted with the
exchange-rate parameter ``fx``. Thresholds do not depend on ``fx``: every payoff of a model is
divided by it.

Figures and their tags ([S] sourced, [D] derived, [E] estimate) come from the case research,
``cases.md`` §1.2 (domains F98 and F-EEZ) and §1.6 (suggested calibration).
"""

from __future__ import annotations

from collections.abc import Callable

from linkage import hookimpl
from linkage.models import DomainModel
from linkage_fisheries.access import ACCESS_FOR_PAYMENT
from linkage_fisheries.reciprocal import RECIPROCAL_QUOTA

LINKAGE_PLUGIN_API = 1

MODELS: tuple[DomainModel, ...] = (ACCESS_FOR_PAYMENT, RECIPROCAL_QUOTA)

__all__ = ["ACCESS_FOR_PAYMENT", "MODELS", "RECIPROCAL_QUOTA", "register_domain_models"]


@hookimpl
def register_domain_models(register: Callable[[DomainModel], None]) -> None:
    for model in MODELS:
        register(model)
