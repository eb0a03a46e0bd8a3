"""Fuzzing the case-file loader with hostile and malformed input (hypothesis).

Every input gives either a valid case or a typed error (:class:`CaseError` / :class:`CaseErrors`)
that names the file and a line or key path; nothing else escapes, and nothing is executed.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.cases import load_case_text
from linkage.cases.case import Case
from linkage.errors import CaseError, CaseErrors

SENTINEL = Path("/tmp/linkage-fuzz-pwned")

BASE = """\
[case]
id = "fuzz"
players = ["A", "B"]
discount = 0.5

[parameters.x]
value = 2
low = 1
high = 3

[[domains]]
id = "d1"
payoffs.A = { C = 3, D = 4, N = 1 }
payoffs.B = { C = "x + 1", D = 4, N = 1 }

[[domains]]
id = "d2"
payoffs.A = { C = 3, D = 6, N = "1/2" }
payoffs.B = { C = 3, D = 6, N = 1 }

[linkage]
mode = "rules"
rules = [ { deviator = "A", domain = "d2", punished = ["d1"] } ]

[[timeline]]
date = 2001-01-01
title = "start"
set = { x = 2.5 }
observed = { d1 = "cooperating" }
"""

HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "eval('1+1')",
    "exec('x=1')",
    "lambda: 1",
    "[i for i in range(9)]",
    "x.real",
    "x[0]",
    "9**9**9**9",
    "10**100000",
    "1/0",
    "0**-1",
    "(" * 500 + "1" + ")" * 500,
    "1" * 5000,
    "'text'",
    "b'x'",
    "1 if x else 2",
    "x < 1",
    "x and 1",
    "not x",
    "*x",
    "{1: 2}",
    "{1, 2}",
    "f'{x}'",
    "x := 1",
    "await x",
    "yield x",
    "\x00",
    "\u202e1+1",
    "sqrt(-1)",
    "log(0)",
    "nan",
    "inf",
    "max()",
    "sqrt(1, 2)",
    "abs(x=1)",
    "globals()",
    "__builtins__",
    "_x",
    "x.__class__",
    "getattr(x, 'real')",
    "sympify('1')",
    "S('1')",
    "Symbol('y')",
    "exp(1000)",
    "1e400",
    "-",
    "",
]

JUNK_VALUES = [
    "true",
    "false",
    "[]",
    "{}",
    "[1, 2]",
    "{ a = 1 }",
    '"x"',
    "1979-05-27",
    "nan",
    "inf",
    "-1",
    "1e308",
    '"1/0"',
    "0",
    "2",
    "0.999999",
    "[[1]]",
    '"d3"',
    '["A"]',
]


def assert_typed(text: str) -> Case | None:
    try:
        return load_case_text(text, file="fuzz.toml")
    except CaseErrors as exc:
        assert exc.errors
        for e in exc.errors:
            assert e.location.file == "fuzz.toml"
            assert e.location.line is not None or e.location.key_path
        return None
    except CaseError as exc:
        assert exc.location.file == "fuzz.toml"
        assert exc.location.line is not None or exc.location.key_path
        return None


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=400))
def test_random_text_never_crashes(text: str) -> None:
    assert_typed(text)


@settings(max_examples=800, deadline=None)
@given(
    st.sampled_from(HOSTILE)
    | st.text(alphabet="x()_.*/+-[]'\"0123456789eE:,; lambdaimport", max_size=80),
    st.sampled_from(["C", "D", "N"]),
    st.sampled_from(["A", "B"]),
)
def test_hostile_expressions_in_payoffs_are_rejected_with_their_key_path(
    expr: str, key: str, player: str
) -> None:
    line = f"payoffs.{player} = {{ C = 3, D = 4, N = 1 }}"
    replaced = line.replace(f"{key} = {dict(C=3, D=4, N=1)[key]}", f"{key} = {json.dumps(expr)}")
    text = BASE.replace(line, replaced, 1)
    case = assert_typed(text)
    if case is None:
        try:
            load_case_text(text, file="fuzz.toml")
        except (CaseError, CaseErrors) as exc:
            assert "domains[0].payoffs" in str(exc) or "not valid TOML" in str(exc)
    assert not SENTINEL.exists()


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = BASE.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "value", "key", "swap"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = (
                f"{key}= {draw(st.sampled_from(JUNK_VALUES + [json.dumps(h) for h in HOSTILE]))}"
            )
        elif action == "key" and "=" in lines[i]:
            value = lines[i].split("=", 1)[1]
            lines[i] = (
                f"{draw(st.sampled_from(['idd', 'player', 'discont', 'payofs.A', 'mode', 'low', 'kind', 'x']))} ={value}"
            )
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@settings(max_examples=1500, deadline=None)
@given(mutated())
def test_mutated_case_files_give_typed_located_errors(text: str) -> None:
    case = assert_typed(text)
    if case is not None:  # whatever survives mutation must still analyse
        case.analysis()
    assert not SENTINEL.exists()
