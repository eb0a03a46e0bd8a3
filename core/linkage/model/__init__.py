"""The data model: players' stage payoffs per domain, discount factors, punishment strategies and
linkage structures. Frozen ``attrs`` classes, validated on construction."""

from linkage.model.discount import Discount
from linkage.model.game import Game
from linkage.model.payoffs import Domain, StagePayoffs, exact
from linkage.model.strategies import GrimTrigger, StickAndCarrot, Strategy, TPeriodReversion
from linkage.model.structure import FULL, SEPARATE, LinkageStructure, Rule

__all__ = [
    "FULL",
    "SEPARATE",
    "Discount",
    "Domain",
    "Game",
    "GrimTrigger",
    "LinkageStructure",
    "Rule",
    "StagePayoffs",
    "StickAndCarrot",
    "Strategy",
    "TPeriodReversion",
    "exact",
]
