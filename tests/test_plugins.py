"""The plugin host: isolation of broken plugins, validation of contributions, escape hatches."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import linkage
from linkage.cli import main
from linkage.errors import PluginError
from linkage.plugins import hookspecs
from linkage.plugins.manager import HOOKS, PluginHost

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
from linkage import hookimpl
from linkage.models import DomainModel, Parameter

M = DomainModel(id="{name}.pd", title="t", roles=("a", "b"),
                parameters=(Parameter("g", "gain", "units", 2, low=0, source="test"),),
                build=lambda p: {{"a": dict(C=p["g"], D=p["g"] + 1, N=0), "b": dict(C=p["g"], D=p["g"] + 1, N=0)}})

@hookimpl
def register_domain_models(register):
    register(M)
"""

FakeDist = Callable[..., Path]


@pytest.fixture
def fake_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeDist:
    """Install a distribution the way pip leaves it (module + dist-info with an entry point)."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("LINKAGE_LOAD_PLUGINS", raising=False)

    def make(name: str, source: str, version: str = "1.2.3", dist: str | None = None) -> Path:
        dist = dist or f"linkage-{name}"
        (site / f"linkage_{name}_mod.py").write_text(textwrap.dedent(source))
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[linkage]\n{name} = linkage_{name}_mod\n")
        importlib.invalidate_caches()
        return site

    return make


def test_builtins_register_through_the_same_hooks() -> None:
    host = PluginHost(autoload=False)
    builtins = {n for n, r in host.records.items() if r.builtin}
    assert {"strategies", "formats", "reduced_form", "cases"} <= builtins
    assert host.registry.owner("strategies", "grim") == "strategies"
    assert host.registry.owner("output_formats", "json") == "formats"
    assert "core.reduced_form" in host.registry.ids("domain_models")


def test_packs_load_from_entry_points() -> None:
    host = PluginHost(load=None, disable=())
    for name in ("fisheries", "sakhalin2"):
        record = host.records[name]
        assert record.status == "ok" and not record.builtin
        assert record.distribution == "issue-linkage"


def test_broken_import_is_isolated_and_named(fake_dist: FakeDist) -> None:
    fake_dist("good", GOOD.format(name="good"))
    fake_dist("broken", "raise RuntimeError('boom: plugin author bug')\n", version="0.9")
    host = PluginHost()
    broken = host.records["broken"]
    assert broken.status == "error"
    assert broken.distribution == "linkage-broken" and broken.version == "0.9"
    assert broken.error == "RuntimeError: boom: plugin author bug"
    assert host.records["good"].status == "ok"
    assert "good.pd" in host.registry.ids("domain_models")
    with pytest.raises(
        PluginError,
        match=r"plugin 'broken' \(linkage-broken 0.9\) failed to load: RuntimeError: boom",
    ):
        host.lookup("domain_models", "broken.anything")


def test_hook_that_raises_is_isolated(fake_dist: FakeDist) -> None:
    fake_dist(
        "raiser",
        """
        from linkage import hookimpl
        @hookimpl
        def register_domain_models(register):
            raise ValueError("no data file")
    """,
    )
    host = PluginHost()
    assert host.records["raiser"].error == "in register_domain_models: ValueError: no data file"
    assert "grim" in host.registry.ids("strategies")


def test_unknown_hook_name_is_named(fake_dist: FakeDist) -> None:
    fake_dist(
        "typo",
        """
        from linkage import hookimpl
        @hookimpl
        def register_domian(register):
            pass
    """,
    )
    host = PluginHost()
    err = host.records["typo"].error
    assert "unknown hook 'register_domian'" in err and "did you mean" in err


def test_plugin_for_a_later_api_says_so(fake_dist: FakeDist) -> None:
    fake_dist("future", "LINKAGE_PLUGIN_API = 99\n" + GOOD.format(name="future"))
    host = PluginHost()
    assert "plugin API 99" in host.records["future"].error
    assert "future.pd" not in host.registry.ids("domain_models")


def test_duplicate_ids_name_both_plugins(fake_dist: FakeDist) -> None:
    fake_dist("one", GOOD.format(name="same"))
    fake_dist("two", GOOD.format(name="same"))
    host = PluginHost()
    assert host.records["one"].status == "ok"
    err = host.records["two"].error
    assert "'same.pd' is registered twice" in err and "'one'" in err and "'two'" in err


def test_invalid_contribution_is_rejected(fake_dist: FakeDist) -> None:
    fake_dist(
        "wrongtype",
        """
        from linkage import hookimpl
        @hookimpl
        def register_strategies(register):
            register("grim-ish")
    """,
    )
    err = PluginHost().records["wrongtype"].error
    assert "expected a StrategyType" in err


def test_escape_hatches(fake_dist: FakeDist, capsys: pytest.CaptureFixture[str]) -> None:
    fake_dist("good", GOOD.format(name="good"))
    none = PluginHost(load=[])
    assert none.records["good"].status == "disabled" and "good.pd" not in none.registry.ids(
        "domain_models"
    )
    assert none.registry.ids("strategies")  # built-ins stay
    only = PluginHost(load=["good"])
    assert only.records["good"].status == "ok" and only.records["fisheries"].status == "disabled"
    blocked = PluginHost(disable=["linkage-good"])
    assert blocked.records["good"].status == "disabled"
    with pytest.raises(PluginError, match="is disabled"):
        blocked.lookup("domain_models", "good.pd")
    PluginHost(trace=True, load=["good"])
    err = capsys.readouterr().err
    assert "calling register_domain_models of plugin 'good'" in err
    assert "'good' registered domain_models 'good.pd'" in err


def test_cli_lists_failed_plugins_and_keeps_working(fake_dist: FakeDist, tmp_path: Path) -> None:
    site = fake_dist("broken", "raise ImportError('missing dependency foo')\n", version="2.0")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    listed = subprocess.run(
        [sys.executable, "-m", "linkage", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert listed.returncode == 0, listed.stderr
    records = {r["name"]: r for r in json.loads(listed.stdout)}
    assert records["broken"]["status"] == "error" and records["broken"]["version"] == "2.0"
    ok = subprocess.run(
        [sys.executable, "-m", "linkage", "analyze", "example"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0 and "Traceback" not in ok.stderr
    case = tmp_path / "uses_broken.toml"
    case.write_text(
        '[case]\nid="x"\nplayers=["A","B"]\ndiscount=0.5\n[[domains]]\nid="d"\nmodel="broken.thing"\n'
    )
    bad = subprocess.run(
        [sys.executable, "-m", "linkage", "analyze", str(case)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert (
        "plugin 'broken' (linkage-broken 2.0) failed to load: ImportError: missing dependency foo"
        in bad.stderr
    )
    assert len(bad.stderr.strip().splitlines()) == 1


def test_models_and_show_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "core.reduced_form" in out
    assert main(["show", "core.reduced_form", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["name"] for p in data["parameters"]} >= {"C_a", "D_a", "N_a"}
    assert data["payoffs"]["a"]["C"] == "C_a"
    assert main(["show", "core.reduced_frm"]) == 1
    assert "did you mean 'core.reduced_form'" in capsys.readouterr().err


def test_hookimpl_is_importable_from_linkage() -> None:
    assert linkage.hookimpl is hookspecs.hookimpl


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_every_hook_is_specified_documented_and_tested(hook: str) -> None:
    """datasette-style meta-test: each hook has a spec, a docs heading and a test here."""
    assert callable(getattr(hookspecs, hook))
    docs = (ROOT / "docs" / "reference" / "plugins.md").read_text()
    assert f"### `{hook}(register)`" in docs
    assert f"test_hook_{hook}" in globals()


def _register_one(hook: str, item: object) -> PluginHost:
    class Plugin:
        pass

    def impl(register: Callable[[object], None]) -> None:
        register(item)

    setattr(Plugin, hook, staticmethod(linkage.hookimpl(impl)))
    host = PluginHost(autoload=False)
    record = host.register(Plugin(), "inline")
    assert record.status == "ok", record.error
    return host


def test_hook_register_domain_models() -> None:
    import attrs

    from linkage.builtins.reduced_form import REDUCED_FORM

    host = _register_one("register_domain_models", attrs.evolve(REDUCED_FORM, id="inline.pd"))
    assert host.registry.owner("domain_models", "inline.pd") == "inline"


def test_hook_register_strategies() -> None:
    from linkage.model.strategies import GrimTrigger
    from linkage.registry import StrategyType

    host = _register_one(
        "register_strategies", StrategyType("grim2", "grim again", lambda o: GrimTrigger())
    )
    assert host.registry.get("strategies", "grim2").build({}) == GrimTrigger()


def test_hook_register_cases(tmp_path: Path) -> None:
    from linkage.registry import BundledCase

    host = _register_one("register_cases", BundledCase("mycase", tmp_path / "mycase.toml"))
    assert host.registry.get("cases", "mycase").path == tmp_path / "mycase.toml"


def test_hook_register_output_formats() -> None:
    from linkage.registry import OutputFormat

    host = _register_one("register_output_formats", OutputFormat("csv", "CSV", lambda r: "x"))
    assert host.lookup("output_formats", "csv").render(None) == "x"


def test_hook_register_analysis_kinds() -> None:
    from linkage.analyses import AnalysisKind
    from linkage.findings import Section

    kind = AnalysisKind(
        "toy", "Toy", lambda table, keys: None, lambda spec, case: Section("t", "v")
    )
    host = _register_one("register_analysis_kinds", kind)
    assert host.lookup("analysis_kinds", "toy").title == kind.title  # stored under guard
