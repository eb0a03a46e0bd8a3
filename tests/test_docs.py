"""Every example in docs/ is executed: ```pycon blocks run as doctests (output checked), ```python
blocks are executed, and ```console blocks starting with ``$ linkage`` are run and, where the block
shows output, compared with it. One namespace per page; the working directory is the repository.

The site (mkdocs.yml) builds with ``--strict``: a broken link, a page missing from the API
reference or a stale reference in a docstring fails the build."""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from linkage.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").rglob("*.md"))
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.M | re.S)


def blocks(page: Path) -> list[tuple[str, str, int]]:
    text = page.read_text(encoding="utf-8")
    return [
        (m.group(1), m.group(2), text[: m.start()].count("\n") + 1) for m in FENCE.finditer(text)
    ]


def test_site_builds_strict_with_api_reference_and_offline_math(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    api = (site / "reference" / "api" / "analysis" / "index.html").read_text(encoding="utf-8")
    assert 'id="linkage.engine.analysis.Analysis"' in api
    assert "<math" in api and "arithmatex" not in api  # typeset at build time
    assert ":math:" not in api and ":class:" not in api  # Sphinx roles rendered
    # Nothing is loaded from outside: no CDN, no web fonts.
    external = re.compile(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)=\"(?:https?:)?//")
    for page in site.rglob("*.html"):
        assert not external.search(page.read_text(encoding="utf-8")), page


def test_docs_exist_in_each_diataxis_quadrant() -> None:
    for quadrant in ("tutorial", "how-to", "reference", "explanation"):
        assert list((ROOT / "docs" / quadrant).glob("*.md")), quadrant


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_examples_run(
    page: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for lang, code, line in blocks(page):
        where = f"{page.relative_to(ROOT)}:{line}"
        if lang == "pycon":
            test = parser.get_doctest(code, namespace, where, str(page), line)
            result = runner.run(
                test,
                out=lambda s, w=where: pytest.fail(f"{w}: doctest failed\n{s}"),
                clear_globs=False,
            )
            namespace.update(test.globs)
            assert result.failed == 0
        elif lang == "python":
            exec(compile(code, where, "exec"), namespace)  # docs are ours, not user input
        elif lang == "console":
            _run_console(code, where, capsys)


def _run_console(code: str, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = code.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith("$ linkage"):
            continue
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        argv = shlex.split(line[len("$ linkage") :])
        capsys.readouterr()
        code_ = main(argv)
        out = capsys.readouterr().out
        assert code_ == 0, f"{where}: {line} exited {code_}"
        shown = [e for e in expected if e.strip()]
        if any(e.strip() != "..." for e in shown):
            got = [o.rstrip() for o in out.splitlines()]
            pattern = "\n".join(shown)
            assert doctest.OutputChecker().check_output(
                pattern + "\n",
                "\n".join(got) + "\n",
                doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            ), f"{where}: output of {line!r} differs:\n{out}"
