"""Dates of a case's record and the time units it is coded in.

Case files write dates as TOML dates (``2022-06-07``) or as text at a coarser precision
(``"2022-06"``, ``"2022"``). A coarse date stands for its first day (``"2022-06"`` is 1 June 2022),
so every date is a day, counted as a proleptic Gregorian ordinal (:meth:`datetime.date.toordinal`).

Durations are measured in days and expressed in the *resolution* the record is coded at: a
``year`` is 365.25 days, a ``quarter`` a quarter of that, a ``month`` a twelfth, a ``week`` 7 days
and a ``day`` one day. A duration in resolution units is the number of independent codings the
error model of :mod:`linkage.record.likelihood` counts.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from linkage.errors import LinkageError

DAYS_PER_YEAR = 365.25
"""The mean Gregorian year, in days (the unit of a stage-game period)."""

UNIT_DAYS: dict[str, float] = {
    "day": 1.0,
    "week": 7.0,
    "month": DAYS_PER_YEAR / 12,
    "quarter": DAYS_PER_YEAR / 4,
    "year": DAYS_PER_YEAR,
}
"""Days per unit of each resolution a record can be coded at."""

DATE_FORMS = "a TOML date (2022-06-07) or 'YYYY-MM-DD' / 'YYYY-MM' / 'YYYY'"
"""How the accepted forms of a date are described in error messages."""


def normalise(value: Any) -> str | None:
    """``value`` as the date text it stands for (``"2022-06-07"``, ``"2022-06"``, ``"2022"``), or
    ``None`` when it is not a date of an accepted form."""
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        for fmt, n in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
            if len(value) != n:
                continue
            try:
                _dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            return value
    return None


def day(date: str) -> int:
    """The day a date stands for (its first day), as an ordinal; :class:`LinkageError` if it is
    not a date."""
    text = normalise(date)
    if text is None:
        raise LinkageError(f"invalid date {date!r}; expected {DATE_FORMS}")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return _dt.date(parts[0], parts[1], parts[2]).toordinal()


def iso(ordinal: int) -> str:
    """The ISO text (``YYYY-MM-DD``) of a day ordinal."""
    return _dt.date.fromordinal(ordinal).isoformat()


def add_years(ordinal: int, years: int) -> int:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    d = _dt.date.fromordinal(ordinal)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:  # 29 February in a year that has none
        return d.replace(year=d.year + years, day=28).toordinal()


def add_unit(ordinal: int, resolution: str) -> int:
    """One unit of ``resolution`` after a day (a calendar year or month; whole days otherwise)."""
    d = _dt.date.fromordinal(ordinal)
    if resolution == "year":
        return add_years(ordinal, 1)
    if resolution in ("month", "quarter"):
        step = 1 if resolution == "month" else 3
        month = d.month - 1 + step
        year, month = d.year + month // 12, month % 12 + 1
        for last in (d.day, 30, 29, 28):
            try:
                return _dt.date(year, month, min(d.day, last)).toordinal()
            except ValueError:
                continue
    return ordinal + round(UNIT_DAYS[resolution])


def units(days: float, resolution: str) -> float:
    """A duration in days expressed in units of ``resolution``."""
    return days / UNIT_DAYS[resolution]
