"""Hostile plugins for the fault tests: a plugin distribution installed the way pip leaves it, with
a fault injected at one point, and the command line run in-process with its output captured.

The plugin ``NAME`` (distribution ``linkage-NAME`` 1.0) contributes a domain model ``NAME.pd``, a
strategy ``NAME_grim`` (its own ``conditions(agg)``), an output format ``NAME``, an analysis kind
``NAME_kind`` and three bundled cases: ``NAME_model`` (uses the model), ``NAME_strat`` (uses the
strategy) and ``NAME_anal`` (uses the analysis kind).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs

from linkage.cli import main
from linkage.plugins.manager import set_host

KINDS = ("raise", "exit", "print", "hang", "wrong")
"""What the injected fault does: raise ValueError, call sys.exit(3), print to standard output (and
go on), loop for ever (until the time limit), return the wrong type."""

LOAD_POINTS = (
    "import",
    "register_domain_models",
    "register_strategies",
    "register_output_formats",
    "register_cases",
    "register_analysis_kinds",
)
CALL_POINTS = (
    "model.build",
    "strategy.build",
    "strategy.conditions",
    "format.render",
    "analysis.read",
    "analysis.solve",
)
POINTS = LOAD_POINTS + CALL_POINTS
"""Where the fault is: at import, in a hook (load time), or at call time."""

TIMEOUT = "0.3"
"""The plugin time limit the tests run with (seconds), so that a hang costs little."""

# What a fault of kind "wrong" returns at each point (at import: an API from the future).
WRONG = {
    "import": "LINKAGE_PLUGIN_API = 99",
    "register_domain_models": "register('not a model'); return",
    "register_strategies": "register(42); return",
    "register_output_formats": "register(None); return",
    "register_cases": "register(3.5); return",
    "register_analysis_kinds": "register(len); return",
    "model.build": "return None",
    "strategy.build": "return 'grim'",
    "strategy.conditions": "return ['not a condition']",
    "format.render": "return 42",
    "analysis.read": "return None",
    "analysis.solve": "return 'a section'",
}

SOURCE = """
import json
import sys
import time
from pathlib import Path
from typing import ClassVar

import attrs

from linkage import hookimpl
from linkage.analyses import AnalysisKind
from linkage.engine.condition import Condition
from linkage.findings import Section
from linkage.model.strategies import Strategy
from linkage.models import DomainModel, Parameter
from linkage.registry import BundledCase, OutputFormat, StrategyType



def _stubborn():
    while True:
        try:
            time.sleep(0.01)
        except BaseException:
            pass


{at_import}


def _build(p):
    {model_build}
    row = dict(C=p["g"], D=p["g"] + 1, N=0)
    return {{"a": row, "b": dict(row)}}


@attrs.frozen
class _Strategy(Strategy):
    kind: ClassVar[str] = "{name}_grim"
    title: ClassVar[str] = "grim, from a plugin"

    def conditions(self, agg):
        {strategy_conditions}
        return [Condition.grim(agg.temptation, agg.stake)]


def _strategy(options):
    {strategy_build}
    return _Strategy()


def _render(report):
    {format_render}
    return json.dumps({{"case": report.case.id}}) + "\\n"


def _read(table, keys):
    {analysis_read}
    return dict(table)


def _solve(spec, case):
    {analysis_solve}
    return Section("A plugin's analysis", "nothing to report")


@hookimpl
def register_analysis_kinds(register):
    {register_analysis_kinds}
    register(AnalysisKind("{name}_kind", "a plugin's analysis", _read, _solve))


@hookimpl
def register_domain_models(register):
    {register_domain_models}
    register(DomainModel(id="{name}.pd", title="t", roles=("a", "b"), build=_build,
                         parameters=(Parameter("g", "gain", "units", 2, low=0, source="test"),)))


@hookimpl
def register_strategies(register):
    {register_strategies}
    register(StrategyType("{name}_grim", "grim, from a plugin", _strategy))


@hookimpl
def register_output_formats(register):
    {register_output_formats}
    register(OutputFormat("{name}", "a plugin's format", _render, ".json"))


@hookimpl
def register_cases(register):
    {register_cases}
    for path in sorted(Path(__file__).parent.glob("{name}_*.toml")):
        register(BundledCase(path.stem, path))
"""

CASE_MODEL = """
[case]
id = "{name}_model"
players = ["A", "B"]
discount = 0.5

[[domains]]
id = "m"
model = "{name}.pd"

[[domains]]
id = "d"
payoffs.A = {{ C = 3, D = 4, N = 1 }}
payoffs.B = {{ C = 3, D = 4, N = 1 }}
"""

CASE_STRATEGY = """
[case]
id = "{name}_strat"
players = ["A", "B"]
discount = 0.5

[strategy]
kind = "{name}_grim"

[[domains]]
id = "d"
payoffs.A = {{ C = 3, D = 4, N = 1 }}
payoffs.B = {{ C = 3, D = 4, N = 1 }}
"""


CASE_ANALYSIS = """
[case]
id = "{name}_anal"
players = ["A", "B"]
discount = 0.5

[[domains]]
id = "d"
payoffs.A = {{ C = 3, D = 4, N = 1 }}
payoffs.B = {{ C = 3, D = 4, N = 1 }}

[[analyses]]
kind = "{name}_kind"
"""


def fault_code(kind: str, point: str) -> str:
    """One line of Python doing the fault ``kind`` at ``point``."""
    return {
        "raise": "raise ValueError('injected fault')",
        "exit": "sys.exit(3)",
        "print": "print('noise from a plugin')",
        "hang": "while True: time.sleep(0.01)",
        "wrong": WRONG[point],
        # not in KINDS (the watchdog ends the process): catches every interruption, for ever
        "stubborn": "_stubborn()",
    }[kind]


def plugin_source(name: str, kind: str | None = None, point: str | None = None) -> str:
    """The plugin's module, with the fault ``kind`` at ``point`` (none by default)."""
    return faulty_source(name, [(kind, point)] if kind and point else [])


def faulty_source(name: str, faults: Sequence[tuple[str, str]]) -> str:
    """The plugin's module with each fault ``(kind, point)`` in place."""
    slots = {p.replace(".", "_"): "pass" for p in POINTS}
    slots["at_import"] = ""
    for kind, point in faults:
        slot = "at_import" if point == "import" else point.replace(".", "_")
        slots[slot] = fault_code(kind, point)
    return SOURCE.format(name=name, **slots)


def install(site: Path, name: str, source: str, *, version: str = "1.0") -> None:
    """Install module ``linkage_NAME_mod`` and distribution ``linkage-NAME`` into ``site``, with
    the plugin's three case files."""
    package = site / f"linkage_{name}_mod"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source))
    (package / f"{name}_model.toml").write_text(CASE_MODEL.format(name=name))
    (package / f"{name}_strat.toml").write_text(CASE_STRATEGY.format(name=name))
    (package / f"{name}_anal.toml").write_text(CASE_ANALYSIS.format(name=name))
    info = site / f"linkage_{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: linkage-{name}\nVersion: {version}\n"
    )
    (info / "entry_points.txt").write_text(f"[linkage]\n{name} = linkage_{name}_mod\n")
    importlib.invalidate_caches()


@contextlib.contextmanager
def on_path(site: Path) -> Iterator[None]:
    """``site`` on ``sys.path`` (where entry points are found) for the duration; the modules
    imported from it are forgotten after."""
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(str(site))
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", None) or "").startswith(str(site)):
                del sys.modules[name]
        importlib.invalidate_caches()


@attrs.frozen
class Result:
    status: int
    out: str
    err: str


def run(argv: Sequence[str], **env: str) -> Result:
    """``linkage ARGV`` in this process with a fresh plugin host, its output captured; the
    environment variables ``env`` are set for the run and the environment restored after."""
    saved = dict(os.environ)
    os.environ.update({"LINKAGE_PLUGIN_TIMEOUT": TIMEOUT, **env})
    out, err = io.StringIO(), io.StringIO()
    old = set_host(None)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(list(argv))
            except SystemExit as exc:  # argparse refusing an argument
                status = exc.code if isinstance(exc.code, int) else 1
    finally:
        set_host(old)
        os.environ.clear()
        os.environ.update(saved)
    return Result(status, out.getvalue(), err.getvalue())
