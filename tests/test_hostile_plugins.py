"""Fuzzing the plugin host with hostile plugins (hypothesis): fault kinds x hooks x time of failure.

Each example installs a fresh plugin distribution with one or two faults (raise, ``sys.exit``,
print, hang, wrong return type) at import, in a hook, or at call time, and runs one command. The
command either succeeds (when it does not need what the faults break) or fails with a message
naming the plugin's distribution; never a traceback, never a silent success, and standard output
stays parseable and free of the plugin's output.

``LINKAGE_FUZZ_EXAMPLES`` sets the number of examples (small by default; raise it for a longer
run); in CI the examples are derandomized by the conftest profile.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from pathlib import Path

from hostile import CALL_POINTS, KINDS, LOAD_POINTS, POINTS, faulty_source, install, on_path, run
from hypothesis import given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("LINKAGE_FUZZ_EXAMPLES", "12"))
_NAMES = itertools.count()

# A command (with {n} for the plugin's name), whether its standard output is JSON, and the call
# points whose fault makes it fail (any fault at load time does, if it needs the plugin at all).
COMMANDS: list[tuple[tuple[str, ...], bool, frozenset[str] | None]] = [
    (("analyze", "example", "-f", "json"), True, None),
    (("analyze", "{n}_model", "-f", "json"), True, frozenset({"model.build"})),
    (
        ("analyze", "{n}_strat", "-f", "json"),
        True,
        frozenset({"strategy.build", "strategy.conditions"}),
    ),
    (("analyze", "example", "-f", "{n}"), True, frozenset({"format.render"})),
    (("analyze", "{n}_anal", "-f", "json"), True, frozenset({"analysis.read", "analysis.solve"})),
    (
        ("compare", "example", "{n}_model", "{n}_strat", "{n}_anal", "-f", "json"),
        True,
        frozenset({"model.build", "strategy.build", "strategy.conditions", "analysis.read"}),
    ),
    (
        ("check", "example", "{n}_model", "{n}_strat", "{n}_anal"),
        False,
        frozenset({"model.build", "strategy.build", "analysis.read"}),
    ),
    (("show", "{n}.pd", "--json"), True, frozenset({"model.build"})),
    (("plugins", "--json"), True, None),
    (("models", "--json"), True, None),
]

faults = st.lists(
    st.tuples(st.sampled_from(KINDS), st.sampled_from(POINTS)),
    min_size=1,
    max_size=2,
    unique_by=lambda f: f[1],
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(faults=faults, command=st.sampled_from(COMMANDS))
def test_hostile_plugin(
    faults: list[tuple[str, str]],
    command: tuple[tuple[str, ...], bool, frozenset[str] | None],
) -> None:
    argv, json_out, needs = command
    name = f"fz{next(_NAMES)}"
    source = faulty_source(name, faults)
    with tempfile.TemporaryDirectory() as tmp, on_path(Path(tmp)):
        install(Path(tmp), name, source)
        result = run([a.format(n=name) for a in argv], LINKAGE_LOAD_PLUGINS=name)
    broken = {point for kind, point in faults if kind != "print"}
    fails = needs is not None and bool(broken & (set(LOAD_POINTS) | needs))
    assert "Traceback" not in result.err, result.err
    assert "noise from a plugin" not in result.out
    if json_out and result.out:
        json.loads(result.out)
    if fails:
        assert result.status != 0, f"silent success: {result}"
        assert f"linkage-{name} 1.0" in result.err, result.err
    else:
        assert result.status == 0, result.err


def test_the_fuzz_covers_every_hook_and_call() -> None:
    assert set(POINTS) == set(LOAD_POINTS) | set(CALL_POINTS)
    covered = set().union(*(needs for _, _, needs in COMMANDS if needs))
    assert covered == set(CALL_POINTS)
