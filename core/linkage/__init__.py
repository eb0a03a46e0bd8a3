"""issue-linkage: exact enforcement conditions for issue linkage in repeated games.

The core engine. Domain packs, strategies, case-file collections and output formats are plugins
registered through the hooks in :mod:`linkage.plugins.hookspecs`; write ``@linkage.hookimpl``.
"""

from linkage._version import __version__
from linkage.engine.analysis import Analysis, analyze
from linkage.engine.threshold import Threshold, critical_delta
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
