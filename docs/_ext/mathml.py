r"""MkDocs hook: typeset math as MathML when the site is built.

``pymdownx.arithmatex`` (generic mode) marks ``\(...\)`` and ``\[...\]`` in pages and docstrings;
this hook converts each to MathML with ``latex2mathml``. Browsers render MathML natively, so the
site shows formulas offline, without JavaScript or a CDN. A formula that cannot be converted is a
warning (the strict build fails) and stays as its LaTeX source.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from latex2mathml.converter import convert

logger = logging.getLogger("mkdocs.hooks.mathml")

MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]\s*</(?P=tag)>',
    re.S,
)


def on_page_content(html_: str, page: Any, **kwargs: Any) -> str:
    def typeset(m: re.Match[str]) -> str:
        tex = html.unescape(m["tex"]).strip()
        display = "block" if m["open"] == "[" else "inline"
        try:
            return convert(tex, display=display)
        except Exception as exc:  # latex2mathml raises several exception types
            logger.warning("%s: cannot typeset %r: %s", page.file.src_uri, tex, exc)
            return m.group(0)

    return MATH.sub(typeset, html_)
