"""Fuzzing the limits with hostile sizes (part of the fuzz suite; hypothesis).

Every case file over a limit is refused before any work, with one error per limit exceeded naming
its key path, the value found, the limit and how to raise it; never a traceback, a hang or a
partial result. ``LINKAGE_FUZZ_EXAMPLES`` sets the number of examples (small by default; longer
runs on demand).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import limits
from linkage.cases import load_case_text
from linkage.errors import CaseError, CaseErrors, LinkageError, TooLargeError
from linkage.model import TPeriodReversion

EXAMPLES = int(os.environ.get("LINKAGE_FUZZ_EXAMPLES", "25"))

PATHS = {
    "players": "case.players",
    "domains": "domains",
    "hypotheses": "hypotheses",
    "events": "timeline",
    "periods": "strategy.periods",
}


def hostile_case(sizes: dict[str, int]) -> str:
    """A case with the given sizes; every list is as long as asked, the rest minimal."""
    players = [f"P{i}" for i in range(sizes.get("players", 2))]
    out = ["[case]", 'id = "hostile"', f"players = {players}".replace("'", '"'), "discount = 0.5"]
    out += ["[strategy]", 'kind = "t_period"', f"periods = {sizes.get('periods', 2)}"]
    for k in range(sizes.get("domains", 1)):
        out += ["[[domains]]", f'id = "d{k}"']
        out += [f"payoffs.{p} = {{ C = 2, D = 3, N = 1 }}" for p in players[:2]]
    out += ['[[hypotheses]]\nid = "h"\nmode = "full"'] * sizes.get("hypotheses", 0)
    out += ['[[timeline]]\ndate = 2001-01-01\ntitle = "e"'] * sizes.get("events", 0)
    return "\n".join(out) + "\n"


def over(name: str) -> st.SearchStrategy[int]:
    limit = getattr(limits.current(), name)
    bound = 10**15 if name == "periods" else 3 * limit  # lists cost memory to write, numbers not
    return st.integers(limit + 1, bound)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.sets(st.sampled_from(sorted(PATHS)), min_size=1).flatmap(
        lambda names: st.fixed_dictionaries({n: over(n) for n in sorted(names)})
    )
)
def test_every_size_over_its_limit_is_refused_before_work(sizes: dict[str, int]) -> None:
    with pytest.raises((CaseError, CaseErrors)) as info:
        load_case_text(hostile_case(sizes), file="hostile.toml")
    errors = info.value.errors if isinstance(info.value, CaseErrors) else [info.value]
    limited = [e for e in errors if "above the limit of" in str(e)]
    assert sorted(e.location.key_path for e in limited) == sorted(PATHS[n] for n in sizes)
    for e in limited:
        name = next(n for n, path in PATHS.items() if path == e.location.key_path)
        assert f"{sizes[name]} {limits.WHAT[name]}, above the limit of" in str(e)
        assert f"--limit {name}=N" in str(e)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(101, 10**18))
def test_no_punishment_too_long_for_memory_is_built(periods: int) -> None:
    with pytest.raises(TooLargeError, match=f"{periods} periods"):
        TPeriodReversion(periods)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=30))
def test_hostile_limit_options_are_refused_with_a_message(text: str) -> None:
    try:
        name, value = limits.parse(text)
    except LinkageError as exc:
        assert "--limit" in str(exc)
    else:
        assert name in limits.NAMES and value >= 1
