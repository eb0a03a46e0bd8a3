"""Errors a user can cause, and how they are shown.

Every error that a user can trigger with their own input (a case file, a command-line argument,
a plugin they installed) derives from :class:`LinkageError`. The command line prints such errors
as one clear message and exits non-zero; it never shows a traceback for them.
"""

from __future__ import annotations

import attrs


class LinkageError(Exception):
    """Base class of every error caused by user input rather than by a bug in linkage."""


class ModelError(LinkageError, ValueError):
    """A game, domain, strategy or linkage structure is malformed."""


@attrs.define(eq=False)
class Location:
    """Where in a file a problem is: the file, the key path and, when known, the line."""

    file: str | None = None
    key_path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        elif self.line:
            parts.append(f"line {self.line}")
        if self.key_path:
            parts.append(f"at '{self.key_path}'")
        return " ".join(parts)


class CaseError(LinkageError, ValueError):
    """A case file is malformed.

    The message names the file, the line, the key path, what was expected and what was found,
    and where possible suggests the name the author probably meant.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key_path: str | None = None,
        line: int | None = None,
        expected: str | None = None,
        found: object = None,
        hint: str | None = None,
    ) -> None:
        self.location = Location(file, key_path, line)
        self.reason = message
        self.expected = expected
        self.found = found
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        text = str(self.location)
        out = f"{text}: {self.reason}" if text else self.reason
        if self.expected is not None:
            out += f"; expected {self.expected}"
        if self.found is not None:
            out += f", found {_show(self.found)}"
        if self.hint:
            out += f" ({self.hint})"
        return out


@attrs.frozen
class CaseWarning:
    """A likely slip in a valid case file (a concession ``C < N``, ``C`` and ``N`` swapped, ...).

    Shown like a :class:`CaseError` (file, line, key path, what was found, a hint), but the case
    loads: commands print warnings on standard error and go on.
    """

    message: str
    file: str | None = None
    key_path: str | None = None
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = str(Location(self.file, self.key_path, self.line))
        out = f"{where}: {self.message}" if where else self.message
        return out + (f" ({self.hint})" if self.hint else "")


class CaseErrors(LinkageError, ValueError):
    """Several problems found in one or more case files, reported together."""

    def __init__(self, errors: list[CaseError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class PluginError(LinkageError):
    """A plugin is missing, broken, or registered something invalid."""


class TooLargeError(LinkageError, ValueError):
    """An exact computation was refused because its size is beyond the documented limit."""


SHOWN = 80
"""Characters of a found value shown in a message; longer values are cut with "..."."""


def _toml(value: object) -> str:
    """A found value the way TOML writes it (so a message names the item at fault)."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) < SHOWN else repr(value[: SHOWN - 3] + "...")
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value!r} (a number)"
    if isinstance(value, dict | list):
        kind = "a table" if isinstance(value, dict) else "an array"
        text = _toml(value)
        return f"{kind} {text if len(text) <= SHOWN else text[: SHOWN - 4] + '...' + text[-1]}"
    return repr(value)
