"""Built-in punishment strategies: grim trigger, T-period Nash reversion, stick-and-carrot."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from linkage.errors import ModelError
from linkage.model.strategies import GrimTrigger, StickAndCarrot, TPeriodReversion
from linkage.plugins.hookspecs import hookimpl
from linkage.registry import StrategyType


def _t_period(options: Mapping[str, Any]) -> TPeriodReversion:
    periods = options.get("periods")
    if periods is None:
        raise ModelError("strategy 't_period' needs 'periods' (a whole number >= 1)")
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
        raise ModelError(
            f"strategy 't_period': 'periods' must be a whole number >= 1, found {periods!r}"
        )
    return TPeriodReversion(periods)


@hookimpl
def register_strategies(register: Callable[[StrategyType], None]) -> None:
    register(StrategyType("grim", GrimTrigger.title, lambda options: GrimTrigger()))
    register(
        StrategyType(
            "t_period",
            TPeriodReversion.title,
            _t_period,
            {"periods": "length T of the Nash-reversion phase (a whole number >= 1)"},
        )
    )
    register(StrategyType("stick_carrot", StickAndCarrot.title, lambda options: StickAndCarrot()))
