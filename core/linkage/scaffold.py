"""``linkage new-plugin NAME``: scaffold an installable domain-pack plugin.

The generated package has a ``pyproject.toml`` whose only wiring is one entry point in the
``linkage`` group, one example domain model with documented parameters, an example case file that
uses it, tests and a README. The tests (discovery, the conformance check from
:mod:`linkage.testing` for every model the pack registers, every case file it ships) name no model
or case, so they still pass once the examples are replaced.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from linkage import __version__
from linkage.atomic import write_tree
from linkage.errors import LinkageError
from linkage.plugins.manager import RESERVED_NAMES

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "linkage-{dash}"
version = "0.1.0"
description = "A linkage domain pack: {name}"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["issue-linkage>={core_version}"]

[project.optional-dependencies]
test = ["pytest"]

# The only wiring a plugin needs:
[project.entry-points.linkage]
{name} = "linkage_{name}"

[tool.setuptools]
packages = ["linkage_{name}", "linkage_{name}.cases"]

[tool.setuptools.package-data]
"linkage_{name}.cases" = ["*.toml"]
"""

MODULE = '''\
"""linkage_{name}: a domain pack for issue-linkage.

It registers one domain model, ``{name}.trade_access``: access to a market as a prisoner's dilemma
in the parameters below, and ships an example case file.
"""

from __future__ import annotations

from pathlib import Path

import sympy

from linkage import hookimpl
from linkage.models import DomainModel, Parameter
from linkage.registry import BundledCase

LINKAGE_PLUGIN_API = 1


def _build(p: dict[str, sympy.Expr]) -> dict[str, dict[str, sympy.Expr]]:
    # C: both keep the market open; D: close yours while the other keeps theirs open;
    # N: both closed (zero point: no bilateral trade in this market).
    row = {{"C": p["gain"] - p["cost"], "D": p["gain"], "N": 0}}
    return {{"exporter": row, "importer": dict(row)}}


TRADE_ACCESS = DomainModel(
    id="{name}.trade_access",
    title="Market access as a prisoner's dilemma",
    roles=("exporter", "importer"),
    parameters=(
        Parameter("gain", "value of access to the other side's market", "USD bn/yr", 3, low=0,
                  source="illustrative value; replace with a sourced figure"),
        Parameter("cost", "cost of keeping one's own market open", "USD bn/yr", 1, low=0,
                  source="illustrative value; replace with a sourced figure"),
    ),
    build=_build,
    description="C = gain - cost, D = gain, N = 0 for both roles.",
)


@hookimpl
def register_domain_models(register):
    register(TRADE_ACCESS)


@hookimpl
def register_cases(register):
    for path in sorted((Path(__file__).parent / "cases").glob("*.toml")):
        register(BundledCase(path.stem, path))
'''

CASE = """\
# An example case using the {name} pack's model.
[case]
id = "{name}_example"
title = "Example dyad using {name}.trade_access"
players = ["North", "South"]
discount = 0.6

[[domains]]
id = "market"
model = "{name}.trade_access"
roles = {{ exporter = "North", importer = "South" }}
params = {{ gain = 3, cost = 1 }}

[[domains]]
id = "security"
payoffs.North = {{ C = 2, D = 5, N = 0 }}
payoffs.South = {{ C = 2, D = 5, N = 0 }}
"""

TESTS = '''\
"""Tests of the {name} pack. They check whatever models and case files the pack registers, so they
keep passing when you replace the example model and case by your own; add tests that pin your
model's results next to them."""

import pytest
from linkage.cases import load_case
from linkage.plugins.manager import PluginHost
from linkage.testing import assert_valid_domain_model

HOST = PluginHost()
RECORD = HOST.records.get("{name}")
CONTRIBUTES = RECORD.contributes if RECORD is not None else {{}}


def test_plugin_is_discovered_through_its_entry_point():
    assert RECORD is not None, "install the pack first: pip install -e ."
    assert RECORD.status == "ok", RECORD.error
    assert CONTRIBUTES.get("domain_models")


@pytest.mark.parametrize("model_id", CONTRIBUTES.get("domain_models", []))
def test_model_passes_the_conformance_check(model_id):
    assert_valid_domain_model(HOST.registry.get("domain_models", model_id))


@pytest.mark.parametrize("case_id", CONTRIBUTES.get("cases", []))
def test_case_file_loads_and_analyses(case_id):
    case = load_case(HOST.registry.get("cases", case_id).path, host=HOST)
    analysis = case.analysis()
    for player in case.players:
        assert str(analysis.linked_thresholds[player])
'''

README = """\
# linkage-{dash}

A domain pack for [issue-linkage](https://pypi.org/project/issue-linkage/).

    pip install -e ".[test]"
    linkage plugins            # lists "{name}"
    linkage show {name}.trade_access
    linkage analyze {name}_example
    pytest

Replace the example model in `linkage_{name}/__init__.py` by yours: document every parameter
(meaning, unit, default, valid range, source) and build each role's payoffs C, D, N as sympy
expressions. Replace the example case in `linkage_{name}/cases/` by one that uses your model. The
tests check every model and case file the pack registers, whatever their names.
"""


def scaffold(name: str, directory: Path) -> Path:
    """Write the plugin package ``linkage-NAME`` into ``directory/linkage-NAME`` and return it."""
    if not _NAME.match(name):
        raise LinkageError(
            f"plugin name {name!r} must be lower case letters, digits and _ (starting with a letter)"
        )
    if name in RESERVED_NAMES:
        raise LinkageError(
            f"plugin name {name!r} is reserved by linkage (reserved: {', '.join(RESERVED_NAMES)}); "
            f"choose another, e.g. {name + '_pack'!r}"
        )
    dash = name.replace("_", "-")
    root = directory / f"linkage-{dash}"
    if os.path.lexists(root):
        raise LinkageError(f"{root} already exists; choose another name or --dir")
    values = {"name": name, "dash": dash, "core_version": _core_version()}
    files = {
        "pyproject.toml": PYPROJECT,
        f"linkage_{name}/__init__.py": MODULE,
        f"linkage_{name}/cases/{name}_example.toml": CASE,
        "tests/test_plugin.py": TESTS,
        "README.md": README,
    }
    return write_tree({rel: text.format(**values) for rel, text in files.items()}, root)


def _core_version() -> str:
    parts = __version__.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and parts[0].isdigit() else "0.1"
