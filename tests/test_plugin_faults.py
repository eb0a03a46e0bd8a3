"""Plugins at run time (issue 14, item 7): reserved names, ``sys.exit``, faults at call time named
and contained, standard output kept clean, a time limit. One regression test (or more) per finding;
``tests/test_hostile_plugins.py`` fuzzes the same faults over every hook and time of failure."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import Result, install, on_path, plugin_source, run

from linkage import guard
from linkage.plugins.manager import DEFAULT_PLUGINS, RESERVED_NAMES, PluginHost

ROOT = Path(__file__).resolve().parent.parent
DIST = "linkage-fz 1.0"  # the distribution every hostile plugin here comes from


@pytest.fixture(autouse=True)
def _load_fz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKAGE_LOAD_PLUGINS", "fisheries,sakhalin2,fz")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    """A directory on ``sys.path`` to install fake distributions into."""
    path = tmp_path / "site"
    path.mkdir()
    with on_path(path):
        yield path


def hostile(
    site: Path, kind: str | None = None, point: str | None = None, name: str = "fz"
) -> None:
    install(site, name, plugin_source(name, kind, point))


def assert_clean(result: Result) -> None:
    """No traceback on stderr; standard output (if any) is valid JSON."""
    assert "Traceback" not in result.err, result.err
    if result.out:
        json.loads(result.out)


# -- reserved and clashing names -------------------------------------------------------------------
def test_reserved_names_cover_the_builtins_and_the_bundled_packs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    packs = set(project["entry-points"]["linkage"])
    builtins = {m.rsplit(".", 1)[-1] for m in DEFAULT_PLUGINS}
    assert builtins | packs | {"core", "linkage"} <= set(RESERVED_NAMES)


@pytest.mark.parametrize("name", ["cases", "fisheries", "formats", "strategies"])
def test_entry_point_with_a_reserved_name_is_refused_and_named(site: Path, name: str) -> None:
    install(site, name, plugin_source("fz"))  # the entry point is called like a built-in
    load = f"fisheries,sakhalin2,{name}"
    listed = run(["plugins", "--json"], LINKAGE_LOAD_PLUGINS=load)
    assert listed.status == 0, listed.err
    (clash,) = [r for r in json.loads(listed.out) if r["distribution"] == f"linkage-{name}"]
    assert clash["status"] == "error" and f"{name!r} is reserved" in clash["error"]
    assert f"'{name}_pack'" in clash["error"]
    # the built-in keeps working, and so does every command
    ok = run(["analyze", "example", "-f", "json"], LINKAGE_LOAD_PLUGINS=load)
    assert ok.status == 0 and json.loads(ok.out)["case"] == "example", ok.err
    shown = run(["show", "fisheries.access_for_payment"], LINKAGE_LOAD_PLUGINS=load)
    assert shown.status == 0, shown.err


def test_two_distributions_with_one_entry_point_name(site: Path) -> None:
    install(site, "dup", plugin_source("dup"))
    second = site / "second"
    second.mkdir()
    (second / "linkage_dup2_mod.py").write_text(plugin_source("dupb"))
    info = site / "linkage_other-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: linkage-other\nVersion: 2.0\n")
    (info / "entry_points.txt").write_text("[linkage]\ndup = linkage_dup2_mod\n")
    with on_path(second):
        host = PluginHost(load=["dup"])
    first = [r for r in host.records.values() if r.name == "dup"]
    assert sorted(r.status for r in first) == ["error", "ok"]
    (refused,) = [r for r in first if r.status == "error"]
    assert "already taken by plugin 'dup'" in refused.error
    assert "dup.pd" in host.registry.ids("domain_models")


def test_new_plugin_refuses_reserved_names(tmp_path: Path) -> None:
    result = run(["new-plugin", "cases", "--dir", str(tmp_path)])
    assert result.status == 1
    assert "'cases' is reserved" in result.err and "fisheries" in result.err
    assert "'cases_pack'" in result.err
    assert not list(tmp_path.iterdir())


# -- sys.exit and KeyboardInterrupt ----------------------------------------------------------------
@pytest.mark.parametrize("point", ["import", "register_domain_models"])
def test_sys_exit_at_load_is_contained(site: Path, point: str) -> None:
    hostile(site, "exit", point)
    ok = run(["analyze", "example", "-f", "json"])
    assert ok.status == 0 and json.loads(ok.out)["case"] == "example"
    listed = run(["plugins", "--json"])
    (record,) = [r for r in json.loads(listed.out) if r["name"] == "fz"]
    assert record["status"] == "error" and "called sys.exit(3)" in record["error"]
    needs = run(["analyze", "fz_model"])
    assert needs.status == 1 and DIST in needs.err and "sys.exit(3)" in needs.err
    assert_clean(needs)


def test_sys_exit_at_import_does_not_end_the_process(site: Path) -> None:
    """The original finding: ``linkage analyze`` ended silently with status 0 and no output."""
    hostile(site, "exit", "import")
    env = {**os.environ, "PYTHONPATH": str(site), "LINKAGE_LOAD_PLUGINS": "fz"}
    done = subprocess.run(
        [sys.executable, "-m", "linkage", "analyze", "example", "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["case"] == "example", done.stderr


def test_keyboard_interrupt_passes_through() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        guard.run(interrupted, owner="plugin 'x'", what="import")


# -- faults at call time ---------------------------------------------------------------------------
CALLS = {
    "model.build": (["analyze", "fz_model"], "domain model 'fz.pd' (build)"),
    "strategy.build": (["analyze", "fz_strat"], "strategy 'fz_grim' (build)"),
    "strategy.conditions": (["analyze", "fz_strat"], "strategy 'fz_grim' (conditions)"),
    "format.render": (["analyze", "example", "-f", "fz"], "output format 'fz' (render)"),
    "analysis.read": (["analyze", "fz_anal"], "analysis kind 'fz_kind' (read)"),
    "analysis.solve": (["analyze", "fz_anal"], "analysis kind 'fz_kind' (solve)"),
}


def test_a_plugin_strategy_is_analysed_by_its_own_conditions(site: Path) -> None:
    """It was not: the separate thresholds treated it as a T-period strategy (AttributeError)."""
    hostile(site)
    result = run(["analyze", "fz_strat", "-f", "json"])
    assert result.status == 0, result.err
    assert json.loads(result.out)["strategy_options"] == {"kind": "fz_grim"}


@pytest.mark.parametrize("point", sorted(CALLS))
@pytest.mark.parametrize("kind", ["raise", "exit", "wrong"])
def test_call_time_fault_names_the_distribution_and_the_contribution(
    site: Path, point: str, kind: str
) -> None:
    hostile(site, kind, point)
    argv, contribution = CALLS[point]
    result = run(argv)
    assert result.status == 1, result.out
    if (kind, point) == ("wrong", "analysis.read"):  # returned None: no specification, no error
        assert f"plugin 'fz' ({DIST}): analysis kind 'fz_kind' read no specification" in result.err
    else:
        assert f"plugin 'fz' ({DIST}) failed in {contribution}" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert result.out == ""
    assert_clean(result)


def test_other_cases_go_on_and_the_status_says_one_failed(site: Path) -> None:
    hostile(site, "raise", "strategy.conditions")
    result = run(["compare", "example", "fz_model", "fz_strat", "-f", "json"])
    assert result.status == 1
    cases = {row["case"] for row in json.loads(result.out)["rows"]}
    assert cases == {"example", "fz_model"}
    assert f"plugin 'fz' ({DIST}) failed in strategy 'fz_grim' (conditions)" in result.err
    assert_clean(result)
    report = run(["report", "example", "fz_strat", "--no-plots"])
    assert report.status == 1 and "<html" in report.out.lower()
    assert f"({DIST}) failed in strategy 'fz_grim'" in report.err and "Traceback" not in report.err


def test_check_over_several_cases_goes_on(site: Path) -> None:
    hostile(site, "raise", "model.build")
    result = run(["check", "example", "fz_model", "fz_strat"])
    assert result.status == 1
    assert "ok  example" in result.out and "ok  fz_strat" in result.out
    assert f"({DIST}) failed in domain model 'fz.pd' (build): ValueError" in result.err


def test_debug_shows_the_traceback(site: Path) -> None:
    hostile(site, "raise", "format.render")
    plain = run(["analyze", "example", "-f", "fz"])
    assert "--debug shows the traceback" in plain.err and "Traceback" not in plain.err
    debug = run(["--debug", "analyze", "example", "-f", "fz"])
    assert debug.status == 1
    assert "Traceback" in debug.err and "ValueError: injected fault" in debug.err
    assert "_render" in debug.err  # the plugin's own frame


def test_bundled_case_whose_file_is_missing_names_the_plugin(site: Path) -> None:
    source = """
from linkage import hookimpl
from linkage.registry import BundledCase

@hookimpl
def register_cases(register):
    register(BundledCase("fz_gone", "/nonexistent/fz_gone.toml"))
"""
    install(site, "fz", source)
    result = run(["analyze", "fz_gone"])
    assert result.status == 1
    assert f"bundled case 'fz_gone' of plugin 'fz' ({DIST}): no such file" in result.err


def test_unknown_strategy_names_the_plugin_that_failed_to_load(site: Path, tmp_path: Path) -> None:
    hostile(site, "raise", "import")
    case = tmp_path / "c.toml"
    case.write_text(
        '[case]\nid = "c"\nplayers = ["A", "B"]\ndiscount = 0.5\n[strategy]\nkind = "fz_grim"\n'
        '[[domains]]\nid = "d"\npayoffs.A = { C = 3, D = 4, N = 1 }\n'
        "payoffs.B = { C = 3, D = 4, N = 1 }\n"
    )
    result = run(["check", str(case)])
    assert result.status == 1
    assert f"unknown strategy; failed to load: plugin 'fz' ({DIST}): ValueError" in result.err


# -- standard output -------------------------------------------------------------------------------
@pytest.mark.parametrize("point", ["import", "register_cases", "model.build", "format.render"])
def test_plugin_output_goes_to_stderr(site: Path, point: str) -> None:
    hostile(site, "print", point)
    fmt = "fz" if point == "format.render" else "json"
    result = run(["analyze", "fz_model", "-f", fmt])
    assert result.status == 0, result.err
    assert json.loads(result.out)["case"] == "fz_model"
    assert "noise from a plugin" in result.err and "noise" not in result.out


def test_plugin_output_at_import_keeps_json_clean_in_a_real_process(site: Path) -> None:
    hostile(site, "print", "import")
    env = {**os.environ, "PYTHONPATH": str(site), "LINKAGE_LOAD_PLUGINS": "fz"}
    done = subprocess.run(
        [sys.executable, "-m", "linkage", "compare", "example", "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)
    assert "noise from a plugin" in done.stderr


# -- the time limit --------------------------------------------------------------------------------
@pytest.mark.parametrize("point", ["import", "register_strategies", "model.build", "format.render"])
def test_a_hanging_plugin_is_stopped_and_named(site: Path, point: str) -> None:
    hostile(site, "hang", point)
    argv = (
        ["analyze", "example", "-f", "fz"] if point == "format.render" else ["analyze", "fz_model"]
    )
    start = time.monotonic()
    result = run(argv)
    assert time.monotonic() - start < 10
    assert result.status == 1
    assert f"({DIST})" in result.err and "did not return within 0.3 s" in result.err
    assert "--plugin-timeout" in result.err
    assert_clean(result)


def test_a_plugin_that_cannot_be_interrupted_ends_the_process_naming_it(site: Path) -> None:
    hostile(site, "stubborn", "model.build")
    env = {**os.environ, "PYTHONPATH": str(site), "LINKAGE_LOAD_PLUGINS": "fz"}
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "linkage", "--plugin-timeout", "0.2", "analyze", "fz_model"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert time.monotonic() - start < 30
    assert done.returncode == 1 and done.stdout == ""
    assert f"plugin 'fz' ({DIST}) failed in domain model 'fz.pd' (build)" in done.stderr
    assert "could not be interrupted" in done.stderr and "Traceback" not in done.stderr


def test_the_time_limit_has_a_flag(site: Path) -> None:
    hostile(site, "hang", "format.render")
    result = run(["--plugin-timeout", "0.5", "analyze", "example", "-f", "fz"])
    assert "did not return within 0.5 s" in result.err
    bad = run(["--plugin-timeout", "soon", "plugins"])
    assert bad.status == 2 and "expected a number of seconds" in bad.err
    env = run(["plugins"], LINKAGE_PLUGIN_TIMEOUT="-1")
    assert env.status == 1 and "LINKAGE_PLUGIN_TIMEOUT must be a number" in env.err


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with contextlib.suppress(Exception):  # a plugin swallowing errors is still stopped
            time.sleep(0.01)
    return "done"


def test_zero_means_no_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(guard.TIMEOUT_ENV, "0")
    assert guard.run(_spin, 0.2, owner="plugin 'x'", what="a call") == "done"


def test_a_plugin_catching_exceptions_is_still_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(guard.TIMEOUT_ENV, "0.1")
    with pytest.raises(guard.PluginFault, match="plugin 'x' failed in a call: did not return"):
        guard.run(_spin, 30, owner="plugin 'x'", what="a call")


def test_nested_calls_and_a_timer_set_by_someone_else(monkeypatch: pytest.MonkeyPatch) -> None:
    fired: list[int] = []
    old = signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
    signal.setitimer(signal.ITIMER_REAL, 0.6)
    try:
        monkeypatch.setenv(guard.TIMEOUT_ENV, "0.2")

        def outer() -> str:
            return guard.run(_spin, 30, owner="plugin 'inner'", what="conditions")

        # one limit for the outermost call into plugin code, including the plugin code it calls
        with pytest.raises(guard.PluginFault, match="plugin 'outer' failed in render: did not"):
            guard.run(outer, owner="plugin 'outer'", what="render")
        assert not fired and signal.getsignal(signal.SIGALRM) is not guard._on_alarm
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.6  # still armed
        time.sleep(0.6)
        assert fired == [signal.SIGALRM]  # the other timer fired, once, after the guard
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_plugin_output_on_threads_leaves_stdout_in_place(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Guarded calls on several threads at once: each one's output goes to stderr, the others'
    to stdout, and ``sys.stdout`` is what it was after."""
    original = sys.stdout
    barrier = threading.Barrier(4)

    def noisy(i: int) -> None:
        barrier.wait()
        for _ in range(50):
            print(f"plugin {i}")

    def thread(i: int) -> None:
        guard.run(noisy, i, owner=f"plugin '{i}'", what="a call")

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    barrier.wait()
    for _ in range(50):
        print("core")
    for t in threads:
        t.join()
    assert sys.stdout is original
    out, err = capsys.readouterr()
    assert set(out.split()) == {"core"} and "plugin 0" in err and "plugin 2" in err


def test_a_plugin_replacing_stdout_does_not_keep_it() -> None:
    original = sys.stdout

    def hijack() -> None:
        sys.stdout = io.StringIO()

    guard.run(hijack, owner="plugin 'x'", what="import")
    assert sys.stdout is original
