"""Progress of long commands: a tqdm bar on standard error, shown only on a terminal, only after
a second, and only when tqdm is installed (the ``plot`` and ``uncertainty`` extras bring it).
Standard output and files never see it, so outputs stay byte-identical."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def progress_bar(total: int, what: str, unit: str = "it", enabled: bool = True) -> Any:
    """A tqdm bar of ``total`` steps, or ``None`` (disabled, not a terminal, or no tqdm)."""
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        tqdm = importlib.import_module("tqdm")
    except ImportError:
        return None
    return tqdm.tqdm(total=total, desc=what, unit=unit, delay=1.0, leave=False, file=sys.stderr)


def tracked(items: Iterable[T], total: int, what: str, unit: str = "case") -> Iterator[T]:
    """``items`` unchanged, advancing a progress bar as each is consumed."""
    bar = progress_bar(total, what, unit)
    try:
        for item in items:
            yield item
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
