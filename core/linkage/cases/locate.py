"""Line numbers for key paths in TOML text.

``tomllib`` returns plain dicts without positions, so this module scans the text once and records
the line on which each key path is defined (``domains[1].payoffs.A``, ``case.discount``, ...).
Inline tables and multi-line arrays are mapped to the line of their key; a lookup falls back to the
nearest ancestor path that has a line. It is a locator for error messages, not a TOML parser.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_ITEM = re.compile(r"^\s*\{")


def _split(dotted: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', dotted)
    return [p.strip("\"'") for p in parts]


def key_lines(text: str) -> dict[str, int]:
    """Map each key path found in ``text`` to its 1-based line number."""
    lines: dict[str, int] = {}
    counters: dict[str, int] = {}
    table = ""
    array_key: str | None = None
    array_index = 0
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0] if '"' not in raw and "'" not in raw else raw
        if depth > 0:
            if _ITEM.match(line) and array_key is not None:
                lines.setdefault(f"{array_key}[{array_index}]", number)
                array_index += 1
            depth += line.count("[") - line.count("]")
            continue
        header = _HEADER.match(line)
        if header:
            name = ".".join(_split(header.group(2)))
            # a sub-table of an array of tables ([domains.game] after [[domains]]) belongs to
            # the array's last element
            head = next(
                (a for a in sorted(counters, key=len, reverse=True) if name.startswith(a + ".")),
                None,
            )
            if head is not None:
                name = f"{head}[{counters[head] - 1}]{name[len(head) :]}"
            if header.group(1) == "[[":
                index = counters.get(name, 0)
                counters[name] = index + 1
                table = f"{name}[{index}]"
            else:
                table = name
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = ".".join(_split(key.group(1)))
            full = f"{table}.{path}" if table else path
            lines.setdefault(full, number)
            rest = line[key.end() :]
            opened = rest.count("[") - rest.count("]")
            if opened > 0:
                depth, array_key, array_index = opened, full, 0
                if _ITEM.match(rest.lstrip()[1:] if rest.lstrip().startswith("[") else ""):
                    lines.setdefault(f"{full}[0]", number)
                    array_index = 1
    return lines


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return lines.get(path)
        path = path[:cut]
    return None
