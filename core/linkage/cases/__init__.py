"""Case files: TOML data describing a dyad, loaded without executing anything."""

from linkage.cases.case import Case, Event, Hypothesis, ParameterValue
from linkage.cases.loader import load_case, load_case_text, resolve_case

__all__ = [
    "Case",
    "Event",
    "Hypothesis",
    "ParameterValue",
    "load_case",
    "load_case_text",
    "resolve_case",
]
