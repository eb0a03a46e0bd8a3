"""Every example in docs/ is executed, so that a reader can follow the pages literally.

* ```pycon blocks run as doctests (output checked) and ```python blocks are executed, one namespace
  per page;
* a block with a file name (```toml title="two_issues.toml"```) is a file the reader saves: it is
  written there, not executed;
* ```console blocks: ``$ linkage ...`` lines are run and, where the block shows output, compared
  with it; ``$ cd DIR`` changes directory.

A page with files runs in an empty scratch directory (importable, like a Python started there),
every other page in the repository. Other commands (``pip``, ``pytest``) and every command after a
page's first ``pip install`` need a real environment: the fresh-environment test runs all of a
page's commands, in order, in a virtual environment with only the built wheel installed.

The site (mkdocs.yml) builds with ``--strict``: a broken link, a page missing from the API
reference or a stale reference in a docstring fails the build."""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shlex
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import clean_env

from linkage.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").rglob("*.md"))
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.M | re.S)
TITLE = re.compile(r'title="([^"]+)"')
CHECK = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class Block:
    def __init__(self, page: Path, m: re.Match[str]) -> None:
        self.lang, self.code = m.group(1), m.group(3)
        title = TITLE.search(m.group(2))
        self.file = title.group(1) if title else None  # a file the reader saves
        self.line = page.read_text(encoding="utf-8")[: m.start()].count("\n") + 1
        self.where = f"{page.relative_to(ROOT)}:{self.line}"

    def commands(self) -> Iterator[tuple[str, list[str]]]:
        """``$ command`` lines of a console block, each with the output shown below it."""
        command: str | None = None
        shown: list[str] = []
        for line in self.code.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield command, shown
                command, shown = line[2:].split("  #")[0].strip(), []
            elif command is not None and line.strip():
                shown.append(line)
        if command is not None:
            yield command, shown


def blocks(page: Path) -> list[Block]:
    return [Block(page, m) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]


def needs_environment(page: Path) -> bool:
    return any(c.startswith("pip install") for b in blocks(page) for c, _ in b.commands())


def check_output(shown: list[str], out: str, what: str) -> None:
    if any(s.strip() != "..." for s in shown):
        got = "\n".join(o.rstrip() for o in out.splitlines()) + "\n"
        assert doctest.OutputChecker().check_output("\n".join(shown) + "\n", got, CHECK), (
            f"{what}: output differs:\n{out}"
        )


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
    # Every public name of the packages a reader imports from is in the API reference.
    inventory = zlib.decompress((site / "objects.inv").read_bytes().split(b"\n", 4)[4]).decode()
    documented = {line.split(" ", 1)[0] for line in inventory.splitlines()}
    for package in ("linkage", "linkage.model", "linkage.cases", "linkage.sensitivity"):
        public = set(importlib.import_module(package).__all__) - {"__version__"}
        missing = {f"{package}.{name}" for name in public} - documented
        assert not missing, f"not in the API reference: {sorted(missing)}"
    # Nothing is loaded from outside: no CDN, no web fonts.
    external = re.compile(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)=\"(?:https?:)?//")
    for page in site.rglob("*.html"):
        assert not external.search(page.read_text(encoding="utf-8")), page


def test_docs_exist_in_each_diataxis_quadrant() -> None:
    for quadrant in ("tutorial", "how-to", "reference", "explanation"):
        assert list((ROOT / "docs" / quadrant).glob("*.md")), quadrant


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_examples_run(
    page: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    page_blocks = blocks(page)
    scratch = any(b.file for b in page_blocks)
    monkeypatch.chdir(tmp_path if scratch else ROOT)
    if scratch:
        monkeypatch.syspath_prepend("")  # the current directory, as for a Python started there
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=CHECK)
    installed = False
    try:
        for block in page_blocks:
            if block.file:
                path = Path(block.file)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(block.code, encoding="utf-8")
            elif block.lang == "pycon":
                test = parser.get_doctest(block.code, namespace, block.where, str(page), block.line)
                result = runner.run(
                    test,
                    out=lambda s, w=block.where: pytest.fail(f"{w}: doctest failed\n{s}"),
                    clear_globs=False,
                )
                namespace.update(test.globs)
                assert result.failed == 0
            elif block.lang == "python":
                exec(compile(block.code, block.where, "exec"), namespace)  # our docs, not input
            elif block.lang == "console":
                for command, shown in block.commands():
                    installed = installed or command.startswith("pip install")
                    if command.startswith("cd "):
                        os.chdir(command[3:].strip())
                    elif command.startswith("linkage") and not installed:
                        capsys.readouterr()
                        status = main(shlex.split(command)[1:])
                        out = capsys.readouterr().out
                        assert status == 0, f"{block.where}: {command} exited {status}"
                        check_output(shown, out, f"{block.where}: {command}")
    finally:  # modules the page imported from its scratch directory
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
                del sys.modules[name]


ENV_PAGES = [p for p in PAGES if needs_environment(p)]


@pytest.mark.slow
@pytest.mark.parametrize("page", ENV_PAGES, ids=[str(p.relative_to(ROOT)) for p in ENV_PAGES])
def test_commands_run_in_a_fresh_environment(page: Path, wheel_env: Path, tmp_path: Path) -> None:
    env = {**clean_env(), "PATH": f"{wheel_env}{os.pathsep}{os.environ['PATH']}"}
    cwd = tmp_path
    for block in blocks(page):
        if block.file:
            (cwd / block.file).parent.mkdir(parents=True, exist_ok=True)
            (cwd / block.file).write_text(block.code, encoding="utf-8")
        elif block.lang == "console":
            for command, shown in block.commands():
                if command.startswith("cd "):
                    cwd = cwd / command[3:].strip()
                    continue
                result = subprocess.run(
                    command, shell=True, cwd=cwd, env=env, capture_output=True, text=True
                )
                what = f"{block.where}: {command}"
                assert result.returncode == 0, f"{what}\n{result.stdout}{result.stderr}"
                check_output(shown, result.stdout, what)
