"""Limits on the size of the work a case file or a command can ask for, checked before work starts.

A case file comes from anyone; each limit below keeps every command within seconds and bounded
memory at its default (``docs/reference/limits.md`` gives the measurements). A file over a limit
is refused with the key path, the limit, the value found and how to raise it: on the command line
``linkage --limit periods=500 analyze CASE`` (any command, repeatable), in Python
``with raised(periods=500): load_case(...)``. A case file cannot raise its own limits.

``--max-seconds S`` bounds a whole command (:func:`budget`): when the time is up the command stops
with a message and exit status 1, and writes nothing (outputs are written atomically at the end).

This module imports nothing from the rest of ``linkage`` but its errors, so every layer can use it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import signal
import threading
from collections.abc import Iterator
from typing import Any

import attrs

from linkage.errors import LinkageError, TooLargeError

HOW_TO_RAISE = (
    "raise it with: linkage --limit {name}=N COMMAND ... "
    "(in Python: with linkage.limits.raised({name}=N)); see docs/reference/limits.md"
)


@attrs.frozen
class Limits:
    """The limits in force (defaults: every bundled and benchmark case passes with room)."""

    periods: int = 100
    """Length T of a T-period punishment (``strategy.periods``)."""
    players: int = 8
    """Players of a case (``case.players``)."""
    domains: int = 24
    """Domains of a case (``[[domains]]``)."""
    hypotheses: int = 20
    """Linkage hypotheses of a case (``[[hypotheses]]``)."""
    events: int = 200
    """Timeline events of a case (``[[timeline]]``)."""
    draws: int = 1_000_000
    """Monte Carlo draws of ``sensitivity`` (``--draws``) and ``report --sensitivity``."""
    sweep_points: int = 1_000_000
    """Points of a ``sweep`` grid (the product of the ``--param`` counts)."""


WHAT = {
    "periods": "periods",
    "players": "players",
    "domains": "domains",
    "hypotheses": "hypotheses",
    "events": "timeline events",
    "draws": "draws",
    "sweep_points": "grid points",
}
"""How a message names what was counted."""

NAMES = tuple(f.name for f in attrs.fields(Limits))
DEFAULTS = Limits()
_current: contextvars.ContextVar[Limits] = contextvars.ContextVar("limits", default=DEFAULTS)


def current() -> Limits:
    """The limits in force."""
    return _current.get()


@contextlib.contextmanager
def raised(**values: int) -> Iterator[Limits]:
    """Use other limits inside the block, e.g. ``with raised(periods=500): ...``."""
    unknown = sorted(set(values) - set(NAMES))
    if unknown:
        raise LinkageError(f"unknown limit {unknown[0]!r}: one of {', '.join(NAMES)}")
    token = _current.set(attrs.evolve(current(), **values))
    try:
        yield current()
    finally:
        _current.reset(token)


def parse(text: str) -> tuple[str, int]:
    """``NAME=N`` (a ``--limit`` option) as a name and a whole number >= 1."""
    name, _, value = text.partition("=")
    name = name.strip().replace("-", "_")
    if name not in NAMES:
        raise LinkageError(f"--limit {text!r}: unknown limit {name!r}; one of {', '.join(NAMES)}")
    try:
        number = int(value.strip().replace("_", ""))
    except ValueError:
        number = 0
    if number < 1:
        raise LinkageError(f"--limit {text!r}: give a whole number >= 1, as in {name}=500")
    return name, number


def exceeds(name: str, found: int) -> str | None:
    """The message for ``found`` above the limit ``name``, or None when within it."""
    limit = getattr(current(), name)
    if found <= limit:
        return None
    return f"{found} {WHAT[name]}, above the limit of {limit}"


def check(name: str, found: int, where: str = "") -> None:
    """Raise :class:`~linkage.errors.TooLargeError` when ``found`` is above the limit ``name``."""
    message = exceeds(name, found)
    if message is not None:
        where = f"{where}: " if where else ""
        raise TooLargeError(f"{where}{message}; {HOW_TO_RAISE.format(name=name)}")


# -- the time budget of a command -----------------------------------------------------------------
class OutOfTime(BaseException):
    """The command's ``--max-seconds`` budget ran out. Like ``KeyboardInterrupt`` it is not an
    ``Exception``: no handler of one case's failure (the report leaving a case out) and no
    library's ``except Exception`` (inside an import) can take it for an error and go on; the
    command line reports it as one line and exit status 1."""


REPEAT = 0.05
"""Seconds between the budget timer's repeats once the budget has run out."""


@contextlib.contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Stop the block with :class:`OutOfTime` after ``seconds`` of wall time (None: no limit).

    A timer signal interrupts the computation wherever it is (an exact root, a plot), so a single
    slow step cannot overrun the budget; the main thread only (a command runs there)."""
    if seconds is None:
        yield
        return
    if not seconds > 0 or not math.isfinite(seconds):
        raise LinkageError(f"--max-seconds must be a positive number of seconds, got {seconds}")
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        yield
        return

    message = (
        f"stopped after the budget of {seconds:g} s (--max-seconds); nothing was written. "
        "Give more time, or fewer cases, draws or grid points"
    )
    expired = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal expired
        expired = True
        raise OutOfTime(message)

    # The timer repeats until the block ends: C code that turns the interruption into an error
    # of its own (matplotlib's "Invalid affine transformation matrix"), or code that swallows
    # it, is interrupted again before it can finish the command's work.
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    except OutOfTime:
        raise
    except Exception as exc:
        if expired:  # whatever the interruption became on its way out, it is the budget
            raise OutOfTime(message) from exc
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
