"""issue-linkage: exact enforcement conditions for issue linkage in repeated games.

The core engine. Domain packs, strategies, case-file collections and output formats are plugins
registered through the hooks in :mod:`linkage.plugins.hookspecs`; write ``@linkage.hookimpl``.

The names below are imported on first use (PEP 562), so that ``import linkage`` and the command
line's ``--help`` do not pay for sympy until something needs it.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from linkage._version import __version__

if TYPE_CHECKING:
    from linkage.engine.analysis import Analysis, analyze
    from linkage.engine.condition import critical_delta
    from linkage.engine.threshold import Threshold
    from linkage.model import (
        FULL,
        SEPARATE,
        Discount,
        Domain,
        Game,
        GrimTrigger,
        LinkageStructure,
        Rule,
        StagePayoffs,
        StickAndCarrot,
        TPeriodReversion,
    )
    from linkage.plugins.hookspecs import hookimpl
    from linkage.symbols import delta

_EXPORTS: dict[str, str] = {
    "Analysis": "linkage.engine.analysis",
    "analyze": "linkage.engine.analysis",
    "Threshold": "linkage.engine.threshold",
    "critical_delta": "linkage.engine.condition",
    "FULL": "linkage.model",
    "SEPARATE": "linkage.model",
    "Discount": "linkage.model",
    "Domain": "linkage.model",
    "Game": "linkage.model",
    "GrimTrigger": "linkage.model",
    "LinkageStructure": "linkage.model",
    "Rule": "linkage.model",
    "StagePayoffs": "linkage.model",
    "StickAndCarrot": "linkage.model",
    "TPeriodReversion": "linkage.model",
    "hookimpl": "linkage.plugins.hookspecs",
    "delta": "linkage.symbols",
}

__all__ = [
    "FULL",
    "SEPARATE",
    "Analysis",
    "Discount",
    "Domain",
    "Game",
    "GrimTrigger",
    "LinkageStructure",
    "Rule",
    "StagePayoffs",
    "StickAndCarrot",
    "TPeriodReversion",
    "Threshold",
    "__version__",
    "analyze",
    "critical_delta",
    "delta",
    "hookimpl",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'linkage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if "IPython" in sys.modules:  # rich display of results in notebooks, wired from presentation
    from linkage.render.notebook import register_display

    register_display()
